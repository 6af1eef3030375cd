//! Files over HTTP: reading the multipart forms that carry them (the report form, the
//! reporter's and the officials' replies, with and without JavaScript), and serving a file to
//! a signed link. What a file may be and who may see it is `app::attachments`'.

use app::attachments::{self, Incoming, LinkQuery, MAX_FILE_BYTES};
use app::error::{AppError, FieldError};
use app::state::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Query, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The form field files arrive in.
pub const FILE_FIELD: &str = "lampiran";

/// Reads a multipart form: its text fields (NUL characters removed, as for url-encoded
/// forms), and its files, which are staged; their tokens join the `attachments` field.
/// Returns the fields and the problems of the files that were refused.
pub async fn read_multipart(
    state: &AppState,
    req: Request<Body>,
    stage: bool,
) -> (Vec<(String, String)>, Vec<FieldError>) {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let Ok(mut form) = Multipart::from_request(req, state).await else {
        return (
            pairs,
            vec![FieldError::new(FILE_FIELD, "err.attach_broken")],
        );
    };
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                let key = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "err.attach_too_big"
                } else {
                    "err.attach_broken"
                };
                refused.push(FieldError::new(FILE_FIELD, key));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == FILE_FIELD && !stage {
            // A form that takes no files: the part is skipped unread.
            continue;
        }
        if name == FILE_FIELD {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let content_type = field.content_type().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            let mut problem = None;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if bytes.len() + chunk.len() > MAX_FILE_BYTES => {
                        problem = Some("err.attach_too_big");
                        break;
                    }
                    Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                    Ok(None) => break,
                    // Cut off on the way: not processed as if it were whole.
                    Err(_) => {
                        problem = Some("err.attach_broken");
                        break;
                    }
                }
            }
            if let Some(key) = problem {
                refused.push(FieldError::new(FILE_FIELD, key));
            } else if !bytes.is_empty() {
                // A browser sends an empty part for a file field left empty.
                files.push(Incoming {
                    name: file_name,
                    content_type,
                    bytes,
                });
            }
        } else if let Ok(text) = field.text().await {
            pairs.push((name, text.replace('\0', "")));
        }
    }
    if !files.is_empty() {
        let (tokens, problems) =
            attachments::stage(&state.db, &state.db.blobs, files, app::db::now()).await;
        refused.extend(problems);
        let mut all: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k == "attachments")
            .flat_map(|(_, v)| attachments::tokens(v))
            .collect();
        all.extend(tokens);
        if all.len() > attachments::MAX_FILES {
            // Those kept from the first try come first; the rest are never attached (swept).
            refused.push(FieldError::new(FILE_FIELD, "err.attach_many"));
            all.truncate(attachments::MAX_FILES);
        }
        pairs.retain(|(k, _)| k != "attachments");
        pairs.push(("attachments".to_owned(), all.join(",")));
    }
    (pairs, refused)
}

/// `GET /lampiran/{id}?a=…&e=…&s=…[&v=kecil]`: the file behind a signed link, with headers
/// that keep a browser from running it: its true type, `nosniff`, a sandbox, and a PDF as a
/// download. Anything else, a link tampered with or expired included, is "not found".
pub async fn serve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LinkQuery>,
    req: Request<Body>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, _) = req.into_parts();
    let ctx = app::state::RequestCtx::from_parts(&parts, &state).await;
    let served = attachments::open(
        &state.db,
        &state.db.blobs,
        &state.config.server_secret,
        id,
        &q,
        app::db::now(),
        ctx.viewer.staff.as_ref(),
    )
    .await;
    match served {
        Ok(file) => {
            let disposition = match file.kind {
                attachments::FileKind::Pdf => "attachment",
                attachments::FileKind::Photo => "inline",
            };
            let name: String = file
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut res = file.bytes.into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.kind.content_type()),
            );
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            );
            // An official's or a reporter's file is not kept by a shared counter PC's browser.
            let cache = if q.a == attachments::Audience::Public.code() {
                "private, max-age=86400"
            } else {
                "private, no-store"
            };
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => (e.status(), e.user_message(app::i18n::Locale::Id)).into_response(),
    }
}
