//! The one error type.
//!
//! Every variant is something a user can be told. Internal failures (a database that went
//! away, a bug) are logged with their full text on the server by the `From` conversions below
//! and reach the browser only as [`AppError::Internal`], which carries nothing. A bare `?` from
//! `sqlx::Error` into `ServerFnError` would ship the SQL error text to the client; this type
//! exists so that never happens.

use crate::i18n::Locale;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A problem with one field of a form, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's name, e.g. `title`.
    pub field: String,
    /// Translation key of the message, e.g. `err.required`.
    pub key: String,
    /// The message in the user's language; filled in by [`AppError::localize`].
    pub message: String,
    /// What the message goes on to list, in no language (the places a name could mean).
    #[serde(default)]
    pub detail: String,
}

impl FieldError {
    pub fn new(field: &str, key: &str) -> Self {
        FieldError {
            field: field.to_owned(),
            key: key.to_owned(),
            message: String::new(),
            detail: String::new(),
        }
    }

    /// The same error, its message followed by `detail`.
    pub fn with_detail(self, detail: &str) -> Self {
        FieldError {
            detail: detail.to_owned(),
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input broke one or more rules; nothing was stored.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// No such thing, or the viewer may not know it exists.
    #[error("not found")]
    NotFound,
    /// Signed-in users only.
    #[error("sign in required")]
    Unauthorized,
    /// Email and password did not match an account (never says which one was wrong).
    #[error("wrong credentials")]
    WrongCredentials,
    /// The viewer may not do this, or not now.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// Too many attempts in a short time.
    #[error("too many attempts")]
    TooManyAttempts,
    /// The server holds as many live streams as it may; the client comes back later.
    #[error("server busy")]
    Busy,
    /// The request could not be read at all (arguments of the wrong type, broken encoding): a
    /// client's mistake, never ours. Forms in our pages never produce it.
    #[error("malformed request")]
    Malformed,
    /// The request came from a page on another site (a forged cross-site post).
    #[error("cross-site request")]
    CrossSite,
    /// Something failed on our side; its details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request never reached us or the answer never came back (browser side).
    #[error("network: {0}")]
    Network(String),
}

/// Why an allowed-looking request is refused; each reason is told to the user in their
/// language ([`Refusal::key`]) and answered with its own HTTP status ([`AppError::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// This role never does this.
    NotYourRole,
    /// Not from the report's current status (or another official changed it meanwhile).
    WrongStatus,
    /// The time for this ran out (e.g. the contest window).
    WindowOver,
}

impl Refusal {
    /// Translation key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NotYourRole => "err.not_your_role",
            Refusal::WrongStatus => "err.wrong_status",
            Refusal::WindowOver => "err.window_over",
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(r)
    }
}

impl AppError {
    pub fn invalid(field: &str, key: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    /// Fills in the field messages in the user's language.
    pub fn localize(mut self, locale: Locale) -> Self {
        if let AppError::Invalid(errors) = &mut self {
            for e in errors {
                e.message = crate::tr!(locale, &e.key);
                if !e.detail.is_empty() {
                    e.message = format!("{} {}", e.message, e.detail);
                }
            }
        }
        self
    }

    /// A sentence for the user about the whole failure.
    pub fn user_message(&self, locale: Locale) -> String {
        let key = match self {
            AppError::Invalid(_) => "err.invalid",
            AppError::Refused(refusal) => refusal.key(),
            AppError::NotFound => "err.not_found",
            AppError::Unauthorized => "err.unauthorized",
            AppError::WrongCredentials => "err.wrong_credentials",
            AppError::TooManyAttempts => "err.too_many",
            AppError::Busy => "err.busy",
            AppError::Malformed => "err.malformed",
            AppError::CrossSite => "err.cross_site",
            AppError::Internal => "err.internal",
            AppError::Network(_) => "err.network",
        };
        crate::tr!(locale, key)
    }

    /// The message attached to `field`, if any.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status of this error: the one mapping that pages, form posts, server
    /// functions and downloads all answer with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Malformed => 400,
            AppError::Invalid(_) => 422,
            AppError::NotFound => 404,
            AppError::Unauthorized | AppError::WrongCredentials => 401,
            AppError::Refused(Refusal::NotYourRole) | AppError::CrossSite => 403,
            AppError::Refused(_) => 409,
            AppError::TooManyAttempts => 429,
            AppError::Internal => 500,
            AppError::Busy => 503,
            AppError::Network(_) => 502,
        }
    }

    #[cfg(feature = "ssr")]
    pub fn status(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Logs an internal failure and returns the variant that hides it.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "{context}");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(detail) | ServerFnErrorErr::Response(detail) => {
                AppError::Network(detail)
            }
            // Arguments that cannot be decoded are the client's mistake (a 400), never ours.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                #[cfg(feature = "ssr")]
                tracing::debug!(%detail, "server function arguments refused");
                #[cfg(not(feature = "ssr"))]
                let _ = detail;
                AppError::Malformed
            }
            // On the server this is a request body that is not even text: the client's too.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(detail) => {
                tracing::debug!(%detail, "server function body refused");
                AppError::Malformed
            }
            // Anything else went wrong on our side before our code ran: logged, never shown.
            other => {
                #[cfg(feature = "ssr")]
                tracing::warn!(error = %other, "server function failed before our code ran");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        // Text PostgreSQL cannot store (a NUL character, 22021; untranslatable, 22P05) came
        // from the client: a malformed request, not our failure.
        if let sqlx::Error::Database(e) = &error
            && matches!(e.code().as_deref(), Some("22021" | "22P05"))
        {
            tracing::debug!(%error, "text the database cannot store");
            return AppError::Malformed;
        }
        AppError::internal("database", error)
    }
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        AppError::internal("session", error)
    }
}

pub type AppResult<T> = Result<T, AppError>;
