//! The completeness server function: a thin wrapper over [`advice`].

use super::*;
use crate::duplicates::Probe;
use crate::error::AppError;
use leptos::prelude::*;

/// The category and agency a report being written reads as, when not the ones chosen.
#[server(prefix = "/api", endpoint = "form_advice")]
pub async fn form_advice(probe: Probe) -> Result<Advice, AppError> {
    let (state, ctx) = crate::state::server_ctx();
    let p = probe.bounded();
    advice(
        &state.db,
        &p.title,
        &p.body,
        p.category_id.trim().parse().ok(),
        p.target_org_id.trim().parse().ok(),
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}
