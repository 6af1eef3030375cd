//! The WebAssembly of a report page (and of the officials' live pages): it keeps the page up to
//! date and sends chat replies without a reload. It is the whole script of those pages, so it
//! carries no framework: the server renders everything; this only listens, fetches and swaps.
//!
//! - [`stream`]: the viewer's event stream (`/langsung`, Server-Sent Events); when something on
//!   the page changed, the page is fetched again and its `data-live` parts swapped in.
//! - [`chat`]: the reply form of a thread (`form[data-chat]`) sends in the background, shows
//!   the message at once ("mengirim…") and, offline, leaves it to the service worker, which
//!   keeps it on the phone until the signal returns.
//! - [`templates`]: in an official's reply box, `/` and a few letters insert one of the
//!   organisation's reply templates.
//!
//! Without JavaScript the same page works with plain forms and a reload.

mod chat;
mod page;
mod stream;
mod templates;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    let Some(document) = page::document() else {
        return;
    };
    if let Ok(Some(marker)) = document.query_selector("[data-stream]") {
        stream::connect(marker);
    }
    if let Ok(Some(form)) = document.query_selector("form[data-chat]") {
        chat::enhance(form);
    }
    if let Some(field) = document
        .query_selector("form[data-chat] textarea")
        .ok()
        .flatten()
        .and_then(|f| f.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        templates::enhance(field);
    }
}
