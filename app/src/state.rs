//! What the server hands to every page and server function.

use crate::accounts::{self, Viewer};
use crate::change::Store;
use crate::i18n::{Locale, TimeZone};
use axum::extract::FromRef;
use leptos::prelude::*;
use std::sync::Arc;

/// Settings read once at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Derives access codes; generated and stored in the database on first start.
    pub server_secret: String,
    /// The time zone pages show times in.
    pub time_zone: TimeZone,
    /// Whether cookies carry `Secure` (on whenever the public URL is https).
    pub secure_cookies: bool,
    /// The ways notifications leave and texts come in.
    pub channels: Channels,
}

/// Email and SMS, as this server is configured.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    /// Whether a mail server is configured (otherwise emails go to a folder).
    pub email_configured: bool,
    /// Whether an SMS gateway is configured (otherwise texts go to a folder).
    pub sms_configured: bool,
    /// The key the SMS gateway sends with every text it delivers (`None`: texts are refused).
    pub sms_key: Option<String>,
    /// Where SMS reports go and how many texts a number may send.
    pub sms: crate::sms::SmsPolicy,
}

/// The application state: one per process, cheap to clone.
#[derive(Debug, Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The database, and the live hub every change is announced through.
    pub db: Store,
    pub config: Arc<Config>,
    /// Told when the server begins to stop, so that long answers (live streams) end.
    pub shutdown: Shutdown,
}

/// The moment the server begins to stop (SIGTERM or Ctrl-C), for whatever must end by itself
/// then: live streams close, and their clients reconnect to another server or to this one
/// once it is back, resuming with `Last-Event-ID`.
#[derive(Debug, Clone)]
pub struct Shutdown(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Shutdown {
    /// Tells everyone waiting that the server is stopping.
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Whether the server is stopping.
    pub fn begun(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the server begins to stop.
    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives as long as `self`, so the wait only ends by a stop.
        let _ = rx.wait_for(|stopping| *stopping).await;
    }
}

/// Facts about the current request that pages and server functions need.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub locale: Locale,
    pub viewer: Viewer,
    pub session: tower_sessions::Session,
    /// A form the phone kept while it had no connection, sent now by its service worker
    /// ([`REPLAY_HEADER`]): written long ago, it is taken as it is (no similar reports shown
    /// first, nobody is looking).
    pub replayed: bool,
}

/// The header the service worker sends a kept form with.
pub const REPLAY_HEADER: &str = "x-lapor-replay";

impl RequestCtx {
    /// Reads the language cookie and the signed-in account, if any.
    pub async fn from_parts(parts: &http::request::Parts, state: &AppState) -> RequestCtx {
        let locale = Locale::from_cookie_header(
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok()),
        );
        let session = parts
            .extensions
            .get::<tower_sessions::Session>()
            .cloned()
            .unwrap_or_else(|| unreachable!("the session layer wraps every route"));
        let viewer = accounts::viewer(&state.db, &session).await;
        RequestCtx {
            locale,
            viewer,
            session,
            replayed: parts.headers.contains_key(REPLAY_HEADER),
        }
    }

    /// Puts the state and this request into the reactive context.
    pub fn provide(self, state: AppState) {
        provide_context(state.db.db.clone());
        provide_context(state.db.clone());
        provide_context(state.config.clone());
        provide_context(state);
        provide_context(self.locale);
        provide_context(self.viewer.clone());
        provide_context(self.session.clone());
        provide_context(self);
    }
}

/// The state and request context, from inside a server function.
pub fn server_ctx() -> (AppState, RequestCtx) {
    (expect_context::<AppState>(), expect_context::<RequestCtx>())
}
