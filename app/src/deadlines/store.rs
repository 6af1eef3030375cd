//! Clocks in the database: the calendar and lengths as data, each report's clocks refreshed in
//! the same transaction as the change that moved them, and the scheduled closing of reports
//! whose contest window ran out.

use super::*;
use crate::calendar::{Holiday, HolidayKind, parse_date};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldError};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// The working-day calendar, in the deployment's time zone (a report's clocks count it in the
/// report's own zone: [`WorkCalendar::in_zone`]).
pub async fn load_calendar<'e, E>(db: &Db, executor: E) -> Result<WorkCalendar, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let dates: Vec<String> = sqlx::query_scalar("select date from holidays")
        .fetch_all(executor)
        .await?;
    Ok(WorkCalendar::new(
        db.time_zone.offset(),
        dates.iter().map(String::as_str),
    ))
}

const POLICY_KEYS: [&str; 4] = [
    "deadline_verify_days",
    "deadline_follow_up_days",
    "deadline_resolve_days",
    "deadline_contest_days",
];

/// The lengths in force (DOMAIN.md's defaults until the admin changes them).
pub async fn load_policy<'e, E>(executor: E) -> Result<Policy, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query("select key, value from settings where key like 'deadline_%'")
        .fetch_all(executor)
        .await?;
    let mut policy = Policy::default();
    for row in rows {
        let key: String = row.try_get("key")?;
        let Ok(value) = row.try_get::<String, _>("value")?.parse::<i64>() else {
            continue;
        };
        match key.as_str() {
            "deadline_verify_days" => policy.verify_days = value,
            "deadline_follow_up_days" => policy.follow_up_days = value,
            "deadline_resolve_days" => policy.resolve_days = value,
            "deadline_contest_days" => policy.contest_days = value,
            _ => {}
        }
    }
    Ok(policy)
}

/// Recomputes a report's clocks from its history and stores them, inside the caller's
/// transaction. Call after every change of status (and after closing).
pub async fn refresh(
    db: &Db,
    tx: &mut Transaction<'_, Any>,
    report_id: i64,
    now: i64,
) -> Result<Clocks, sqlx::Error> {
    let cal = load_calendar(db, &mut **tx).await?;
    let policy = load_policy(&mut **tx).await?;
    refresh_with(db, tx, report_id, now, &cal, &policy).await
}

/// Recomputes and stores the clocks, then brings the figures' sums in step with the report.
async fn refresh_with(
    db: &Db,
    tx: &mut Transaction<'_, Any>,
    report_id: i64,
    now: i64,
    cal: &WorkCalendar,
    default: &Policy,
) -> Result<Clocks, sqlx::Error> {
    let row = sqlx::query(&clock_sql())
        .bind(report_id)
        .fetch_one(&mut **tx)
        .await?;
    let cal = in_report_zone(cal, &row)?;
    let cal = &cal;
    let received_at: i64 = row.try_get("received_at")?;
    let closed_at: Option<i64> = row.try_get("closed_at")?;
    let policy = Policy {
        resolve_days: row
            .try_get::<Option<i64>, _>("resolve_days")?
            .unwrap_or(default.resolve_days),
        ..*default
    };
    let history = history(&mut **tx, report_id, received_at).await?;
    let c = clocks(&history, closed_at, now, cal, &policy);
    let ok = |c: &Clock| c.within().map(i64::from);
    let due = c.all().iter().filter_map(Clock::due_at).min();
    sqlx::query(
        "update reports set verify_secs = $1, follow_up_secs = $2, resolve_secs = $3, \
         verify_ok = $4, follow_up_ok = $5, resolve_ok = $6, verify_due_at = $7, \
         follow_up_due_at = $8, resolve_due_at = $9, contest_until = $10, due_at = $11, \
         clocks_at = $12 where id = $13",
    )
    .bind(c.verify.taken_secs())
    .bind(c.follow_up.taken_secs())
    .bind(c.resolve.taken_secs())
    .bind(ok(&c.verify))
    .bind(ok(&c.follow_up))
    .bind(ok(&c.resolve))
    .bind(c.verify.due_at())
    .bind(c.follow_up.due_at())
    .bind(c.resolve.due_at())
    .bind(c.contest.due_at())
    .bind(due)
    .bind(now)
    .bind(report_id)
    .execute(&mut **tx)
    .await?;
    crate::figures::sync(db, tx, report_id).await?;
    Ok(c)
}

