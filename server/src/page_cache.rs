//! The public pages as an anonymous visitor gets them, kept for a moment: a report's page
//! with its thread, the listing, the figures and the home page.
//!
//! A report that is in the news is read by thousands who are not signed in, and every one of
//! them gets the same page. Rendering it costs its queries and its markup each time; a page
//! kept from a moment ago costs a map lookup. What makes that safe:
//!
//! - Only a request that can only get the public page is served from here: `GET`, none of
//!   the pages' private variants (an access code in the address, a report page with any
//!   query), and no cookie but the language one (a signed-in citizen or official never is).
//! - Only a response every such visitor would get is kept: `200`, HTML, no `Set-Cookie`, not
//!   marked `no-store`.
//! - A page is kept at most [`KEEP`] (`--page-cache-seconds`), and never past a change: every event the live hub hands
//!   over moves on the version of its report's page and of the pages that list reports
//!   ([`app::live::Hub::page_version`]) *before* streams hear of it, so the browser a stream
//!   sends to fetch the page again gets the new one. On several servers each one's hub hears
//!   every event.
//! - The page's script nonce is kept with it. A page is re-rendered (with a new nonce) after
//!   every change of what it shows, so markup someone writes into a report never shares a
//!   render, and so a nonce, with a page anyone could read a moment before.

use app::i18n::Locale;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a page is served from here at most, unless configured ([`keep_for`]).
pub const KEEP: Duration = Duration::from_secs(2);

/// Milliseconds a page is kept, as configured (`--page-cache-seconds`; 0 turns keeping off).
static KEEP_MS: AtomicU64 = AtomicU64::new(KEEP.as_millis() as u64);

/// Sets how long pages are kept (zero: not at all), for every router of this process.
pub fn keep_for(keep: Duration) {
    KEEP_MS.store(
        u64::try_from(keep.as_millis()).unwrap_or(u64::MAX),
        AtomicOrdering::Relaxed,
    );
}
/// Pages kept at most (a listing has a page per filter); beyond it the stale ones go, and if
/// none is stale, all.
const MAX_PAGES: usize = 2_000;
/// A page larger than this is served but not kept.
const MAX_BYTES: usize = 2 * 1024 * 1024;

/// Says whether a page came from here (`hit`) or was rendered and kept (`miss`).
pub const CACHE_HEADER: HeaderName = HeaderName::from_static("x-lapor-cache");

/// The pages this server keeps, and the live hub whose events tell when they changed.
pub struct PageCache {
    pages: Mutex<HashMap<Key, Arc<Kept>>>,
    hub: app::live::Hub,
}

/// A page as one kind of anonymous visitor asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    locale: Locale,
}

struct Kept {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    until: Instant,
    version: u64,
}

/// The page a request asks for, if it is one that may be served from here: its key and the
/// report it shows (`None`: a page of many reports).
fn public_page(req: &Request) -> Option<(Key, Option<String>)> {
    if req.method() != Method::GET {
        return None;
    }
    let cookies = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .map(|v| v.to_str().ok())
        .collect::<Option<Vec<_>>>()?;
    let only_language = cookies
        .iter()
        .flat_map(|c| c.split(';'))
        .filter(|pair| !pair.trim().is_empty())
        .all(|pair| pair.trim().split('=').next() == Some(app::i18n::LANG_COOKIE));
    if !only_language {
        return None;
    }
    let uri = req.uri();
    let query = uri.query().unwrap_or_default();
    let report = match uri.path() {
        "/" | "/laporan" | "/statistik" => None,
        path => {
            let id = path.strip_prefix("/laporan/")?;
            // A report's private variants all carry a query (its code, a notice).
            if id.is_empty() || id.contains('/') || !query.is_empty() {
                return None;
            }
            Some(id.to_owned())
        }
    };
    if query.split('&').any(|pair| pair.starts_with("kode=")) {
        return None;
    }
    let locale = Locale::from_cookie_header(cookies.first().copied());
    let path_and_query = uri.path_and_query()?.as_str().to_owned();
    Some((
        Key {
            path_and_query,
            locale,
        },
        report,
    ))
}

