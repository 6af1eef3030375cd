//! Pages and the frame around them.
//!
//! Every page is rendered completely on the server (`SsrMode::Async`), so it works with
//! JavaScript off and gets a real status code. Forms are plain HTML forms posting to the page's
//! own URL; the server re-renders the page with the typed values and the errors when something
//! is wrong ([`FormEcho`]). Only the report form is an island that upgrades itself once its
//! WebAssembly has loaded.

mod account;
mod admin;
mod audit;
mod deadline;
mod desk;
mod figures;
mod file_report;
mod files;
mod help;
mod home;
mod intake;
mod listing;
mod live;
mod offline;
mod outbox;
mod password;
mod report;
mod similar;
mod staff;
mod track;
mod two_step;
mod unsubscribe;

pub use account::{LoginPage, MyReportsPage, RegisterPage};
pub use admin::AdminPage;
pub use figures::{FiguresPage, RankingPage};
pub use file_report::{
    FileReportPage, FormStates, NEXT_HEADER, ReportFields, ReportForm, ReportFormText,
};
pub use help::SmsHelpPage;
pub use home::HomePage;
pub use intake::{ImportDetailPage, ImportPage, ManualIntakePage, ReceiptPage};
pub use listing::ListingPage;
pub use live::LiveUpdates;
pub use offline::{OfflinePage, SavedPage, kept_offline};
pub use outbox::OutboxPage;
pub use password::{ForgotPasswordPage, ResetPasswordPage};
pub use report::ReportPage;
pub use similar::SimilarReports;
pub use staff::{CasePage, InboxPage, StaffEmailPage, StaffSearchPage, WatchPage};
pub use track::TrackPage;
pub use unsubscribe::UnsubscribePage;

use crate::accounts::Viewer;
use crate::error::AppError;
use crate::i18n::{Locale, TimeZone};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{FlatRoutes, Route, Router},
    path,
};

/// Whether the page being rendered contains an island and so needs the Leptos WebAssembly
/// bundle: only the report form does. Other pages ship no script but `offline.js` and, when
/// they update themselves live, the small live bundle ([`LiveScript`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsWasm(pub bool);

/// Paths whose pages contain islands: the report form.
pub fn path_needs_wasm(path: &str) -> bool {
    path == "/lapor"
}

/// The files of the live bundle (`frontend/live`, under `/pkg/`) when the page being rendered
/// updates itself live ([`path_streams_live`]): keeping a page current and sending chat replies
/// needs no framework, and a report page stays a few kilobytes on a rural network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveScript {
    pub js: String,
    pub wasm: String,
}

/// Paths whose pages update themselves live: a report, the officials' inbox, watch table and
/// reports.
pub fn path_streams_live(path: &str) -> bool {
    (path.starts_with("/laporan/") && path.len() > "/laporan/".len())
        || path == "/petugas"
        || path == "/petugas/pantau"
        || path.starts_with("/petugas/laporan/")
}

/// Whether the page being rendered is an official's (`/petugas/…`) or an account's security
/// (`/akun/…`): it links the officials' stylesheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffPage(pub bool);

/// Data a page loads while it is rendered on the server. Unlike a Leptos resource it is not
/// also serialised into the page as JSON: these pages are never hydrated (only islands are,
/// and they receive their data as props), so that copy would only double what a phone on a
/// slow network downloads. Clone it into each render closure and `.await` it there.
pub type PageData<T> = futures::future::Shared<futures::future::BoxFuture<'static, T>>;

/// Starts loading `fut` for the page being rendered; see [`PageData`].
pub fn page_data<T: Clone + Send + Sync + 'static>(
    fut: impl std::future::Future<Output = T> + Send + 'static,
) -> PageData<T> {
    use futures::FutureExt;
    fut.boxed().shared()
}

