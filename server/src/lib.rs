//! The server half: configuration, the axum router and the handlers of plain form posts.
//!
//! [`router`] is what `main` serves and what the HTTP tests drive with `oneshot`.

pub mod cli;
pub mod connections;
pub mod forms;
pub mod gateway;
pub mod http_layers;
pub mod imports;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod open311;
pub mod open_data;
pub mod ops;
pub mod outbox;
pub mod page_cache;
pub mod uploads;

use anyhow::Context;
use app::accounts::DbSessionStore;
use app::db::Db;
use app::i18n::TimeZone;
use app::pages::{LiveScript, NeedsWasm, path_needs_wasm, path_streams_live};
use app::state::{AppState, Config, RequestCtx};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use connections::LIVE_PATH;
use http::Method;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use std::sync::Arc;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub time_zone: TimeZone,
    /// Public URL of the site; `https://` turns on `Secure` cookies.
    pub public_url: String,
    /// Where attachments are kept (`None`: a directory next to the SQLite file).
    pub files: Option<app::attachments::blobs::BlobConfig>,
}

/// Connects to the database, applies migrations and loads the state every request shares.
pub async fn build_state(
    settings: &Settings,
    leptos_options: LeptosOptions,
) -> anyhow::Result<AppState> {
    let mut db = Db::connect(&settings.database_url)
        .await
        .with_context(|| format!("open database {}", settings.database_url))?;
    db.time_zone = settings.time_zone;
    let mut db = app::change::Store::new(db, &settings.database_url);
    if let Some(files) = &settings.files {
        db = db.with_blobs(
            app::attachments::blobs::Blobs::open(files).context("open the file store")?,
        );
    }
    tracing::info!(files = %db.blobs.description, "attachments are kept here");
    let computed = app::deadlines::backfill(&db, app::db::now())
        .await
        .context("compute the deadlines of reports filed before they existed")?;
    if computed > 0 {
        tracing::info!(reports = computed, "deadlines computed");
    }
    let indexed = app::search::index_missing(&db)
        .await
        .context("index the words of reports filed before search existed")?;
    if indexed > 0 {
        tracing::info!(reports = indexed, "search index filled");
    }
    if app::figures::ensure_rollups(&db)
        .await
        .context("bring the figures' sums in step with the reports")?
    {
        tracing::info!("figures' sums rebuilt");
    }
    app::demo::ensure_default_categories(&db).await?;
    let server_secret = app::db::server_secret(&db)
        .await
        .context("load server secret")?;
    Ok(AppState {
        leptos_options,
        db,
        config: Arc::new(Config {
            server_secret,
            time_zone: settings.time_zone,
            secure_cookies: settings.public_url.starts_with("https://"),
            channels: app::state::Channels::default(),
        }),
        shutdown: app::state::Shutdown::default(),
    })
}

/// The state with the email and SMS channels this server was configured with.
pub fn with_channels(mut state: AppState, channels: app::state::Channels) -> AppState {
    Arc::make_mut(&mut state.config).channels = channels;
    state
}

/// The scheduled job: every minute, closes the reports whose contest window ran out, and
/// purges expired sessions and spent rate-limit windows ([`scheduled`]).
pub fn spawn_scheduler(
    db: app::change::Store,
    limiters: std::sync::Arc<limits::Limiters>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            scheduled(&db, app::db::now()).await;
            limiters.forget_idle();
        }
    })
}

/// One run of the scheduled job at `now`. Safe with several servers on one database: each
/// report is closed by the one update that still finds it open
/// ([`app::resolution::close_expired`]), and deleting what expired twice deletes nothing.
pub async fn scheduled(db: &app::change::Store, now: i64) {
    match app::resolution::close_expired(db, now).await {
        Ok(closed) if !closed.is_empty() => {
            tracing::info!(reports = closed.len(), "contest window over: closed");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "closing expired reports failed"),
    }
    let today = db.time_zone.date_at(now);
    if digest_time(db.time_zone, now) {
        match app::notify::enqueue_digests(db, now, &today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(digests = n, "daily digests queued"),
            Err(e) => tracing::error!(error = ?e, "queueing the daily digests failed"),
        }
    }
    match app::attachments::sweep(db, &db.blobs, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "files never attached removed"),
        Err(e) => tracing::error!(error = ?e, "removing files never attached failed"),
    }
    match app::accounts::delete_expired_sessions(db, now).await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(sessions = n, "expired sessions purged"),
        Err(e) => tracing::error!(error = %e, "purging expired sessions failed"),
    }
}

/// Whether the daily digest is due: from 07:00 in the deployment's time zone on (each
/// official gets one a day: later runs find it queued already).
fn digest_time(zone: TimeZone, now: i64) -> bool {
    let local = now + i64::from(zone.offset().whole_seconds());
    local.rem_euclid(86_400) >= 7 * 3600
}

