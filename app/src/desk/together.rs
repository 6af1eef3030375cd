//! Working together in the database: mentions in internal notes and the filters officials
//! save. Plain functions the casework, the server functions and the tests call alike.

use super::*;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::staff::Staff;
use sqlx::{AnyConnection, Row};

/// The officials who may read report `report_id`'s internal notes and so be named in one:
/// the active desk officials of the organisation holding it, of the government answering for
/// it and of the OPD it went to.
async fn readers(db: &Db, report_id: i64) -> Result<Vec<Colleague>, sqlx::Error> {
    let Some(row) = sqlx::query("select opd_id, owner_org_id from reports where id = $1")
        .bind(report_id)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(Vec::new());
    };
    let (opd, owner): (Option<i64>, Option<i64>) =
        (row.try_get("opd_id")?, row.try_get("owner_org_id")?);
    let mut orgs: Vec<i64> = [opd, owner].into_iter().flatten().collect();
    if let Some(h) = super::holder(db, opd, owner).await? {
        orgs.push(h);
    }
    orgs.sort_unstable();
    orgs.dedup();
    let mut people = Vec::new();
    for org in orgs {
        people.extend(super::colleagues(db, org).await?);
    }
    Ok(people)
}

/// Records whom internal note `event_id` (by `writer`, in report `report_id`) names, inside
/// the change that stores the note: each of them finds it in their inbox until they open the
/// report, and those with an email address are told by mail. The writer naming themselves is
/// nobody. Returns whom it named.
pub async fn record_mentions(
    conn: &mut AnyConnection,
    db: &Db,
    report_id: i64,
    event_id: i64,
    writer: i64,
    body: &str,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    if !body.contains('@') {
        return Ok(Vec::new());
    }
    let people = readers(db, report_id).await?;
    let named: Vec<i64> = mentioned(body, &people)
        .into_iter()
        .filter(|id| *id != writer)
        .collect();
    for &account in &named {
        sqlx::query(
            "insert into mentions (event_id, account_id, report_id, by_account_id, created_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(event_id)
        .bind(account)
        .bind(report_id)
        .bind(writer)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "insert into outbox (channel, address, locale, kind, report_id, events, created_at, \
             due_at) select 'email', email, 'id', 'mention', $2, $3, $4, $4 from accounts \
             where id = $1 and active = 1 and email <> ''",
        )
        .bind(account)
        .bind(report_id)
        .bind(event_id.to_string())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(named)
}

/// The notes naming `staff` in reports of their scope that they have not opened since,
/// newest first (at most 50).
pub async fn my_mentions(db: &Db, staff: &Staff) -> AppResult<Vec<Mention>> {
    let Some(scope) = crate::staff::scope(staff, 2) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "{} select r.tracking_id, r.title, a.name as by_name, max(m.created_at) as at \
         from mentions m join reports r on r.id = m.report_id \
         left join accounts a on a.id = m.by_account_id \
         where m.account_id = $1 and m.seen_at is null and {} \
         group by r.tracking_id, r.title, a.name order by at desc limit 50",
        scope.with, scope.condition
    );
    sqlx::query(&sql)
        .bind(staff.account_id)
        .bind(scope.org_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Mention {
                tracking_id: r.try_get("tracking_id")?,
                title: r.try_get("title")?,
                by: r
                    .try_get::<Option<String>, _>("by_name")?
                    .unwrap_or_default(),
                at: r.try_get("at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// `account_id` opened report `report_id`: the notes naming them there are read.
pub async fn mentions_seen(
    db: &Db,
    account_id: i64,
    report_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update mentions set seen_at = $3 where account_id = $1 and report_id = $2 \
         and seen_at is null",
    )
    .bind(account_id)
    .bind(report_id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The official's saved inbox filters, by name.
pub async fn saved_filters(db: &Db, account_id: i64) -> Result<Vec<SavedFilter>, sqlx::Error> {
    sqlx::query("select id, name, query from saved_filters where account_id = $1 order by name")
        .bind(account_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(SavedFilter {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                query: r.try_get("query")?,
            })
        })
        .collect()
}

/// Saves the inbox filter described by `input` under its name (a filter of the same name is
/// replaced); returns its query string. Only an official who works an inbox keeps filters,
/// and only labels of their own organisation.
pub async fn save_filter(
    db: &Db,
    staff: &Staff,
    input: &FilterInput,
    now: i64,
) -> AppResult<String> {
    if !staff.works_reports() {
        return Err(AppError::Refused(crate::error::Refusal::NotYourRole));
    }
    let name = validate_filter_name(&input.nama).map_err(|e| AppError::Invalid(vec![e]))?;
    let view = View::from_code(&input.lihat);
    let label = match input.label.trim() {
        "" => None,
        l => {
            let id: i64 = l
                .parse()
                .map_err(|_| AppError::invalid("label", "err.invalid"))?;
            let ours: i64 =
                sqlx::query_scalar("select count(*) from labels where id = $1 and org_id = $2")
                    .bind(id)
                    .bind(staff.org_id.unwrap_or(0))
                    .fetch_one(&db.pool)
                    .await?;
            if ours == 0 {
                return Err(AppError::invalid("label", "err.invalid"));
            }
            Some(id)
        }
    };
    let query = filter_query(view, label);
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from saved_filters where account_id = $1 and name <> $2",
    )
    .bind(staff.account_id)
    .bind(&name)
    .fetch_one(&db.pool)
    .await?;
    if kept >= FILTERS_MAX {
        return Err(AppError::invalid("nama", "desk.filters_full"));
    }
    sqlx::query(
        "insert into saved_filters (account_id, name, query, created_at) values ($1, $2, $3, $4) \
         on conflict (account_id, name) do update set query = excluded.query",
    )
    .bind(staff.account_id)
    .bind(&name)
    .bind(&query)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(query)
}

/// Deletes one of the official's saved filters (another official's is not found).
pub async fn delete_filter(db: &Db, staff: &Staff, id: i64) -> AppResult<()> {
    let gone = sqlx::query("delete from saved_filters where id = $1 and account_id = $2")
        .bind(id)
        .bind(staff.account_id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    if gone == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