/// What a report's clocks are computed from: its receipt, closing, category length and zone.
fn clock_sql() -> String {
    format!(
        "select r.received_at, r.closed_at, c.resolve_days, zo.zone from reports r \
         join categories c on c.id = r.category_id{} where r.id = $1",
        crate::orgs::REPORT_ZONE_JOIN
    )
}

/// The deployment's calendar ([`load_calendar`]) counted in the zone of the report read in
/// `row`: its `zone` column, the zone in force where the report is (null: the deployment's).
pub fn in_report_zone(cal: &WorkCalendar, row: &AnyRow) -> Result<WorkCalendar, sqlx::Error> {
    let zone: Option<String> = row.try_get("zone")?;
    Ok(
        match zone.as_deref().and_then(crate::i18n::TimeZone::from_label) {
            Some(zone) => cal.in_zone(zone.offset()),
            None => cal.clone(),
        },
    )
}

/// The statuses a report went through, starting with `Submitted` at its received-at.
async fn history<'e, E>(
    executor: E,
    report_id: i64,
    received_at: i64,
) -> Result<Vec<Transition>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "select at, to_status from report_events where report_id = $1 and kind = 'status' \
         and from_status is not null and to_status is not null order by id",
    )
    .bind(report_id)
    .fetch_all(executor)
    .await?;
    let mut out = vec![Transition {
        at: received_at,
        status: Status::Submitted,
    }];
    for row in rows {
        let to: String = row.try_get("to_status")?;
        if let Some(status) = Status::from_code(&to) {
            // A step recorded before the original receipt date (a backdated manual entry)
            // happened, for the clock, at receipt.
            let at = row.try_get::<i64, _>("at")?.max(received_at);
            out.push(Transition { at, status });
        }
    }
    Ok(out)
}

/// A report's clocks as of `now`, read from its history (for the pages that show them all).
pub async fn report_clocks(db: &Db, report_id: i64, now: i64) -> AppResult<Clocks> {
    let cal = load_calendar(db, &db.pool).await?;
    let default = load_policy(&db.pool).await?;
    let row = sqlx::query(&clock_sql())
        .bind(report_id)
        .fetch_one(&db.pool)
        .await?;
    let cal = in_report_zone(&cal, &row)?;
    let received_at: i64 = row.try_get("received_at")?;
    let policy = Policy {
        resolve_days: row
            .try_get::<Option<i64>, _>("resolve_days")?
            .unwrap_or(default.resolve_days),
        ..default
    };
    let history = history(&db.pool, report_id, received_at).await?;
    Ok(clocks(
        &history,
        row.try_get("closed_at")?,
        now,
        &cal,
        &policy,
    ))
}

/// Computes the clocks of every report that never had them (filed before deadlines existed).
/// Returns how many.
pub async fn backfill(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar("select id from reports where clocks_at is null")
        .fetch_all(&db.pool)
        .await?;
    refresh_many(db, &ids, now).await?;
    Ok(ids.len())
}

/// Recomputes the clocks of every report still open, after the calendar or the lengths
/// changed. Reports already closed keep the figures they were measured with.
pub async fn refresh_open(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select id from reports where closed_at is null and status <> 'archived'",
    )
    .fetch_all(&db.pool)
    .await?;
    refresh_many(db, &ids, now).await?;
    Ok(ids.len())
}

async fn refresh_many(db: &Db, ids: &[i64], now: i64) -> Result<(), sqlx::Error> {
    let cal = load_calendar(db, &db.pool).await?;
    let policy = load_policy(&db.pool).await?;
    for chunk in ids.chunks(500) {
        let mut tx = db.pool.begin().await?;
        for id in chunk {
            refresh_with(db, &mut tx, *id, now, &cal, &policy).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// `reason` of a [`EventKind::Closed`] entry: the window ran out in silence.
pub const CLOSED_EXPIRED: &str = "expired";
/// `reason` of a [`EventKind::Closed`] entry: the citizen confirmed the result.
pub const CLOSED_CONFIRMED: &str = "confirmed";

/// The days off, in date order.
pub async fn holidays(db: &Db) -> AppResult<Vec<Holiday>> {
    let rows = sqlx::query("select date, name, kind from holidays order by date")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| -> Result<Holiday, sqlx::Error> {
            let kind: String = r.try_get("kind")?;
            Ok(Holiday {
                date: r.try_get("date")?,
                name: r.try_get("name")?,
                kind: HolidayKind::from_code(&kind).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown holiday kind {kind}").into())
                })?,
            })
        })
        .collect::<Result<_, _>>()
        .map_err(AppError::from)
}