/// Whether every anonymous visitor would get this response.
fn keepable(res: &Response) -> bool {
    let headers = res.headers();
    res.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store"))
}

impl PageCache {
    pub fn new(hub: app::live::Hub) -> Arc<PageCache> {
        Arc::new(PageCache {
            pages: Mutex::default(),
            hub,
        })
    }

    fn get(&self, key: &Key, version: u64, now: Instant) -> Option<Arc<Kept>> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(key)
            .filter(|k| k.version == version && k.until > now)
            .cloned()
    }

    fn put(&self, key: Key, kept: Kept) {
        let Ok(mut pages) = self.pages.lock() else {
            return;
        };
        if pages.len() >= MAX_PAGES {
            let now = Instant::now();
            pages.retain(|_, k| k.until > now);
            if pages.len() >= MAX_PAGES {
                pages.clear();
            }
        }
        pages.insert(key, Arc::new(kept));
    }
}

fn answer(kept: &Kept, how: &'static str) -> Response {
    let mut res = Response::new(Body::from(kept.body.clone()));
    *res.status_mut() = kept.status;
    *res.headers_mut() = kept.headers.clone();
    res.headers_mut()
        .insert(CACHE_HEADER, HeaderValue::from_static(how));
    res
}

/// The middleware: serves a public page from the cache, or renders it and keeps it.
pub async fn serve(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    let keep = Duration::from_millis(KEEP_MS.load(AtomicOrdering::Relaxed));
    let Some((key, report)) = public_page(&req).filter(|_| !keep.is_zero()) else {
        return next.run(req).await;
    };
    // Read before rendering: an event while the page is made leaves it already stale.
    let version = cache.hub.page_version(report.as_deref());
    let now = Instant::now();
    if let Some(kept) = cache.get(&key, version, now) {
        return answer(&kept, "hit");
    }
    let res = next.run(req).await;
    if !keepable(&res) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            // Too large, or the page failed half-way: the visitor gets what there is to get.
            tracing::warn!(error = %e, "page not kept");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let kept = Kept {
        status: parts.status,
        headers: parts.headers,
        body,
        until: now + keep,
        version,
    };
    let res = answer(&kept, "miss");
    cache.put(key, kept);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, cookie: Option<&str>) -> Request {
        let mut req = axum::http::Request::get(uri);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::empty()).expect("request")
    }

    #[test]
    fn only_the_pages_every_anonymous_visitor_gets_are_kept() {
        let report = public_page(&request("/laporan/LPR-ABC", None)).expect("public");
        assert_eq!(report.1.as_deref(), Some("LPR-ABC"));
        let english = public_page(&request("/laporan/LPR-ABC", Some("lang=en"))).expect("en");
        assert_eq!(english.0.locale, Locale::En);
        assert_ne!(english.0, report.0, "each language its own page");
        let listing = public_page(&request("/laporan?status=verified&hal=2", None));
        assert_eq!(listing.expect("listing").1, None);
        for private in [
            request("/laporan/LPR-ABC?kode=XYZ", None),
            request("/laporan/LPR-ABC?baru=1", None),
            request("/laporan?kode=XYZ", None),
            request("/laporan/LPR-ABC", Some("lapor_session=abc")),
            request("/laporan/LPR-ABC", Some("lang=en; lapor_session=abc")),
            request("/laporan/LPR-ABC/lampiran", None),
            request("/petugas", None),
            request("/laporan-saya", None),
        ] {
            assert!(public_page(&private).is_none(), "{}", private.uri());
        }
        let post = axum::http::Request::post("/laporan")
            .body(Body::empty())
            .expect("request");
        assert!(public_page(&post).is_none());
    }
}
