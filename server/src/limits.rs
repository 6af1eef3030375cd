//! Abuse limits: how often one client address, and one account, may file, register, sign in,
//! write a message and open a live stream.
//!
//! The counting is `governor`'s (GCRA: a burst, then one more every period), kept in this
//! server's memory, so a flood costs no database write and is refused before any handler
//! runs. The limits are therefore **per server**: behind a balancer with N servers a client
//! may reach N times them. The one limit that must hold across servers, failed sign-ins per
//! email (password guessing), is counted in the database by `app::accounts`.
//!
//! The numbers (see [`Limits::default`]) are generous to shared addresses: Indonesian mobile
//! networks put many phones behind one carrier address (CGNAT), and a whole office or school
//! may file from one. A province takes 300-500 reports a month, a legitimate burst is a few a
//! minute; a script filing 400 a second is stopped after the burst.
//!
//! A refused server-function call or live stream is answered here (429 with `Retry-After`).
//! Live streams are also capped in number ([`Limits::max_streams`]): each holds memory and a
//! file descriptor for as long as a page is open, so beyond the cap a new one is refused
//! cleanly (503 with `Retry-After`) while those open keep working, instead of the process
//! running out of either.
//! A refused plain form post is marked ([`Limited`]) and handed on, so that its handler
//! renders the form again with everything typed and the message, still as a 429.

use crate::http_layers::error_response;
use app::error::AppError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use rand::Rng;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A burst of `burst` requests, then one more every `per`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub burst: u32,
    pub per: Duration,
}

impl Rule {
    const fn new(burst: u32, per_secs: u64) -> Rule {
        Rule {
            burst,
            per: Duration::from_secs(per_secs),
        }
    }

    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(self.per.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// What is limited, per client address and (for writes by a signed-in account) per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    File,
    Register,
    Login,
    Message,
    Live,
    /// Reports another system files through the Open311 API.
    Api,
    /// "Saya juga mengalami ini": supporting a public report.
    Support,
    /// The report form asking for similar reports while the citizen writes.
    Similar,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::File,
        Kind::Register,
        Kind::Login,
        Kind::Message,
        Kind::Live,
        Kind::Api,
        Kind::Support,
        Kind::Similar,
    ];

    /// The limit a request falls under, if any: the plain form post and the server function
    /// of the same write share it.
    pub fn of(method: &Method, path: &str) -> Option<Kind> {
        // Every request passes here: pages and files are told apart before anything is built.
        if method == Method::GET {
            return match path {
                "/langsung" => Some(Kind::Live),
                "/lapor/mirip" => Some(Kind::Similar),
                _ => None,
            };
        }
        if method != Method::POST {
            return None;
        }
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["lapor"] | ["api", "submit_report"] => Some(Kind::File),
            ["daftar"] | ["api", "register_citizen"] => Some(Kind::Register),
            ["masuk"] | ["api", "login"] => Some(Kind::Login),
            // A reset code is a password for an hour: guessed no faster than a password.
            ["lupa-sandi" | "atur-sandi"]
            | ["api", "request_password_reset" | "reset_password"] => Some(Kind::Login),
            ["laporan", _, "pesan"]
            | ["petugas", "laporan", _, "pesan"]
            | ["api", "post_message" | "staff_message"] => Some(Kind::Message),
            ["open311", "v2", file] if file.starts_with("requests.") => Some(Kind::Api),
            ["laporan", _, "dukung"] | ["api", "support_report"] => Some(Kind::Support),
            ["api", "similar_reports"] => Some(Kind::Similar),
            _ => None,
        }
    }
}

/// The rules for each [`Kind`], per client address and per account.
#[derive(Debug, Clone)]
pub struct Limits {
    pub by_address: fn(Kind) -> Rule,
    pub by_account: fn(Kind) -> Option<Rule>,
    /// Multiplies every burst (1 in production; the browser tests, which sign in and file
    /// dozens of times from one address, start the server with a larger one).
    pub burst_factor: u32,
    /// How many live streams this process holds at most.
    pub max_streams: usize,
}

/// Live streams one process holds unless configured (`LAPOR_MAX_STREAMS`).
pub const MAX_STREAMS: usize = 50_000;

