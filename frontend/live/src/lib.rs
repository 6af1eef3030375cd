//! The WebAssembly of a report page (and of the officials' live pages): it keeps the page up to
//! date and sends chat replies without a reload. It is the whole script of those pages, so it
//! carries no framework: the server renders everything; this only listens, fetches and swaps.
//!
//! - [`stream`]: the viewer's event stream (`/langsung`, Server-Sent Events); when something on
//!   the page changed, the page is fetched again and its `data-live` parts swapped in.
//! - [`chat`]: the reply form of a thread (`form[data-chat]`) sends in the background, shows
//!   the message at once ("mengirim…") and, offline, leaves it to the service worker, which
//!   keeps it on the phone until the signal returns.
//!
//! Built twice: for every live page, and with the `desk` feature for officials' pages, which
//! add:
//! - [`presence`]: on an official's page of a report, tells the other officials there that
//!   it is open and when its official types a reply.
//! - [`templates`]: in an official's reply box, `/` and a few letters insert one of the
//!   organisation's reply templates.
//! - [`keys`]: keyboard shortcuts through the inbox and to the reply box, listed by `?`.
//!
//! Without JavaScript the same page works with plain forms and a reload.

mod chat;
#[cfg(feature = "desk")]
mod keys;
mod page;
#[cfg(feature = "desk")]
mod presence;
mod stream;
#[cfg(feature = "desk")]
mod templates;

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
    #[cfg(feature = "desk")]
    desk(&document);
}

/// The officials' parts (built with the `desk` feature into the bundle of `/petugas/…`).
#[cfg(feature = "desk")]
fn desk(document: &web_sys::Document) {
    use wasm_bindgen::JsCast;
    if let Ok(Some(marker)) = document.query_selector("[data-presence]") {
        presence::announce(marker);
    }
    keys::enhance(document);
    if let Some(field) = document
        .query_selector("form[data-chat] textarea")
        .ok()
        .flatten()
        .and_then(|f| f.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        templates::enhance(field);
    }
}
