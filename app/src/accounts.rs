//! Citizens who choose to sign in: registration, login, logout and the session behind them.
//!
//! An account is optional: a report can be filed and followed with its access code alone. A
//! signed-in citizen also gets the list of their own reports. Passwords are hashed with
//! argon2id (on a blocking thread, it is slow on purpose); sessions are server-side rows
//! managed by `tower-sessions`, so logging out really ends them.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Who is looking at a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub account: Option<AccountSummary>,
    /// Set when the account is an official's: its role and organisation.
    pub staff: Option<crate::staff::Staff>,
    /// An official's account signed in without the second step it must pass (its own, or the
    /// one the system admin requires): `staff` is left empty until it is set up or passed.
    #[serde(default)]
    pub second_factor_due: bool,
}

/// The signed-in account, as pages may show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// The registration form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub password: String,
}

/// The login form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    /// Where to go after signing in (a path on this site).
    #[serde(default)]
    pub ke: String,
    /// A reply typed when the session had expired, handed back to the page after login.
    #[serde(default)]
    pub draf: String,
}

mod reset;
pub use reset::*;
mod two_step;
pub use two_step::*;

/// Whether `path` is a path on this site, safe to redirect to (`//host` or `https://…` would
/// make a redirect open).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// How many failed logins for one email within [`FAILURE_WINDOW`] seconds are allowed before
/// further attempts are refused until the window passes.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW: i64 = 15 * 60;

pub const MIN_PASSWORD: usize = 10;

