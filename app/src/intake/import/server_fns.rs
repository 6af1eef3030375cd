//! The import server functions: each checks that the caller is an official, then calls the
//! plain function in `store`, which checks the role and the organisation. The file itself
//! arrives by a plain multipart form post (the server's `imports` handler), which server
//! functions cannot take.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "recent_imports")]
pub async fn recent_imports() -> Result<Vec<ImportSummary>, AppError> {
    let (state, ctx, staff) = crate::casework::current_staff()?;
    recent(&state.db, &staff)
        .await
        .map_err(|e| e.localize(ctx.locale))
}

#[server(prefix = "/api", endpoint = "import_status")]
pub async fn import_status(id: i64) -> Result<ImportView, AppError> {
    let (state, ctx, staff) = crate::casework::current_staff()?;
    view(
        &state.db,
        &state.config.server_secret,
        &staff,
        id,
        crate::db::now(),
        ctx.locale,
    )
    .await
    .map_err(|e| e.localize(ctx.locale))
}

/// The official confirms an import: it runs in the background of this server, and its page
/// shows the progress.
#[server(prefix = "/api", endpoint = "start_import")]
pub async fn start_import(id: i64) -> Result<(), AppError> {
    let (state, ctx, staff) = crate::casework::current_staff()?;
    let now = crate::db::now();
    if start(&state.db, &staff, id, now)
        .await
        .map_err(|e| e.localize(ctx.locale))?
    {
        let (store, secret) = (state.db.clone(), state.config.server_secret.clone());
        tokio::spawn(async move {
            if let Err(e) = run(&store, &secret, id, now).await {
                tracing::error!(import = id, error = ?e, "import stopped; it can be resumed");
            }
        });
    }
    Ok(())
}