/// Adds (or renames) a day off, then recomputes the deadlines of open reports.
pub async fn save_holiday(db: &Db, input: &HolidayInput, now: i64) -> AppResult<()> {
    let mut errors = Vec::new();
    let date = parse_date(&input.date);
    if date.is_none() {
        errors.push(FieldError::new("date", "err.date_invalid"));
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "err.required"));
    }
    let kind = HolidayKind::from_code(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "err.holiday_kind"));
    }
    let (Some(date), Some(kind), true) = (date, kind, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    sqlx::query(
        "insert into holidays (date, name, kind) values ($1, $2, $3) \
         on conflict (date) do update set name = excluded.name, kind = excluded.kind",
    )
    .bind(date.to_string())
    .bind(name)
    .bind(kind.code())
    .execute(&db.pool)
    .await?;
    refresh_open(db, now).await?;
    Ok(())
}

/// Removes a day off (it becomes a working day again if it is a weekday).
pub async fn remove_holiday(db: &Db, date: &str, now: i64) -> AppResult<()> {
    if crate::calendar::parse_date(date.trim()).is_none() {
        return Err(AppError::NotFound);
    }
    let removed = sqlx::query("delete from holidays where date = $1")
        .bind(date.trim())
        .execute(&db.pool)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    refresh_open(db, now).await?;
    Ok(())
}

/// A length in working days: a whole number from 1 to [`Policy::MAX_DAYS`].
pub fn parse_days(field: &str, text: &str) -> Result<i64, FieldError> {
    match text.trim().parse::<i64>() {
        Ok(n) if (1..=Policy::MAX_DAYS).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, "err.days")),
    }
}

/// Sets the default lengths, then recomputes the deadlines of open reports.
pub async fn save_policy(db: &Db, input: &PolicyInput, now: i64) -> AppResult<Policy> {
    let fields = [
        ("verify_days", &input.verify_days),
        ("follow_up_days", &input.follow_up_days),
        ("resolve_days", &input.resolve_days),
        ("contest_days", &input.contest_days),
    ];
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for (field, text) in fields {
        match parse_days(field, text) {
            Ok(n) => values.push(n),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = db.pool.begin().await?;
    for (key, value) in POLICY_KEYS.iter().zip(&values) {
        sqlx::query(
            "insert into settings (key, value) values ($1, $2) \
             on conflict (key) do update set value = excluded.value",
        )
        .bind(*key)
        .bind(value.to_string())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    refresh_open(db, now).await?;
    Ok(load_policy(&db.pool).await?)
}

/// Sets a category's own resolution length (`""`: the default), then recomputes.
pub async fn save_category_days(db: &Db, category_id: i64, days: &str, now: i64) -> AppResult<()> {
    let days = match days.trim() {
        "" => None,
        text => Some(parse_days("resolve_days", text).map_err(|e| AppError::Invalid(vec![e]))?),
    };
    let changed = sqlx::query("update categories set resolve_days = $1 where id = $2")
        .bind(days)
        .bind(category_id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    refresh_open(db, now).await?;
    Ok(())
}

/// The deadline a list shows for a report, from its stored columns: the earliest running
/// clock, or "paused" while on hold.
pub fn deadline_from_columns(
    cal: &WorkCalendar,
    now: i64,
    status: Status,
    dues: [(ClockKind, Option<i64>); 4],
) -> Option<DeadlineView> {
    let earliest = dues
        .iter()
        .filter_map(|(k, d)| d.map(|d| (d, *k)))
        .min_by_key(|(d, _)| *d);
    match earliest {
        Some((due, kind)) => Some(DeadlineView {
            kind,
            due_at: Some(due),
            left_secs: if due >= now {
                cal.working_secs(now, due)
            } else {
                -cal.working_secs(due, now).max(1)
            },
        }),
        None if status == Status::OnHold => Some(DeadlineView {
            kind: ClockKind::Resolve,
            due_at: None,
            left_secs: 0,
        }),
        None => None,
    }
}