/// Checks an email address the way a form should: present, one `@`, a dot in the domain.
pub fn email_is_plausible(email: &str) -> bool {
    let email = email.trim();
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// Checks a phone number: digits with optional `+`, spaces and dashes, 8 to 15 digits.
pub fn phone_is_plausible(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (8..=15).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-'))
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::{Db, is_unique_violation};
    use crate::error::{AppError, AppResult, FieldError};
    use argon2::Argon2;
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use rand::RngCore;
    use sqlx::Row;
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store;
    use tower_sessions::{Session, SessionStore};

    const ACCOUNT_KEY: &str = "account_id";
    const DRAFT_KEY: &str = "draft";

    /// Validates and stores a new citizen account; returns its id.
    pub async fn register(db: &Db, input: &RegisterInput, now: i64) -> AppResult<i64> {
        let mut errors = Vec::new();
        let name = input.name.trim();
        let email = input.email.trim().to_lowercase();
        let phone = input.phone.trim();
        if name.chars().count() < 2 || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "err.name"));
        }
        if !email_is_plausible(&email) {
            errors.push(FieldError::new("email", "err.email"));
        }
        if !phone.is_empty() && !phone_is_plausible(phone) {
            errors.push(FieldError::new("phone", "err.phone"));
        }
        if input.password.chars().count() < MIN_PASSWORD || input.password.len() > 1024 {
            errors.push(FieldError::new("password", "err.password_short"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let hash = hash_password(input.password.clone()).await?;
        let inserted = sqlx::query_scalar::<_, i64>(
            "insert into accounts (email, password_hash, name, phone, created_at) \
             values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(&email)
        .bind(&hash)
        .bind(name)
        .bind(phone)
        .bind(now)
        .fetch_one(&db.pool)
        .await;
        match inserted {
            Ok(id) => Ok(id),
            Err(e) if is_unique_violation(&e) => Err(AppError::invalid("email", "err.email_taken")),
            Err(e) => Err(e.into()),
        }
    }

    /// Returns the account whose email and password match, or [`AppError::WrongCredentials`]
    /// without saying which of the two was wrong. After [`MAX_FAILURES`] failures for one
    /// email within [`FAILURE_WINDOW`], every attempt is refused with
    /// [`AppError::TooManyAttempts`] (the right password too) until the window has passed.
    pub async fn authenticate(db: &Db, input: &LoginInput, now: i64) -> AppResult<i64> {
        let email = input.email.trim().to_lowercase();
        let failures: i64 =
            sqlx::query_scalar("select count(*) from login_failures where email = $1 and at > $2")
                .bind(&email)
                .bind(now - FAILURE_WINDOW)
                .fetch_one(&db.pool)
                .await?;
        if failures >= MAX_FAILURES {
            return Err(AppError::TooManyAttempts);
        }
        let row =
            sqlx::query("select id, password_hash from accounts where email = $1 and active = $2")
                .bind(&email)
                .bind(1_i64)
                .fetch_optional(&db.pool)
                .await?;
        let (id, hash) = match row {
            Some(r) => (
                Some(r.try_get::<i64, _>("id")?),
                r.try_get::<String, _>("password_hash")?,
            ),
            None => (None, String::new()),
        };
        let ok = verify_password(input.password.clone(), hash).await?;
        match (id, ok) {
            (Some(id), true) => {
                sqlx::query("delete from login_failures where email = $1")
                    .bind(&email)
                    .execute(&db.pool)
                    .await?;
                Ok(id)
            }
            _ => {
                sqlx::query("insert into login_failures (email, at) values ($1, $2)")
                    .bind(&email)
                    .bind(now)
                    .execute(&db.pool)
                    .await?;
                sqlx::query("delete from login_failures where at <= $1")
                    .bind(now - FAILURE_WINDOW)
                    .execute(&db.pool)
                    .await?;
                Err(AppError::WrongCredentials)
            }
        }
    }

    /// A hash of a random password, verified against when the email is unknown, so that an
    /// unknown email costs as much time as a wrong password.
    fn dummy_hash() -> &'static str {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        DUMMY.get_or_init(|| {
            let salt =
                SaltString::encode_b64(b"lapor-dummy-salt").unwrap_or_else(|_| unreachable!());
            Argon2::default()
                .hash_password(b"no account has this password", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
    }

    pub async fn hash_password(password: String) -> AppResult<String> {
        tokio::task::spawn_blocking(move || {
            let mut salt = [0u8; 16];
            rand::thread_rng().fill_bytes(&mut salt);
            let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::internal("salt", e))?;
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| AppError::internal("hash password", e))
        })
        .await
        .map_err(|e| AppError::internal("hash task", e))?
    }

    async fn verify_password(password: String, hash: String) -> AppResult<bool> {
        tokio::task::spawn_blocking(move || {
            let hash = if hash.is_empty() {
                dummy_hash()
            } else {
                hash.as_str()
            };
            let Ok(parsed) = PasswordHash::new(hash) else {
                return false;
            };
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .await
        .map_err(|e| AppError::internal("verify task", e))
    }

    /// Signs `account_id` into `session`, with a fresh session id so that an id planted
    /// before login is worthless after it.
    pub async fn sign_in(db: &Db, session: &Session, account_id: i64, now: i64) -> AppResult<()> {
        session.cycle_id().await?;
        session.insert(ACCOUNT_KEY, account_id).await?;
        // When it last signed in: an official's activity (`connectedness`).
        sqlx::query("update accounts set last_sign_in_at = $1 where id = $2")
            .bind(now)
            .bind(account_id)
            .execute(&db.pool)
            .await?;
        Ok(())
    }

    /// Ends the session on the server, not only in the browser.
    pub async fn sign_out(session: &Session) -> AppResult<()> {
        session.flush().await?;
        Ok(())
    }

    /// Ends every session of an account, on every device.
    pub async fn sign_out_everywhere(db: &Db, account_id: i64) -> AppResult<()> {
        sqlx::query("delete from sessions where account_id = $1")
            .bind(account_id)
            .execute(&db.pool)
            .await?;
        Ok(())
    }

    /// Keeps a reply typed while the session had expired, for the page at `path`.
    pub async fn keep_draft(session: &Session, path: &str, body: &str) -> AppResult<()> {
        session
            .insert(DRAFT_KEY, (path.to_owned(), body.to_owned()))
            .await?;
        Ok(())
    }

    /// The kept draft for the page at `path`, removed from the session as it is handed out.
    pub async fn take_draft(session: &Session, path: &str) -> Option<String> {
        match session.get::<(String, String)>(DRAFT_KEY).await {
            Ok(Some((p, body))) if p == path => {
                let _ = session.remove::<(String, String)>(DRAFT_KEY).await;
                Some(body)
            }
            _ => None,
        }
    }

    /// The account a session is signed in as, without loading the account.
    pub async fn session_account(session: &Session) -> Option<i64> {
        session.get::<i64>(ACCOUNT_KEY).await.ok().flatten()
    }

    /// The viewer behind a session; a broken session or a deleted or disabled account is a
    /// visitor.
    pub async fn viewer(db: &Db, session: &Session) -> Viewer {
        let Ok(Some(id)) = session.get::<i64>(ACCOUNT_KEY).await else {
            return Viewer::default();
        };
        let loaded = async {
            let account = account_summary(db, id).await?;
            let mut staff = match account {
                Some(_) => crate::staff::load(db, id).await?,
                None => None,
            };
            // An official's work needs the second step when it has one or it is required.
            let due = staff.is_some()
                && !passed_second_step(session).await
                && crate::second_factor::due(db, id).await?;
            if due {
                staff = None;
            }
            Ok::<_, AppError>(Viewer {
                account,
                staff,
                second_factor_due: due,
            })
        };
        match loaded.await {
            Ok(viewer) => viewer,
            Err(e) => {
                tracing::error!(error = %e, "load viewer");
                Viewer::default()
            }
        }
    }

    pub async fn account_summary(db: &Db, id: i64) -> Result<Option<AccountSummary>, sqlx::Error> {
        let row = sqlx::query(
            "select id, name, email, phone from accounts where id = $1 and active = $2",
        )
        .bind(id)
        .bind(1_i64)
        .fetch_optional(&db.pool)
        .await?;
        row.map(|r| {
            Ok(AccountSummary {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                phone: r.try_get("phone")?,
            })
        })
        .transpose()
    }

    /// Sessions stored in the application database, on either engine.
    #[derive(Debug, Clone)]
    pub struct DbSessionStore {
        pub db: Db,
    }

    impl DbSessionStore {
        /// Inserts a session row; `on_conflict` says what an existing id does. Returns the
        /// number of rows written.
        async fn write(&self, record: &Record, on_conflict: &str) -> session_store::Result<u64> {
            let data = serde_json::to_string(&record.data)
                .map_err(|e| session_store::Error::Encode(e.to_string()))?;
            let account = record
                .data
                .get(ACCOUNT_KEY)
                .and_then(serde_json::Value::as_i64);
            let sql = format!(
                "insert into sessions (id, data, expires_at, account_id) values ($1, $2, $3, $4) \
                 on conflict (id) {on_conflict}"
            );
            let done = sqlx::query(&sql)
                .bind(record.id.to_string())
                .bind(data)
                .bind(record.expiry_date.unix_timestamp())
                .bind(account)
                .execute(&self.db.pool)
                .await
                .map_err(backend)?;
            Ok(done.rows_affected())
        }
    }

    fn backend(e: impl std::fmt::Display) -> session_store::Error {
        session_store::Error::Backend(e.to_string())
    }

    #[async_trait::async_trait]
    impl SessionStore for DbSessionStore {
        async fn create(&self, record: &mut Record) -> session_store::Result<()> {
            // A new id that happens to exist already is replaced, never overwritten.
            while self.write(record, "do nothing").await? == 0 {
                record.id = Id::default();
            }
            Ok(())
        }

        async fn save(&self, record: &Record) -> session_store::Result<()> {
            self.write(
                record,
                "do update set data = excluded.data, expires_at = excluded.expires_at, \
                 account_id = excluded.account_id",
            )
            .await
            .map(|_| ())
        }

        async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
            let row = sqlx::query(
                "select data, expires_at from sessions where id = $1 and expires_at > $2",
            )
            .bind(id.to_string())
            .bind(crate::db::now())
            .fetch_optional(&self.db.pool)
            .await
            .map_err(backend)?;
            let Some(row) = row else { return Ok(None) };
            let data: String = row.try_get("data").map_err(backend)?;
            let expires: i64 = row.try_get("expires_at").map_err(backend)?;
            Ok(Some(Record {
                id: *id,
                data: serde_json::from_str(&data)
                    .map_err(|e| session_store::Error::Decode(e.to_string()))?,
                expiry_date: time::OffsetDateTime::from_unix_timestamp(expires)
                    .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            }))
        }

        async fn delete(&self, id: &Id) -> session_store::Result<()> {
            sqlx::query("delete from sessions where id = $1")
                .bind(id.to_string())
                .execute(&self.db.pool)
                .await
                .map_err(backend)?;
            Ok(())
        }
    }

    /// Removes expired sessions; run now and then.
    pub async fn delete_expired_sessions(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("delete from sessions where expires_at <= $1")
            .bind(now)
            .execute(&db.pool)
            .await?
            .rows_affected())
    }
}

