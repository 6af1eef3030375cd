//! The thread under a report: a comment-style conversation between the citizen and the
//! agency, with status changes inline, oldest first. Internal notes between officials live in
//! the same table, flagged, and are filtered out in SQL of every citizen or public view; so is
//! the officials-only part of why a status changed (`note`).
//!
//! A thread never names a citizen: entries carry the author's role. Officials speak for their
//! organisation; only the staff view adds the official's own name.

use crate::lifecycle::Status;
use serde::{Deserialize, Serialize};

/// What happened in a thread entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// The status changed (the first entry: the report was received).
    Status,
    /// Someone wrote a message (or, with `internal`, a note between officials).
    Message,
    /// The national admin assigned the report to a government.
    Routed,
    /// Kind or category corrected by the coordinator (internal).
    Reclassified,
    /// Made anonymous or confidential by an official.
    Tightened,
    /// Closed for good after "Selesai": the citizen confirmed (`reason` `confirmed`, with
    /// the rating's comment as body) or the contest window ran out (`expired`).
    Closed,
    /// An official redacted the public version (`reason`: `title`, `body` or both); the
    /// entry never carries the text itself.
    Redacted,
    /// An official typed in a report that reached them another way (`reason`: its channel,
    /// `walk_in`, `phone`, `letter`, `import`): who did and when; the receipt before it keeps
    /// the moment the citizen really complained.
    Entered,
    /// An official took the report, assigned it to a colleague or released it (internal;
    /// `assignee`: who handles it from then on, none after a release; `reason`
    /// `deactivated` when the account of the one handling it was closed).
    Assigned,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::Status,
        EventKind::Message,
        EventKind::Routed,
        EventKind::Reclassified,
        EventKind::Tightened,
        EventKind::Closed,
        EventKind::Redacted,
        EventKind::Entered,
        EventKind::Assigned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Status => "status",
            EventKind::Message => "message",
            EventKind::Routed => "routed",
            EventKind::Reclassified => "reclassified",
            EventKind::Tightened => "tightened",
            EventKind::Closed => "closed",
            EventKind::Redacted => "redacted",
            EventKind::Entered => "entered",
            EventKind::Assigned => "assigned",
        }
    }

    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
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

/// One entry of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadEntry {
    pub id: i64,
    pub at: i64,
    pub kind: EventKind,
    pub author: AuthorRole,
    /// The organisation an official wrote for (never set for a citizen).
    pub author_org: Option<String>,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    /// The public text: a message, a closing message, a question, an explanation.
    pub body: String,
    /// The organisation this entry assigned the report to (routing, disposition).
    pub org: Option<String>,
    /// The archive reason, or the flags an official set (`anonymous`, `confidential`).
    pub reason: Option<String>,
    /// Officials only: whether the whole entry is an internal note.
    pub internal: bool,
    /// Officials only: the official's name (never a citizen's).
    pub author_name: Option<String>,
    /// Officials only: why, in words not meant for the citizen.
    pub note: String,
    /// Officials only: whom an `assigned` entry handed the report to.
    pub assignee: Option<String>,
    /// The files attached to this entry that the viewer may see (filled by the loaders).
    pub attachments: Vec<crate::attachments::AttachmentView>,
}

/// The citizen's reply form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageInput {
    pub kode: String,
    pub body: String,
    /// The tokens of the files staged for this message (see `attachments`).
    pub attachments: String,
    /// The form's one-time key: the same message sent twice is stored once.
    pub kunci: String,
}

pub const MESSAGE_MAX: usize = 4000;

