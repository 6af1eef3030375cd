//! The casework server functions: each checks that the caller is an official, then calls the
//! plain function in `store`, which checks scope and lifecycle.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in official, or [`AppError::Unauthorized`].
#[cfg(feature = "ssr")]
pub fn current_staff() -> Result<
    (
        crate::state::AppState,
        crate::state::RequestCtx,
        crate::staff::Staff,
    ),
    AppError,
> {
    let (state, ctx) = crate::state::server_ctx();
    let staff = ctx.viewer.staff.clone().ok_or(AppError::Unauthorized)?;
    Ok((state, ctx, staff))
}

pub use crate::staff::case_path;

/// The inbox in a view (`lihat`: [`crate::desk::View::code`]; anything else is every report).
#[server(prefix = "/api", endpoint = "staff_inbox")]
pub async fn staff_inbox(
    #[server(default)] view: String,
    #[server(default)] label: String,
) -> Result<Inbox, AppError> {
    let (state, _, staff) = current_staff()?;
    let view = crate::desk::View::from_code(&view);
    let label = label.trim().parse().ok();
    super::inbox_labelled(&state.db, &staff, view, label, crate::db::now()).await
}

/// The official's search over their scope (see [`search_reports`]).
#[server(prefix = "/api", endpoint = "staff_search")]
pub async fn staff_search(
    filter: crate::reports::ListFilter,
) -> Result<crate::reports::PublicPage, AppError> {
    let (state, _, staff) = current_staff()?;
    super::search_reports(&state.db, &staff, &filter).await
}

#[server(prefix = "/api", endpoint = "staff_watch")]
pub async fn staff_watch() -> Result<Watch, AppError> {
    let (state, _, staff) = current_staff()?;
    super::watch(&state.db, &staff, crate::db::now()).await
}

#[server(prefix = "/api", endpoint = "staff_case")]
pub async fn staff_case(tracking_id: String) -> Result<CaseView, AppError> {
    let (state, ctx, staff) = current_staff()?;
    let now = crate::db::now();
    let mut view = open_case(&state.db, &staff, &tracking_id, now).await?;
    crate::reports::sign_files(
        &mut view.report,
        &state.config.server_secret,
        crate::attachments::Audience::Staff,
        now,
    );
    view.draft =
        crate::accounts::take_draft(&ctx.session, &case_path(&view.report.tracking_id)).await;
    let zone = view.report.zone;
    fill_templates(&mut view, &staff, ctx.locale, zone);
    view.presence = state
        .db
        .hub
        .present_on(&view.report.tracking_id, staff.account_id, now);
    Ok(view)
}

/// Verifies, forwards or archives the ticked reports, one by one (see [`act_many`]).
#[server(prefix = "/api", endpoint = "staff_bulk")]
pub async fn staff_bulk(input: BulkInput) -> Result<BulkOutcome, AppError> {
    let (state, ctx, staff) = current_staff()?;
    act_many(&state.db, &staff, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(ctx.locale))
}

/// Takes an action on a report; returns the action's code.
#[server(prefix = "/api", endpoint = "staff_act")]
pub async fn staff_act(tracking_id: String, input: ActInput) -> Result<String, AppError> {
    let (state, ctx, staff) = current_staff()?;
    act(&state.db, &staff, &tracking_id, &input, crate::db::now())
        .await
        .map(|a| a.code().to_owned())
        .map_err(|e| e.localize(ctx.locale))
}

#[server(prefix = "/api", endpoint = "staff_message")]
pub async fn staff_message(tracking_id: String, input: StaffMessageInput) -> Result<(), AppError> {
    let (state, ctx, staff) = current_staff()?;
    add_staff_message(&state.db, &staff, &tracking_id, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(ctx.locale))
}

/// The signed-in official's email choices.
#[server(prefix = "/api", endpoint = "staff_email_prefs")]
pub async fn staff_email_prefs() -> Result<crate::notify::StaffPrefs, AppError> {
    let (state, _, staff) = current_staff()?;
    crate::notify::staff_prefs(&state.db, staff.account_id).await
}

/// Saves the signed-in official's email choices: a report forwarded to their organisation,
/// and the daily digest of overdue reports in their scope.
#[server(prefix = "/api", endpoint = "save_staff_email_prefs")]
pub async fn save_staff_email_prefs(input: crate::notify::StaffPrefsInput) -> Result<(), AppError> {
    let (state, _, staff) = current_staff()?;
    let prefs = crate::notify::StaffPrefs {
        forwarded: input.forwarded.is_some(),
        digest: input.digest.is_some(),
    };
    crate::notify::set_staff_prefs(&state.db, staff.account_id, prefs).await
}

/// Puts a label on a report (see [`crate::labels::add`]).
#[server(prefix = "/api", endpoint = "staff_add_label")]
pub async fn staff_add_label(
    tracking_id: String,
    input: crate::labels::LabelInput,
) -> Result<(), AppError> {
    let (state, ctx, staff) = current_staff()?;
    crate::labels::add(&state.db, &staff, &tracking_id, &input, crate::db::now())
        .await
        .map_err(|e| e.localize(ctx.locale))
}

/// Takes a label off a report.
#[server(prefix = "/api", endpoint = "staff_remove_label")]
pub async fn staff_remove_label(tracking_id: String, label: i64) -> Result<(), AppError> {
    let (state, _, staff) = current_staff()?;
    crate::labels::remove(&state.db, &staff, &tracking_id, label).await
}

/// Notes the kelurahan/kecamatan of a report.
#[server(prefix = "/api", endpoint = "staff_set_area")]
pub async fn staff_set_area(
    tracking_id: String,
    input: crate::labels::AreaInput,
) -> Result<(), AppError> {
    let (state, ctx, staff) = current_staff()?;
    crate::labels::set_area(&state.db, &staff, &tracking_id, &input)
        .await
        .map_err(|e| e.localize(ctx.locale))
}
