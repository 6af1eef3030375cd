//! Live updates: the viewer's one event stream. The marker the server renders
//! (`p.live-status[data-stream]`) says where to listen, which report matters (`data-only`,
//! empty: any event of the stream) and what to say while the connection is down.

use crate::page;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, EventSource, MessageEvent};

pub fn connect(marker: Element) {
    open(marker, false);
}

/// Opens the stream; `after_break`: a stream before it was refused, so the page refreshes
/// once this one is open.
fn open(marker: Element, after_break: bool) {
    let Some(url) = marker.get_attribute("data-stream") else {
        return;
    };
    let Ok(source) = EventSource::new(&url) else {
        return;
    };
    let only = marker.get_attribute("data-only").unwrap_or_default();
    let needle = ["\"", &only, "\""].concat();
    let status = Rc::new(marker);

    let on_event = {
        let status = status.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data().as_string().unwrap_or_default();
            if only.is_empty() || data.contains(&needle) {
                refresh(status.clone());
            }
        })
    };
    let _ = source.add_event_listener_with_callback("laporan", on_event.as_ref().unchecked_ref());
    // Another official came to, typed on or left a report's page.
    let _ = source.add_event_listener_with_callback("hadir", on_event.as_ref().unchecked_ref());
    on_event.forget();

    let was_offline = Rc::new(Cell::new(after_break));
    let on_error = {
        let (status, was_offline, source) = (status.clone(), was_offline.clone(), source.clone());
        Closure::<dyn FnMut()>::new(move || {
            was_offline.set(true);
            show_offline(&status, true);
            // The browser retries a dropped stream by itself, but gives up on an answer that
            // is not a stream (a server at its limit says 503, a flood 429): open a new one
            // later, at a random moment so that refused pages do not all come back at once.
            if source.ready_state() == EventSource::CLOSED {
                let mut spread = [0u8];
                page::random(&mut spread);
                let marker = Element::clone(&status);
                page::later(15_000 + i32::from(spread[0]) * 176, move || {
                    open(marker, true)
                });
            }
        })
    };
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();

    let on_open = Closure::<dyn FnMut()>::new(move || {
        let _ = status.set_attribute("data-live-ready", "true");
        show_offline(&status, false);
        // Back after a break: the stream resumes from the last event it saw, but a page that
        // was closed meanwhile may have missed more; one refresh settles it.
        if was_offline.replace(false) {
            refresh(status.clone());
        }
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();
    // The stream lives as long as the page.
    std::mem::forget(source);
}

fn show_offline(status: &Element, offline: bool) {
    let text = if offline {
        status.get_attribute("data-offline")
    } else {
        None
    };
    status.set_text_content(text.as_deref());
}

thread_local! {
    static RETRYING: Cell<bool> = const { Cell::new(false) };
}

/// Fetches the page again and swaps in its live parts. When that fails (the stream still
/// brought the news but the network is gone), the page says it is offline and tries again
/// every few seconds, one retry at a time however many events came in meanwhile.
pub fn refresh(status: Rc<Element>) {
    wasm_bindgen_futures::spawn_local(async move {
        match page::fetch_again().await {
            Some(html) => {
                show_offline(&status, false);
                page::swap(&html);
            }
            None => {
                show_offline(&status, true);
                if !RETRYING.with(|r| r.replace(true)) {
                    page::later(3_000, move || {
                        RETRYING.with(|r| r.set(false));
                        refresh(status);
                    });
                }
            }
        }
    });
}
