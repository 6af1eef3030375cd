//! `/open311/v2/…`: the Open311 GeoReport v2 endpoints over [`app::open311`]. The format is
//! the path's extension (`.json` or `.xml`); errors are the specification's error documents
//! (404 for what does not exist, 403 for a missing or revoked API key, 400 for the rest).

use app::error::AppError;
use app::open311::{self as spec, ApiError, Document, Format, Node, RequestQuery};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// When this API last changed, as discovery reports it.
const CHANGESET: &str = "2026-12-07T00:00:00+07:00";

/// Parameters of a query string or a form body; `None` for bytes that are not one.
fn params(text: &[u8]) -> Option<Vec<(String, String)>> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(text).ok()
}

fn answer(format: Format, status: StatusCode, doc: &Document) -> Response {
    let mut res = (
        status,
        [(header::CONTENT_TYPE, format.content_type())],
        doc.render(format),
    )
        .into_response();
    // Public data: any site's page may read it (a write still needs an API key, and is refused
    // from another site's page by the cross-site guard).
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

fn failure(format: Format, errors: &[ApiError]) -> Response {
    let status = errors
        .first()
        .and_then(|e| StatusCode::from_u16(e.status).ok())
        .unwrap_or(StatusCode::BAD_REQUEST);
    answer(format, status, &spec::errors_document(errors))
}

fn done(format: Format, result: Result<Document, Vec<ApiError>>) -> Response {
    match result {
        Ok(doc) => answer(format, StatusCode::OK, &doc),
        Err(errors) => failure(format, &errors),
    }
}

fn internal(e: AppError) -> Vec<ApiError> {
    vec![spec::internal(e)]
}

/// The answer to a file name without `.json` or `.xml`: 404, as JSON (the only thing left
/// to answer in).
fn unknown_format() -> Response {
    failure(
        Format::Json,
        &[ApiError::not_found("unknown format: use .json or .xml")],
    )
}

/// `GET /open311/v2/{resource}.{format}`: discovery, services, requests, updates.
pub async fn get_resource(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some((resource, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let Some(params) = params(query.unwrap_or_default().as_bytes()) else {
        return failure(format, &[ApiError::bad("malformed query string")]);
    };
    let result = match resource {
        "discovery" => Ok(discovery(&state, &headers)),
        "services" => services(&state, &params).await,
        "requests" => requests(&state, &params).await,
        "servicerequestupdates" => updates(&state, &params).await,
        _ => Err(vec![ApiError::not_found("no such resource")]),
    };
    done(format, result)
}

/// `POST /open311/v2/requests.{format}`: files a report for a client holding an API key.
pub async fn post_resource(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    req: axum::extract::Request,
) -> Response {
    let Some((resource, format)) = Format::split(&file) else {
        return unknown_format();
    };
    if resource != "requests" {
        return failure(format, &[ApiError::not_found("no such resource")]);
    }
    if crate::limits::refusal(&req).is_some() {
        return failure(format, &[ApiError::new(429, "too many requests")]);
    }
    let body = match axum::body::to_bytes(req.into_body(), BODY_LIMIT).await {
        Ok(body) => body,
        Err(_) => return failure(format, &[ApiError::bad("the request body is too large")]),
    };
    done(format, create(&state, query.as_deref(), &body).await)
}

/// The largest form body a POST may send (a 4,000-character description with every other
/// field fits many times over).
const BODY_LIMIT: usize = 64 * 1024;

async fn create(
    state: &AppState,
    query: Option<&str>,
    body: &Bytes,
) -> Result<Document, Vec<ApiError>> {
    let (Some(mut params), Some(query)) = (params(body), params(query.unwrap_or("").as_bytes()))
    else {
        return Err(vec![ApiError::bad("malformed form body")]);
    };
    // The key may come in the query string too (some clients put it there).
    params.extend(query.into_iter().filter(|(k, _)| k == "api_key"));
    let now = app::db::now();
    let Some(key) = spec::param(&params, "api_key") else {
        return Err(vec![ApiError::new(403, "api_key is required")]);
    };
    let key_id = match app::api_keys::authenticate(&state.db, key, now).await {
        Ok(Some(id)) => id,
        Ok(None) => return Err(vec![ApiError::new(403, "api_key is not valid")]),
        Err(e) => return Err(internal(e)),
    };
    let filed = spec::file(&state.db, &state.config.server_secret, &params, key_id, now).await?;
    Ok(spec::created_document(
        &filed.tracking_id,
        "Laporan diterima. Laporan tampil untuk publik setelah diverifikasi petugas.",
    ))
}

/// `GET /open311/v2/{collection}/{id}.{format}`: a service definition, a request, a token.
pub async fn get_item(
    State(state): State<AppState>,
    Path((collection, file)): Path<(String, String)>,
) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let result = match collection.as_str() {
        "services" => match spec::service(&state.db, id).await {
            Ok(Some(_)) => Ok(spec::service_definition(id)),
            Ok(None) => Err(vec![ApiError::not_found("service_code not found")]),
            Err(e) => Err(internal(e)),
        },
        "requests" => match spec::request(&state.db, id).await {
            Ok(Some(r)) => Ok(spec::requests_document(&[r])),
            // Confidential, not yet verified, or not there: the same answer.
            Ok(None) => Err(vec![ApiError::not_found("service_request_id not found")]),
            Err(e) => Err(internal(e)),
        },
        // lapor answers every POST with the request's ID at once and hands out no tokens.
        "tokens" => Err(vec![ApiError::not_found("token not found")]),
        _ => Err(vec![ApiError::not_found("no such resource")]),
    };
    done(format, result)
}

fn discovery(state: &AppState, headers: &HeaderMap) -> Document {
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let endpoint = Node::Object(vec![
        ("specification", Node::text(spec::SPECIFICATION)),
        ("url", Node::text(format!("{scheme}://{host}/open311/v2"))),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        (
            "formats",
            Node::List(
                "format",
                vec![Node::text("text/xml"), Node::text("application/json")],
            ),
        ),
    ]);
    Document {
        root: "discovery",
        body: Node::Object(vec![
            ("changeset", Node::text(CHANGESET)),
            (
                "contact",
                Node::text(format!("Admin sistem LAPOR! ({scheme}://{host}/bantuan)")),
            ),
            (
                "key_service",
                Node::text("Kunci API diberikan dan dicabut oleh admin sistem LAPOR!."),
            ),
            ("endpoints", Node::List("endpoint", vec![endpoint])),
        ]),
    }
}

async fn services(
    state: &AppState,
    params: &[(String, String)],
) -> Result<Document, Vec<ApiError>> {
    spec::jurisdiction_of(&state.db, params).await?;
    let services = spec::services(&state.db).await.map_err(internal)?;
    Ok(spec::services_document(&services))
}

async fn requests(
    state: &AppState,
    params: &[(String, String)],
) -> Result<Document, Vec<ApiError>> {
    let jurisdiction = spec::jurisdiction_of(&state.db, params).await?;
    let query =
        spec::request_query(params, app::db::now(), state.db.time_zone).map_err(|e| vec![e])?;
    if let RequestQuery::Filter { service_codes, .. } = &query {
        for code in service_codes {
            match spec::service(&state.db, code).await {
                Ok(Some(_)) => {}
                Ok(None) => return Err(vec![ApiError::not_found("service_code not found")]),
                Err(e) => return Err(internal(e)),
            }
        }
    }
    let found = spec::requests(&state.db, &query, jurisdiction)
        .await
        .map_err(internal)?;
    Ok(spec::requests_document(&found))
}

async fn updates(state: &AppState, params: &[(String, String)]) -> Result<Document, Vec<ApiError>> {
    let jurisdiction = spec::jurisdiction_of(&state.db, params).await?;
    let (from, to) =
        spec::date_range(params, app::db::now(), state.db.time_zone).map_err(|e| vec![e])?;
    let found = spec::updates(&state.db, from, to, jurisdiction)
        .await
        .map_err(internal)?;
    Ok(spec::updates_document(&found))
}
