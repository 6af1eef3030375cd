//! An official's presence on a report's page, for the other officials there ("Budi sedang
//! melihat / sedang membalas"): the page says it is open when it loads and every 20 seconds
//! while it is in view, that its official is typing when they type in the reply box (and
//! viewing again after a pause), and that it was closed when it goes away. Others hear of it
//! through their event stream (`hadir`) and fetch their page's live parts again.

use crate::page;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::Element;

const HEARTBEAT_MS: i32 = 20_000;
/// After this long without a keystroke, the official is viewing again.
const PAUSE_MS: i32 = 6_000;

pub fn announce(marker: Element) {
    let Some(tracking) = marker
        .get_attribute("data-presence")
        .filter(|t| !t.is_empty())
    else {
        return;
    };
    let tracking: Rc<str> = tracking.into();
    let typing = Rc::new(Cell::new(false));
    // Each keystroke's number: a pause ends typing only if no key came after it.
    let keystrokes = Rc::new(Cell::new(0u32));
    send(&tracking, "lihat", false);
    heartbeat(tracking.clone(), typing.clone());

    if let Some(field) =
        page::document().and_then(|d| d.query_selector("form[data-chat] textarea").ok().flatten())
    {
        let on_input = {
            let (tracking, typing, keystrokes) = (tracking.clone(), typing.clone(), keystrokes);
            Closure::<dyn FnMut()>::new(move || {
                if !typing.replace(true) {
                    send(&tracking, "ketik", false);
                }
                let n = keystrokes.get().wrapping_add(1);
                keystrokes.set(n);
                let (tracking, typing, keystrokes) =
                    (tracking.clone(), typing.clone(), keystrokes.clone());
                page::later(PAUSE_MS, move || {
                    if keystrokes.get() == n && typing.replace(false) {
                        send(&tracking, "lihat", false);
                    }
                });
            })
        };
        let _ = field.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
        on_input.forget();
    }

    let on_leave = Closure::<dyn FnMut()>::new(move || send(&tracking, "pergi", true));
    if let Some(window) = web_sys::window() {
        let _ =
            window.add_event_listener_with_callback("pagehide", on_leave.as_ref().unchecked_ref());
    }
    on_leave.forget();
}

/// Says the page is still open every [`HEARTBEAT_MS`] while it is in view (a page left in a
/// background tab stops counting as open after a while).
fn heartbeat(tracking: Rc<str>, typing: Rc<Cell<bool>>) {
    page::later(HEARTBEAT_MS, move || {
        let visible = page::document()
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            send(
                &tracking,
                if typing.get() { "ketik" } else { "lihat" },
                false,
            );
        }
        heartbeat(tracking, typing);
    });
}

fn send(tracking: &str, activity: &str, leaving: bool) {
    // A page going away: a beacon, which the browser delivers after the page is gone.
    if leaving {
        if let (Some(window), Ok(params)) = (web_sys::window(), web_sys::UrlSearchParams::new()) {
            params.append("tracking_id", tracking);
            params.append("activity", activity);
            let _ = window
                .navigator()
                .send_beacon_with_opt_url_search_params("/api/staff_presence", Some(&params));
        }
        return;
    }
    let body = [
        "tracking_id=",
        &String::from(js_sys::encode_uri_component(tracking)),
        "&activity=",
        activity,
    ]
    .concat();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&wasm_bindgen::JsValue::from_str(&body));
    // A page going away still gets its last word out.
    if let Ok(headers) = web_sys::Headers::new() {
        let _ = headers.set("content-type", "application/x-www-form-urlencoded");
        init.set_headers(&headers);
    }
    if let Some(window) = web_sys::window() {
        let _ = window.fetch_with_str_and_init("/api/staff_presence", &init);
    }
}
