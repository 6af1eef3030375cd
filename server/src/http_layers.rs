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
/// script (the island loader) besides our files.
pub fn provide_csp() {
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = DEFAULT_CSP.replace(
        "script-src 'self'",
        &format!("script-src 'self' 'nonce-{nonce}'"),
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
