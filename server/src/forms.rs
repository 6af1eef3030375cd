//! Plain HTML form posts: the door every form takes without JavaScript, onto the one
//! implementation of each write, its server function.
//!
//! A write is written once, as a `#[server]` function in `app` (it authorises the caller,
//! calls the plain domain function and localises the error). Other systems call it over
//! `/api/…`; a form post, plain or sent in the background by the report form's island, reaches
//! the *same* function here, called in-process with the same request context. What a form adds
//! is only the browser's part, declared per route in [`writes`]: which page comes next after
//! success (a `303`, so a reload does not post again), and which page shows the form again,
//! with what was typed and the errors next to the fields, after a failure. A signed-out
//! official gets the login form, with a typed reply kept for after signing in.
//!
//! Adding a write: a `#[server]` function in the module of its domain concept (calling one
//! of the caller checks: `casework::current_staff`, `admin`'s `system_admin`, a reporter's
//! `Claim`), its form in the page posting to a path, and one [`FormPost`] line in [`writes`].

use crate::render_page;
use app::accounts::{LoginInput, SETUP_PAGE};
use app::admin::{CategoryInput, OrgInput, StaffInput, TimeZoneInput};
use app::api_keys::ApiKeyInput;
use app::casework::{ActInput, StaffMessageInput, case_path};
use app::deadlines::{CategoryDaysInput, HolidayInput, PolicyInput};
use app::error::AppError;
use app::i18n::{LANG_COOKIE, Locale};
use app::pages::FormEcho;
use app::reports::ReportInput;
use app::resolution::FeedbackInput;
use app::second_factor::CodeInput;
use app::state::{AppState, RequestCtx};
use app::threads::MessageInput;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use leptos::prelude::{Owner, ScopedFuture, provide_context};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// After success: a `303` to the next page, or, for a form sent in the background that asked
/// ([`app::pages::NEXT_HEADER`]), `204` naming that page, which the browser then opens
/// without having fetched it once for nothing. A refusal is the same page either way.
fn next_page(to: &str, tell: bool) -> Response {
    match (tell, HeaderValue::from_str(to)) {
        (true, Ok(value)) => {
            (StatusCode::NO_CONTENT, [(app::pages::NEXT_HEADER, value)]).into_response()
        }
        _ => Redirect::to(to).into_response(),
    }
}

/// The future of a server function's call.
type Call<O> = Pin<Box<dyn Future<Output = Result<O, AppError>> + Send>>;

/// What a plain form post does around its server function. `I` is the form as typed, `O`
/// what the server function returns, `E` what the page is given back after a failure.
pub struct FormPost<I, O, E> {
    /// Calls the server function with the path's parameter (`""` when it has none) and the
    /// form.
    pub call: fn(String, I) -> Call<O>,
    /// The page to go on to after success.
    pub done: fn(&str, &I, &O) -> String,
    /// The page that shows the form again after a failure.
    pub page: fn(&str, &I) -> String,
    /// What that page gets back of the form (never a password).
    pub echo: fn(&str, I) -> E,
    /// What a signed-out official had typed, kept for after signing in.
    pub draft: fn(&I) -> String,
}

impl<I, O, E> Clone for FormPost<I, O, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O, E> Copy for FormPost<I, O, E> {}

