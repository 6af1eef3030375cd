//! The areas in the database: the government tree's provinces, regencies and cities with
//! their codes, and the place of a report.

use super::*;
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldError};
use crate::orgs::OrgKind;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// An organisation of the tree as the loader sees it.
#[derive(Debug, Clone)]
struct Org {
    id: i64,
    parent_id: Option<i64>,
    kind: Option<OrgKind>,
    name: String,
    area_code: Option<String>,
}

/// The organisation among `orgs` that is `area` (named `name`, of one of `kinds`, under
/// `parent` when known): the one already carrying its code, else the one of that name.
fn matching<'a>(
    orgs: &'a [Org],
    area: &str,
    name: &str,
    kinds: &[OrgKind],
    parent: Option<i64>,
) -> Option<&'a Org> {
    let key = normalise(name);
    orgs.iter()
        .find(|o| o.area_code.as_deref() == Some(area))
        .or_else(|| {
            orgs.iter().find(|o| {
                o.area_code.is_none()
                    && o.kind.is_some_and(|k| kinds.contains(&k))
                    && parent.is_none_or(|p| o.parent_id == Some(p))
                    && bare(&normalise(&o.name)) == bare(&key)
                    && same_kind_word(&normalise(&o.name), &key)
            })
        })
}

/// `Kota Banjar` is not `Kabupaten Banjar`: when both names say which they are, they agree.
fn same_kind_word(a: &str, b: &str) -> bool {
    let word = |n: &str| {
        ["kabupaten ", "kota "]
            .into_iter()
            .find(|w| n.starts_with(w))
    };
    match (word(a), word(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// A code not yet taken: `slug`, else `slug-<area digits>`.
fn free_code(taken: &mut HashSet<String>, slug: &str, area: &str) -> String {
    let mut code = slug.to_owned();
    if code.len() < 2 || taken.contains(&code) {
        let digits: String = area.chars().filter(char::is_ascii_digit).collect();
        let stem: String = slug.chars().take(40 - digits.len() - 1).collect();
        code = format!("{}-{digits}", stem.trim_end_matches('-'));
    }
    taken.insert(code.clone());
    code
}

/// Loads every province, regency and city of the shipped data into the government tree: an
/// organisation that is already there (with the code, or with the name under the right
/// parent) is given its code and kept as it is; only with `create` is what is missing made,
/// a province with its own time zone, a regency or city under its province. One transaction:
/// all or nothing. Returns what it did.
pub async fn load_country(db: &Db, create: bool) -> AppResult<LoadSummary> {
    let country = country();
    let mut tx = db.pool.begin().await?;
    let mut orgs: Vec<Org> =
        sqlx::query("select id, parent_id, kind, name, area_code from organizations order by id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| -> Result<Org, sqlx::Error> {
                let kind: String = r.try_get("kind")?;
                Ok(Org {
                    id: r.try_get("id")?,
                    parent_id: r.try_get("parent_id")?,
                    kind: OrgKind::from_code(&kind),
                    name: r.try_get("name")?,
                    area_code: r.try_get("area_code")?,
                })
            })
            .collect::<Result<_, _>>()?;
    let mut taken: HashSet<String> =
        sqlx::query_scalar::<_, String>("select code from organizations")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let mut national = orgs
        .iter()
        .find(|o| o.kind == Some(OrgKind::National))
        .map(|o| o.id);
    if national.is_none() && create {
        let code = free_code(&mut taken, "nasional", "");
        national = Some(insert(&mut tx, None, OrgKind::National, &code, "Nasional", None).await?);
    }
    let mut summary = LoadSummary::default();
    let mut province_ids: HashMap<&str, i64> = HashMap::new();
    for p in &country.provinces {
        let found = matching(&orgs, p.code, &p.name, &[OrgKind::Province], None).map(|o| o.id);
        let id = match found {
            Some(id) => {
                summary.provinces_matched += 1;
                give_code(&mut tx, &mut orgs, id, p.code).await?;
                Some(id)
            }
            None if create => {
                summary.provinces_created += 1;
                let name = format!("Provinsi {}", p.name);
                let code = free_code(&mut taken, &slug(&p.name), p.code);
                let zone = zone_of_province(p.code);
                let id = insert(
                    &mut tx,
                    national,
                    OrgKind::Province,
                    &code,
                    &name,
                    Some(zone),
                )
                .await?;
                set_code(&mut tx, id, p.code).await?;
                Some(id)
            }
            None => None,
        };
        if let Some(id) = id {
            province_ids.insert(p.code, id);
        }
    }
    for r in &country.regencies {
        let province = parent(r.code).and_then(|p| province_ids.get(p)).copied();
        let kinds = [OrgKind::Regency, OrgKind::City];
        let found = matching(&orgs, r.code, &r.name, &kinds, province).map(|o| o.id);
        match (found, province) {
            (Some(id), _) => {
                summary.regions_matched += 1;
                give_code(&mut tx, &mut orgs, id, r.code).await?;
            }
            (None, Some(province)) if create => {
                summary.regions_created += 1;
                let kind = if is_city(r.code) {
                    OrgKind::City
                } else {
                    OrgKind::Regency
                };
                let code = free_code(&mut taken, &slug(&r.name), r.code);
                let id = insert(&mut tx, Some(province), kind, &code, &r.name, None).await?;
                set_code(&mut tx, id, r.code).await?;
            }
            _ => {}
        }
    }
    tx.commit().await?;
    Ok(summary)
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Adds an organisation; its zone in force is its own or its parent's.
async fn insert(
    tx: &mut Tx<'_>,
    parent: Option<i64>,
    kind: OrgKind,
    code: &str,
    name: &str,
    zone: Option<TimeZone>,
) -> Result<i64, sqlx::Error> {
    let own = zone.map(TimeZone::label);
    sqlx::query_scalar(
        "insert into organizations (parent_id, kind, code, name, time_zone, zone) values ($1, \
         $2, $3, $4, $5, coalesce($6, (select zone from organizations where id = $7))) \
         returning id",
    )
    .bind(parent)
    .bind(kind.code())
    .bind(code)
    .bind(name)
    .bind(own)
    .bind(own)
    .bind(parent)
    .fetch_one(&mut **tx)
    .await
}

async fn set_code(tx: &mut Tx<'_>, id: i64, area: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update organizations set area_code = $1 where id = $2")
        .bind(area)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Gives a matched organisation its code unless it has one, and remembers it.
async fn give_code(
    tx: &mut Tx<'_>,
    orgs: &mut [Org],
    id: i64,
    area: &str,
) -> Result<(), sqlx::Error> {
    if let Some(org) = orgs
        .iter_mut()
        .find(|o| o.id == id && o.area_code.is_none())
    {
        set_code(tx, id, area).await?;
        org.area_code = Some(area.to_owned());
    }
    Ok(())
}

/// How many provinces and how many regencies and cities carry a code.
pub async fn status(db: &Db) -> AppResult<CountryStatus> {
    let count = |kinds: &'static str| {
        let sql = format!(
            "select count(*) from organizations where area_code is not null and kind in ({kinds})"
        );
        async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(&db.pool).await }
    };
    Ok(CountryStatus {
        provinces: count("'province'").await?,
        regions: count("'regency', 'city'").await?,
    })
}

/// The organisation an area code names (`63.71`), if the tree has it.
pub async fn org_by_area_code(db: &Db, code: &str) -> AppResult<Option<i64>> {
    let code = code.trim();
    if level(code).is_none() {
        return Ok(None);
    }
    Ok(
        sqlx::query_scalar("select id from organizations where area_code = $1")
            .bind(code)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// The area code of an organisation's region: its own, else the nearest one above it (an
/// OPD has none of its own: its government's).
pub async fn region_of(db: &Db, org_id: i64) -> AppResult<Option<String>> {
    let codes: Vec<Option<String>> = sqlx::query_scalar(
        "with recursive up(id, parent_id, area_code, depth) as (\
           select id, parent_id, area_code, 0 from organizations where id = $1 \
           union all select o.id, o.parent_id, o.area_code, up.depth + 1 \
           from organizations o join up on o.id = up.parent_id where up.depth < 8) \
         select area_code from up order by depth",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(codes.into_iter().flatten().next())
}

/// The code of the place a report names (`None` when it names none), or the error the
/// form shows under the field: unknown (with the closest names) or ambiguous (with which).
pub async fn place_for(db: &Db, text: &str, target_org: Option<i64>) -> AppResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > PLACE_MAX {
        return Err(AppError::invalid("place", "err.place_long"));
    }
    let region = match target_org {
        Some(org) => region_of(db, org).await?,
        None => None,
    };
    let (key, names) = match country().resolve(text, region.as_deref()) {
        Resolution::Found(code) => return Ok(Some(code)),
        Resolution::Unknown(near) => ("err.place_unknown", near),
        Resolution::Ambiguous(which) => ("err.place_ambiguous", which),
    };
    Err(AppError::Invalid(vec![
        FieldError::new("place", key).with_detail(&names.join(" · ")),
    ]))
}
