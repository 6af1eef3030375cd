//! The figures server functions: public, read-only, thin.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

/// The organisation a filter names, by its Kemendagri area code (`wilayah=63.71`) or its id
/// (`instansi=42`): `None` for the whole country.
#[cfg(feature = "ssr")]
pub async fn filter_org(
    db: &crate::db::Db,
    filter: &FigureFilter,
) -> Result<Option<i64>, AppError> {
    if !filter.wilayah.trim().is_empty() {
        return crate::wilayah::org_by_area_code(db, &filter.wilayah)
            .await?
            .map(Some)
            .ok_or_else(|| AppError::invalid("wilayah", "err.agency"));
    }
    match filter.instansi.trim() {
        "" => Ok(None),
        id => id
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid("instansi", "err.agency")),
    }
}

/// The figures of a subtree and period (see [`store::figures`]).
#[server(prefix = "/api", endpoint = "figures")]
pub async fn get_figures(filter: FigureFilter) -> Result<Figures, AppError> {
    let db = expect_context::<crate::db::Db>();
    let now = crate::db::now();
    let (from, to) = period(&filter, month_of(&db, now));
    figures(&db, filter_org(&db, &filter).await?, from, to, now).await
}

/// The ranking of regions and OPDs for a period (see [`store::ranking`]).
#[server(prefix = "/api", endpoint = "ranking")]
pub async fn get_ranking(filter: FigureFilter) -> Result<Ranking, AppError> {
    let db = expect_context::<crate::db::Db>();
    let now = crate::db::now();
    let (from, to) = period(&filter, month_of(&db, now));
    ranking(&db, from, to, now).await
}