impl Default for Limits {
    /// Per address: 20 reports then one every 30 s (120 an hour); 10 accounts then one a
    /// minute; 20 sign-ins then one every 10 s; 30 messages then one every 10 s; 60 live
    /// streams then one a second (every open page holds one and reopens it after a drop); 600
    /// reports through the Open311 API then one a second; 10 supports of reports then one a
    /// minute; 120 questions for similar reports then one a second.
    /// Per account: 5 reports then one every 2 minutes; 20 messages then one every 15 s.
    fn default() -> Self {
        Limits {
            by_address: |kind| match kind {
                Kind::File => Rule::new(20, 30),
                Kind::Register => Rule::new(10, 60),
                Kind::Login => Rule::new(20, 10),
                Kind::Message => Rule::new(30, 10),
                Kind::Live => Rule::new(60, 1),
                // A system filing for many citizens: a backlog at once, then one a second.
                Kind::Api => Rule::new(600, 1),
                // A few supports at once, then one a minute: a script cannot inflate a count.
                Kind::Support => Rule::new(10, 60),
                // A question per pause in typing, for every phone behind one carrier address.
                Kind::Similar => Rule::new(120, 1),
            },
            by_account: |kind| match kind {
                Kind::File => Some(Rule::new(5, 120)),
                Kind::Message => Some(Rule::new(20, 15)),
                _ => None,
            },
            burst_factor: 1,
            max_streams: MAX_STREAMS,
        }
    }
}

