//! A forgotten password: a one-time code, sent as a link by email (or as a code by SMS to the
//! account's phone), valid for an hour; using it sets a new password and ends every session
//! of the account. Asking never reveals whether an account exists: the answer is the same.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// "Lupa kata sandi": the email address or phone number of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResetRequestInput {
    pub akun: String,
}

/// The new password, with the code from the email link or the SMS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResetInput {
    pub kode: String,
    pub password: String,
}

/// How long a reset code is valid (the notification that carries it says so).
pub use crate::notify::RESET_VALID_SECS;

/// Resets asked for one account within an hour, at most.
pub const RESETS_PER_HOUR: i64 = 3;

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::accounts::MIN_PASSWORD;
    use crate::db::Db;
    use crate::error::{AppResult, FieldError};
    use crate::i18n::Locale;
    use crate::notify::{Message, Purpose, Via, queue_message};

    /// A new code: 16 characters of the tracking alphabet (about 79 bits), in groups of four.
    fn new_code() -> String {
        let a = crate::secrets::new_tracking_id();
        let b = crate::secrets::new_tracking_id();
        format!("{a}-{b}")
    }

    /// Queues a reset for the account with this email or phone, if there is one (and it has
    /// not asked too often): nothing tells the caller which.
    pub async fn request_reset(
        db: &Db,
        input: &ResetRequestInput,
        locale: Locale,
        now: i64,
    ) -> AppResult<()> {
        let typed = input.akun.trim();
        if typed.is_empty() || typed.len() > 200 {
            return Err(AppError::invalid("akun", "err.required"));
        }
        let (via, found) = if typed.contains('@') {
            let row: Option<(i64, String)> =
                sqlx::query_as("select id, email from accounts where email = $1 and active = 1")
                    .bind(typed.to_lowercase())
                    .fetch_optional(&db.pool)
                    .await?;
            (Via::Email, row)
        } else {
            let Some(number) = crate::sms::normalize_number(typed) else {
                return Err(AppError::invalid("akun", "err.reset_account"));
            };
            // Phones are stored as typed: look for the usual ways of writing this one.
            let local = format!("0{}", &number[3..]);
            let bare = number[1..].to_owned();
            let row: Option<(i64, String)> = sqlx::query_as(
                "select id, phone from accounts where active = 1 and \
                 replace(replace(phone, ' ', ''), '-', '') in ($1, $2, $3) order by id limit 1",
            )
            .bind(&number)
            .bind(&local)
            .bind(&bare)
            .fetch_optional(&db.pool)
            .await?;
            (Via::Sms, row.map(|(id, _)| (id, number)))
        };
        let Some((account, address)) = found else {
            return Ok(());
        };
        let recent: i64 = sqlx::query_scalar(
            "select count(*) from password_resets where account_id = $1 and created_at > $2",
        )
        .bind(account)
        .bind(now - 3600)
        .fetch_one(&db.pool)
        .await?;
        if recent >= RESETS_PER_HOUR {
            return Ok(());
        }
        let code = new_code();
        let mut tx = db.pool.begin().await?;
        sqlx::query(
            "insert into password_resets (token_hash, account_id, created_at, expires_at) \
             values ($1, $2, $3, $4)",
        )
        .bind(crate::secrets::hash_code(&code))
        .bind(account)
        .bind(now)
        .bind(now + RESET_VALID_SECS)
        .execute(&mut *tx)
        .await?;
        queue_message(
            &mut tx,
            &Message {
                via,
                address: &address,
                locale,
                purpose: Purpose::PasswordReset,
                subject: "",
                body: &code,
                dedupe_key: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password with a valid code, uses the code up (and every other one of the
    /// account), and ends every session of the account.
    pub async fn reset_password(db: &Db, input: &ResetInput, now: i64) -> AppResult<i64> {
        let mut errors = Vec::new();
        if input.password.chars().count() < MIN_PASSWORD || input.password.len() > 1024 {
            errors.push(FieldError::new("password", "err.password_short"));
        }
        let account: Option<i64> = sqlx::query_scalar(
            "select account_id from password_resets where token_hash = $1 \
             and used_at is null and expires_at > $2",
        )
        .bind(crate::secrets::hash_code(&input.kode))
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
        if account.is_none() {
            errors.push(FieldError::new("kode", "err.reset_code"));
        }
        let Some(account) = account.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let hash = super::super::hash_password(input.password.clone()).await?;
        let mut tx = db.pool.begin().await?;
        let used = sqlx::query(
            "update password_resets set used_at = $2 where token_hash = $1 and used_at is null",
        )
        .bind(crate::secrets::hash_code(&input.kode))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            // The same code used twice at once: the other use won.
            return Err(AppError::invalid("kode", "err.reset_code"));
        }
        sqlx::query(
            "update password_resets set used_at = $2 where account_id = $1 and used_at is null",
        )
        .bind(account)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("update accounts set password_hash = $2 where id = $1")
            .bind(account)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from sessions where account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "delete from login_failures where email = (select email from accounts where id = $1)",
        )
        .bind(account)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(account)
    }
}

/// "Lupa kata sandi": queues a reset link or code; the same answer whether or not the
/// account exists.
#[leptos::server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(input: ResetRequestInput) -> Result<(), AppError> {
    let (db, _, locale) = super::request_parts();
    request_reset(&db, &input, locale, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

/// Sets a new password with a reset code; every session of the account ends.
#[leptos::server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password_with_code(input: ResetInput) -> Result<(), AppError> {
    let (db, _, locale) = super::request_parts();
    reset_password(&db, &input, crate::db::now())
        .await
        .map(|_| ())
        .map_err(|e| e.localize(locale))
}