/// A form that came back with errors: what the user typed and what was wrong, provided by the
/// server when it re-renders a page after a plain (no JavaScript) form post.
#[derive(Debug, Clone)]
pub struct FormEcho<T> {
    pub input: T,
    pub error: AppError,
}

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = use_locale();
    let needs_wasm = use_context::<NeedsWasm>().is_some_and(|n| n.0);
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b3161b" />
                // Inline: on a 400 ms link, a stylesheet of its own costs the first paint a round
                // trip (the service worker keeps the pages, styles and all, for offline use).
                {match inline_css(&options) {
                    Some(css) => view! { <style nonce=leptos::nonce::use_nonce() inner_html=css></style> }.into_any(),
                    None => view! { <HashedStylesheet options=options.clone() id="leptos" /> }.into_any(),
                }}
                // In the page, not a request of its own (the same drawing as /favicon.svg); the web
                // app manifest is linked by offline.js once the page has loaded, so that neither
                // it nor its icons compete with the first paint.
                <link rel="icon" type="image/svg+xml" href=FAVICON />
                // Registers the service worker and keeps drafts: small, and never in the way
                // of the first paint.
                <script src="/offline.js" defer></script>
                // Officials' pages add their own styles; citizens' pages never load them.
                {use_context::<StaffPage>().is_some_and(|s| s.0).then(|| view! { <link rel="stylesheet" href="/petugas.css" /> })}
                {needs_wasm.then(|| view! { <IslandScripts options /> })}
                {use_context::<LiveScript>().map(|live| {
                    // A second after the page has loaded: the first paint needs none of it, and on
                    // a slow link every early request delays it.
                    let boot = format!(
                        "const go=()=>setTimeout(()=>import('/pkg/{}').then(m=>m.default({{module_or_path:'/pkg/{}'}})),1000);\
                         document.readyState==='complete'?go():addEventListener('load',go,{{once:true}});",
                        live.js, live.wasm
                    );
                    view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=boot></script> }
                })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Loads the islands' bundle once the page has loaded ([`HydrationScripts`] in islands mode,
/// without its preload hints, which on a rural link made the WebAssembly share the first round
/// trips with the page and its stylesheet).
#[component]
fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As `HydrationScripts` does: the page's islands are rendered for hydration from here on.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let (js, wasm) = bundle_files(&options);
    let pkg = &options.site_pkg_dir;
    let boot = format!(
        "{}(\"/{pkg}/{js}.js\", \"/{pkg}/{wasm}.wasm\");",
        include_str!("pages/island_loader.js")
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=boot></script> }
}

/// `lapor.<hash>` for a kind of file (`js`, `wasm`, `css`), from the hash file cargo-leptos
/// writes beside the binary (as `HydrationScripts` and `HashedStylesheet` find it).
fn hashed_name(options: &LeptosOptions, kind: &str) -> Option<String> {
    let hashes = options
        .hash_files
        .then(|| std::env::current_exe().ok())
        .flatten()
        .and_then(|exe| {
            std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
        })?;
    hashes
        .lines()
        .find_map(|l| l.trim().strip_prefix(kind)?.strip_prefix(':'))
        .map(|h| format!("{}.{}", options.output_name, h.trim()))
}

/// The site's stylesheet, read once, to inline into every page; `None` when the site has not
/// been built (a server compiled alone, as in the integration tests).
fn inline_css(options: &LeptosOptions) -> Option<String> {
    static CSS: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    CSS.get_or_init(|| {
        let name = hashed_name(options, "css").unwrap_or_else(|| options.output_name.to_string());
        let path = std::path::Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join(format!("{name}.css"));
        std::fs::read_to_string(path).ok()
    })
    .clone()
}

/// The islands' JavaScript and WebAssembly file names (without their extension).
fn bundle_files(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    let hash = |kind: &str| hashed_name(options, kind);
    // Unhashed, a cargo-leptos build names the WebAssembly like the script; wasm-bindgen alone
    // adds `_bg`.
    let plain_wasm = match option_env!("LEPTOS_OUTPUT_NAME") {
        Some(_) => name.clone(),
        None => format!("{name}_bg"),
    };
    (
        hash("js").unwrap_or_else(|| name.clone()),
        hash("wasm").unwrap_or(plain_wasm),
    )
}

