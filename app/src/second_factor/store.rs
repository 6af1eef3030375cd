//! Second factors and recovery codes in the database.

use super::*;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use rand::Rng;
use sqlx::Row;

const REQUIRED_KEY: &str = "require_second_factor";

/// Whether the system admin requires two-step sign-in of officials.
pub async fn required(db: &Db) -> AppResult<bool> {
    let value: Option<String> = sqlx::query_scalar("select value from settings where key = $1")
        .bind(REQUIRED_KEY)
        .fetch_optional(&db.pool)
        .await?;
    Ok(value.as_deref() == Some("1"))
}

/// Requires two-step sign-in of officials, or stops requiring it.
pub async fn set_required(db: &Db, required: bool) -> AppResult<()> {
    sqlx::query(
        "insert into settings (key, value) values ($1, $2) \
         on conflict (key) do update set value = excluded.value",
    )
    .bind(REQUIRED_KEY)
    .bind(if required { "1" } else { "0" })
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Whether the account signs in with a second step.
pub async fn enabled(db: &Db, account_id: i64) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from second_factors where account_id = $1 and confirmed_at is not null",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// Whether a session of this official that has not passed a second step must be kept from
/// the official's work: the account has one, or the system admin requires one.
pub async fn due(db: &Db, account_id: i64) -> AppResult<bool> {
    let row = sqlx::query(
        "select (select count(*) from second_factors where account_id = $1 \
                 and confirmed_at is not null) as enabled, \
                (select count(*) from settings where key = $2 and value = '1') as required",
    )
    .bind(account_id)
    .bind(REQUIRED_KEY)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<i64, _>("enabled")? > 0 || row.try_get::<i64, _>("required")? > 0)
}

/// The account's state; `is_official` says whether the requirement applies to it.
pub async fn status(db: &Db, account_id: i64, email: &str, is_official: bool) -> AppResult<Status> {
    let row = sqlx::query("select secret, confirmed_at from second_factors where account_id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    let (enabled, pending) = match row {
        Some(r) => {
            let secret: String = r.try_get("secret")?;
            match r.try_get::<Option<i64>, _>("confirmed_at")? {
                Some(_) => (true, None),
                None => (false, enrolment(&secret, email)),
            }
        }
        None => (false, None),
    };
    let recovery_left: i64 = sqlx::query_scalar(
        "select count(*) from recovery_codes where account_id = $1 and used_at is null",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(Status {
        enabled,
        pending,
        recovery_left,
        required: is_official && required(db).await?,
        fresh_codes: Vec::new(),
    })
}

fn enrolment(secret: &str, email: &str) -> Option<Enrolment> {
    let url = otpauth_url(secret, email)?;
    Some(Enrolment {
        secret: grouped(secret),
        qr_svg: qr_svg(&url)?,
        url,
    })
}

/// Starts setting up an app: a new secret, waiting for its first code. An account that
/// already has one must turn it off first.
pub async fn start(db: &Db, account_id: i64, email: &str, now: i64) -> AppResult<Enrolment> {
    if enabled(db, account_id).await? {
        return Err(AppError::invalid("kode", "err.second_factor_on"));
    }
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill(&mut bytes);
    let secret = totp_rs::Secret::from(bytes.to_vec()).to_base32();
    sqlx::query(
        "insert into second_factors (account_id, secret, confirmed_at, last_step, created_at) \
         values ($1, $2, null, 0, $3) on conflict (account_id) do update \
         set secret = excluded.secret, created_at = excluded.created_at, last_step = 0 \
         where second_factors.confirmed_at is null",
    )
    .bind(account_id)
    .bind(&secret)
    .bind(now)
    .execute(&db.pool)
    .await?;
    enrolment(&secret, email).ok_or_else(|| AppError::internal("enrolment", "secret"))
}

/// Finishes setting up: `code` must come from the app; returns the recovery codes, to be
/// shown once.
pub async fn confirm(db: &Db, account_id: i64, code: &str, now: i64) -> AppResult<Vec<String>> {
    let secret: Option<String> = sqlx::query_scalar(
        "select secret from second_factors where account_id = $1 and confirmed_at is null",
    )
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(secret) = secret else {
        return Err(AppError::invalid("kode", "err.second_factor_not_started"));
    };
    let step = step_of(&secret, &normalize(code), unix(now))
        .ok_or_else(|| AppError::invalid("kode", "err.second_factor_code"))?;
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "update second_factors set confirmed_at = $1, last_step = $2 \
         where account_id = $3 and confirmed_at is null",
    )
    .bind(now)
    .bind(step as i64)
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::invalid("kode", "err.second_factor_not_started"));
    }
    let codes = replace_codes(&mut tx, account_id).await?;
    tx.commit().await?;
    Ok(codes)
}