/// Signs in with the login form and returns where to go next: `ke` (a path on this site) or
/// the account's home. A reply typed while the session had expired (`draf`) waits in the new
/// session for its page.
#[leptos::server(prefix = "/api", endpoint = "login")]
pub async fn login(input: LoginInput) -> Result<String, AppError> {
    let (db, session, locale) = request_parts();
    let signed_in = async {
        let now = crate::db::now();
        let id = authenticate(&db, &input, now).await?;
        // Back to the login pages after signing in would be a loop.
        let ke = Some(input.ke.trim())
            .filter(|k| !k.starts_with("/masuk"))
            .unwrap_or("");
        // With a second factor, the password only gets as far as the code's page.
        if crate::second_factor::enabled(&db, id).await? {
            begin_halfway(&session, id, ke, &input.draf, now).await?;
            return Ok(CODE_PAGE.to_owned());
        }
        sign_in(&db, &session, id, now).await?;
        if !input.draf.trim().is_empty() && is_local_path(ke) {
            keep_draft(&session, ke, &input.draf).await?;
        }
        Ok::<_, AppError>(if is_local_path(ke) {
            ke.to_owned()
        } else {
            home_of(&db, id).await?.to_owned()
        })
    };
    signed_in.await.map_err(|e| e.localize(locale))
}

