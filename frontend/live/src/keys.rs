//! Keyboard shortcuts of the desk (inbox and report pages): `j`/`k` move through the list of
//! reports (the inbox, or the inbox beside a report on a wide screen), `o` opens the one
//! chosen, `r` goes to the reply box, `u` back to the inbox, `?` shows the list of shortcuts
//! (`#pintasan`, rendered by the server) and Escape closes it. Keys typed into a field are
//! the field's; with Ctrl, Alt or Meta they are the browser's.

use crate::page;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Document, Element, HtmlElement, KeyboardEvent};

pub fn enhance(document: &Document) {
    let Ok(Some(help)) = document.query_selector("#pintasan") else {
        return;
    };
    if let Ok(hints) = document.query_selector_all(".kbd-hint") {
        for i in 0..hints.length() {
            if let Some(hint) = hints.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let _ = hint.remove_attribute("hidden");
            }
        }
    }
    let on_close = {
        let help = help.clone();
        Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
            let on_button = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|el| el.closest("[data-close]").ok().flatten().is_some());
            // A click on the button, or on the dimmed page around the sheet.
            let outside = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|el| el == help);
            if on_button || outside {
                show_help(&help, false);
            }
        })
    };
    let _ = help.add_event_listener_with_callback("click", on_close.as_ref().unchecked_ref());
    on_close.forget();

    let on_key = Closure::<dyn FnMut(KeyboardEvent)>::new(move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.alt_key() || ev.meta_key() || ev.default_prevented() {
            return;
        }
        let Some(document) = page::document() else {
            return;
        };
        let open = !help.has_attribute("hidden");
        if ev.key() == "Escape" && open {
            ev.prevent_default();
            show_help(&help, false);
            return;
        }
        if typing(&document) {
            return;
        }
        let handled = match ev.key().as_str() {
            "?" => {
                show_help(&help, !open);
                true
            }
            _ if open => false,
            "j" => move_in_list(&document, true),
            "k" => move_in_list(&document, false),
            "o" => open_chosen(&document),
            "r" => focus_reply(&document),
            "u" => go_to_inbox(),
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    let _ = document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
}

/// Whether the key goes into a field (a text box, a list, anything editable).
fn typing(document: &Document) -> bool {
    document.active_element().is_some_and(|el| {
        matches!(
            el.tag_name().to_ascii_lowercase().as_str(),
            "input" | "textarea" | "select"
        ) || el
            .dyn_ref::<HtmlElement>()
            .is_some_and(|h| h.is_content_editable())
    })
}

fn show_help(help: &Element, show: bool) {
    if show {
        let _ = help.remove_attribute("hidden");
        if let Ok(Some(button)) = help.query_selector("[data-close]")
            && let Ok(button) = button.dyn_into::<HtmlElement>()
        {
            let _ = button.focus();
        }
    } else {
        let _ = help.set_attribute("hidden", "");
    }
}

/// The links of the reports listed on screen (those hidden by the layout left out).
fn report_links(document: &Document) -> Vec<HtmlElement> {
    let Ok(links) = document.query_selector_all("ul.cases li.case > a") else {
        return Vec::new();
    };
    (0..links.length())
        .filter_map(|i| links.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|a| a.offset_parent().is_some())
        .collect()
}

/// The position `j` (`forward`) or `k` moves to in a list of `len` from `current`: the first
/// (or last) when nothing is chosen yet, and no further than either end.
pub fn step(current: Option<usize>, len: usize, forward: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match (current, forward) {
        (None, true) => 0,
        (None, false) => len - 1,
        (Some(i), true) => (i + 1).min(len - 1),
        (Some(i), false) => i.saturating_sub(1),
    })
}

fn move_in_list(document: &Document, forward: bool) -> bool {
    let links = report_links(document);
    let focused = document.active_element();
    let current = links
        .iter()
        .position(|a| {
            focused
                .as_ref()
                .is_some_and(|f| f == a.unchecked_ref::<Element>())
        })
        .or_else(|| {
            links
                .iter()
                .position(|a| a.get_attribute("aria-current").as_deref() == Some("page"))
        });
    match step(current, links.len(), forward) {
        Some(i) => {
            let _ = links[i].focus();
            true
        }
        None => false,
    }
}

fn open_chosen(document: &Document) -> bool {
    let links = report_links(document);
    let focused = document.active_element();
    let chosen = links
        .iter()
        .find(|a| {
            focused
                .as_ref()
                .is_some_and(|f| f == a.unchecked_ref::<Element>())
        })
        .or_else(|| links.first());
    match chosen {
        Some(a) => {
            a.click();
            true
        }
        None => false,
    }
}

fn focus_reply(document: &Document) -> bool {
    match document
        .query_selector("form[data-chat] textarea, #reply-body")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
    {
        Some(field) => {
            field.scroll_into_view();
            let _ = field.focus();
            true
        }
        None => false,
    }
}

fn go_to_inbox() -> bool {
    web_sys::window().is_some_and(|w| w.location().set_href("/petugas").is_ok())
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn moving_through_the_list_starts_at_an_end_and_stops_there() {
        assert_eq!(step(None, 0, true), None);
        assert_eq!(step(None, 3, true), Some(0));
        assert_eq!(step(None, 3, false), Some(2));
        assert_eq!(step(Some(0), 3, true), Some(1));
        assert_eq!(step(Some(2), 3, true), Some(2));
        assert_eq!(step(Some(0), 3, false), Some(0));
        assert_eq!(step(Some(2), 3, false), Some(1));
    }
}
