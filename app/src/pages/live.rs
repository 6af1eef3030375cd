//! The live island: keeps an open page up to date without a reload.
//!
//! It holds the viewer's one event stream (`/langsung`, Server-Sent Events through the
//! browser's `EventSource`, which reconnects by itself and resumes with `Last-Event-ID`). When
//! something this page shows has changed, it fetches the page again and swaps in the parts
//! marked `data-live` (status, thread, actions, inbox lists), leaving alone any part the user
//! is typing in. While the connection is down it says so, quietly. Without JavaScript the page
//! is the same and a reload shows the news.

use leptos::prelude::*;

/// `watch`: tracking IDs for a citizen's page (empty for officials, whose stream follows their
/// scope); `code`: the access code of a private link; `only`: refresh only for events of this
/// report (empty: any event of the stream).
#[island]
pub fn LiveUpdates(watch: String, code: String, only: String, offline: String) -> impl IntoView {
    let (offline_now, set_offline) = signal(false);
    let (ready, set_ready) = signal(false);
    #[cfg(feature = "hydrate")]
    {
        let mut started = false;
        Effect::new(move |_| {
            if !started {
                started = true;
                connect(&watch, &code, only.clone(), set_offline, set_ready);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (watch, code, only, set_offline, set_ready);
    view! {
        <p class="live-status" role="status" data-live-ready=move || ready.get().to_string()>
            {move || offline_now.get().then(|| offline.clone())}
        </p>
    }
}

#[cfg(feature = "hydrate")]
fn connect(
    watch: &str,
    code: &str,
    only: String,
    set_offline: WriteSignal<bool>,
    set_ready: WriteSignal<bool>,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let mut query = Vec::new();
    if !watch.is_empty() {
        query.push(format!("laporan={}", super::url_encode(watch)));
    }
    if !code.is_empty() {
        query.push(format!("kode={}", super::url_encode(code)));
    }
    let Ok(source) = web_sys::EventSource::new(&format!("/langsung?{}", query.join("&"))) else {
        return;
    };
    let needle = format!("\"{only}\"");
    let on_event =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data().as_string().unwrap_or_default();
            if only.is_empty() || data.contains(&needle) {
                refresh(set_offline);
            }
        });
    let _ = source.add_event_listener_with_callback("laporan", on_event.as_ref().unchecked_ref());
    on_event.forget();
    let was_offline = std::rc::Rc::new(std::cell::Cell::new(false));
    let on_error = {
        let was_offline = was_offline.clone();
        Closure::<dyn FnMut()>::new(move || {
            was_offline.set(true);
            set_offline.set(true);
        })
    };
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        set_ready.set(true);
        set_offline.set(false);
        // Back after a break: the stream resumes from the last event it saw, but a page that
        // was closed meanwhile may have missed more; one refresh settles it.
        if was_offline.replace(false) {
            refresh(set_offline);
        }
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();
    // The stream lives as long as the page.
    std::mem::forget(source);
}

/// Fetches this page again and swaps in its live parts. When the fetch fails (the stream
/// still delivered the news but the network is gone), the page says it is offline and tries
/// again every few seconds until the fetch succeeds.
#[cfg(feature = "hydrate")]
fn refresh(set_offline: WriteSignal<bool>) {
    leptos::task::spawn_local(async move {
        let fetched = async {
            let href = web_sys::window()?.location().href().ok()?;
            let response = gloo_net::http::Request::get(&href).send().await.ok()?;
            if !response.ok() {
                return None;
            }
            response.text().await.ok()
        };
        match fetched.await {
            Some(html) => {
                set_offline.set(false);
                swap(&html);
            }
            None => {
                set_offline.set(true);
                // One retry at a time, however many events came in meanwhile.
                if !RETRYING.with(|r| r.replace(true)) {
                    retry_later(set_offline);
                }
            }
        }
    });
}

#[cfg(feature = "hydrate")]
thread_local! {
    static RETRYING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(feature = "hydrate")]
fn retry_later(set_offline: WriteSignal<bool>) {
    use wasm_bindgen::closure::Closure;
    let Some(window) = web_sys::window() else {
        return;
    };
    let again = Closure::once_into_js(move || {
        RETRYING.with(|r| r.set(false));
        refresh(set_offline);
    });
    let _ =
        window.set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), 3_000);
}

#[cfg(feature = "hydrate")]
fn swap(html: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(parser) = web_sys::DomParser::new() else {
        return;
    };
    let Ok(fresh) = parser.parse_from_string(html, web_sys::SupportedType::TextHtml) else {
        return;
    };
    let Ok(parts) = fresh.query_selector_all("[data-live]") else {
        return;
    };
    let active = document.active_element();
    for i in 0..parts.length() {
        let Some(new) = parts
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let Some(name) = new.get_attribute("data-live") else {
            continue;
        };
        let Ok(Some(current)) = document.query_selector(&format!("[data-live=\"{name}\"]")) else {
            continue;
        };
        // Never pull a form from under someone typing in it.
        if active.as_ref().is_some_and(|a| current.contains(Some(a))) {
            continue;
        }
        current.set_inner_html(&new.inner_html());
    }
}

#[cfg(feature = "hydrate")]
use wasm_bindgen::JsCast as _;