/// `POST /uji/jam?detik=N`: moves this server's clock N seconds ahead, for the browser tests
/// (deadlines passing without waiting). Only routed with `--test-clock`; then it also runs the
/// scheduled job at once, as if the time had really passed.
async fn advance_clock(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let secs = q
        .get("detik")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let now = app::db::advance_clock(secs);
    scheduled(&state.db, now).await;
    // Time jumped: the deadlines every kept page shows are out of date at once.
    state.db.hub.pages_changed();
    now.to_string().into_response()
}

/// [`router`] plus the test clock route (`lapor --test-clock`, browser tests only).
pub fn router_with_test_clock(
    state: AppState,
    limiters: std::sync::Arc<limits::Limiters>,
) -> Router {
    let clock = Router::new()
        .route("/uji/jam", post(advance_clock))
        .with_state(state.clone());
    clock.merge(router_with(state, limiters))
}

/// The routes served by handlers of this crate (plain form posts, downloads, the live
/// stream, server functions): method, path, handler. The router is built from this list, and
/// so are the hostile-input tests ([`routes`]), so that no route can be left out of them.
fn own_routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    use Method as M;
    let mut all = vec![
        (
            M::GET,
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        ),
        (M::GET, "/bahasa/{code}", get(forms::set_language)),
        (M::GET, "/statistik/unduh.csv", get(open_data::figures_csv)),
        (
            M::GET,
            "/statistik/unduh.json",
            get(open_data::figures_json),
        ),
        (M::GET, "/data/laporan.csv", get(open_data::reports_csv)),
        (M::GET, "/data/laporan.json", get(open_data::reports_json)),
        (M::GET, "/wilayah/saran", get(open_data::places)),
        (M::GET, "/lapor/mirip", get(open_data::similar)),
        (M::GET, "/healthz", get(|| async { "ok" })),
        (M::GET, "/readyz", get(ops::readyz)),
        (M::GET, "/metrics", get(metrics::scrape)),
        (M::GET, "/lampiran/{id}", get(uploads::serve)),
        (
            M::GET,
            "/petugas/impor/templat.csv",
            get(imports::template_csv),
        ),
        (
            M::POST,
            "/petugas/impor",
            post(imports::upload).layer(axum::extract::DefaultBodyLimit::max(imports::BODY_LIMIT)),
        ),
        (M::GET, LIVE_PATH, get(live::stream)),
        (M::GET, "/open311/v2/{file}", get(open311::get_resource)),
        (M::POST, "/open311/v2/{file}", post(open311::post_resource)),
        (
            M::GET,
            "/open311/v2/{collection}/{file}",
            get(open311::get_item),
        ),
        (
            M::GET,
            "/sms/kannel",
            get(gateway::kannel).post(gateway::kannel),
        ),
    ];
    all.extend(
        forms::writes()
            .into_iter()
            .map(|(path, route)| (M::POST, path, route)),
    );
    all
}

/// Every route the router answers, as method and path (`{name}` or `:name` for a path
/// parameter): the handlers of this crate, every server function, and every page.
pub fn routes() -> Vec<(Method, String)> {
    let mut all: Vec<(Method, String)> = own_routes()
        .into_iter()
        .filter(|(_, path, _)| !path.starts_with("/api/"))
        .map(|(m, p, _)| (m, p.to_owned()))
        .collect();
    all.extend(
        server_fn_routes()
            .into_iter()
            .map(|(path, method)| (method, path.to_owned())),
    );
    for page in generate_route_list(App) {
        all.push((Method::GET, page.path().to_owned()));
    }
    all
}

/// Every route of the application, with the default abuse limits and no trusted proxy.
pub fn router(state: AppState) -> Router {
    router_with(
        state,
        limits::Limiters::new(&limits::Limits::default(), Vec::new()),
    )
}

/// Every route of the application, counting abuse with `limiters`.
///
/// The live stream has its own stack, without the page cache and compression: an event
/// stream is never compressed or cached, and the compression wrapper alone (sized for its
/// largest encoder) was a third of what an idle stream held in memory.
pub fn router_with(state: AppState, limiters: std::sync::Arc<limits::Limiters>) -> Router {
    let mut pages = Router::new();
    let mut streams = Router::new();
    for (_, path, handler) in own_routes() {
        if path == LIVE_PATH {
            streams = streams.route(path, handler);
        } else {
            pages = pages.route(path, handler);
        }
    }
    let pages = pages
        .leptos_routes_with_handler(generate_route_list(App), get(page_handler))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell));
    let pages = guarded(pages, &state, &limiters)
        .layer(axum::middleware::from_fn_with_state(
            page_cache::PageCache::new(state.db.hub.clone()),
            page_cache::serve,
        ))
        .layer(http_layers::compression());
    guarded(streams, &state, &limiters)
        .merge(pages)
        // A panic is a bug: the client gets a bare 500, the log gets the panic.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            http_layers::panic_response,
        ))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(http_layers::access::return_id())
        .layer(http_layers::access::log())
        .layer(http_layers::access::set_id())
        .with_state(state)
}