impl<I, O, E> FormPost<I, O, E>
where
    I: DeserializeOwned + Default + Clone + Send + Sync + 'static,
    O: Send + 'static,
    E: Clone + Send + Sync + 'static,
{
    /// The axum route of this form.
    fn route(self) -> MethodRouter<AppState> {
        post(move |State(state): State<AppState>, req: Request<Body>| {
            self.answer(state, req, false)
        })
    }

    /// The axum route of a form posted from a form that takes attachments, which it does not
    /// take itself: the body may be as large, its files are not staged.
    fn route_from_files_form(self) -> MethodRouter<AppState> {
        post(move |State(state): State<AppState>, req: Request<Body>| {
            self.answer(state, req, false)
        })
        .layer(axum::extract::DefaultBodyLimit::max(FORM_BODY_LIMIT))
    }

    /// The axum route of a form that takes attachments (a multipart form with files in
    /// `lampiran`): a larger body, and its files staged unless the post is over its limits.
    fn route_with_files(self) -> MethodRouter<AppState> {
        post(move |State(state): State<AppState>, req: Request<Body>| self.answer(state, req, true))
            .layer(axum::extract::DefaultBodyLimit::max(FORM_BODY_LIMIT))
    }

    async fn answer(self, state: AppState, req: Request<Body>, files: bool) -> Response {
        let (mut parts, body) = req.into_parts();
        let param = Path::<Vec<String>>::from_request_parts(&mut parts, &state)
            .await
            .ok()
            .and_then(|Path(p)| p.into_iter().next())
            .unwrap_or_default();
        // The report form's island asks where to go next rather than to be sent there.
        let tell_next = parts.headers.contains_key(app::pages::NEXT_HEADER);
        let (ctx, input, head, refused_files) =
            read_form::<I>(&state, Request::from_parts(parts, body), files).await;
        let result = match crate::limits::refusal(&head) {
            Some(limited) => Err(limited),
            // A refused file: the form comes back, with the files that were fine kept.
            None if !refused_files.is_empty() => Err(AppError::Invalid(refused_files)),
            None => in_context(&state, &ctx, (self.call)(param.clone(), input.clone())).await,
        };
        match result {
            Ok(out) => next_page(&(self.done)(&param, &input, &out), tell_next),
            Err(AppError::Unauthorized) => {
                let login = LoginInput {
                    ke: (self.page)(&param, &input),
                    draf: (self.draft)(&input),
                    ..LoginInput::default()
                };
                let head = at_path(head, "/masuk");
                show_again(state, head, login, AppError::Unauthorized, ctx.locale).await
            }
            Err(error) => {
                let head = at_path(head, &(self.page)(&param, &input));
                let echo = (self.echo)(&param, input);
                show_again(state, head, echo, error, ctx.locale).await
            }
        }
    }
}

use axum::extract::FromRequestParts;

/// Runs a server function's future with the request's context, as `/api/…` would.
async fn in_context<T>(
    state: &AppState,
    ctx: &RequestCtx,
    call: impl Future<Output = T> + Send,
) -> T {
    let owner = Owner::new();
    let (state, ctx) = (state.clone(), ctx.clone());
    owner.with(|| {
        provide_context(state.config.time_zone);
        ctx.provide(state);
    });
    owner.with(|| ScopedFuture::new(call)).await
}

/// The most a form's body may be: five files of 12 MB and the fields around them.
pub const FORM_BODY_LIMIT: usize =
    app::attachments::MAX_FILES * app::attachments::MAX_FILE_BYTES + (1 << 20);

/// Splits a request into its context and its form (url-encoded, or multipart when it
/// carries files), keeping the request head to render the page again. The files of a
/// multipart form are staged (see `app::attachments`) and their tokens added to its
/// `attachments` field; the files refused come back as field errors.
pub(crate) async fn read_form<T: DeserializeOwned + Default>(
    state: &AppState,
    req: Request<Body>,
    files: bool,
) -> (RequestCtx, T, Request<Body>, Vec<app::error::FieldError>) {
    let (parts, body) = req.into_parts();
    let ctx = RequestCtx::from_parts(&parts, state).await;
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let head = Request::from_parts(parts.clone(), Body::empty());
    let (pairs, refused) = if multipart {
        // Files are processed only where a form takes them, and not for a post over its
        // limits (it is refused anyway).
        let stage = files && crate::limits::refusal(&head).is_none();
        crate::uploads::read_multipart(state, Request::from_parts(parts, body), stage).await
    } else {
        // 1 MB is far more than any form of ours; bigger bodies are not read.
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&without_nul(&bytes))
            .unwrap_or_default();
        (pairs, Vec::new())
    };
    // A form that cannot be parsed at all becomes an empty one, which validation then refuses
    // field by field.
    let input = serde_urlencoded::to_string(&pairs)
        .ok()
        .and_then(|text| serde_urlencoded::from_str::<T>(&text).ok())
        .unwrap_or_default();
    (ctx, input, head, refused)
}

