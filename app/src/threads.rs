//! The thread under a report: a comment-style conversation between the citizen and the
//! agency, with status changes inline, oldest first. Internal notes between officials live in
//! the same table, flagged, and are filtered out in SQL of every citizen or public view.

use crate::reports::Status;
use serde::{Deserialize, Serialize};

/// What happened in a thread entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// The status changed (the first entry: the report was received).
    Status,
    /// Someone wrote a message.
    Message,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Status => "status",
            EventKind::Message => "message",
        }
    }
}

/// Who wrote an entry, by role only: a thread never names an anonymous citizen, and
/// officials speak for their agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthorRole {
    Citizen,
    Official,
    System,
}

impl AuthorRole {
    pub fn from_code(code: &str) -> AuthorRole {
        match code {
            "pelapor" => AuthorRole::Citizen,
            "system" => AuthorRole::System,
            _ => AuthorRole::Official,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            AuthorRole::Citizen => "thread.citizen",
            AuthorRole::Official => "thread.official",
            AuthorRole::System => "thread.system",
        }
    }
}

/// One entry of a thread as the citizen and the public see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadEntry {
    pub id: i64,
    pub at: i64,
    pub kind: EventKind,
    pub author: AuthorRole,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub body: String,
}

/// The citizen's reply form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageInput {
    pub kode: String,
    pub body: String,
}

pub const MESSAGE_MAX: usize = 4000;

/// Checks a message: not empty, not longer than [`MESSAGE_MAX`] characters.
pub fn validate_message(body: &str) -> Result<String, crate::error::FieldError> {
    let body = body.trim();
    match body.chars().count() {
        0 => Err(crate::error::FieldError::new("body", "err.required")),
        n if n > MESSAGE_MAX => Err(crate::error::FieldError::new("body", "err.message_long")),
        _ => Ok(body.to_owned()),
    }
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use crate::error::{AppError, AppResult};
    use crate::reports::{Claim, reporter_report_id};
    use sqlx::{Any, Row, Transaction};

    /// An entry to add to a thread.
    pub struct NewEvent<'a> {
        pub report_id: i64,
        pub at: i64,
        pub kind: EventKind,
        pub author_role: &'a str,
        pub author_account_id: Option<i64>,
        pub from_status: Option<Status>,
        pub to_status: Option<Status>,
        pub body: &'a str,
    }

    /// Adds an entry inside the caller's transaction, so that a status change and its record
    /// are stored together or not at all.
    pub async fn record(
        tx: &mut Transaction<'_, Any>,
        e: NewEvent<'_>,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "insert into report_events (report_id, at, kind, author_role, author_account_id, \
             from_status, to_status, body, internal) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        )
        .bind(e.report_id)
        .bind(e.at)
        .bind(e.kind.code())
        .bind(e.author_role)
        .bind(e.author_account_id)
        .bind(e.from_status.map(Status::code))
        .bind(e.to_status.map(Status::code))
        .bind(e.body)
        .bind(0_i64)
        .fetch_one(&mut **tx)
        .await
    }

    /// The thread as the citizen and the public see it: no internal notes.
    pub async fn public_thread(db: &Db, report_id: i64) -> AppResult<Vec<ThreadEntry>> {
        let rows = sqlx::query(
            "select id, at, kind, author_role, from_status, to_status, body from report_events \
             where report_id = $1 and internal = $2 order by id",
        )
        .bind(report_id)
        .bind(0_i64)
        .fetch_all(&db.pool)
        .await?;
        rows.iter()
            .map(|r| -> Result<ThreadEntry, sqlx::Error> {
                let kind: String = r.try_get("kind")?;
                let from: Option<String> = r.try_get("from_status")?;
                let to: Option<String> = r.try_get("to_status")?;
                Ok(ThreadEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    kind: if kind == "status" {
                        EventKind::Status
                    } else {
                        EventKind::Message
                    },
                    author: AuthorRole::from_code(&r.try_get::<String, _>("author_role")?),
                    from_status: from.as_deref().and_then(Status::from_code),
                    to_status: to.as_deref().and_then(Status::from_code),
                    body: r.try_get("body")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(AppError::from)
    }

    /// The reporter adds a message to their report's thread.
    pub async fn add_citizen_message(
        db: &Db,
        tracking_id: &str,
        claim: Claim<'_>,
        body: &str,
        now: i64,
    ) -> AppResult<i64> {
        let (report_id, status) = reporter_report_id(db, tracking_id, claim).await?;
        let body = validate_message(body).map_err(|e| AppError::Invalid(vec![e]))?;
        if !status.accepts_messages() {
            return Err(AppError::invalid("body", "err.thread_closed"));
        }
        let mut tx = db.pool.begin().await?;
        let id = record(
            &mut tx,
            NewEvent {
                report_id,
                at: now,
                kind: EventKind::Message,
                author_role: "pelapor",
                author_account_id: claim.account_id,
                from_status: None,
                to_status: None,
                body: &body,
            },
        )
        .await?;
        sqlx::query("update reports set updated_at = $1 where id = $2")
            .bind(now)
            .bind(report_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(validate_message("  halo  ").as_deref(), Ok("halo"));
        assert_eq!(
            validate_message("   ").map_err(|e| e.key),
            Err("err.required".to_owned())
        );
        let long = "a".repeat(MESSAGE_MAX + 1);
        assert_eq!(
            validate_message(&long).map_err(|e| e.key),
            Err("err.message_long".to_owned())
        );
    }
}
