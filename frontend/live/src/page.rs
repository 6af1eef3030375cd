//! The page itself: fetching it again and swapping in its live parts.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, Response};

pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// Fetches `url` with `init` (GET when `None`); `None` when there is no connection.
pub async fn fetch(url: &str, init: Option<&web_sys::RequestInit>) -> Option<Response> {
    let window = web_sys::window()?;
    let promise = match init {
        Some(init) => window.fetch_with_str_and_init(url, init),
        None => window.fetch_with_str(url),
    };
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

pub async fn text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// This page as the server renders it now, or `None` offline.
pub async fn fetch_again() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let response = fetch(&href, None).await?;
    if !response.ok() {
        return None;
    }
    text(&response).await
}

/// Parses a page the server sent.
pub fn parse(html: &str) -> Option<Document> {
    web_sys::DomParser::new()
        .ok()?
        .parse_from_string(html, web_sys::SupportedType::TextHtml)
        .ok()
}

/// Swaps the `data-live` parts of `html` into this page, except a part the user is typing in.
pub fn swap(html: &str) {
    let (Some(document), Some(fresh)) = (document(), parse(html)) else {
        return;
    };
    let Ok(parts) = fresh.query_selector_all("[data-live]") else {
        return;
    };
    let active = document.active_element();
    for i in 0..parts.length() {
        let Some(new) = parts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let Some(name) = new.get_attribute("data-live") else {
            continue;
        };
        let selector = ["[data-live=\"", &name, "\"]"].concat();
        let Ok(Some(current)) = document.query_selector(&selector) else {
            continue;
        };
        // Never pull a form from under someone typing in it, nor (officials) a list from
        // under someone ticking reports in it for a bulk action.
        if active.as_ref().is_some_and(|a| current.contains(Some(a))) {
            continue;
        }
        #[cfg(feature = "desk")]
        if current
            .query_selector("input[data-keep]:checked")
            .ok()
            .flatten()
            .is_some()
        {
            continue;
        }
        current.set_inner_html(&new.inner_html());
    }
    #[cfg(feature = "desk")]
    carry_seen(&document, &fresh);
}

/// The thread now on screen is the fresh one: an official's reply sent next answers it (one
/// naming an older thread is held back to show what came in).
#[cfg(feature = "desk")]
fn carry_seen(document: &Document, fresh: &Document) {
    let seen = |d: &Document| {
        d.query_selector("form[data-chat] input[name=terakhir]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    };
    if let (Some(mine), Some(theirs)) = (seen(document), seen(fresh)) {
        mine.set_value(&theirs.value());
    }
}

/// Fills `bytes` from the browser's random source (left as they are without one).
pub fn random(bytes: &mut [u8]) {
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(bytes);
    }
}

/// Runs `f` after `ms` milliseconds.
pub fn later(ms: i32, f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let f = wasm_bindgen::closure::Closure::once_into_js(f);
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms);
}