/// A form body without NUL characters (raw or `%00`): no one types them, and PostgreSQL
/// cannot store them; removed, the rest of what was typed is validated as usual.
fn without_nul(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == 0 {
            i += 1;
        } else if body[i] == b'%'
            && body.get(i + 1) == Some(&b'0')
            && body.get(i + 2) == Some(&b'0')
        {
            i += 3;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// Renders the page `head` points at again, with the form `input` and the error.
pub(crate) async fn show_again<T: Clone + Send + Sync + 'static>(
    state: AppState,
    head: Request<Body>,
    input: T,
    error: AppError,
    locale: Locale,
) -> Response {
    let echo = FormEcho {
        input,
        error: error.localize(locale),
    };
    render_page(state, head, move || provide_context(echo.clone())).await
}

/// Points a request head at another page (path and query), to render that page instead.
pub(crate) fn at_path(head: Request<Body>, path: &str) -> Request<Body> {
    let (mut parts, body) = head.into_parts();
    let path = path.split('#').next().unwrap_or(path);
    if let Ok(uri) = path.parse() {
        parts.uri = uri;
    }
    Request::from_parts(parts, body)
}

/// `page` with `extra` added to its query.
fn with_query(page: &str, extra: &str) -> String {
    let sep = if page.contains('?') { '&' } else { '?' };
    format!("{page}{sep}{extra}")
}

/// The reporter's page of report `id`, with the access code they came with.
fn reporter_page(id: &str, kode: &str) -> String {
    let tracking = app::secrets::normalize_code(id);
    match kode.trim() {
        "" => format!("/laporan/{tracking}"),
        code => format!("/laporan/{tracking}?kode={}", app::pages::url_encode(code)),
    }
}

/// The inbox after a bulk action, naming what it did in its address (so that a reload shows
/// the same outcome and does nothing again): `massal` the action, `ok` how many were
/// changed, `tolak` each refused report with why.
fn bulk_outcome_page(outcome: &app::casework::BulkOutcome) -> String {
    let refused = outcome
        .refused
        .iter()
        .map(|(id, code)| format!("{id}.{code}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut page = format!(
        "/petugas?massal={}&ok={}",
        app::pages::url_encode(&outcome.action),
        outcome.done.len()
    );
    if !refused.is_empty() {
        page.push_str("&tolak=");
        page.push_str(&app::pages::url_encode(&refused));
    }
    page
}

fn staff_page(id: &str) -> String {
    case_path(&app::secrets::normalize_code(id))
}

const ADMIN: &str = "/petugas/admin";

/// A numeric id from the path; anything else is a page that does not exist.
fn numeric(id: &str) -> Result<i64, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

fn same<I>(_: &str, input: I) -> I {
    input
}

fn nothing<I>(_: &I) -> String {
    String::new()
}

fn admin_page<I>(_: &str, _: &I) -> String {
    ADMIN.to_owned()
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LogoutInput {
    /// `1`: end every session of the account, on every device.
    #[serde(default)]
    semua: String,
}

/// An empty form (the unsubscribe button, RFC 8058's `List-Unsubscribe=One-Click`, the
/// outbox's "send again"): everything is in the path.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NoInput {}

/// Which label to take off a report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemoveLabelInput {
    #[serde(default)]
    label: String,
}

/// A code is never typed back into a form that comes back.
fn forget_code(_: &str, _: CodeInput) -> CodeInput {
    CodeInput::default()
}

/// Whether every official must use a second step (`1`) or not.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequireInput {
    #[serde(default)]
    wajib: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActiveInput {
    #[serde(default)]
    active: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    password: String,
}

/// Every plain form post: its path and its route onto the server function.
pub fn writes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (
            "/lapor",
            FormPost::<ReportInput, _, _> {
                call: |_, input| Box::pin(app::reports::submit_report(input)),
                done: |_, _, filed| format!("{}&baru=1", filed.private_link()),
                page: |_, _| "/lapor".to_owned(),
                echo: same,
                draft: nothing,
            }
            .route_with_files(),
        ),
        (
            // "Saya juga mengalami ini": from the report form (the whole form is posted, so a
            // refusal shows it again with everything typed) or from the report's page.
            "/laporan/{id}/dukung",
            FormPost::<ReportInput, _, _> {
                call: |id, input| {
                    let email = match input.email.trim() {
                        "" => input.notify_email.clone(),
                        _ => input.email.clone(),
                    };
                    let support = app::duplicates::SupportInput {
                        email,
                        phone: input.phone.clone(),
                    };
                    Box::pin(app::duplicates::support_report(id, support))
                },
                done: |id, _, out| {
                    let tracking = app::secrets::normalize_code(id);
                    format!("/laporan/{tracking}?didukung={}", u8::from(out.new))
                },
                page: |id, input| {
                    if input.title.is_empty() && input.body.is_empty() {
                        format!("/laporan/{}#dukung", app::secrets::normalize_code(id))
                    } else {
                        "/lapor".to_owned()
                    }
                },
                echo: same,
                draft: nothing,
            }
            .route_from_files_form(),
        ),
        (
            "/laporan/{id}/pesan",
            FormPost::<MessageInput, _, _> {
                call: |id, input| Box::pin(app::reports::post_message(id, input)),
                done: |id, input, _| {
                    with_query(&reporter_page(id, &input.kode), "terkirim=1#balas")
                },
                page: |id, input| reporter_page(id, &input.kode),
                echo: same,
                draft: nothing,
            }
            .route_with_files(),
        ),
        (
            "/laporan/{id}/konfirmasi",
            FormPost::<FeedbackInput, _, _> {
                call: |id, input| Box::pin(app::resolution::confirm_report(id, input)),
                done: |id, input, _| {
                    with_query(&reporter_page(id, &input.kode), "dijawab=konfirmasi")
                },
                page: |id, input| reporter_page(id, &input.kode),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/laporan/{id}/sanggah",
            FormPost::<FeedbackInput, _, _> {
                call: |id, input| Box::pin(app::resolution::contest_report(id, input)),
                done: |id, input, _| with_query(&reporter_page(id, &input.kode), "dijawab=sanggah"),
                page: |id, input| reporter_page(id, &input.kode),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/masuk",
            FormPost::<LoginInput, _, _> {
                call: |_, input| Box::pin(app::accounts::login(input)),
                done: |_, _, target: &String| target.clone(),
                page: |_, _| "/masuk".to_owned(),
                echo: |_, input| LoginInput {
                    password: String::new(),
                    ..input
                },
                draft: nothing,
            }
            .route(),
        ),
        (
            app::accounts::CODE_PAGE,
            FormPost::<CodeInput, _, _> {
                call: |_, input| Box::pin(app::accounts::login_code(input)),
                done: |_, _, target: &String| target.clone(),
                page: |_, _| app::accounts::CODE_PAGE.to_owned(),
                echo: forget_code,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/akun/dua-langkah/mulai",
            FormPost::<NoInput, _, CodeInput> {
                call: |_, _| Box::pin(app::accounts::second_factor_start()),
                done: |_, _, _| SETUP_PAGE.to_owned(),
                page: |_, _| SETUP_PAGE.to_owned(),
                echo: |_, _| CodeInput::default(),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/akun/dua-langkah/pasang",
            FormPost::<CodeInput, _, _> {
                call: |_, input| Box::pin(app::accounts::second_factor_confirm(input)),
                done: |_, _, _| SETUP_PAGE.to_owned(),
                page: |_, _| SETUP_PAGE.to_owned(),
                echo: forget_code,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/akun/dua-langkah/kode-baru",
            FormPost::<CodeInput, _, _> {
                call: |_, input| Box::pin(app::accounts::second_factor_renew(input)),
                done: |_, _, _| SETUP_PAGE.to_owned(),
                page: |_, _| SETUP_PAGE.to_owned(),
                echo: forget_code,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/akun/dua-langkah/matikan",
            FormPost::<CodeInput, _, _> {
                call: |_, input| Box::pin(app::accounts::second_factor_off(input)),
                done: |_, _, _| format!("{SETUP_PAGE}?mati=1"),
                page: |_, _| SETUP_PAGE.to_owned(),
                echo: forget_code,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/daftar",
            FormPost::<app::accounts::RegisterInput, _, _> {
                call: |_, input| Box::pin(app::accounts::register_citizen(input)),
                done: |_, _, _| "/laporan-saya".to_owned(),
                page: |_, _| "/daftar".to_owned(),
                echo: |_, input| app::accounts::RegisterInput {
                    password: String::new(),
                    ..input
                },
                draft: nothing,
            }
            .route(),
        ),
        (
            "/keluar",
            FormPost::<LogoutInput, _, _> {
                // A session that cannot be ended is logged; the browser is sent home anyway.
                call: |_, input| {
                    Box::pin(async move {
                        let _ = app::accounts::logout(input.semua == "1").await;
                        Ok(())
                    })
                },
                done: |_, _, _| "/".to_owned(),
                page: |_, _| "/".to_owned(),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/lupa-sandi",
            FormPost::<app::accounts::ResetRequestInput, _, _> {
                call: |_, input| Box::pin(app::accounts::request_password_reset(input)),
                done: |_, _, _| "/lupa-sandi?terkirim=1".to_owned(),
                page: |_, _| "/lupa-sandi".to_owned(),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/atur-sandi",
            FormPost::<app::accounts::ResetInput, _, _> {
                call: |_, input| Box::pin(app::accounts::reset_password_with_code(input)),
                done: |_, _, _| "/masuk?sandi=baru".to_owned(),
                page: |_, _| "/atur-sandi".to_owned(),
                echo: |_, input| app::accounts::ResetInput {
                    password: String::new(),
                    ..input
                },
                draft: nothing,
            }
            .route(),
        ),
        (
            "/berhenti/{link}",
            FormPost::<NoInput, _, ()> {
                call: |link, _| Box::pin(app::reports::unsubscribe_report(link)),
                done: |link, _, _| format!("/berhenti/{}?selesai=1", app::pages::url_encode(link)),
                page: |link, _| format!("/berhenti/{}", app::pages::url_encode(link)),
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/email",
            FormPost::<app::notify::StaffPrefsInput, _, _> {
                call: |_, input| Box::pin(app::casework::save_staff_email_prefs(input)),
                done: |_, _, _| "/petugas/email?selesai=1".to_owned(),
                page: |_, _| "/petugas/email".to_owned(),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/catat",
            FormPost::<app::intake::ManualInput, _, _> {
                call: |_, input| Box::pin(app::intake::enter_manual_report(input)),
                done: |_, _, filed| format!("/petugas/catat/{}", filed.tracking_id),
                page: |_, _| "/petugas/catat".to_owned(),
                echo: same,
                draft: nothing,
            }
            .route_with_files(),
        ),
        (
            "/petugas/impor/{id}/mulai",
            FormPost::<NoInput, _, ()> {
                call: |id, _| {
                    Box::pin(async move { app::intake::import::start_import(numeric(&id)?).await })
                },
                done: |id, _, _| format!("/petugas/impor/{id}?mulai=1"),
                page: |id, _| format!("/petugas/impor/{}", app::pages::url_encode(id)),
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/kiriman/{id}/ulang",
            FormPost::<NoInput, _, ()> {
                call: |id, _| {
                    Box::pin(async move { app::admin::admin_outbox_retry(numeric(&id)?).await })
                },
                done: |_, _, _| "/petugas/admin/kiriman?diulang=1".to_owned(),
                page: |_, _| "/petugas/admin/kiriman".to_owned(),
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/laporan/{id}/aksi",
            FormPost::<ActInput, _, _> {
                call: |id, input| Box::pin(app::casework::staff_act(id, input)),
                done: |id, _, code: &String| {
                    // Handed back, the report leaves the OPD's scope: back to its inbox.
                    if code == app::casework::StaffAction::HandBack.code() {
                        format!("/petugas?selesai={code}")
                    } else {
                        format!("{}?selesai={code}#thread-title", staff_page(id))
                    }
                },
                page: |id, _| staff_page(id),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/laporan/{id}/pesan",
            FormPost::<StaffMessageInput, _, _> {
                call: |id, input| Box::pin(app::casework::staff_message(id, input)),
                done: |id, _, _| format!("{}?terkirim=1#balas", staff_page(id)),
                page: |id, _| staff_page(id),
                echo: same,
                draft: |input| input.body.clone(),
            }
            .route_with_files(),
        ),
        (
            "/petugas/laporan/{id}/tugas",
            FormPost::<app::desk::AssignInput, _, _> {
                call: |id, input| Box::pin(app::desk::staff_assign(id, input)),
                done: |id, _, _| format!("{}?ditugaskan=1", staff_page(id)),
                page: |id, _| staff_page(id),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/laporan/{id}/label",
            FormPost::<app::labels::LabelInput, _, _> {
                call: |id, input| Box::pin(app::casework::staff_add_label(id, input)),
                done: |id, _, _| format!("{}#labels-title", staff_page(id)),
                page: |id, _| staff_page(id),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/laporan/{id}/label/hapus",
            FormPost::<RemoveLabelInput, _, app::labels::LabelInput> {
                call: |id, input| {
                    Box::pin(async move {
                        app::casework::staff_remove_label(id, numeric(&input.label)?).await
                    })
                },
                done: |id, _, _| format!("{}#labels-title", staff_page(id)),
                page: |id, _| staff_page(id),
                echo: |_, _| app::labels::LabelInput::default(),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/laporan/{id}/wilayah",
            FormPost::<app::labels::AreaInput, _, app::labels::LabelInput> {
                call: |id, input| Box::pin(app::casework::staff_set_area(id, input)),
                done: |id, _, _| format!("{}#labels-title", staff_page(id)),
                page: |id, _| staff_page(id),
                echo: |_, _| app::labels::LabelInput::default(),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/massal",
            FormPost::<app::casework::BulkInput, _, _> {
                call: |_, input| Box::pin(app::casework::staff_bulk(input)),
                done: |_, _, outcome| bulk_outcome_page(outcome),
                page: |_, _| "/petugas".to_owned(),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/templat",
            FormPost::<app::desk::TemplateInput, _, _> {
                call: |_, input| Box::pin(app::desk::save_reply_template(String::new(), input)),
                done: |_, _, _| "/petugas/templat?selesai=1".to_owned(),
                page: |_, _| "/petugas/templat".to_owned(),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/templat/{id}",
            FormPost::<app::desk::TemplateInput, _, _> {
                call: |id, input| Box::pin(app::desk::save_reply_template(id, input)),
                done: |_, _, _| "/petugas/templat?selesai=1".to_owned(),
                page: |id, _| format!("/petugas/templat?ubah={}", app::pages::url_encode(id)),
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/templat/{id}/hapus",
            FormPost::<NoInput, _, ()> {
                call: |id, _| Box::pin(app::desk::delete_reply_template(id)),
                done: |_, _, _| "/petugas/templat?dihapus=1".to_owned(),
                page: |_, _| "/petugas/templat".to_owned(),
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/filter",
            FormPost::<app::desk::FilterInput, _, _> {
                call: |_, input| Box::pin(app::desk::save_inbox_filter(input)),
                done: |_, _, query| format!("/petugas?{query}&filter=1"),
                page: |_, input| {
                    let view = app::desk::View::from_code(&input.lihat);
                    let label = input.label.trim().parse().ok();
                    format!("/petugas?{}", app::desk::filter_query(view, label))
                },
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/filter/{id}/hapus",
            FormPost::<NoInput, _, ()> {
                call: |id, _| Box::pin(app::desk::delete_inbox_filter(id)),
                done: |_, _, _| "/petugas".to_owned(),
                page: |_, _| "/petugas".to_owned(),
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/akun",
            FormPost::<StaffInput, _, _> {
                call: |_, input| Box::pin(app::admin::admin_create_staff(input)),
                done: |_, _, _| format!("{ADMIN}?selesai=1"),
                page: admin_page,
                echo: |_, input| StaffInput {
                    password: String::new(),
                    ..input
                },
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/akun/{id}/status",
            FormPost::<ActiveInput, _, ()> {
                call: |id, input| {
                    Box::pin(async move {
                        app::admin::admin_set_active(numeric(&id)?, input.active == "1").await
                    })
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1"),
                page: admin_page,
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/akun/{id}/sandi",
            FormPost::<PasswordInput, _, ()> {
                call: |id, input| {
                    Box::pin(async move {
                        app::admin::admin_reset_password(numeric(&id)?, input.password).await
                    })
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1"),
                page: admin_page,
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/akun/{id}/dua-langkah",
            FormPost::<NoInput, _, ()> {
                call: |id, _| {
                    Box::pin(
                        async move { app::admin::admin_reset_second_factor(numeric(&id)?).await },
                    )
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1"),
                page: admin_page,
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/dua-langkah",
            FormPost::<RequireInput, _, ()> {
                call: |_, input| {
                    Box::pin(app::admin::admin_require_second_factor(input.wajib == "1"))
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1#dua-langkah"),
                page: admin_page,
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/instansi",
            FormPost::<OrgInput, _, _> {
                call: |_, input| Box::pin(app::admin::admin_create_org(input)),
                done: |_, _, _| format!("{ADMIN}?selesai=1"),
                page: admin_page,
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/instansi/{id}/zona",
            FormPost::<TimeZoneInput, _, _> {
                call: |id, input| {
                    Box::pin(app::admin::admin_set_time_zone(TimeZoneInput {
                        org_id: id,
                        ..input
                    }))
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1#org-title"),
                page: admin_page,
                echo: |id, input| TimeZoneInput {
                    org_id: id.to_owned(),
                    ..input
                },
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/kunci-api",
            FormPost::<ApiKeyInput, _, _> {
                call: |_, input| Box::pin(app::admin::admin_issue_api_key(input)),
                done: |_, _, _| format!("{ADMIN}?selesai=1#kunci-api"),
                page: admin_page,
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/kunci-api/{id}/cabut",
            FormPost::<NoInput, _, ()> {
                call: |id, _| {
                    Box::pin(async move { app::admin::admin_revoke_api_key(numeric(&id)?).await })
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1#kunci-api"),
                page: admin_page,
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/wilayah",
            FormPost::<NoInput, _, ()> {
                call: |_, _| {
                    Box::pin(async move { app::admin::admin_load_country().await.map(|_| ()) })
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1#wilayah"),
                page: admin_page,
                echo: |_, _| (),
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/kategori",
            FormPost::<CategoryInput, _, _> {
                call: |_, input| Box::pin(app::admin::admin_create_category(input)),
                done: |_, _, _| format!("{ADMIN}?selesai=1"),
                page: admin_page,
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/kategori/{id}/tenggat",
            FormPost::<CategoryDaysInput, _, _> {
                call: |id, input| {
                    Box::pin(async move {
                        app::admin::admin_category_days(numeric(&id)?, input.resolve_days).await
                    })
                },
                done: |_, _, _| format!("{ADMIN}?selesai=1#cat-title"),
                page: admin_page,
                echo: |id, input| CategoryDaysInput {
                    category_id: id.to_owned(),
                    ..input
                },
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/libur",
            FormPost::<HolidayInput, _, _> {
                call: |_, input| Box::pin(app::admin::admin_save_holiday(input)),
                done: |_, _, _| format!("{ADMIN}?selesai=1#calendar-title"),
                page: admin_page,
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/libur/{date}/hapus",
            FormPost::<HolidayInput, _, _> {
                call: |date, _| Box::pin(app::admin::admin_remove_holiday(date)),
                done: |_, _, _| format!("{ADMIN}?selesai=1#calendar-title"),
                page: admin_page,
                echo: |date, _| HolidayInput {
                    date: date.to_owned(),
                    ..Default::default()
                },
                draft: nothing,
            }
            .route(),
        ),
        (
            "/petugas/admin/tenggat",
            FormPost::<PolicyInput, _, _> {
                call: |_, input| Box::pin(app::admin::admin_save_policy(input)),
                done: |_, _, _| format!("{ADMIN}?selesai=1#deadline-title"),
                page: admin_page,
                echo: same,
                draft: nothing,
            }
            .route(),
        ),
    ]
}

#[derive(Debug, Deserialize)]
pub struct Back {
    ke: Option<String>,
}

/// `GET /bahasa/{code}?ke=/path`: remembers the language in a cookie and goes back.
pub async fn set_language(Path(code): Path<String>, Query(back): Query<Back>) -> Response {
    let locale = Locale::from_code(&code).unwrap_or_default();
    // Only paths on this site: `//host` or `https://…` would make this an open redirect.
    let target = back
        .ke
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    let mut response = Redirect::to(&target).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
