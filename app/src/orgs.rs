//! The government tree (national → ministry or province → regency/city → OPD) and the
//! categories reports are filed under.

use crate::i18n::Locale;
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

    /// Adds an organisation under `parent` and returns its id.
    pub async fn create_org(
        db: &Db,
        parent: Option<i64>,
        kind: OrgKind,
        code: &str,
        name: &str,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "insert into organizations (parent_id, kind, code, name) values ($1, $2, $3, $4) \
             returning id",
        )
        .bind(parent)
        .bind(kind.code())
        .bind(code)
        .bind(name)
        .fetch_one(&db.pool)
        .await
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
