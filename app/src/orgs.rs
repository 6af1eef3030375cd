//! The government tree (national → ministry or province → regency/city → OPD) and the
//! categories reports are filed under.

use crate::i18n::{Locale, TimeZone};
use serde::{Deserialize, Serialize};

/// A level in the government tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgKind {
    National,
    Ministry,
    Province,
    Regency,
    City,
    Opd,
}

impl OrgKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::National => "national",
            OrgKind::Ministry => "ministry",
            OrgKind::Province => "province",
            OrgKind::Regency => "regency",
            OrgKind::City => "city",
            OrgKind::Opd => "opd",
        }
    }

    pub const ALL: [OrgKind; 6] = [
        OrgKind::National,
        OrgKind::Ministry,
        OrgKind::Province,
        OrgKind::Regency,
        OrgKind::City,
        OrgKind::Opd,
    ];

    pub fn from_code(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// An agency a citizen may address a report to, with the government it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    /// The government above an OPD (e.g. `Kota Banjarmasin`); empty for a government itself.
    pub parent_name: String,
}

impl Agency {
    /// The name to show in a list: `Dinas PUPR — Kota Banjarmasin`.
    pub fn label(&self) -> String {
        if self.parent_name.is_empty() {
            self.name.clone()
        } else {
            format!("{} — {}", self.name, self.parent_name)
        }
    }
}

/// A category of report, named in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub code: String,
    pub name_id: String,
    pub name_en: String,
}

impl Category {
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Id => &self.name_id,
            Locale::En => &self.name_en,
        }
    }
}

/// What a citizen can choose from: categories and agencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub categories: Vec<Category>,
    pub agencies: Vec<Agency>,
}

/// The categories and agencies, for the filters of the public listing.
#[leptos::server(prefix = "/api", endpoint = "get_catalogue")]
pub async fn get_catalogue() -> Result<Catalogue, crate::error::AppError> {
    let db = leptos::prelude::expect_context::<crate::db::Db>();
    Ok(Catalogue {
        categories: categories(&db).await?,
        agencies: agencies(&db).await?,
    })
}

/// A `with recursive` clause naming `name(id)`: the organisation bound to parameter `$param`
/// and every organisation below it, on both engines.
pub fn subtree_cte(name: &str, param: usize) -> String {
    format!(
        "with recursive {name}(id) as (select id from organizations where id = ${param} \
         union all select o.id from organizations o join {name} s on o.parent_id = s.id)"
    )
}

/// Joins `zo`, the organisation whose time zone a report (`r`) is counted and shown in: the
/// OPD handling it, else the government holding it, else the one it was addressed to. Its
/// `zo.zone` is null for the deployment's zone.
pub const REPORT_ZONE_JOIN: &str =
    " left join organizations zo on zo.id = coalesce(r.opd_id, r.owner_org_id, r.target_org_id)";

/// An organisation as the time-zone walk sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// The zone the system admin gave it.
    pub own: Option<TimeZone>,
    /// The zone stored as in force.
    pub in_force: Option<TimeZone>,
}

