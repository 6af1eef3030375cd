//! The reply box of a thread as a chat: the message appears in the thread at once, marked
//! "mengirim…", and is replaced by the server's copy once it arrived, without a reload.
//!
//! The form (`form[data-chat]`) is the same plain form that works without JavaScript; this
//! only sends it in the background. Without a connection the service worker answers
//! `202` with `X-Lapor-Kept`: the message waits on the phone ("tersimpan di ponsel…") and the
//! page refreshes its thread when the worker reports it sent (`lapor:terkirim`). With files
//! chosen the form is sent the plain way.

use crate::page;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement};

pub fn enhance(form: Element) {
    let Ok(form) = form.dyn_into::<HtmlFormElement>() else {
        return;
    };
    let on_submit = {
        let form = form.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if chose_files(&form) {
                return;
            }
            ev.prevent_default();
            send(&form);
        })
    };
    let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    on_submit.forget();

    // A message the service worker kept went out: show the thread as the server has it.
    let on_sent = Closure::<dyn FnMut()>::new(|| {
        wasm_bindgen_futures::spawn_local(async {
            if let Some(html) = page::fetch_again().await {
                page::swap(&html);
            }
        });
    });
    if let Some(document) = page::document() {
        let _ = document
            .add_event_listener_with_callback("lapor:terkirim", on_sent.as_ref().unchecked_ref());
    }
    on_sent.forget();
}

fn chose_files(form: &HtmlFormElement) -> bool {
    form.query_selector("input[type=file]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .is_some_and(|files| files.length() > 0)
}

fn textarea(form: &HtmlFormElement) -> Option<HtmlTextAreaElement> {
    form.query_selector("textarea").ok()??.dyn_into().ok()
}

fn send(form: &HtmlFormElement) {
    let (Some(field), Ok(data)) = (textarea(form), web_sys::FormData::new_with_form(form)) else {
        return;
    };
    let text = field.value();
    if text.trim().is_empty() {
        return;
    }
    let bubble = pending_bubble(form, &text);
    field.set_value("");
    say(form, None);
    let form = form.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&data);
        let action = form.action();
        let response = page::fetch(&action, Some(&init)).await;
        match response {
            Some(r) if r.status() == 202 && r.headers().has("x-lapor-kept").unwrap_or(false) => {
                // On the phone now: the worker sends it, and its draft is done.
                forget_draft(&action);
                renew_key(&form, None);
                if let Some(b) = &bubble {
                    set_state(b, &attr(&form, "data-kept"));
                }
            }
            Some(r) if r.ok() && r.redirected() => {
                forget_draft(&action);
                if let Some(html) = page::text(&r).await {
                    page::swap(&html);
                    renew_key(&form, page::parse(&html));
                }
            }
            Some(r) => {
                // Refused (too long, thread closed…): the server's form says why and keeps
                // the text.
                remove(bubble);
                let html = page::text(&r).await;
                // What came in meanwhile (when that is why), before the form says so.
                if let Some(html) = &html {
                    page::swap(html);
                }
                let fresh = html.and_then(|html| page::parse(&html));
                match fresh.and_then(|d| d.query_selector("form[data-chat]").ok().flatten()) {
                    Some(theirs) => form.set_inner_html(&theirs.inner_html()),
                    None => give_back(&form, &text),
                }
            }
            None => {
                remove(bubble);
                give_back(&form, &text);
            }
        }
    });
}

/// The message in the thread at once, marked as on its way.
fn pending_bubble(form: &HtmlFormElement, text: &str) -> Option<Element> {
    let document = page::document()?;
    let thread = document.query_selector("ol[data-live=\"thread\"]").ok()??;
    let li = document.create_element("li").ok()?;
    let internal = form
        .query_selector("input[name=internal]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked() || i.type_() == "hidden");
    let who = ["event message pending from-", &attr(form, "data-me")].concat();
    let class = if internal {
        [&who, " internal"].concat()
    } else {
        who
    };
    li.set_class_name(&class);
    let p = document.create_element("p").ok()?;
    p.set_text_content(Some(text));
    let state = document.create_element("span").ok()?;
    state.set_class_name("state");
    state.set_text_content(Some(&attr(form, "data-sending")));
    li.append_child(&p).ok()?;
    li.append_child(&state).ok()?;
    thread.append_child(&li).ok()?;
    li.scroll_into_view_with_bool(false);
    Some(li)
}

fn set_state(bubble: &Element, text: &str) {
    if let Ok(Some(state)) = bubble.query_selector(".state") {
        state.set_text_content(Some(text));
    }
}

fn remove(bubble: Option<Element>) {
    if let Some(b) = bubble {
        b.remove();
    }
}

/// Not sent and nobody kept it: the text goes back into the box, with a word why.
fn give_back(form: &HtmlFormElement, text: &str) {
    if let Some(field) = textarea(form)
        && field.value().is_empty()
    {
        field.set_value(text);
    }
    say(form, Some(&attr(form, "data-failed")));
}

/// The form's one line of news (`p.chat-news`), or none.
fn say(form: &HtmlFormElement, text: Option<&str>) {
    let Some(document) = page::document() else {
        return;
    };
    let news = match form.query_selector("p.chat-news") {
        Ok(Some(p)) => p,
        _ => {
            let Ok(p) = document.create_element("p") else {
                return;
            };
            p.set_class_name("chat-news field-error");
            let _ = p.set_attribute("role", "alert");
            let _ = form.prepend_with_node_1(&p);
            p
        }
    };
    news.set_text_content(text);
}

/// The next message gets a one-time key of its own (`kunci`: the server stores a message
/// sent twice with one key once): the one in the server's fresh form, or a random one.
fn renew_key(form: &HtmlFormElement, fresh: Option<web_sys::Document>) {
    let key_of = |found: Result<Option<Element>, wasm_bindgen::JsValue>| {
        found
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    };
    let Some(mine) = key_of(form.query_selector("input[name=kunci]")) else {
        return;
    };
    let theirs = fresh
        .and_then(|d| key_of(d.query_selector("form[data-chat] input[name=kunci]")))
        .map(|i| i.value())
        .filter(|v| v.len() == 32 && *v != mine.value());
    mine.set_value(&theirs.unwrap_or_else(random_key));
}

fn random_key() -> String {
    let mut bytes = [0u8; 16];
    page::random(&mut bytes);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// The draft `public/offline.js` kept of this form: done once the message is sent or kept.
fn forget_draft(action: &str) {
    let path = web_sys::Url::new(action)
        .map(|u| u.pathname())
        .unwrap_or_default();
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.remove_item(&["draft:", &path].concat());
    }
}
