//! Plain HTML form posts: the path every form takes without JavaScript.
//!
//! Each handler calls the same plain function as the matching server function. Success is a
//! `303 See Other` to the next page (so a reload does not post again); failure renders the same
//! page again with what the user typed and the errors next to the fields.

use crate::render_page;
use app::accounts::{self, LoginInput, RegisterInput};
use app::db::now;
use app::error::AppError;
use app::i18n::{LANG_COOKIE, Locale};
use app::pages::FormEcho;
use app::reports::{self, Claim, ReportInput};
use app::resolution::{self, FeedbackInput};
use app::state::{AppState, RequestCtx};
use app::threads::MessageInput;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Request, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Deserialize;

/// Splits a request into its context and its url-encoded form, keeping the request head to
/// render the page again.
pub(crate) async fn read_form<T: serde::de::DeserializeOwned + Default>(
    state: &AppState,
    req: Request<Body>,
) -> (RequestCtx, T, Request<Body>) {
    let (parts, body) = req.into_parts();
    let ctx = RequestCtx::from_parts(&parts, state).await;
    // 1 MB is far more than any form of ours; bigger bodies are not read.
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    // A form that cannot be parsed at all becomes an empty one, which validation then refuses
    // field by field.
    let input = serde_urlencoded::from_bytes::<T>(&without_nul(&bytes)).unwrap_or_default();
    (ctx, input, Request::from_parts(parts, Body::empty()))
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

/// `POST /lapor`.
pub async fn file_report(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<ReportInput>(&state, req).await;
    let at = now();
    let today = state.config.time_zone.date_at(at);
    let account = ctx.viewer.account.as_ref().map(|a| a.id);
    let filed = match crate::limits::refusal(&head) {
        Some(limited) => Err(limited),
        None => {
            reports::file_report(
                &state.db,
                &state.config.server_secret,
                &input,
                account,
                at,
                &today,
            )
            .await
        }
    };
    match filed {
        Ok(filed) => Redirect::to(&format!("{}&baru=1", filed.private_link())).into_response(),
        Err(error) => show_again(state, head, input, error, ctx.locale).await,
    }
}

/// `POST /laporan/{id}/pesan`.
pub async fn post_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request<Body>,
) -> Response {
    let (ctx, input, head) = read_form::<MessageInput>(&state, req).await;
    let (claim, page) = reporter_page(&ctx, &id, &input.kode);
    let result = match crate::limits::refusal(&head) {
        Some(limited) => Err(limited),
        None => reports::add_citizen_message(&state.db, &id, claim, &input.body, now())
            .await
            .map(|_| ()),
    };
    back_to_report(
        state,
        &ctx,
        head,
        page,
        input,
        result,
        "terkirim=1#thread-title",
    )
    .await
}

/// `POST /laporan/:id/konfirmasi`: the reporter confirms and rates a resolved report.
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request<Body>,
) -> Response {
    let (ctx, input, head) = read_form::<FeedbackInput>(&state, req).await;
    let (claim, page) = reporter_page(&ctx, &id, &input.kode);
    let result = resolution::confirm(&state.db, &id, claim, &input, now()).await;
    back_to_report(state, &ctx, head, page, input, result, "dijawab=konfirmasi").await
}

/// `POST /laporan/:id/sanggah`: the reporter contests a resolved report.
pub async fn contest(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request<Body>,
) -> Response {
    let (ctx, input, head) = read_form::<FeedbackInput>(&state, req).await;
    let (claim, page) = reporter_page(&ctx, &id, &input.kode);
    let result = resolution::contest(&state.db, &id, claim, &input, now()).await;
    back_to_report(state, &ctx, head, page, input, result, "dijawab=sanggah").await
}