/// `public/favicon.svg` as a data address.
const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='6' fill='%23b3161b'/%3E%3Cpath d='M9 7h4v14h10v4H9z' fill='%23fff'/%3E%3C/svg%3E";

/// The router: one route per page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Frame>
                <FlatRoutes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/lapor") view=FileReportPage ssr=SsrMode::Async />
                    <Route path=path!("/laporan") view=ListingPage ssr=SsrMode::Async />
                    <Route path=path!("/laporan/:id") view=ReportPage ssr=SsrMode::Async />
                    <Route path=path!("/lacak") view=TrackPage ssr=SsrMode::Async />
                    <Route path=path!("/statistik") view=FiguresPage ssr=SsrMode::Async />
                    <Route path=path!("/statistik/peringkat") view=RankingPage ssr=SsrMode::Async />
                    <Route path=path!("/masuk") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/masuk/kode") view=two_step::LoginCodePage ssr=SsrMode::Async />
                    <Route path=path!("/akun/dua-langkah") view=two_step::SecondFactorPage ssr=SsrMode::Async />
                    <Route path=path!("/daftar") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/laporan-saya") view=MyReportsPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas") view=InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/pantau") view=WatchPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/cari") view=StaffSearchPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/laporan/:id") view=CasePage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/admin/kiriman") view=OutboxPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/audit") view=audit::AuditLogPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/email") view=StaffEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/templat") view=desk::TemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/catat") view=ManualIntakePage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/catat/:id") view=ReceiptPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/impor") view=ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/petugas/impor/:id") view=ImportDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/lupa-sandi") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/atur-sandi") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/berhenti/:link") view=UnsubscribePage ssr=SsrMode::Async />
                    <Route path=path!("/bantuan/sms") view=SmsHelpPage ssr=SsrMode::Async />
                    <Route path=path!("/tersimpan") view=SavedPage ssr=SsrMode::Async />
                    <Route path=path!("/luring") view=OfflinePage ssr=SsrMode::Async />
                </FlatRoutes>
            </Frame>
        </Router>
    }
}

