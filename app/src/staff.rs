//! Officials: who they are, and which reports they may see.
//!
//! A staff account has a role (DOMAIN.md, "People and roles") and belongs to one organisation
//! in the tree. Its *scope* is that organisation and everything below it. Scope is a SQL
//! condition added to every staff query ([`scope`]), so a report outside it is not found rather
//! than found and then hidden: an OPD cannot act on another OPD's report because, for it, that
//! report does not exist.

use crate::lifecycle::Role;
use serde::{Deserialize, Serialize};

/// The path of a report's staff page (drafts are kept per page; notifications link to it).
pub fn case_path(tracking_id: &str) -> String {
    format!("/petugas/laporan/{tracking_id}")
}

/// A signed-in official.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub account_id: i64,
    pub name: String,
    pub role: Role,
    /// `None` only for a system admin of a deployment that has no organisations yet.
    pub org_id: Option<i64>,
    pub org_name: String,
    /// Whether the organisation is the root of the tree (national): its scope includes the
    /// reports that name no agency.
    pub org_is_root: bool,
}

impl Staff {
    /// Whether this official works on reports at all (the system admin does not).
    pub fn works_reports(&self) -> bool {
        !matches!(self.role, Role::SystemAdmin | Role::Citizen)
    }

    /// Whether this official writes in threads (internal notes; the OPD also to the citizen).
    pub fn writes(&self) -> bool {
        self.works_reports() && self.role != Role::Overseer
    }

    /// The page an official starts from.
    pub fn home(&self) -> &'static str {
        match self.role {
            Role::SystemAdmin => "/petugas/admin",
            Role::Overseer => "/petugas/pantau",
            _ => "/petugas",
        }
    }
}

/// The roles a system admin may give a staff account.
pub const STAFF_ROLES: [Role; 5] = [
    Role::NationalAdmin,
    Role::Coordinator,
    Role::OpdAdmin,
    Role::Overseer,
    Role::SystemAdmin,
];

/// The SQL that limits a query over `reports r` to a staff member's scope.
#[derive(Debug, Clone)]
pub struct Scope {
    /// A `with recursive in_scope(id) …` clause to put before `select`.
    pub with: String,
    /// A condition on `r` for the `where` clause.
    pub condition: String,
    /// The organisation to bind as parameter number `param` (given to [`scope`]).
    pub org_id: i64,
}

/// The scope of `staff`, whose organisation is bound as parameter `$param`. `None` for an
/// account that sees no reports (system admin, or a staff account without organisation).
///
/// A report is in scope when the government answering for it or the OPD it was forwarded to
/// lies in the official's subtree; the national organisation also sees reports that name no
/// agency.
pub fn scope(staff: &Staff, param: usize) -> Option<Scope> {
    if !staff.works_reports() {
        return None;
    }
    let org_id = staff.org_id?;
    let unrouted = if staff.org_is_root {
        " or r.owner_org_id is null"
    } else {
        ""
    };
    Some(Scope {
        with: crate::orgs::subtree_cte("in_scope", param),
        condition: format!(
            "(r.owner_org_id in (select id from in_scope) or r.opd_id in (select id from in_scope){unrouted})"
        ),
        org_id,
    })
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use sqlx::Row;

    /// Whether report `report_id` lies in `staff`'s scope ([`scope`]).
    pub async fn sees_report(db: &Db, staff: &Staff, report_id: i64) -> Result<bool, sqlx::Error> {
        let Some(scope) = scope(staff, 2) else {
            return Ok(false);
        };
        let sql = format!(
            "{} select count(*) from reports r where r.id = $1 and {}",
            scope.with, scope.condition
        );
        let n: i64 = sqlx::query_scalar(&sql)
            .bind(report_id)
            .bind(scope.org_id)
            .fetch_one(&db.pool)
            .await?;
        Ok(n > 0)
    }

    /// The `columns` (of `reports r`) of the report with this tracking ID if it lies in
    /// `staff`'s scope; `None` when it is outside, or does not exist: for the official the
    /// two are the same.
    pub async fn report_in_scope(
        db: &Db,
        staff: &Staff,
        tracking_id: &str,
        columns: &str,
    ) -> Result<Option<sqlx::any::AnyRow>, sqlx::Error> {
        let Some(scope) = scope(staff, 2) else {
            return Ok(None);
        };
        let sql = format!(
            "{} select {columns} from reports r where r.tracking_id = $1 and {}",
            scope.with, scope.condition
        );
        sqlx::query(&sql)
            .bind(crate::secrets::normalize_code(tracking_id))
            .bind(scope.org_id)
            .fetch_optional(&db.pool)
            .await
    }

    /// The official behind an account, or `None` for a citizen or a disabled account.
    pub async fn load(db: &Db, account_id: i64) -> Result<Option<Staff>, sqlx::Error> {
        let row = sqlx::query(
            "select a.name, a.role, a.org_id, coalesce(o.name, '') as org_name, o.parent_id \
             from accounts a left join organizations o on o.id = a.org_id \
             where a.id = $1 and a.active = $2 and a.role <> 'pelapor'",
        )
        .bind(account_id)
        .bind(1_i64)
        .fetch_optional(&db.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        let Some(role) = Role::from_code(&role) else {
            return Ok(None);
        };
        let org_id: Option<i64> = row.try_get("org_id")?;
        let parent: Option<i64> = row.try_get("parent_id")?;
        Ok(Some(Staff {
            account_id,
            name: row.try_get("name")?,
            role,
            org_id,
            org_name: row.try_get("org_name")?,
            org_is_root: org_id.is_some() && parent.is_none(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, root: bool) -> Staff {
        Staff {
            account_id: 1,
            name: "A".into(),
            role,
            org_id: Some(7),
            org_name: "X".into(),
            org_is_root: root,
        }
    }

    #[test]
    fn only_the_root_sees_reports_that_name_no_agency() {
        let national = scope(&staff(Role::NationalAdmin, true), 2).expect("scope");
        assert!(national.condition.contains("owner_org_id is null"));
        assert!(national.with.contains("$2"));
        let city = scope(&staff(Role::Coordinator, false), 2).expect("scope");
        assert!(!city.condition.contains("is null"));
        assert!(scope(&staff(Role::SystemAdmin, true), 2).is_none());
    }

    #[test]
    fn overseers_read_and_do_not_write() {
        assert!(staff(Role::Overseer, false).works_reports());
        assert!(!staff(Role::Overseer, false).writes());
        assert!(staff(Role::OpdAdmin, false).writes());
        assert!(!staff(Role::SystemAdmin, false).writes());
    }
}