/// The organisations whose zone in force must change, with the new one: each takes its own
/// zone or else the nearest one above it (`None`: the deployment's).
pub fn zones_in_force(tree: &[ZoneNode]) -> Vec<(i64, Option<TimeZone>)> {
    let by_id: std::collections::HashMap<i64, &ZoneNode> = tree.iter().map(|n| (n.id, n)).collect();
    let resolve = |node: &ZoneNode| {
        let mut at = Some(node);
        // The tree has no cycles (a parent is chosen among existing organisations), but a
        // walk longer than the tree would be one: stop there.
        for _ in 0..=tree.len() {
            let n = at?;
            if n.own.is_some() {
                return n.own;
            }
            at = n.parent_id.and_then(|p| by_id.get(&p).copied());
        }
        None
    };
    tree.iter()
        .filter_map(|n| {
            let zone = resolve(n);
            (zone != n.in_force).then_some((n.id, zone))
        })
        .collect()
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use sqlx::Row;

    /// Every agency a report can be addressed to: governments below national level and their
    /// OPDs, grouped by government.
    pub async fn agencies(db: &Db) -> Result<Vec<Agency>, sqlx::Error> {
        agencies_where(db, "o.kind <> 'national'", None).await
    }

    /// The organisations matching `condition` (on `o`; `$1` is `param` when given), each with
    /// the name of the one above it, grouped by that one.
    pub async fn agencies_where(
        db: &Db,
        condition: &str,
        param: Option<i64>,
    ) -> Result<Vec<Agency>, sqlx::Error> {
        let sql = format!(
            "select o.id, o.name, coalesce(p.name, '') as parent_name \
             from organizations o left join organizations p on p.id = o.parent_id \
             where {condition} order by coalesce(p.name, o.name), o.kind = 'opd', o.name"
        );
        let mut query = sqlx::query(&sql);
        if let Some(param) = param {
            query = query.bind(param);
        }
        query
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(Agency {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    parent_name: r.try_get("parent_name")?,
                })
            })
            .collect()
    }

    pub async fn categories(db: &Db) -> Result<Vec<Category>, sqlx::Error> {
        let rows = sqlx::query("select id, code, name_id, name_en from categories order by id")
            .fetch_all(&db.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Category {
                    id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    name_id: r.try_get("name_id")?,
                    name_en: r.try_get("name_en")?,
                })
            })
            .collect()
    }

    /// Adds an organisation under `parent` and returns its id. Its time zone is the one in
    /// force above it until [`set_time_zone`] gives it its own.
    pub async fn create_org(
        db: &Db,
        parent: Option<i64>,
        kind: OrgKind,
        code: &str,
        name: &str,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "insert into organizations (parent_id, kind, code, name, zone) values ($1, $2, $3, \
             $4, (select zone from organizations where id = $1)) returning id",
        )
        .bind(parent)
        .bind(kind.code())
        .bind(code)
        .bind(name)
        .fetch_one(&db.pool)
        .await
    }

    /// Gives an organisation its own time zone (`None`: the same as the government above),
    /// then brings the zone in force of it and everything below it in step, in one
    /// transaction. Returns whether the organisation exists.
    pub async fn set_time_zone(
        db: &Db,
        org_id: i64,
        zone: Option<TimeZone>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = db.pool.begin().await?;
        let found = sqlx::query("update organizations set time_zone = $1 where id = $2")
            .bind(zone.map(TimeZone::label))
            .bind(org_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if found == 0 {
            return Ok(false);
        }
        let rows = sqlx::query("select id, parent_id, time_zone, zone from organizations")
            .fetch_all(&mut *tx)
            .await?;
        let mut tree = Vec::with_capacity(rows.len());
        for r in &rows {
            let own: Option<String> = r.try_get("time_zone")?;
            let now: Option<String> = r.try_get("zone")?;
            tree.push(ZoneNode {
                id: r.try_get("id")?,
                parent_id: r.try_get("parent_id")?,
                own: own.as_deref().and_then(TimeZone::from_label),
                in_force: now.as_deref().and_then(TimeZone::from_label),
            });
        }
        for (id, zone) in zones_in_force(&tree) {
            sqlx::query("update organizations set zone = $1 where id = $2")
                .bind(zone.map(TimeZone::label))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The zone in force of a report's organisation as read from the database (`None`:
    /// the deployment's).
    pub fn zone_or(label: Option<&str>, deployment: TimeZone) -> TimeZone {
        label.and_then(TimeZone::from_label).unwrap_or(deployment)
    }

    /// Adds a category and returns its id.
    pub async fn create_category(
        db: &Db,
        code: &str,
        name_id: &str,
        name_en: &str,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "insert into categories (code, name_id, name_en) values ($1, $2, $3) returning id",
        )
        .bind(code)
        .bind(name_id)
        .bind(name_en)
        .fetch_one(&db.pool)
        .await
    }

    /// Whether an organisation with this id exists (and may be addressed).
    /// The organisation with this code (as the system admin gave it).
    pub async fn org_id_by_code(db: &Db, code: &str) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("select id from organizations where code = $1")
            .bind(code)
            .fetch_optional(&db.pool)
            .await
    }

    pub async fn agency_exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(
            "select count(*) from organizations where id = $1 and kind <> 'national'",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
        Ok(n > 0)
    }

    pub async fn category_exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar("select count(*) from categories where id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent_id: Option<i64>, own: Option<TimeZone>) -> ZoneNode {
        ZoneNode {
            id,
            parent_id,
            own,
            in_force: None,
        }
    }

    #[test]
    fn an_organisation_takes_its_own_zone_or_the_nearest_above() {
        use TimeZone::*;
        let mut tree = vec![
            node(1, None, None),          // national: the deployment's
            node(2, Some(1), Some(Wita)), // Kalimantan Selatan
            node(3, Some(2), None),       // Kota Banjarmasin
            node(4, Some(3), None),       // an OPD of it
            node(5, Some(1), Some(Wit)),  // Papua
            node(6, Some(5), Some(Wib)),  // a regency set apart (for the test)
            node(7, Some(6), None),
        ];
        let changes = zones_in_force(&tree);
        assert_eq!(
            changes,
            vec![
                (2, Some(Wita)),
                (3, Some(Wita)),
                (4, Some(Wita)),
                (5, Some(Wit)),
                (6, Some(Wib)),
                (7, Some(Wib))
            ]
        );
        for (id, zone) in changes {
            tree.iter_mut()
                .filter(|n| n.id == id)
                .for_each(|n| n.in_force = zone);
        }
        assert!(zones_in_force(&tree).is_empty(), "nothing left to change");
        // Taking Kalimantan Selatan's own zone away hands it and its tree the deployment's.
        tree[1].own = None;
        assert_eq!(zones_in_force(&tree), vec![(2, None), (3, None), (4, None)]);
    }
}