/// Header, navigation and footer.
#[component]
fn Frame(children: Children) -> impl IntoView {
    let loc = use_locale();
    let viewer = use_context::<Viewer>().unwrap_or_default();
    let due = viewer.second_factor_due;
    let here = leptos_router::hooks::use_location();
    let back = format!(
        "{}{}",
        here.pathname.get_untracked(),
        here.search
            .get_untracked()
            .as_str()
            .strip_prefix('?')
            .map(|q| format!("?{q}"))
            .unwrap_or_default()
    );
    let switch = format!("/bahasa/{}?ke={}", loc.other().code(), url_encode(&back));
    view! {
        <a class="skip" href="#isi">{tr!(loc, "nav.skip")}</a>
        <header class="top">
            <a class="brand" href="/">
                <strong>{tr!(loc, "app.name")}</strong>
                <span>{tr!(loc, "app.tagline")}</span>
            </a>
            <nav aria-label=tr!(loc, "nav.main")>
                <a href="/lapor">{tr!(loc, "nav.file")}</a>
                <a href="/laporan">{tr!(loc, "nav.list")}</a>
                <a href="/lacak">{tr!(loc, "nav.track")}</a>
                <a href=viewer.staff.as_ref().and_then(|s| s.org_id).map(|o| format!("/statistik?instansi={o}")).unwrap_or_else(|| "/statistik".to_owned())>{tr!(loc, "nav.figures")}</a>
                {match (viewer.account, viewer.staff) {
                    (Some(_), Some(staff)) => view! {
                        // The overseer has no inbox: it acts on nothing.
                        {(staff.works_reports() && staff.role != crate::lifecycle::Role::Overseer).then(|| view! {
                            <a href="/petugas">{tr!(loc, "staff.inbox")}</a>
                        })}
                        {crate::intake::enters_reports(&staff).then(|| view! {
                            <a href="/petugas/catat">{tr!(loc, "nav.enter")}</a>
                        })}
                        {staff.works_reports().then(|| view! {
                            <a href="/petugas/pantau">{tr!(loc, "staff.watch")}</a>
                        })}
                        {(staff.role == crate::lifecycle::Role::SystemAdmin).then(|| view! {
                            <a href="/petugas/admin">{tr!(loc, "admin.title")}</a>
                        })}
                        {crate::audit::may_read(&staff).then(|| view! {
                            <a href="/petugas/audit">{tr!(loc, "audit.title")}</a>
                        })}
                        <a href=crate::accounts::SETUP_PAGE>{tr!(loc, "two_step.nav")}</a>
                        <form method="post" action="/keluar" class="inline">
                            <button type="submit" class="link">{tr!(loc, "nav.logout")}</button>
                        </form>
                        <form method="post" action="/keluar" class="inline">
                            <input type="hidden" name="semua" value="1" />
                            <button type="submit" class="link">{tr!(loc, "nav.logout_all")}</button>
                        </form>
                    }.into_any(),
                    (Some(_), None) => view! {
                        <a href="/laporan-saya">{tr!(loc, "nav.mine")}</a>
                        <form method="post" action="/keluar" class="inline">
                            <button type="submit" class="link">{tr!(loc, "nav.logout")}</button>
                        </form>
                    }.into_any(),
                    _ => view! { <a href="/masuk">{tr!(loc, "nav.login")}</a> }.into_any(),
                }}
                <a href=switch lang=loc.other().code() hreflang=loc.other().code()>{tr!(loc, "nav.language")}</a>
            </nav>
        </header>
        <main id="isi">
            {due.then(|| view! {
                <p class="notice" role="status" data-testid="second-factor-due">
                    {tr!(loc, "two_step.due")}" "<a href=crate::accounts::SETUP_PAGE>{tr!(loc, "two_step.due_link")}</a>
                </p>
            })}
            {kept_offline(&here.pathname.get_untracked()).then(|| view! { <offline::OfflineNote loc seen=seen_now() /> })}
            <offline::Outbox loc />
            {children()}
        </main>
        <footer class="foot">
            <p>"SP4N-LAPOR! · lapor"</p>
        </footer>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let loc = use_locale();
    set_status(404);
    view! {
        <Title text=tr!(loc, "err.not_found") />
        <h1>{tr!(loc, "err.not_found")}</h1>
        <p><a href="/">{tr!(loc, "app.name")}</a></p>
    }
}

/// Now, as the pages show a time: when a page kept for offline reading was last seen.
fn seen_now() -> String {
    #[cfg(feature = "ssr")]
    return use_locale().datetime(crate::db::now(), use_time_zone());
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// The language of this request (Indonesian unless the `lang` cookie says otherwise).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The time zone this deployment shows times in.
pub fn use_time_zone() -> TimeZone {
    use_context::<TimeZone>().unwrap_or_default()
}

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Sets the status that matches an error.
pub fn set_error_status(error: &AppError) {
    set_status(error.status_code());
}

/// A page-level error message.
#[component]
pub fn ErrorNotice(message: String) -> impl IntoView {
    view! { <p class="notice error" role="alert">{message}</p> }
}

/// The message under a form field, if the field has one. The id lets the field point at it
/// with `aria-describedby`.
#[component]
pub fn FieldMessage(field: &'static str, #[prop(into)] message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p class="field-error" id=format!("err-{field}")>{m}</p> })
}

/// The typed text a `<textarea>` shows again, as markup for its `inner_html`. Leptos writes a
/// textarea's children into the page unescaped (leptos #4730, reverted in #4819), so
/// `</textarea><form …>` typed by a user would end the field and become markup on our origin.
/// Escaped here, the browser shows exactly what was typed, on the server's page and when the
/// browser sets the field itself.
pub fn textarea_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A new one-time key for a form (a reply's `kunci`): the server stores a form sent twice
/// with it once. Keys are made on the server, which renders every form.
pub fn fresh_key() -> String {
    #[cfg(feature = "ssr")]
    return crate::secrets::new_submission_key();
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// Percent-encodes a value for a query string.
pub fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
