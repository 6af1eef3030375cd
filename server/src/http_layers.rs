//! What wraps every response: compression and security headers.

use axum::http::{HeaderName, HeaderValue, header};
use leptos::prelude::*;
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Brotli or gzip, whichever the browser prefers.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().br(true).gzip(true)
}

/// The policy for everything that is not a rendered page (which gets its own, with a nonce).
const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

type H = SetResponseHeaderLayer<HeaderValue>;

/// Headers every response carries unless a handler set them itself.
#[expect(
    clippy::type_complexity,
    reason = "the stack type is what ServiceBuilder builds"
)]
pub fn security_headers() -> Stack<H, Stack<H, Stack<H, Stack<H, Stack<H, Stack<H, Identity>>>>>> {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    ServiceBuilder::new()
        .layer(set(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Private links carry an access code: never leak them to another site.
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(self)",
        ))
        .layer(set(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .into_inner()
}

/// Gives the page being rendered a fresh nonce and a policy that allows only its own inline
/// scripts (the loaders) and style (the inlined stylesheet) besides our files.
pub fn provide_csp() {
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = DEFAULT_CSP
        .replace(
            "script-src 'self'",
            &format!("script-src 'self' 'nonce-{nonce}'"),
        )
        .replace(
            "style-src 'self'",
            &format!("style-src 'self' 'nonce-{nonce}'"),
        );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Files under `/pkg/` are named by their content hash, so a browser may keep them for a year
/// and never ask again: the cheapest request on a rural network is the one not made.
pub async fn cache_static(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // `lapor.<hash>.wasm`: only hashed names are safe to keep; a dev build's plain names are not.
    let path = req.uri().path();
    let immutable = path.starts_with("/pkg/")
        && path
            .rsplit('/')
            .next()
            .is_some_and(|f| f.matches('.').count() >= 2);
    let mut res = next.run(req).await;
    if immutable && res.status().is_success() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    res
}

/// Refuses state-changing requests that a browser says come from another site, the way Go's
/// `http.CrossOriginProtection` does: `Sec-Fetch-Site` (sent by every current browser) must be
/// `same-origin` or `none`; when a browser sends only `Origin`, it must be this site's. A
/// request with neither header is not from a browser page (curl, a gateway, a test) and cannot
/// carry a visitor's cookies against their will, so it passes. Safe methods always pass. No
/// token is needed in the forms, so every plain HTML form keeps working without JavaScript.
pub async fn refuse_cross_site(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if is_cross_site(&req) {
        let locale = request_locale(req.headers());
        let error = app::error::AppError::CrossSite;
        tracing::info!(path = %req.uri().path(), "cross-site write refused");
        return error_response(req.uri().path(), &error, locale);
    }
    next.run(req).await
}

/// Whether `req` is a write a browser made on behalf of another site's page.
pub fn is_cross_site<B>(req: &http::Request<B>) -> bool {
    use http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://").map(|(_, rest)| rest));
    !matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// The user's language, from the request's language cookie.
pub fn request_locale(headers: &http::HeaderMap) -> app::i18n::Locale {
    app::i18n::Locale::from_cookie_header(headers.get(header::COOKIE).and_then(|v| v.to_str().ok()))
}

/// An error answered outside the pages: JSON in the server functions' format under `/api/`,
/// a sentence in the user's language elsewhere; its status from [`AppError::status`].
pub fn error_response(
    path: &str,
    error: &app::error::AppError,
    locale: app::i18n::Locale,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if path.starts_with("/api/") {
        (error.status(), axum::Json(error.clone())).into_response()
    } else {
        (
            error.status(),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            error.user_message(locale),
        )
            .into_response()
    }
}

/// Private pages (an access code in the address, everything of officials and of a signed-in
/// citizen) are never kept by a shared cache or the browser's history cache; and with an
/// https public URL every response tells browsers to use https only (HSTS).
pub async fn private_pages(
    axum::extract::State(hsts): axum::extract::State<bool>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    let private = path.starts_with("/petugas")
        || path.starts_with("/laporan-saya")
        || path.starts_with("/masuk")
        || path.starts_with("/akun")
        || path.starts_with("/daftar")
        || req
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|kv| kv.starts_with("kode=")));
    let mut res = next.run(req).await;
    if private {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if hsts {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// JSON answers carry no `<`, `>` or `&` as such: inside JSON strings they are written as
/// `\u003c`, `\u003e`, `\u0026` (as Go's encoding/json does), outside strings JSON has none.
/// Text people typed (a template, a title) may hold markup; this way no JSON answer can ever
/// be read as HTML, whatever a browser or a careless client does with it.
pub async fn html_safe_json(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let res = next.run(req).await;
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, JSON_MAX).await else {
        tracing::error!("a JSON answer over {JSON_MAX} bytes");
        return error_response(
            "/api/",
            &app::error::AppError::Internal,
            app::i18n::Locale::Id,
        );
    };
    let safe = html_safe(&bytes);
    parts.headers.remove(header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(safe))
}

/// The most a JSON answer may be (the largest, figures at a million reports, is far less).
const JSON_MAX: usize = 64 << 20;

/// `json` with `<`, `>` and `&` written as JSON escapes.
pub fn html_safe(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    for &b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            _ => out.push(b),
        }
    }
    out
}

/// What a client sees of a panic: the same bare 500 as any internal error.
pub fn panic_response(
    _panic: Box<dyn std::any::Any + Send + 'static>,
) -> http::Response<axum::body::Body> {
    tracing::error!("a request handler panicked");
    error_response("/", &app::error::AppError::Internal, app::i18n::Locale::Id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_keeps_its_meaning_without_markup() {
        let value = serde_json::json!({"t": "</textarea><b>&amp;"});
        let safe = super::html_safe(value.to_string().as_bytes());
        let text = String::from_utf8(safe).expect("utf-8");
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
    }
}

/// The access log: one `request` span per request, named by a request id (the client's
/// `x-request-id` when it sent one, else a new UUID, and returned in the response), holding
/// the method, the route pattern and the path without its query (private links and reset
/// links carry their codes there), and one line when the response is ready with its status
/// and latency.
pub mod access {
    use axum::extract::{MatchedPath, Request};
    use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
    use tower_http::request_id::{
        MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
    };
    use tower_http::trace::{DefaultOnResponse, TraceLayer};
    use tracing::Level;

    pub fn set_id() -> SetRequestIdLayer<MakeRequestUuid> {
        SetRequestIdLayer::x_request_id(MakeRequestUuid)
    }

    pub fn return_id() -> PropagateRequestIdLayer {
        PropagateRequestIdLayer::x_request_id()
    }

    fn span(req: &Request) -> tracing::Span {
        let id = req
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .unwrap_or("-");
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str)
            .unwrap_or("other");
        tracing::info_span!(
            "request",
            id = %id,
            method = %req.method(),
            route = %route,
            path = %req.uri().path(),
        )
    }

    #[expect(
        clippy::type_complexity,
        reason = "the layer's type is what TraceLayer builds"
    )]
    pub fn log() -> TraceLayer<
        SharedClassifier<ServerErrorsAsFailures>,
        fn(&Request) -> tracing::Span,
        (),
        DefaultOnResponse,
        (),
        (),
        (),
    > {
        TraceLayer::new_for_http()
            .make_span_with(span as fn(&Request) -> tracing::Span)
            .on_request(())
            .on_body_chunk(())
            .on_eos(())
            .on_failure(())
            .on_response(DefaultOnResponse::new().level(Level::INFO))
    }
}