/// The reporter's page of report `id` (with the access code when they came with one), and
/// their claim to it.
fn reporter_page<'a>(ctx: &RequestCtx, id: &str, kode: &'a str) -> (Claim<'a>, String) {
    let code = Some(kode.trim()).filter(|c| !c.is_empty());
    let claim = Claim {
        code,
        account_id: ctx.viewer.account.as_ref().map(|a| a.id),
    };
    let tracking = app::secrets::normalize_code(id);
    let page = match code {
        Some(code) => format!("/laporan/{tracking}?kode={}", app::pages::url_encode(code)),
        None => format!("/laporan/{tracking}"),
    };
    (claim, page)
}

/// After a reporter's form: on to the report page with `done` in its query, or the report
/// page again with what was typed and the error.
async fn back_to_report<T: Clone + Send + Sync + 'static>(
    state: AppState,
    ctx: &RequestCtx,
    head: Request<Body>,
    page: String,
    input: T,
    result: Result<(), AppError>,
    done: &str,
) -> Response {
    match result {
        Ok(()) => {
            let sep = if page.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{page}{sep}{done}")).into_response()
        }
        Err(error) => {
            let (mut parts, body) = head.into_parts();
            parts.uri = page.parse().unwrap_or_else(|_| parts.uri.clone());
            show_again(
                state,
                Request::from_parts(parts, body),
                input,
                error,
                ctx.locale,
            )
            .await
        }
    }
}

/// `POST /masuk`: signs in and goes to `ke` (a path on this site) or the account's home. A
/// reply typed while the session had expired (`draf`) waits in the new session for its page.
pub async fn login(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<LoginInput>(&state, req).await;
    let limited = crate::limits::refusal(&head);
    let signed_in = async {
        if let Some(limited) = limited {
            return Err(limited);
        }
        let id = accounts::authenticate(&state.db, &input, now()).await?;
        accounts::sign_in(&ctx.session, id).await?;
        let ke = input.ke.trim();
        if !input.draf.trim().is_empty() && accounts::is_local_path(ke) {
            accounts::keep_draft(&ctx.session, ke, &input.draf).await?;
        }
        let home = match app::staff::load(&state.db, id).await? {
            Some(staff) => staff.home(),
            None => "/laporan-saya",
        };
        Ok::<_, AppError>(if accounts::is_local_path(ke) {
            ke.to_owned()
        } else {
            home.to_owned()
        })
    };
    match signed_in.await {
        Ok(target) => Redirect::to(&target).into_response(),
        Err(error) => {
            let input = LoginInput {
                password: String::new(),
                ..input.clone()
            };
            show_again(state, head, input, error, ctx.locale).await
        }
    }
}

/// `POST /daftar`.
pub async fn register(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<RegisterInput>(&state, req).await;
    let registered = match crate::limits::refusal(&head) {
        Some(limited) => Err(limited),
        None => accounts::register(&state.db, &input, now()).await,
    };
    let result = match registered {
        Ok(id) => accounts::sign_in(&ctx.session, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/laporan-saya").into_response(),
        Err(error) => {
            let input = RegisterInput {
                password: String::new(),
                ..input
            };
            show_again(state, head, input, error, ctx.locale).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct LogoutInput {
    /// `1`: end every session of the account, on every device.
    #[serde(default)]
    semua: String,
}

/// `POST /keluar`.
pub async fn logout(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, _) = read_form::<LogoutInput>(&state, req).await;
    if input.semua == "1"
        && let Some(account) = &ctx.viewer.account
    {
        let _ = accounts::sign_out_everywhere(&state.db, account.id).await;
    }
    // A session that cannot be deleted is logged; the browser is sent home either way.
    let _ = accounts::sign_out(&ctx.session).await;
    Redirect::to("/").into_response()
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

/// A numeric id in the path (`/…/{id}/…`). Anything else is a page that does not exist (404),
/// never axum's own rejection text, which would echo the address back.
#[derive(Debug, Clone, Copy)]
pub struct IdPath(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdPath {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_owned();
        let locale = Locale::from_cookie_header(
            parts
                .headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok()),
        );
        let not_found = || crate::http_layers::error_response(&path, &AppError::NotFound, locale);
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => id.parse().map(IdPath).map_err(|_| not_found()),
            Err(_) => Err(not_found()),
        }
    }
}