/// Gives each entry its files, from the files of a report by entry id.
pub fn with_attachments(
    entries: &mut [ThreadEntry],
    mut files: std::collections::HashMap<Option<i64>, Vec<crate::attachments::AttachmentView>>,
) {
    for e in entries {
        e.attachments = files.remove(&Some(e.id)).unwrap_or_default();
    }
}

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
        pub internal: bool,
        pub org_id: Option<i64>,
        pub reason: Option<&'a str>,
        pub note: &'a str,
        /// A message's one-time key from its form (`kunci`): a second post with the same key
        /// is the same message (see [`message_by_key`]).
        pub client_key: Option<&'a str>,
        /// An `assigned` entry: the official who handles the report from now on.
        pub assignee_id: Option<i64>,
    }

    impl<'a> NewEvent<'a> {
        /// A public entry with nothing but its kind, author and time set.
        pub fn new(
            report_id: i64,
            at: i64,
            kind: EventKind,
            author_role: &'a str,
            author_account_id: Option<i64>,
        ) -> Self {
            NewEvent {
                report_id,
                at,
                kind,
                author_role,
                author_account_id,
                from_status: None,
                to_status: None,
                body: "",
                internal: false,
                org_id: None,
                reason: None,
                note: "",
                client_key: None,
                assignee_id: None,
            }
        }
    }

    /// Adds an entry inside the caller's transaction, so that a status change and its record
    /// are stored together or not at all.
    pub async fn record(
        tx: &mut Transaction<'_, Any>,
        e: &NewEvent<'_>,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "insert into report_events (report_id, at, kind, author_role, author_account_id, \
             from_status, to_status, body, internal, org_id, reason, note, client_key, \
             assignee_id) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id",
        )
        .bind(e.report_id)
        .bind(e.at)
        .bind(e.kind.code())
        .bind(e.author_role)
        .bind(e.author_account_id)
        .bind(e.from_status.map(Status::code))
        .bind(e.to_status.map(Status::code))
        .bind(e.body)
        .bind(i64::from(e.internal))
        .bind(e.org_id)
        .bind(e.reason)
        .bind(e.note)
        .bind(e.client_key)
        .bind(e.assignee_id)
        .fetch_one(&mut **tx)
        .await
    }

    /// The message of report `report_id` posted with the one-time key `key`, if one was: the
    /// answer to a form sent twice (a retry after a lost answer, the phone's outbox sending
    /// again), which must not make two messages.
    pub async fn message_by_key(
        db: &Db,
        report_id: i64,
        key: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("select id from report_events where report_id = $1 and client_key = $2")
            .bind(report_id)
            .bind(key)
            .fetch_optional(&db.pool)
            .await
    }

    /// The form's one-time key when it is one this server hands out; anything else is ignored.
    pub fn message_key(kunci: &str) -> Option<&str> {
        let key = kunci.trim();
        crate::secrets::is_submission_key(key).then_some(key)
    }

    /// The thread as the citizen and the public see it: no internal notes, no officials'
    /// names, no officials-only reasons. Those columns are not even selected.
    pub async fn public_thread(db: &Db, report_id: i64) -> AppResult<Vec<ThreadEntry>> {
        thread(db, report_id, false).await
    }

    /// The thread as officials in scope see it: everything, internal notes marked.
    pub async fn staff_thread(db: &Db, report_id: i64) -> AppResult<Vec<ThreadEntry>> {
        thread(db, report_id, true).await
    }

    async fn thread(db: &Db, report_id: i64, staff: bool) -> AppResult<Vec<ThreadEntry>> {
        // The author's account is joined only for officials' entries: a citizen's account
        // (and so their name) is never read here.
        let staff_columns = if staff {
            ", a.name as author_name, e.note, asg.name as assignee_name"
        } else {
            ""
        };
        let assignee_join = if staff {
            " left join accounts asg on asg.id = e.assignee_id"
        } else {
            ""
        };
        let only_public = if staff { "" } else { " and e.internal = 0" };
        let sql = format!(
            "select e.id, e.at, e.kind, e.author_role, e.from_status, e.to_status, e.body, \
             e.internal, e.reason, ao.name as author_org, g.name as org_name{staff_columns} \
             from report_events e \
             left join accounts a on a.id = e.author_account_id and e.author_role <> 'pelapor' \
             left join organizations ao on ao.id = a.org_id \
             left join organizations g on g.id = e.org_id{assignee_join} \
             where e.report_id = $1{only_public} order by e.id"
        );
        let rows = sqlx::query(&sql)
            .bind(report_id)
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
                    kind: EventKind::from_code(&kind).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown event kind {kind}").into())
                    })?,
                    author: AuthorRole::from_code(&r.try_get::<String, _>("author_role")?),
                    author_org: r.try_get("author_org")?,
                    from_status: from.as_deref().and_then(Status::from_code),
                    to_status: to.as_deref().and_then(Status::from_code),
                    body: r.try_get("body")?,
                    org: r.try_get("org_name")?,
                    reason: r.try_get("reason")?,
                    internal: r.try_get::<i64, _>("internal")? != 0,
                    author_name: if staff {
                        r.try_get("author_name")?
                    } else {
                        None
                    },
                    note: if staff {
                        r.try_get("note")?
                    } else {
                        String::new()
                    },
                    assignee: if staff {
                        r.try_get("assignee_name")?
                    } else {
                        None
                    },
                    attachments: Vec::new(),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(AppError::from)
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
