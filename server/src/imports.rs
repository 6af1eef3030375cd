//! The backlog file's two HTTP doors that server functions cannot be: the upload, a plain
//! multipart form post (with and without JavaScript), and the template download. The work is
//! `app::intake::import`'s; this only reads the request.

use crate::forms::{at_path, show_again};
use app::error::AppError;
use app::intake::import::{MAX_BYTES, template, upload as keep_upload};
use app::state::{AppState, RequestCtx};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, State};
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// What the upload route's body may be: the largest file, and room for the form around it.
pub const BODY_LIMIT: usize = MAX_BYTES + (64 << 10);

/// `GET /petugas/impor/templat.csv`.
pub async fn template_csv() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"templat-impor-laporan.csv\"",
            ),
        ],
        // Excel reads a file as UTF-8 only when it starts with the byte-order mark.
        format!("\u{feff}{}", template()),
    )
        .into_response()
}

/// The file field of the form: its name and bytes.
async fn read_file(req: Request<Body>, state: &AppState) -> Result<(String, Vec<u8>), AppError> {
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|_| AppError::invalid("file", "err.file_missing"))?;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| too_big_or_missing(e.status()))?;
                if bytes.is_empty() {
                    return Err(AppError::invalid("file", "err.file_missing"));
                }
                return Ok((name, bytes.to_vec()));
            }
            Ok(Some(_)) => continue,
            Ok(None) => return Err(AppError::invalid("file", "err.file_missing")),
            Err(e) => return Err(too_big_or_missing(e.status())),
        }
    }
}

fn too_big_or_missing(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::invalid("file", "err.file_too_big")
    } else {
        AppError::invalid("file", "err.file_missing")
    }
}

/// `POST /petugas/impor`: keeps the file for its preview and goes there; a file that cannot
/// be a backlog (too big, not UTF-8, a column missing) comes back on the upload page with
/// what is wrong.
pub async fn upload(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let ctx = RequestCtx::from_parts(&parts, &state).await;
    let head = Request::from_parts(parts.clone(), Body::empty());
    let result = match (&ctx.viewer.staff, crate::limits::refusal(&head)) {
        (_, Some(limited)) => Err(limited),
        (None, _) => return Redirect::to("/masuk?ke=/petugas/impor").into_response(),
        (Some(staff), None) if !app::intake::import::may_import(staff) => {
            Err(AppError::Refused(app::error::Refusal::NotYourRole))
        }
        (Some(staff), None) => match read_file(Request::from_parts(parts, body), &state).await {
            Ok((name, bytes)) => keep_upload(&state.db, staff, &name, &bytes, app::db::now()).await,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(id) => Redirect::to(&format!("/petugas/impor/{id}")).into_response(),
        Err(error) => {
            let head = at_path(head, "/petugas/impor");
            show_again(state, head, (), error, ctx.locale).await
        }
    }
}
