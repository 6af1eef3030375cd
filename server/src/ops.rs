//! What the people who run lapor look at: whether a server is ready to serve, and a
//! consistent copy of a live database.

use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long `/readyz` waits for the database before it calls the server not ready.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `/readyz`: `200 ok` when the database answers within [`READY_TIMEOUT`], else `503` (a load
/// balancer then sends nobody here; `/healthz` only says the process is alive). The error is
/// logged, never sent.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match ready(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Whether the database answers a query within [`READY_TIMEOUT`].
pub async fn ready(db: &app::db::Db) -> anyhow::Result<()> {
    tokio::time::timeout(READY_TIMEOUT, sqlx::query("select 1").execute(&db.pool))
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {READY_TIMEOUT:?}"))??;
    Ok(())
}

/// Writes a consistent copy of a live SQLite database to `to` (a new file) with `VACUUM
/// INTO`: one read transaction, so the copy holds exactly what was committed when it began,
/// while the server goes on writing. PostgreSQL is copied with `pg_dump` (README).
pub async fn backup(db: &app::db::Db, to: &std::path::Path) -> anyhow::Result<()> {
    if !matches!(db.engine, app::db::Engine::Sqlite) {
        anyhow::bail!(
            "the backup command copies SQLite databases; copy PostgreSQL with pg_dump (README, Operations)"
        );
    }
    if to.exists() {
        anyhow::bail!("{} exists already: back up into a new file", to.display());
    }
    let path = to
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup path must be valid UTF-8"))?;
    sqlx::query("vacuum into $1")
        .bind(path)
        .execute(&db.pool)
        .await?;
    Ok(())
}
