//! The intake server functions: each checks that the caller is an official who types reports
//! in, then calls the plain function in `store`.

use super::*;
use crate::error::AppError;
use crate::reports::FiledReport;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "manual_form_options")]
pub async fn manual_form_options() -> Result<ManualOptions, AppError> {
    let (state, ctx, staff) = crate::casework::current_staff()?;
    manual_options(&state.db, &staff, crate::db::now())
        .await
        .map_err(|e| e.localize(ctx.locale))
}

/// Files a report an official typed in; see [`store::enter_report`].
#[server(prefix = "/api", endpoint = "enter_manual_report")]
pub async fn enter_manual_report(input: ManualInput) -> Result<FiledReport, AppError> {
    let (state, ctx, staff) = crate::casework::current_staff()?;
    enter_report(
        &state.db,
        &state.config.server_secret,
        &staff,
        &input,
        crate::db::now(),
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}

#[server(prefix = "/api", endpoint = "manual_receipt")]
pub async fn manual_receipt(tracking_id: String) -> Result<Receipt, AppError> {
    let (state, ctx, staff) = crate::casework::current_staff()?;
    receipt(
        &state.db,
        &state.config.server_secret,
        &staff,
        &tracking_id,
        crate::db::now(),
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}