impl Limits {
    fn scaled(&self, rule: Rule) -> Rule {
        Rule {
            burst: rule.burst.saturating_mul(self.burst_factor.max(1)),
            ..rule
        }
    }
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// The counters of this server.
pub struct Limiters {
    by_address: Vec<(Kind, Keyed<IpAddr>)>,
    by_account: Vec<(Kind, Keyed<i64>)>,
    /// Addresses of the reverse proxies whose `X-Forwarded-For` is believed.
    trusted_proxies: Vec<IpAddr>,
    /// Clients that may read `/metrics`.
    metrics_from: Vec<IpAddr>,
    clock: DefaultClock,
    /// One permit per live stream that may be open.
    streams: Arc<Semaphore>,
}

/// A live stream's place under the cap, given back when the stream ends (dropped). The limit
/// middleware puts it in the request's extensions; the stream keeps it.
#[derive(Debug, Clone)]
pub struct StreamPermit(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

/// Who may read `/metrics` unless configured: this machine only.
pub const METRICS_FROM: [IpAddr; 2] = [
    IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
];

impl std::fmt::Debug for Limiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiters")
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

impl Limiters {
    pub fn new(limits: &Limits, trusted_proxies: Vec<IpAddr>) -> Arc<Limiters> {
        Limiters::with_metrics_from(limits, trusted_proxies, METRICS_FROM.to_vec())
    }

    /// As [`Limiters::new`], with the clients that may read `/metrics`.
    pub fn with_metrics_from(
        limits: &Limits,
        trusted_proxies: Vec<IpAddr>,
        metrics_from: Vec<IpAddr>,
    ) -> Arc<Limiters> {
        Arc::new(Limiters {
            by_address: Kind::ALL
                .iter()
                .map(|&k| {
                    let rule = limits.scaled((limits.by_address)(k));
                    (k, RateLimiter::keyed(rule.quota()))
                })
                .collect(),
            by_account: Kind::ALL
                .iter()
                .filter_map(|&k| {
                    let rule = limits.scaled((limits.by_account)(k)?);
                    Some((k, RateLimiter::keyed(rule.quota())))
                })
                .collect(),
            trusted_proxies,
            metrics_from,
            clock: DefaultClock::default(),
            streams: Arc::new(Semaphore::new(limits.max_streams)),
        })
    }

    /// A place for one more live stream, if the cap leaves one.
    pub fn admit_stream(&self) -> Option<StreamPermit> {
        let permit = Arc::clone(&self.streams).try_acquire_owned().ok()?;
        Some(StreamPermit(Arc::new(permit)))
    }

    /// How long the client must wait, or `None` when this request may go ahead (and is
    /// counted).
    pub fn check(&self, kind: Kind, address: IpAddr, account: Option<i64>) -> Option<Duration> {
        let now = self.clock.now();
        let by_address = self
            .by_address
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, l)| l.check_key(&address).err())
            .map(|n| n.wait_time_from(now));
        if by_address.is_some() {
            return by_address;
        }
        let account = account?;
        self.by_account
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, l)| l.check_key(&account).err())
            .map(|n| n.wait_time_from(now))
    }

    /// Forgets clients whose counters are full again (run by the scheduler).
    pub fn forget_idle(&self) {
        for (_, l) in &self.by_address {
            l.retain_recent();
            l.shrink_to_fit();
        }
        for (_, l) in &self.by_account {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Whether this request's client may read `/metrics`.
    pub fn may_read_metrics(&self, req: &Request) -> bool {
        self.metrics_from.contains(&self.client_address(req))
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the last
    /// address in `X-Forwarded-For` that is not one of ours (a client can put anything in
    /// front of that header, never after the proxy's own entry).
    pub fn client_address(&self, req: &Request) -> IpAddr {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        req.headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .rev()
            .find(|a| !self.trusted_proxies.contains(a))
            .unwrap_or(peer)
    }
}

/// Set on a plain form post that went over its limit: the handler answers
/// [`AppError::TooManyAttempts`] with the form filled in again.
#[derive(Debug, Clone, Copy)]
pub struct Limited;

/// The error a form handler answers instead of doing its work, if the post was limited.
pub fn refusal<B>(req: &http::Request<B>) -> Option<AppError> {
    req.extensions()
        .get::<Limited>()
        .map(|_| AppError::TooManyAttempts)
}

/// The middleware: counts the request against its limits and refuses it when over.
pub async fn limit(
    State(limiters): State<Arc<Limiters>>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(kind) = Kind::of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let address = limiters.client_address(&req);
    let account = match req.extensions().get::<tower_sessions::Session>() {
        Some(session) if matches!(kind, Kind::File | Kind::Message) => {
            app::accounts::session_account(session).await
        }
        _ => None,
    };
    let Some(wait) = limiters.check(kind, address, account) else {
        if kind != Kind::Live {
            return next.run(req).await;
        }
        let Some(permit) = limiters.admit_stream() else {
            return busy(&req);
        };
        req.extensions_mut().insert(permit);
        return next.run(req).await;
    };
    tracing::info!(?kind, %address, "rate limit reached");
    let retry_after = wait.as_secs().max(1).to_string();
    let path = req.uri().path().to_owned();
    let mut res = if path.starts_with("/api/") || matches!(kind, Kind::Live | Kind::Similar) {
        let locale = crate::http_layers::request_locale(req.headers());
        error_response(&path, &AppError::TooManyAttempts, locale)
    } else {
        req.extensions_mut().insert(Limited);
        next.run(req).await
    };
    if let Ok(v) = HeaderValue::from_str(&retry_after) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// The answer to a live stream beyond the cap: 503, and a `Retry-After` spread over half a
/// minute so that the refused pages do not all come back in the same second.
fn busy(req: &Request) -> Response {
    tracing::warn!("live stream refused: this server holds as many as it may");
    let locale = crate::http_layers::request_locale(req.headers());
    let mut res = error_response(req.uri().path(), &AppError::Busy, locale);
    let wait = rand::thread_rng().gen_range(10..40u32);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_and_its_server_function_share_a_limit() {
        let post = Method::POST;
        assert_eq!(Kind::of(&post, "/lapor"), Some(Kind::File));
        assert_eq!(Kind::of(&post, "/api/submit_report"), Some(Kind::File));
        assert_eq!(Kind::of(&post, "/laporan/LPR-1/pesan"), Some(Kind::Message));
        assert_eq!(Kind::of(&post, "/api/post_message"), Some(Kind::Message));
        assert_eq!(
            Kind::of(&post, "/petugas/laporan/LPR-1/pesan"),
            Some(Kind::Message)
        );
        assert_eq!(Kind::of(&post, "/masuk"), Some(Kind::Login));
        assert_eq!(Kind::of(&post, "/api/login"), Some(Kind::Login));
        assert_eq!(
            Kind::of(&post, "/api/register_citizen"),
            Some(Kind::Register)
        );
        assert_eq!(Kind::of(&post, "/daftar"), Some(Kind::Register));
        assert_eq!(Kind::of(&Method::GET, "/langsung"), Some(Kind::Live));
        assert_eq!(Kind::of(&Method::GET, "/lapor"), None);
        assert_eq!(Kind::of(&post, "/petugas/laporan/LPR-1/aksi"), None);
    }

    #[test]
    fn a_burst_then_one_per_period_per_address_and_per_account() {
        let limits = Limits {
            by_address: |_| Rule::new(3, 3600),
            by_account: |_| Some(Rule::new(2, 3600)),
            burst_factor: 1,
            max_streams: MAX_STREAMS,
        };
        let l = Limiters::new(&limits, Vec::new());
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(l.check(Kind::File, a, None).is_none());
        assert!(l.check(Kind::File, a, None).is_none());
        assert!(l.check(Kind::File, a, None).is_none());
        let wait = l.check(Kind::File, a, None).expect("over the burst");
        assert!(wait > Duration::from_secs(3000), "{wait:?}");
        assert!(l.check(Kind::Login, a, None).is_none(), "each kind apart");
        assert!(l.check(Kind::File, b, Some(7)).is_none());
        assert!(l.check(Kind::File, b, Some(7)).is_none());
        assert!(
            l.check(Kind::File, b, Some(7)).is_some(),
            "the account's own limit"
        );
    }
}