/// What the account server functions need of the request (the state module builds on this
/// one, so they read the parts it provides).
#[cfg(feature = "ssr")]
fn request_parts() -> (crate::db::Db, tower_sessions::Session, crate::i18n::Locale) {
    use leptos::prelude::expect_context;
    (expect_context(), expect_context(), expect_context())
}

/// Registers a citizen account and signs it in.
#[leptos::server(prefix = "/api", endpoint = "register_citizen")]
pub async fn register_citizen(input: RegisterInput) -> Result<(), AppError> {
    let (db, session, locale) = request_parts();
    let now = crate::db::now();
    let id = register(&db, &input, now)
        .await
        .map_err(|e| e.localize(locale))?;
    sign_in(&db, &session, id, now).await
}

/// Signs out; with `everywhere`, ends every session of the account on every device.
#[leptos::server(prefix = "/api", endpoint = "logout")]
pub async fn logout(everywhere: bool) -> Result<(), AppError> {
    let (db, session, _) = request_parts();
    let viewer = leptos::prelude::expect_context::<Viewer>();
    if everywhere && let Some(account) = &viewer.account {
        sign_out_everywhere(&db, account.id).await?;
    }
    sign_out(&session).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones() {
        assert!(email_is_plausible("warga@example.id"));
        assert!(!email_is_plausible("warga@localhost"));
        assert!(!email_is_plausible("warga example@x.id"));
        assert!(!email_is_plausible("@x.id"));
        assert!(phone_is_plausible("+62 812-3456-7890"));
        assert!(!phone_is_plausible("0812"));
        assert!(!phone_is_plausible("0812 3456 abc"));
    }
}
