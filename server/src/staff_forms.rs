//! Plain form posts of the officials' pages, the path every staff form takes (with or without
//! JavaScript). Each handler calls the same plain function as the matching server function;
//! success redirects (`303`), failure renders the page again with what was typed.

use crate::forms::{read_form, show_again};
use crate::render_page;
use app::accounts::LoginInput;
use app::admin::{self, CategoryInput, OrgInput, StaffInput};
use app::casework::{self, ActInput, StaffMessageInput, case_path};
use app::db::now;
use app::deadlines::{self, CategoryDaysInput, HolidayInput, PolicyInput};
use app::error::AppError;
use app::lifecycle::Role;
use app::pages::FormEcho;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::Request;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Deserialize;

/// Points a request head at another page, to render that page instead.
fn at_path(head: Request<Body>, path: &str) -> Request<Body> {
    let (mut parts, body) = head.into_parts();
    if let Ok(uri) = path.parse() {
        parts.uri = uri;
    }
    Request::from_parts(parts, body)
}

/// `POST /petugas/laporan/{id}/aksi`.
pub async fn act(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request<Body>,
) -> Response {
    let (ctx, input, head) = read_form::<ActInput>(&state, req).await;
    let tracking = app::secrets::normalize_code(&id);
    let page = case_path(&tracking);
    let Some(staff) = ctx.viewer.staff.clone() else {
        return Redirect::to(&format!("/masuk?ke={}", app::pages::url_encode(&page)))
            .into_response();
    };
    match casework::act(&state.db, &staff, &tracking, &input, now()).await {
        // Handed back, the report leaves the OPD's scope: back to its inbox.
        Ok(action @ casework::StaffAction::HandBack) => {
            Redirect::to(&format!("/petugas?selesai={}", action.code())).into_response()
        }
        Ok(action) => {
            Redirect::to(&format!("{page}?selesai={}#thread-title", action.code())).into_response()
        }
        Err(error) => show_again(state, at_path(head, &page), input, error, ctx.locale).await,
    }
}

/// `POST /petugas/laporan/{id}/pesan`. With the session expired, the official gets the login
/// form with the reply kept, and finds it in the reply box again after signing in.
pub async fn message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request<Body>,
) -> Response {
    let (ctx, input, head) = read_form::<StaffMessageInput>(&state, req).await;
    let tracking = app::secrets::normalize_code(&id);
    let page = case_path(&tracking);
    let Some(staff) = ctx.viewer.staff.clone() else {
        let login = LoginInput {
            ke: page.clone(),
            draf: input.body.clone(),
            ..LoginInput::default()
        };
        return show_again(
            state,
            at_path(head, "/masuk"),
            login,
            AppError::Unauthorized,
            ctx.locale,
        )
        .await;
    };
    let result = match crate::limits::refusal(&head) {
        Some(limited) => Err(limited),
        None => casework::add_staff_message(&state.db, &staff, &tracking, &input, now()).await,
    };
    match result {
        Ok(()) => Redirect::to(&format!("{page}#thread-title")).into_response(),
        Err(error) => show_again(state, at_path(head, &page), input, error, ctx.locale).await,
    }
}

/// The response that refuses anyone but a signed-in system admin (`None` for the admin).
fn refuse_unless_system_admin(ctx: &app::state::RequestCtx) -> Option<Response> {
    match &ctx.viewer.staff {
        Some(s) if s.role == Role::SystemAdmin => None,
        Some(_) => Some(
            (
                axum::http::StatusCode::FORBIDDEN,
                AppError::Refused(app::error::Refusal::NotYourRole).user_message(ctx.locale),
            )
                .into_response(),
        ),
        None => Some(Redirect::to("/masuk?ke=/petugas/admin").into_response()),
    }
}

const ADMIN: &str = "/petugas/admin";

/// Renders the admin page again with one of its forms and the error.
async fn admin_again<T: Clone + Send + Sync + 'static>(
    state: AppState,
    head: Request<Body>,
    input: T,
    error: AppError,
    locale: app::i18n::Locale,
) -> Response {
    let echo = FormEcho {
        input,
        error: error.localize(locale),
    };
    render_page(state, at_path(head, ADMIN), move || {
        provide_context(echo.clone())
    })
    .await
}

