//! The advice that needs the database: the categories' ids and the agencies of a region.

use super::*;
use crate::db::Db;
use crate::error::AppResult;
use crate::orgs::Category;

/// The category and the agency a report reads as (see [`Advice`]): the category from its
/// words; when an OPD was chosen, the OPD of the same government that answers for that
/// category (or the one chosen), when it is not the one chosen.
pub async fn advice(
    db: &Db,
    title: &str,
    body: &str,
    category_id: Option<i64>,
    target_org_id: Option<i64>,
) -> AppResult<Advice> {
    let categories: Vec<Category> = crate::orgs::categories(db).await?;
    let chosen = category_id.and_then(|id| categories.iter().find(|c| c.id == id));
    let mut out = Advice::default();
    let read = suggest_category(title, body);
    if let Some((code, words)) = &read
        && chosen.is_none_or(|c| c.code != *code)
        && let Some(c) = categories.iter().find(|c| c.code == *code)
    {
        out.category = Some((c.id, words.clone()));
    }
    // The agency: for the category it reads as, else the one chosen.
    let category = read
        .and_then(|(code, _)| categories.iter().find(|c| c.code == code))
        .or(chosen);
    let (Some(category), Some(target)) = (category, target_org_id) else {
        return Ok(out);
    };
    // Only an OPD can be the wrong one: a government chosen leaves it to its coordinator.
    let government: Option<i64> =
        sqlx::query_scalar("select parent_id from organizations where id = $1 and kind = 'opd'")
            .bind(target)
            .fetch_optional(&db.pool)
            .await?
            .flatten();
    let Some(government) = government else {
        return Ok(out);
    };
    let agencies: Vec<(i64, String)> =
        crate::orgs::agencies_where(db, "o.parent_id = $1 and o.kind = 'opd'", Some(government))
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
    if let Some(id) = agency_for(&category.code, &agencies)
        && id != target
    {
        let name = agencies
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        out.agency = Some((id, name, category.clone()));
    }
    Ok(out)
}
