//! Typing reports in, in the database. Plain functions: the server functions call them, and
//! so do the integration tests, on both engines.

use super::*;
use crate::change::Store;
use crate::db::Db;
use crate::error::{AppError, AppResult, Refusal};
use crate::reports::{FiledReport, Intake};
use crate::staff::Staff;
use sqlx::Row;

fn entering_staff(staff: &Staff) -> AppResult<i64> {
    match staff.org_id {
        Some(org) if enters_reports(staff) => Ok(org),
        _ => Err(AppError::Refused(Refusal::NotYourRole)),
    }
}

/// The agencies an official may address a typed-in report to: those of their own subtree (a
/// report they send elsewhere would vanish from their sight before its receipt is printed).
pub async fn agencies_in_scope(db: &Db, org_id: i64) -> AppResult<Vec<crate::orgs::Agency>> {
    let condition = format!(
        "o.kind <> 'national' and o.id in ({} select id from in_scope)",
        crate::orgs::subtree_cte("in_scope", 1)
    );
    Ok(crate::orgs::agencies_where(db, &condition, Some(org_id)).await?)
}

/// What the form offers `staff`.
pub async fn manual_options(db: &Db, staff: &Staff, now: i64) -> AppResult<ManualOptions> {
    let org = entering_staff(staff)?;
    let at = time::OffsetDateTime::from_unix_timestamp(now)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(db.time_zone.offset());
    Ok(ManualOptions {
        today: db.time_zone.date_at(now),
        time_now: format!("{:02}:{:02}", at.hour(), at.minute()),
        categories: crate::orgs::categories(db).await?,
        agencies: agencies_in_scope(db, org).await?,
        submission_key: crate::secrets::new_submission_key(),
        own_org: Some(org).filter(|_| !staff.org_is_root),
    })
}

/// Files a report `staff` typed in at `now`: received through `input.channel` at the moment
/// typed (which starts its clocks), addressed to an agency of the official's scope (their own
/// organisation when the citizen named none). Its receipt, with the access code, goes to the
/// email and the phone given. Every problem of the form is named at once; a retry with the
/// same submission key files nothing twice.
pub async fn enter_report(
    store: &Store,
    server_secret: &str,
    staff: &Staff,
    input: &ManualInput,
    now: i64,
) -> AppResult<FiledReport> {
    let org = entering_staff(staff)?;
    let zone = store.time_zone;
    let today = zone.date_at(now);
    let mut errors = Vec::new();
    let channel = manual_channel(&input.channel);
    if channel.is_none() {
        errors.push(FieldError::new("channel", "err.channel"));
    }
    let received = received_at(&input.received_date, &input.received_time, zone, now)
        .map_err(|e| errors.push(e))
        .ok();
    let mut report = input.report();
    if report.target_org_id.trim().is_empty() && !staff.org_is_root {
        report.target_org_id = org.to_string();
    }
    if let Ok(target) = report.target_org_id.trim().parse::<i64>()
        && !agencies_in_scope(store, org)
            .await?
            .iter()
            .any(|a| a.id == target)
    {
        errors.push(FieldError::new("target_org_id", "err.agency_scope"));
    }
    let notify_phone = input.notify_phone.trim();
    let sms_to = match notify_phone {
        "" if report.is_anonymous() => None,
        "" => crate::sms::normalize_number(&report.phone),
        typed => {
            let number = crate::sms::normalize_number(typed);
            if number.is_none() {
                errors.push(FieldError::new("notify_phone", "err.phone"));
            }
            number
        }
    };
    let (Some(channel), Some(received), true) = (channel, received, errors.is_empty()) else {
        // Also the report's own problems, so that the official fixes everything in one go.
        if let Err(more) = crate::reports::validate_for(&report, &today, Channel::WalkIn) {
            errors.extend(more);
        }
        return Err(AppError::Invalid(errors));
    };
    let intake = Intake {
        channel,
        received_at: received,
        sms_from: sms_to,
        entered_by: Some(staff.account_id),
        api_key_id: None,
        offers_help: false,
        ..Intake::web(now)
    };
    crate::reports::file(store, server_secret, &report, None, intake, now, &today).await
}

/// The receipt of a report `staff` can see that an official typed in. The access code is on
/// it only for the official who typed it in, for a day.
pub async fn receipt(
    db: &Db,
    server_secret: &str,
    staff: &Staff,
    tracking_id: &str,
    now: i64,
) -> AppResult<Receipt> {
    let tracking_id = crate::secrets::normalize_code(tracking_id);
    let row = sqlx::query(
        "select r.id, r.title, r.channel, r.received_at, r.anonymous, r.confidential, \
         r.submission_key, o.name as agency, e.at as entered_at, e.author_account_id as by_id \
         from reports r join report_events e on e.report_id = r.id and e.kind = 'entered' \
         left join organizations o on o.id = r.target_org_id where r.tracking_id = $1",
    )
    .bind(&tracking_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let entered_at: i64 = row.try_get("entered_at")?;
    let by: Option<i64> = row.try_get("by_id")?;
    let id: i64 = row.try_get("id")?;
    let in_scope = crate::staff::sees_report(db, staff, id).await?;
    // Outside the official's scope a report does not exist, except for the one who typed it
    // in (an OPD's report waits for the coordinator's verification before the OPD sees it).
    if !in_scope && by != Some(staff.account_id) {
        return Err(AppError::NotFound);
    }
    let key: Option<String> = row.try_get("submission_key")?;
    let access_code = key
        .filter(|_| by == Some(staff.account_id) && now - entered_at < RECEIPT_SECS)
        .map(|k| crate::secrets::access_code(server_secret, &k));
    let channels: Vec<String> = sqlx::query_scalar(
        "select channel from subscriptions where report_id = $1 and unsubscribed_at is null",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let channel: String = row.try_get("channel")?;
    Ok(Receipt {
        tracking_id,
        title: row.try_get("title")?,
        channel: Channel::from_code(&channel).unwrap_or(Channel::WalkIn),
        received_at: row.try_get("received_at")?,
        entered_at,
        agency: row.try_get("agency")?,
        anonymous: row.try_get::<i64, _>("anonymous")? != 0,
        confidential: row.try_get::<i64, _>("confidential")? != 0,
        access_code,
        by_email: channels.iter().any(|c| c == "email"),
        by_sms: channels.iter().any(|c| c == "sms"),
        in_scope,
    })
}
