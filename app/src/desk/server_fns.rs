//! The desk's server functions: each checks that the caller is an official, then calls the
//! plain function in `store`.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in official, or [`AppError::Unauthorized`].
#[cfg(feature = "ssr")]
fn official() -> Result<
    (
        crate::state::AppState,
        crate::i18n::Locale,
        crate::staff::Staff,
    ),
    AppError,
> {
    let (state, ctx) = crate::state::server_ctx();
    let staff = ctx.viewer.staff.clone().ok_or(AppError::Unauthorized)?;
    Ok((state, ctx.locale, staff))
}

/// Takes, assigns or releases a report (see [`assign`]).
#[server(prefix = "/api", endpoint = "staff_assign")]
pub async fn staff_assign(tracking_id: String, input: AssignInput) -> Result<(), AppError> {
    let (state, locale, staff) = official()?;
    assign(&state.db, &staff, &tracking_id, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

/// The signed-in official's organisation's reply templates.
#[server(prefix = "/api", endpoint = "reply_templates")]
pub async fn reply_templates() -> Result<Vec<ReplyTemplate>, AppError> {
    let (state, _, staff) = official()?;
    my_templates(&state.db, &staff).await
}

/// Adds a template (`id` empty) or changes one; returns its id.
#[server(prefix = "/api", endpoint = "save_reply_template")]
pub async fn save_reply_template(id: String, input: TemplateInput) -> Result<i64, AppError> {
    let (state, locale, staff) = official()?;
    let id = match id.trim() {
        "" => None,
        t => Some(t.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    save_template(&state.db, &staff, id, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

#[server(prefix = "/api", endpoint = "delete_reply_template")]
pub async fn delete_reply_template(id: String) -> Result<(), AppError> {
    let (state, _, staff) = official()?;
    let id = id.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    delete_template(&state.db, &staff, id).await
}

/// The signed-in official is on report `tracking_id`'s page (`activity`: `lihat`, `ketik`,
/// `pergi`); the other officials there see it live.
#[server(prefix = "/api", endpoint = "staff_presence")]
pub async fn staff_presence(tracking_id: String, activity: String) -> Result<(), AppError> {
    let (state, _, staff) = official()?;
    announce_presence(&state.db, &staff, &tracking_id, &activity, crate::db::now()).await
}

/// Saves the inbox's current view and label as a named filter of the signed-in official;
/// returns the inbox's query string for it.
#[server(prefix = "/api", endpoint = "save_inbox_filter")]
pub async fn save_inbox_filter(input: FilterInput) -> Result<String, AppError> {
    let (state, locale, staff) = official()?;
    save_filter(&state.db, &staff, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(locale))
}

#[server(prefix = "/api", endpoint = "delete_inbox_filter")]
pub async fn delete_inbox_filter(id: String) -> Result<(), AppError> {
    let (state, _, staff) = official()?;
    let id = id.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    delete_filter(&state.db, &staff, id).await
}
