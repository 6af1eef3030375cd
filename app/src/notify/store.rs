//! The outbox and the subscriptions in the database. Plain functions: the unit of work calls
//! [`enqueue`], the worker [`claim`] and the outcomes, the pages and the tests the rest.

use super::*;
use crate::db::{Db, Engine};
use crate::error::{AppError, AppResult, Refusal};
use crate::i18n::Locale;
use crate::lifecycle::Status;
use crate::threads::{EventKind, NewEvent};
use sqlx::{AnyConnection, Row};

/// What the outbox needs to know of an event a change recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub report_id: i64,
    pub event_id: i64,
    /// Whether the reporter hears of it (see [`tells_reporter`]).
    pub tells_reporter: bool,
    /// Whether it is the receipt of a new report (sent at once, not gathered).
    pub receipt: bool,
    /// The OPD a report was forwarded to by this event.
    pub forwarded_to: Option<i64>,
}

impl Recorded {
    pub fn of(event: &NewEvent<'_>, event_id: i64) -> Recorded {
        Recorded {
            report_id: event.report_id,
            event_id,
            tells_reporter: tells_reporter(event),
            receipt: event.kind == EventKind::Status && event.to_status == Some(Status::Submitted),
            forwarded_to: (event.kind == EventKind::Status
                && event.to_status == Some(Status::Disposed))
            .then_some(event.org_id)
            .flatten(),
        }
    }
}

/// Which entries of a thread reach the reporter: the receipt, every public message and status
/// change by an official or the system (a question while on hold and the resolution among
/// them), and the closing when the contest window ran out. Never an internal note, never what
/// the reporter did themselves, never an internal record (reclassified, redacted).
pub fn tells_reporter(e: &NewEvent<'_>) -> bool {
    if e.internal {
        return false;
    }
    let by_reporter = e.author_role == "pelapor";
    match e.kind {
        EventKind::Status => match e.to_status {
            Some(Status::Submitted) => true,
            Some(_) => !by_reporter,
            None => false,
        },
        EventKind::Message => !by_reporter,
        EventKind::Closed => e.reason == Some("expired"),
        EventKind::Routed
        | EventKind::Reclassified
        | EventKind::Tightened
        | EventKind::Redacted
        | EventKind::Entered
        | EventKind::Assigned => false,
    }
}