fn unix(now: i64) -> u64 {
    u64::try_from(now).unwrap_or(0)
}

async fn replace_codes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account_id: i64,
) -> AppResult<Vec<String>> {
    sqlx::query("delete from recovery_codes where account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| crate::secrets::new_recovery_code())
        .collect();
    for code in &codes {
        sqlx::query("insert into recovery_codes (account_id, code_hash) values ($1, $2)")
            .bind(account_id)
            .bind(crate::secrets::hash_code(code))
            .execute(&mut **tx)
            .await?;
    }
    Ok(codes)
}

/// The failures counted against an account's second step, in the login failures' table.
fn failure_key(account_id: i64) -> String {
    format!("second-factor:{account_id}")
}

/// Checks a code for the account's second step: a code of the app not used before (its time
/// step later than the last one accepted), or an unused recovery code, which is spent. Wrong
/// codes are counted; after [`MAX_FAILURES`] within the window every code is
/// refused until it has passed.
pub async fn verify(db: &Db, account_id: i64, code: &str, now: i64) -> AppResult<Accepted> {
    let key = failure_key(account_id);
    let failures: i64 =
        sqlx::query_scalar("select count(*) from login_failures where email = $1 and at > $2")
            .bind(&key)
            .bind(now - FAILURE_WINDOW)
            .fetch_one(&db.pool)
            .await?;
    if failures >= MAX_FAILURES {
        return Err(AppError::TooManyAttempts);
    }
    match accept(db, account_id, &normalize(code), now).await? {
        Some(how) => {
            sqlx::query("delete from login_failures where email = $1")
                .bind(&key)
                .execute(&db.pool)
                .await?;
            Ok(how)
        }
        None => {
            sqlx::query("insert into login_failures (email, at) values ($1, $2)")
                .bind(&key)
                .bind(now)
                .execute(&db.pool)
                .await?;
            Err(AppError::invalid("kode", "err.second_factor_code"))
        }
    }
}

async fn accept(db: &Db, account_id: i64, code: &str, now: i64) -> AppResult<Option<Accepted>> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let secret: Option<String> = sqlx::query_scalar(
            "select secret from second_factors where account_id = $1 and confirmed_at is not null",
        )
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
        let Some(step) = secret.and_then(|s| step_of(&s, code, unix(now))) else {
            return Ok(None);
        };
        // Only a step later than the last accepted one: each code signs in once.
        let done = sqlx::query(
            "update second_factors set last_step = $1 where account_id = $2 and last_step < $1",
        )
        .bind(step as i64)
        .bind(account_id)
        .execute(&db.pool)
        .await?;
        return Ok((done.rows_affected() == 1).then_some(Accepted::App));
    }
    if code.len() != 10 {
        return Ok(None);
    }
    let done = sqlx::query(
        "update recovery_codes set used_at = $1 \
         where account_id = $2 and code_hash = $3 and used_at is null",
    )
    .bind(now)
    .bind(account_id)
    .bind(crate::secrets::hash_code(code))
    .execute(&db.pool)
    .await?;
    Ok((done.rows_affected() == 1).then_some(Accepted::RecoveryCode))
}

/// Turns the second step off, proven by a code. Refused for an official while the system
/// admin requires it.
pub async fn disable(
    db: &Db,
    account_id: i64,
    is_official: bool,
    code: &str,
    now: i64,
) -> AppResult<()> {
    if is_official && required(db).await? {
        return Err(AppError::invalid("kode", "err.second_factor_required"));
    }
    verify(db, account_id, code, now).await?;
    let mut tx = db.pool.begin().await?;
    sqlx::query("delete from second_factors where account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from recovery_codes where account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// New recovery codes (the old ones stop working), proven by a code of the app.
pub async fn renew_codes(db: &Db, account_id: i64, code: &str, now: i64) -> AppResult<Vec<String>> {
    let code = normalize(code);
    if code.len() != 6 {
        return Err(AppError::invalid("kode", "err.second_factor_app_code"));
    }
    verify(db, account_id, &code, now).await?;
    let mut tx = db.pool.begin().await?;
    let codes = replace_codes(&mut tx, account_id).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Removes an account's second factor and recovery codes without a code: the system admin's
/// way back in for an official who lost both phone and codes. Returns whether it had one.
pub async fn reset(db: &Db, account_id: i64) -> AppResult<bool> {
    let mut tx = db.pool.begin().await?;
    let removed = sqlx::query("delete from second_factors where account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("delete from recovery_codes where account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(removed > 0)
}
