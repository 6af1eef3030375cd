//! Writing and reading the log.

use super::*;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::lifecycle::Role;
use crate::staff::Staff;
use sqlx::Row;

/// What one entry says, apart from who and when.
#[derive(Debug, Clone, Copy)]
pub struct What<'a> {
    pub action: Action,
    pub subject: &'a str,
    pub detail: &'a str,
    /// The organisation the entry concerns; `None` when national (categories, holidays).
    pub org_id: Option<i64>,
}

impl<'a> What<'a> {
    pub fn new(action: Action, subject: &'a str) -> What<'a> {
        What {
            action,
            subject,
            detail: "",
            org_id: None,
        }
    }

    pub fn detail(self, detail: &'a str) -> What<'a> {
        What { detail, ..self }
    }

    pub fn org(self, org_id: Option<i64>) -> What<'a> {
        What { org_id, ..self }
    }
}

/// Adds an entry (on any connection or transaction).
pub async fn record<'c, E>(exec: E, actor: &Actor, what: What<'_>, now: i64) -> AppResult<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "insert into audit_log (at, actor_id, actor_name, action, subject, detail, org_id) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now)
    .bind(actor.id)
    .bind(&actor.name)
    .bind(what.action.code())
    .bind(clip(what.subject, 200))
    .bind(clip(what.detail, 500))
    .bind(what.org_id)
    .execute(exec)
    .await?;
    Ok(())
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The organisation an account belongs to, for entries about that account.
pub async fn org_of_account(db: &Db, account_id: i64) -> AppResult<Option<i64>> {
    let org: Option<Option<i64>> = sqlx::query_scalar("select org_id from accounts where id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(org.flatten())
}

/// The email of an account, the subject of entries about it.
pub async fn email_of_account(db: &Db, account_id: i64) -> AppResult<String> {
    let email: Option<String> = sqlx::query_scalar("select email from accounts where id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(email.unwrap_or_default())
}

/// A page of the entries `reader` may read ([`may_read`]), newest first, filtered.
pub async fn entries(db: &Db, reader: &Staff, filter: &AuditFilter) -> AppResult<AuditPage> {
    if !may_read(reader) {
        return Err(AppError::Refused(crate::error::Refusal::NotYourRole));
    }
    // Parameters: the reader's organisation first (for an overseer below the root), then the
    // filter's values in order.
    let mut conditions = Vec::new();
    let mut with = String::new();
    let limited = reader.role == Role::Overseer && !reader.org_is_root;
    let org = match (limited, reader.org_id) {
        (true, Some(org)) => {
            with = crate::orgs::subtree_cte("readable", 1);
            conditions.push("l.org_id in (select id from readable)".to_owned());
            org
        }
        (true, None) => return Ok(AuditPage::default()),
        (false, _) => 0,
    };
    let mut binds: Vec<Bind> = if limited {
        vec![Bind::Int(org)]
    } else {
        Vec::new()
    };
    let mut next = binds.len() + 1;
    let mut add = |conditions: &mut Vec<String>, sql: &str, value: Bind| {
        conditions.push(sql.replace('?', &format!("${next}")));
        binds.push(value);
        next += 1;
    };
    let oleh = filter.oleh.trim();
    if !oleh.is_empty() {
        add(
            &mut conditions,
            "lower(l.actor_name) like ?",
            Bind::Text(like_pattern(oleh)),
        );
    }
    if let Some(action) = Action::from_code(&filter.tindakan) {
        add(
            &mut conditions,
            "l.action = ?",
            Bind::Text(action.code().into()),
        );
    }
    let tentang = filter.tentang.trim();
    if !tentang.is_empty() {
        add(
            &mut conditions,
            "lower(l.subject) like ?",
            Bind::Text(like_pattern(tentang)),
        );
    }
    let zone = db.time_zone.offset();
    let day_start = |iso: &str| {
        crate::calendar::parse_date(iso).map(|d| d.midnight().assume_offset(zone).unix_timestamp())
    };
    if let Some(from) = day_start(&filter.dari) {
        add(&mut conditions, "l.at >= ?", Bind::Int(from));
    }
    if let Some(until) = day_start(&filter.sampai) {
        add(&mut conditions, "l.at < ?", Bind::Int(until + 86_400));
    }
    if let Ok(before) = filter.sebelum.trim().parse::<i64>() {
        add(&mut conditions, "l.id < ?", Bind::Int(before));
    }
    let condition = if conditions.is_empty() {
        "1 = 1".to_owned()
    } else {
        conditions.join(" and ")
    };
    let sql = format!(
        "{with} select l.id, l.at, l.actor_id, l.actor_name, l.action, l.subject, l.detail \
         from audit_log l where {condition} order by l.id desc limit {}",
        PAGE + 1
    );
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = match bind {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut entries = rows
        .iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_id: r.try_get("actor_id")?,
                actor_name: r.try_get("actor_name")?,
                action: Action::from_code(&r.try_get::<String, _>("action")?),
                subject: r.try_get("subject")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let older = if entries.len() as i64 > PAGE {
        entries.truncate(PAGE as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage { entries, older })
}

enum Bind {
    Text(String),
    Int(i64),
}

/// `%text%` for a case-insensitive `like`, with the wildcards typed by the reader taken
/// literally (dropped: a search for `50%` finds `50`).
fn like_pattern(text: &str) -> String {
    let cleaned: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .take(100)
        .collect();
    format!("%{cleaned}%")
}
