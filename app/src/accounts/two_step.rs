//! Signing in with a second step, and setting it up (see [`crate::second_factor`]).
//!
//! After a right password, an account with a second factor is not signed in yet: the session
//! remembers who is halfway (for [`HALFWAY_SECS`]) and the browser goes to `/masuk/kode`.
//! Only a right code there signs the session in, marked as having passed the second step.
//! A session without that mark does not act as an official whose account has a second
//! factor, or while the system admin requires one ([`crate::accounts::viewer`]): it may only
//! set one up.

use crate::error::AppError;
use crate::second_factor::{CodeInput, Status};

/// How long the code may take after the password, in seconds.
pub const HALFWAY_SECS: i64 = 5 * 60;

/// The page that asks for the code.
pub const CODE_PAGE: &str = "/masuk/kode";

/// The page where an account sets up (or turns off) its second step.
pub const SETUP_PAGE: &str = "/akun/dua-langkah";

/// Who typed a right password and still owes the code, with where they were going.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Halfway {
    account_id: i64,
    at: i64,
    ke: String,
    draf: String,
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::audit::{Action, Actor, What};
    use crate::db::Db;
    use crate::error::AppResult;
    use tower_sessions::Session;

    const HALFWAY_KEY: &str = "halfway";
    const PASSED_KEY: &str = "second_step";
    const FRESH_CODES_KEY: &str = "fresh_recovery_codes";

    /// Remembers that `account_id` typed a right password and owes the code.
    pub async fn begin_halfway(
        session: &Session,
        account_id: i64,
        ke: &str,
        draf: &str,
        now: i64,
    ) -> AppResult<()> {
        session.cycle_id().await?;
        let halfway = Halfway {
            account_id,
            at: now,
            ke: ke.to_owned(),
            draf: draf.to_owned(),
        };
        session.insert(HALFWAY_KEY, halfway).await?;
        Ok(())
    }

    /// Whether the session has passed a second step since it signed in.
    pub async fn passed_second_step(session: &Session) -> bool {
        matches!(session.get::<bool>(PASSED_KEY).await, Ok(Some(true)))
    }

    pub async fn mark_second_step(session: &Session) -> AppResult<()> {
        session.insert(PASSED_KEY, true).await?;
        Ok(())
    }

    /// The second step of signing in: the code completes the sign-in begun by the password.
    /// Returns where to go next. A session with no password typed (or typed too long ago)
    /// is sent back to the login form.
    pub async fn finish_halfway(
        db: &Db,
        session: &Session,
        input: &CodeInput,
        now: i64,
    ) -> AppResult<String> {
        let halfway = session.get::<Halfway>(HALFWAY_KEY).await.ok().flatten();
        let Some(halfway) = halfway.filter(|h| now - h.at <= HALFWAY_SECS) else {
            let _ = session.remove::<Halfway>(HALFWAY_KEY).await;
            return Err(AppError::Unauthorized);
        };
        let how = crate::second_factor::verify(db, halfway.account_id, &input.kode, now).await?;
        session.remove::<Halfway>(HALFWAY_KEY).await?;
        super::super::sign_in(db, session, halfway.account_id, now).await?;
        mark_second_step(session).await?;
        if how == crate::second_factor::Accepted::RecoveryCode {
            record_self(db, halfway.account_id, Action::RecoveryCodeUsed, now).await?;
        }
        let ke = halfway.ke.trim();
        if !halfway.draf.trim().is_empty() && super::super::is_local_path(ke) {
            super::super::keep_draft(session, ke, &halfway.draf).await?;
        }
        Ok(if super::super::is_local_path(ke) {
            ke.to_owned()
        } else {
            home_of(db, halfway.account_id).await?.to_owned()
        })
    }

    /// Where an account starts: an official's home, or a citizen's own reports.
    pub async fn home_of(db: &Db, account_id: i64) -> AppResult<&'static str> {
        Ok(match crate::staff::load(db, account_id).await? {
            Some(staff) => staff.home(),
            None => "/laporan-saya",
        })
    }

    /// An entry of the audit log about the account's own second step, by itself.
    async fn record_self(db: &Db, account_id: i64, action: Action, now: i64) -> AppResult<()> {
        let row = sqlx::query("select name, email, org_id from accounts where id = $1")
            .bind(account_id)
            .fetch_one(&db.pool)
            .await?;
        use sqlx::Row;
        let actor = Actor {
            id: Some(account_id),
            name: row.try_get("name")?,
        };
        let email: String = row.try_get("email")?;
        let org: Option<i64> = row.try_get("org_id")?;
        crate::audit::record(&db.pool, &actor, What::new(action, &email).org(org), now).await
    }

    /// The signed-in account's second step, with recovery codes made a moment ago (shown
    /// once: they are taken from the session as they are returned).
    pub async fn my_status(db: &Db, session: &Session, account_id: i64) -> AppResult<Status> {
        let account = super::super::account_summary(db, account_id)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let official = crate::staff::load(db, account_id).await?.is_some();
        let mut status =
            crate::second_factor::status(db, account_id, &account.email, official).await?;
        if let Ok(Some(codes)) = session.remove::<Vec<String>>(FRESH_CODES_KEY).await {
            status.fresh_codes = codes;
        }
        Ok(status)
    }

    /// Starts setting up an app for the signed-in account.
    pub async fn start_setup(db: &Db, account_id: i64, now: i64) -> AppResult<()> {
        let email = crate::audit::email_of_account(db, account_id).await?;
        crate::second_factor::start(db, account_id, &email, now).await?;
        Ok(())
    }

    /// Finishes setting up: the session counts as having passed the second step, and the
    /// recovery codes wait in it for the page to show them once.
    pub async fn finish_setup(
        db: &Db,
        session: &Session,
        account_id: i64,
        input: &CodeInput,
        now: i64,
    ) -> AppResult<()> {
        let codes = crate::second_factor::confirm(db, account_id, &input.kode, now).await?;
        record_self(db, account_id, Action::SecondFactorEnrolled, now).await?;
        // Other sessions, opened before, have not passed it: they end.
        super::super::sign_out_everywhere(db, account_id).await?;
        super::super::sign_in(db, session, account_id, now).await?;
        mark_second_step(session).await?;
        session.insert(FRESH_CODES_KEY, codes).await?;
        Ok(())
    }

    /// Turns the second step off, proven by a code.
    pub async fn turn_off(db: &Db, account_id: i64, input: &CodeInput, now: i64) -> AppResult<()> {
        let official = crate::staff::load(db, account_id).await?.is_some();
        crate::second_factor::disable(db, account_id, official, &input.kode, now).await?;
        record_self(db, account_id, Action::SecondFactorDisabled, now).await
    }

    /// New recovery codes, shown once.
    pub async fn renew(
        db: &Db,
        session: &Session,
        account_id: i64,
        input: &CodeInput,
        now: i64,
    ) -> AppResult<()> {
        let codes = crate::second_factor::renew_codes(db, account_id, &input.kode, now).await?;
        session.insert(FRESH_CODES_KEY, codes).await?;
        Ok(())
    }
}