/// The layers every request passes, innermost first: abuse limits, the busy guard, the
/// session, cross-site refusal, static caching, safe JSON, private pages' headers and the
/// security headers.
fn guarded(
    router: Router<AppState>,
    state: &AppState,
    limiters: &std::sync::Arc<limits::Limiters>,
) -> Router<AppState> {
    let sessions = SessionManagerLayer::new(DbSessionStore {
        db: state.db.db.clone(),
    })
    .with_name("lapor_session")
    .with_http_only(true)
    .with_same_site(SameSite::Lax)
    .with_secure(state.config.secure_cookies)
    .with_expiry(Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::days(30),
    ));
    router
        .layer(axum::middleware::from_fn_with_state(
            limiters.clone(),
            limits::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            limiters.clone(),
            metrics::guard,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(http_layers::refuse_cross_site))
        .layer(axum::middleware::from_fn(http_layers::cache_static))
        .layer(axum::middleware::from_fn(http_layers::html_safe_json))
        .layer(axum::middleware::from_fn_with_state(
            state.config.secure_cookies,
            http_layers::private_pages,
        ))
        .layer(http_layers::security_headers())
}

/// Every server function of the app: its path and method (also what the hostile-input tests
/// send their requests to).
pub fn server_fn_routes() -> Vec<(&'static str, http::Method)> {
    let mut all: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    all.sort_by(|a, b| a.0.cmp(b.0));
    all
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    // The registered paths, read once (building a server function's service only to ask
    // whether it exists would do that work twice on every call).
    static KNOWN: std::sync::OnceLock<std::collections::HashSet<(&'static str, Method)>> =
        std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(|| server_fn_routes().into_iter().collect());
    if !known.contains(&(req.uri().path(), req.method().clone())) {
        return http_layers::error_response(
            "/api/",
            &app::error::AppError::NotFound,
            app::i18n::Locale::Id,
        );
    }
    let (parts, body) = req.into_parts();
    let ctx = RequestCtx::from_parts(&parts, &state).await;
    let req = Request::from_parts(parts, body);
    let res = handle_server_fns_with_context(
        move || {
            ctx.clone().provide(state.clone());
            provide_context(state.config.time_zone);
        },
        req,
    )
    .await
    .into_response();
    with_error_status(res).await
}

/// Server functions answer every error with status 500; give each [`AppError`] its own
/// (404, 401, 403, 409, 422, 429…) so that clients, proxies and logs tell them apart.
async fn with_error_status(res: Response) -> Response {
    if res.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn page_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    render_page(state, req, || ()).await
}

/// The live bundles' file names, from `pkg/live.txt` in the site (written by `make build`
/// next to the files: `js=…`, `wasm=…`, and `desk_js=…`, `desk_wasm=…` for the officials'
/// bundle); read once. `desk` picks the officials' bundle. Without the file (a build of the
/// server alone) the live pages work as plain pages.
pub fn live_script(options: &LeptosOptions, desk: bool) -> Option<LiveScript> {
    static FOUND: std::sync::OnceLock<Option<(LiveScript, LiveScript)>> =
        std::sync::OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let path = std::path::Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join("live.txt");
        let text = std::fs::read_to_string(path).ok()?;
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
                .map(|v| v.trim().to_owned())
                .filter(|v| {
                    v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                })
        };
        let citizen = LiveScript {
            js: field("js")?,
            wasm: field("wasm")?,
        };
        let officials = LiveScript {
            js: field("desk_js")?,
            wasm: field("desk_wasm")?,
        };
        Some((citizen, officials))
    });
    found
        .as_ref()
        .map(|(citizen, officials)| if desk { officials } else { citizen }.clone())
}

/// Renders the page at the request's path, with `extra` context (e.g. a form to show again).
pub async fn render_page(
    state: AppState,
    req: Request<Body>,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let (mut parts, body) = req.into_parts();
    // A form post that comes back with errors is rendered like a visit to the page.
    parts.method = http::Method::GET;
    let ctx = RequestCtx::from_parts(&parts, &state).await;
    let needs_wasm = path_needs_wasm(parts.uri.path());
    let path = parts.uri.path();
    let staff_page =
        app::pages::StaffPage(path.starts_with("/petugas") || path.starts_with("/akun"));
    let live = path_streams_live(parts.uri.path())
        .then(|| {
            let officials = parts.uri.path().starts_with("/petugas");
            live_script(&state.leptos_options, officials)
        })
        .flatten();
    let req = Request::from_parts(parts, body);
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            ctx.clone().provide(state.clone());
            provide_context(state.config.time_zone);
            provide_context(NeedsWasm(needs_wasm));
            provide_context(staff_page);
            if let Some(live) = live.clone() {
                provide_context(live);
            }
            http_layers::provide_csp();
            extra();
        },
        move || shell(options.clone()),
    );
    handler(req).await.into_response()
}