/// `POST /petugas/admin/akun`.
pub async fn create_staff(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<StaffInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match admin::create_staff(&state.db, &input, now()).await {
        Ok(_) => Redirect::to(&format!("{ADMIN}?selesai=1")).into_response(),
        Err(e) => {
            let input = StaffInput {
                password: String::new(),
                ..input
            };
            admin_again(state, head, input, e, ctx.locale).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct ActiveInput {
    #[serde(default)]
    active: String,
}

/// `POST /petugas/admin/akun/{id}/status`.
pub async fn set_active(
    State(state): State<AppState>,
    crate::forms::IdPath(id): crate::forms::IdPath,
    req: Request<Body>,
) -> Response {
    let (ctx, input, head) = read_form::<ActiveInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match admin::set_active(&state.db, id, input.active == "1").await {
        Ok(()) => Redirect::to(&format!("{ADMIN}?selesai=1")).into_response(),
        Err(e) => admin_again(state, head, (), e, ctx.locale).await,
    }
}

#[derive(Debug, Default, Deserialize)]
struct PasswordInput {
    #[serde(default)]
    password: String,
}

/// `POST /petugas/admin/akun/{id}/sandi`.
pub async fn reset_password(
    State(state): State<AppState>,
    crate::forms::IdPath(id): crate::forms::IdPath,
    req: Request<Body>,
) -> Response {
    let (ctx, input, head) = read_form::<PasswordInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match admin::reset_password(&state.db, id, &input.password).await {
        Ok(()) => Redirect::to(&format!("{ADMIN}?selesai=1")).into_response(),
        Err(e) => admin_again(state, head, (), e, ctx.locale).await,
    }
}

/// `POST /petugas/admin/instansi`.
pub async fn create_org(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<OrgInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match admin::add_org(&state.db, &input).await {
        Ok(_) => Redirect::to(&format!("{ADMIN}?selesai=1")).into_response(),
        Err(e) => admin_again(state, head, input, e, ctx.locale).await,
    }
}

/// `POST /petugas/admin/kategori`.
pub async fn create_category(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<CategoryInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match admin::add_category(&state.db, &input).await {
        Ok(_) => Redirect::to(&format!("{ADMIN}?selesai=1")).into_response(),
        Err(e) => admin_again(state, head, input, e, ctx.locale).await,
    }
}

/// `POST /petugas/admin/libur`: adds or renames a day off.
pub async fn save_holiday(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<HolidayInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match deadlines::save_holiday(&state.db, &input, now()).await {
        Ok(()) => Redirect::to(&format!("{ADMIN}?selesai=1#calendar-title")).into_response(),
        Err(e) => admin_again(state, head, input, e, ctx.locale).await,
    }
}

/// `POST /petugas/admin/libur/{date}/hapus`: removes a day off.
pub async fn remove_holiday(
    State(state): State<AppState>,
    Path(date): Path<String>,
    req: Request<Body>,
) -> Response {
    let (ctx, (), head) = read_form::<()>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match deadlines::remove_holiday(&state.db, &date, now()).await {
        Ok(()) => Redirect::to(&format!("{ADMIN}?selesai=1#calendar-title")).into_response(),
        Err(e) => {
            let input = HolidayInput {
                date,
                ..Default::default()
            };
            admin_again(state, head, input, e, ctx.locale).await
        }
    }
}

/// `POST /petugas/admin/tenggat`: the default deadline lengths.
pub async fn save_policy(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (ctx, input, head) = read_form::<PolicyInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    match deadlines::save_policy(&state.db, &input, now()).await {
        Ok(_) => Redirect::to(&format!("{ADMIN}?selesai=1#deadline-title")).into_response(),
        Err(e) => admin_again(state, head, input, e, ctx.locale).await,
    }
}

/// `POST /petugas/admin/kategori/{id}/tenggat`.
pub async fn category_days(
    State(state): State<AppState>,
    crate::forms::IdPath(id): crate::forms::IdPath,
    req: Request<Body>,
) -> Response {
    let (ctx, mut input, head) = read_form::<CategoryDaysInput>(&state, req).await;
    if let Some(refused) = refuse_unless_system_admin(&ctx) {
        return refused;
    }
    input.category_id = id.to_string();
    match deadlines::save_category_days(&state.db, id, &input.resolve_days, now()).await {
        Ok(()) => Redirect::to(&format!("{ADMIN}?selesai=1#cat-title")).into_response(),
        Err(e) => admin_again(state, head, input, e, ctx.locale).await,
    }
}