/// Writes the outbox rows for the events a change recorded, inside its transaction: each
/// event that tells the reporter joins the row waiting for each of the report's subscriptions
/// (or starts one, due `gather_secs` later; a receipt is due at once); a report forwarded to
/// an OPD is announced to its officials who asked for it.
pub async fn enqueue(
    conn: &mut AnyConnection,
    recorded: &[Recorded],
    now: i64,
    gather_secs: i64,
) -> Result<(), sqlx::Error> {
    for r in recorded {
        if r.tells_reporter {
            // Its reporter's subscriptions, and those of the reporters of its duplicates
            // (who follow it while the public may read it).
            let subscriptions = sqlx::query(
                "select id, channel, address, locale from subscriptions \
                 where report_id = $1 and unsubscribed_at is null \
                 union all select s.id, s.channel, s.address, s.locale from subscriptions s \
                 join reports d on d.id = s.report_id join reports o on o.id = d.duplicate_of \
                 where o.id = $1 and o.published_at is not null and o.confidential = 0 \
                 and s.unsubscribed_at is null order by 1",
            )
            .bind(r.report_id)
            .fetch_all(&mut *conn)
            .await?;
            let due = if r.receipt { now } else { now + gather_secs };
            for s in subscriptions {
                let sub = Subscriber {
                    id: s.try_get("id")?,
                    channel: s.try_get("channel")?,
                    address: s.try_get("address")?,
                    locale: s.try_get("locale")?,
                };
                gather(conn, &sub, r, now, due).await?;
            }
        }
        if let Some(opd) = r.forwarded_to {
            let officials = sqlx::query(
                "select email from accounts where org_id = $1 and active = 1 \
                 and notify_forwarded = 1 and email <> '' order by id",
            )
            .bind(opd)
            .fetch_all(&mut *conn)
            .await?;
            for o in officials {
                let email: String = o.try_get("email")?;
                sqlx::query(
                    "insert into outbox (channel, address, locale, kind, report_id, events, \
                     created_at, due_at) values ('email', $1, 'id', 'forwarded', $2, $3, $4, $4)",
                )
                .bind(email)
                .bind(r.report_id)
                .bind(r.event_id.to_string())
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

struct Subscriber {
    id: i64,
    channel: String,
    address: String,
    locale: String,
}

/// Adds an event to the row waiting for this subscription and report, or starts a row.
async fn gather(
    conn: &mut AnyConnection,
    sub: &Subscriber,
    r: &Recorded,
    now: i64,
    due: i64,
) -> Result<(), sqlx::Error> {
    let waiting: Option<i64> = sqlx::query_scalar(
        "select id from outbox where subscription_id = $1 and report_id = $2 \
         and kind = 'report' and state = 'waiting' order by id limit 1",
    )
    .bind(sub.id)
    .bind(r.report_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = waiting {
        // A worker may have claimed the row meanwhile: the state is checked again under the
        // row's lock, and a row no longer waiting is left alone for a new one.
        let joined = sqlx::query(
            "update outbox set events = events || $1 where id = $2 and state = 'waiting'",
        )
        .bind(format!(",{}", r.event_id))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        if joined.rows_affected() == 1 {
            return Ok(());
        }
    }
    sqlx::query(
        "insert into outbox (channel, address, locale, kind, report_id, subscription_id, events, \
         created_at, due_at) values ($1, $2, $3, 'report', $4, $5, $6, $7, $8)",
    )
    .bind(&sub.channel)
    .bind(&sub.address)
    .bind(&sub.locale)
    .bind(r.report_id)
    .bind(sub.id)
    .bind(r.event_id.to_string())
    .bind(now)
    .bind(due)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Where a report's reporter is told: adds the subscription unless the report has one for
/// this channel already.
pub async fn subscribe(
    conn: &mut AnyConnection,
    report_id: i64,
    via: Via,
    address: &str,
    locale: Locale,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into subscriptions (report_id, channel, address, locale, created_at) \
         values ($1, $2, $3, $4, $5) on conflict (report_id, channel) do nothing",
    )
    .bind(report_id)
    .bind(via.code())
    .bind(address)
    .bind(locale.code())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A message with its text already written (a password reset, an answer to a text), due at
/// once. With a `dedupe_key`, a second row with the same key is not written.
pub struct Message<'a> {
    pub via: Via,
    pub address: &'a str,
    pub locale: Locale,
    pub purpose: Purpose,
    pub subject: &'a str,
    pub body: &'a str,
    pub dedupe_key: Option<&'a str>,
}

/// Queues a [`Message`]; returns whether a row was written.
pub async fn queue_message(
    conn: &mut AnyConnection,
    m: &Message<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let written = sqlx::query(
        "insert into outbox (channel, address, locale, kind, subject, body, dedupe_key, \
         created_at, due_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         on conflict (dedupe_key) do nothing",
    )
    .bind(m.via.code())
    .bind(m.address)
    .bind(m.locale.code())
    .bind(m.purpose.code())
    .bind(m.subject)
    .bind(m.body)
    .bind(m.dedupe_key)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// An outbox row a worker claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub via: Via,
    pub address: String,
    pub locale: Locale,
    pub purpose: Purpose,
    pub report_id: Option<i64>,
    pub subscription_id: Option<i64>,
    /// The events of a report notification, oldest first.
    pub events: Vec<i64>,
    pub subject: String,
    pub body: String,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// How long a claim holds: a worker that dies while sending leaves its rows to be claimed
/// again after this.
pub const LEASE_SECS: i64 = 120;

/// Claims up to `limit` rows due by `now` (and rows whose claim ran out) for this worker.
/// On PostgreSQL `for update skip locked` lets several servers' workers claim at once, each
/// row by one of them; SQLite has one writer at a time anyway.
pub async fn claim(db: &Db, now: i64, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let lock = match db.engine {
        Engine::Postgres => " for update skip locked",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "update outbox set state = 'sending', claimed_until = $1 + $3, attempts = attempts + 1 \
         where id in (select id from outbox where (state = 'waiting' and due_at <= $1) \
         or (state = 'sending' and claimed_until < $1) order by due_at, id limit $2{lock}) \
         returning id, channel, address, locale, kind, report_id, subscription_id, events, \
         subject, body, attempts"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .bind(LEASE_SECS)
        .fetch_all(&db.pool)
        .await?;
    let mut claimed = rows
        .iter()
        .map(|r| -> Result<Claimed, sqlx::Error> {
            let channel: String = r.try_get("channel")?;
            let kind: String = r.try_get("kind")?;
            let locale: String = r.try_get("locale")?;
            let events: String = r.try_get("events")?;
            Ok(Claimed {
                id: r.try_get("id")?,
                via: Via::from_code(&channel)
                    .ok_or_else(|| sqlx::Error::Decode(format!("channel {channel}").into()))?,
                address: r.try_get("address")?,
                locale: Locale::from_code(&locale).unwrap_or_default(),
                purpose: Purpose::from_code(&kind)
                    .ok_or_else(|| sqlx::Error::Decode(format!("kind {kind}").into()))?,
                report_id: r.try_get("report_id")?,
                subscription_id: r.try_get("subscription_id")?,
                events: events
                    .split(',')
                    .filter_map(|e| e.trim().parse().ok())
                    .collect(),
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// The row was handed to the mail server or the gateway. A reset link's text is wiped: it
/// is a key to an account.
pub async fn sent(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update outbox set state = 'sent', sent_at = $2, last_error = '', \
         body = case when kind = 'password_reset' then '' else body end \
         where id = $1 and state = 'sending'",
    )
    .bind(id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Sending failed for now (the server is down, a temporary refusal): tried again after the
/// backoff, or given up after [`MAX_ATTEMPTS`].
pub async fn retry_later(db: &Db, row: &Claimed, error: &str, now: i64) -> Result<(), sqlx::Error> {
    if row.attempts >= MAX_ATTEMPTS {
        return failed(db, row, error).await;
    }
    sqlx::query(
        "update outbox set state = 'waiting', due_at = $2, last_error = $3 \
         where id = $1 and state = 'sending'",
    )
    .bind(row.id)
    .bind(now + backoff_secs(row.attempts))
    .bind(scrub(error, &row.address))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Refused for good (an address that does not exist, a number the gateway rejects).
pub async fn failed(db: &Db, row: &Claimed, error: &str) -> Result<(), sqlx::Error> {
    set_final(db, row, Delivery::Failed, error).await
}

/// Not sent, and not to be tried again by itself (no channel configured, unsubscribed).
pub async fn unsent(db: &Db, row: &Claimed, reason: &str) -> Result<(), sqlx::Error> {
    set_final(db, row, Delivery::Unsent, reason).await
}

async fn set_final(db: &Db, row: &Claimed, state: Delivery, why: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update outbox set state = $2, last_error = $3 where id = $1 and state = 'sending'",
    )
    .bind(row.id)
    .bind(state.code())
    .bind(scrub(why, &row.address))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// An error as the queue shows it: without the address (a mail server's refusal usually
/// repeats it, and the admin must not learn an anonymous reporter's address), at most 300
/// characters.
pub fn scrub(error: &str, address: &str) -> String {
    let mut text = if address.is_empty() {
        error.to_owned()
    } else {
        error.replace(address, "[alamat]")
    };
    if let Some(local) = address.split('@').next().filter(|l| l.len() > 2) {
        text = text.replace(local, "[alamat]");
    }
    text.chars().take(300).collect()
}

/// The queue for the system admin: counts per state, and the latest 100 rows (of `state`).
pub async fn queue(db: &Db, state: Option<Delivery>) -> AppResult<Vec<QueuedView>> {
    let rows = sqlx::query(
        "select o.id, o.channel, o.kind, r.tracking_id, o.state, o.attempts, o.last_error, \
         o.created_at, o.due_at, o.sent_at from outbox o left join reports r on r.id = o.report_id \
         where ($1 = '' or o.state = $1) order by o.id desc limit 100",
    )
    .bind(state.map_or("", Delivery::code))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| -> Result<QueuedView, sqlx::Error> {
            let channel: String = r.try_get("channel")?;
            let kind: String = r.try_get("kind")?;
            let state: String = r.try_get("state")?;
            Ok(QueuedView {
                id: r.try_get("id")?,
                via: Via::from_code(&channel).unwrap_or(Via::Email),
                purpose: Purpose::from_code(&kind).unwrap_or(Purpose::Report),
                tracking_id: r.try_get("tracking_id")?,
                state: Delivery::from_code(&state).unwrap_or(Delivery::Waiting),
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
                due_at: r.try_get("due_at")?,
                sent_at: r.try_get("sent_at")?,
            })
        })
        .collect::<Result<_, _>>()
        .map_err(AppError::from)
}

/// How many rows are in each state.
pub async fn queue_counts(db: &Db) -> AppResult<Vec<(Delivery, i64)>> {
    let rows = sqlx::query("select state, count(*) as n from outbox group by state")
        .fetch_all(&db.pool)
        .await?;
    let mut counts: Vec<(Delivery, i64)> = Delivery::ALL.iter().map(|d| (*d, 0)).collect();
    for r in rows {
        let state: String = r.try_get("state")?;
        let n: i64 = r.try_get("n")?;
        if let Some(slot) = counts
            .iter_mut()
            .find(|(d, _)| Some(*d) == Delivery::from_code(&state))
        {
            slot.1 = n;
        }
    }
    Ok(counts)
}

/// The system admin sends a failed or unsent row again, at once.
pub async fn retry(db: &Db, id: i64, now: i64) -> AppResult<()> {
    let state: Option<String> = sqlx::query_scalar("select state from outbox where id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match state.as_deref() {
        None => return Err(AppError::NotFound),
        Some("failed" | "unsent") => {}
        Some(_) => return Err(AppError::Refused(Refusal::WrongStatus)),
    }
    sqlx::query(
        "update outbox set state = 'waiting', due_at = $2, attempts = 0, last_error = '' \
         where id = $1 and state in ('failed', 'unsent')",
    )
    .bind(id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Whether a subscription was ended (checked again just before sending).
pub async fn unsubscribed(db: &Db, subscription_id: i64) -> Result<bool, sqlx::Error> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("select unsubscribed_at from subscriptions where id = $1")
            .bind(subscription_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(!matches!(at, Some(None)))
}

/// The secret part of a subscription's unsubscribe link.
pub fn unsubscribe_token(server_secret: &str, subscription_id: i64) -> String {
    let digest = crate::secrets::keyed(server_secret, "unsubscribe", &subscription_id.to_string());
    hex::encode(&digest[..16])
}

/// The path of a subscription's unsubscribe link (`/berhenti/{id}.{token}`).
pub fn unsubscribe_path(server_secret: &str, subscription_id: i64) -> String {
    format!(
        "/berhenti/{subscription_id}.{}",
        unsubscribe_token(server_secret, subscription_id)
    )
}

async fn checked_subscription(
    db: &Db,
    server_secret: &str,
    link: &str,
) -> AppResult<(i64, SubscriptionView)> {
    let (id, token) = link
        .split_once('.')
        .and_then(|(id, token)| Some((id.parse::<i64>().ok()?, token)))
        .ok_or(AppError::NotFound)?;
    let matches = crate::secrets::same(&unsubscribe_token(server_secret, id), token);
    if !matches {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query(
        "select r.tracking_id, s.channel, s.unsubscribed_at from subscriptions s \
         join reports r on r.id = s.report_id where s.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let channel: String = row.try_get("channel")?;
    Ok((
        id,
        SubscriptionView {
            tracking_id: row.try_get("tracking_id")?,
            via: Via::from_code(&channel).unwrap_or(Via::Email),
            unsubscribed: row.try_get::<Option<i64>, _>("unsubscribed_at")?.is_some(),
        },
    ))
}

/// The subscription an unsubscribe link (`{id}.{token}`) names, when its token is right.
pub async fn subscription(db: &Db, server_secret: &str, link: &str) -> AppResult<SubscriptionView> {
    checked_subscription(db, server_secret, link)
        .await
        .map(|(_, v)| v)
}

/// Ends a subscription (the link in every email, and the `List-Unsubscribe-Post` one-click
/// of RFC 8058); what was waiting for it is not sent. Doing it twice is harmless.
pub async fn unsubscribe(
    db: &Db,
    server_secret: &str,
    link: &str,
    now: i64,
) -> AppResult<SubscriptionView> {
    let (id, mut view) = checked_subscription(db, server_secret, link).await?;
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "update subscriptions set unsubscribed_at = $2 where id = $1 and unsubscribed_at is null",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update outbox set state = 'unsent', last_error = 'unsubscribed' \
         where subscription_id = $1 and state = 'waiting'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    view.unsubscribed = true;
    Ok(view)
}

/// `BERHENTI` by SMS: no more texts about any report of this number.
pub async fn stop_number(
    conn: &mut AnyConnection,
    number: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "update subscriptions set unsubscribed_at = $2 \
         where channel = 'sms' and address = $1 and unsubscribed_at is null",
    )
    .bind(number)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update outbox set state = 'unsent', last_error = 'unsubscribed' \
         where channel = 'sms' and address = $1 and state = 'waiting' and kind = 'report'",
    )
    .bind(number)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// An official's email choices.
pub async fn staff_prefs(db: &Db, account_id: i64) -> AppResult<StaffPrefs> {
    let row = sqlx::query("select notify_forwarded, notify_digest from accounts where id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(StaffPrefs {
        forwarded: row.try_get::<i64, _>("notify_forwarded")? != 0,
        digest: row.try_get::<i64, _>("notify_digest")? != 0,
    })
}

/// Saves an official's email choices.
pub async fn set_staff_prefs(db: &Db, account_id: i64, prefs: StaffPrefs) -> AppResult<()> {
    sqlx::query("update accounts set notify_forwarded = $2, notify_digest = $3 where id = $1")
        .bind(account_id)
        .bind(i64::from(prefs.forwarded))
        .bind(i64::from(prefs.digest))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The daily digest: for each official who asked for it, the overdue reports in their scope,
/// queued once per day (`today`, in the deployment's time zone) whichever server runs it.
/// Returns how many digests were queued.
pub async fn enqueue_digests(db: &Db, now: i64, today: &str) -> AppResult<usize> {
    let done: Option<String> =
        sqlx::query_scalar("select value from settings where key = 'digest_day'")
            .fetch_optional(&db.pool)
            .await?;
    if done.as_deref() == Some(today) {
        return Ok(0);
    }
    let queued = queue_digests(db, now, today).await?;
    sqlx::query(
        "insert into settings (key, value) values ('digest_day', $1) \
         on conflict (key) do update set value = excluded.value",
    )
    .bind(today)
    .execute(&db.pool)
    .await?;
    Ok(queued)
}

async fn queue_digests(db: &Db, now: i64, today: &str) -> AppResult<usize> {
    let accounts: Vec<i64> = sqlx::query_scalar(
        "select id from accounts where notify_digest = 1 and active = 1 and email <> '' \
         and role <> 'pelapor' order by id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for account in accounts {
        let Some(staff) = crate::staff::load(db, account).await? else {
            continue;
        };
        let Some(scope) = crate::staff::scope(&staff, 1) else {
            continue;
        };
        let sql = format!(
            "{} select r.tracking_id, r.title, r.due_at from reports r \
             where {} and r.due_at is not null and r.due_at < $2 order by r.due_at limit 50",
            scope.with, scope.condition
        );
        let rows = sqlx::query(&sql)
            .bind(scope.org_id)
            .bind(now)
            .fetch_all(&db.pool)
            .await?;
        if rows.is_empty() {
            continue;
        }
        let email: String = sqlx::query_scalar("select email from accounts where id = $1")
            .bind(account)
            .fetch_one(&db.pool)
            .await?;
        let mut lines = Vec::new();
        for r in &rows {
            let tracking: String = r.try_get("tracking_id")?;
            let title: String = r.try_get("title")?;
            lines.push(format!("- {tracking}: {title}"));
        }
        let (subject, body) = compose_digest(&staff.org_name, &lines);
        let key = format!("digest:{account}:{today}");
        let mut conn = db.pool.acquire().await?;
        let message = Message {
            via: Via::Email,
            address: &email,
            locale: Locale::Id,
            purpose: Purpose::Digest,
            subject: &subject,
            body: &body,
            dedupe_key: Some(&key),
        };
        if queue_message(&mut conn, &message, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}