/// The signed-in account, for the set-up pages (an official kept from work until they set
/// up their second step is signed in as an account).
#[cfg(feature = "ssr")]
fn signed_in() -> Result<
    (
        crate::db::Db,
        tower_sessions::Session,
        crate::i18n::Locale,
        i64,
    ),
    AppError,
> {
    let (db, session, locale) = super::request_parts();
    let viewer = leptos::prelude::expect_context::<super::Viewer>();
    let id = viewer.account.map(|a| a.id).ok_or(AppError::Unauthorized)?;
    Ok((db, session, locale, id))
}

/// The code after the password; returns where to go next.
#[leptos::server(prefix = "/api", endpoint = "login_code")]
pub async fn login_code(input: CodeInput) -> Result<String, AppError> {
    let (db, session, locale) = super::request_parts();
    finish_halfway(&db, &session, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

/// The signed-in account's second step.
#[leptos::server(prefix = "/api", endpoint = "second_factor_status")]
pub async fn second_factor_status() -> Result<Status, AppError> {
    let (db, session, _, id) = signed_in()?;
    my_status(&db, &session, id).await
}

#[leptos::server(prefix = "/api", endpoint = "second_factor_start")]
pub async fn second_factor_start() -> Result<(), AppError> {
    let (db, _, locale, id) = signed_in()?;
    start_setup(&db, id, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

#[leptos::server(prefix = "/api", endpoint = "second_factor_confirm")]
pub async fn second_factor_confirm(input: CodeInput) -> Result<(), AppError> {
    let (db, session, locale, id) = signed_in()?;
    finish_setup(&db, &session, id, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

#[leptos::server(prefix = "/api", endpoint = "second_factor_off")]
pub async fn second_factor_off(input: CodeInput) -> Result<(), AppError> {
    let (db, _, locale, id) = signed_in()?;
    turn_off(&db, id, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

#[leptos::server(prefix = "/api", endpoint = "second_factor_renew")]
pub async fn second_factor_renew(input: CodeInput) -> Result<(), AppError> {
    let (db, session, locale, id) = signed_in()?;
    renew(&db, &session, id, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}
