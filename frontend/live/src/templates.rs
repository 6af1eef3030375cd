//! Reply templates in the composer: typing `/` and a few letters of a template's title in an
//! official's reply box lists the matching ones; ↑/↓ choose, Enter or Tab (or a tap) puts the
//! text in place of what was typed, to be edited before sending; Escape closes the list.
//!
//! The templates come filled for this report from the page itself (`ul[data-templates]`,
//! each link's `data-text`): the same list a browser without JavaScript shows as links.

use crate::page;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, HtmlTextAreaElement, KeyboardEvent};

struct Template {
    title: String,
    text: String,
}

#[derive(Default)]
struct State {
    /// The templates that match what was typed after `/`.
    shown: Vec<usize>,
    chosen: usize,
    /// Where the `/` is in the box's text (in UTF-16 units, as the box counts).
    slash: u32,
}

pub fn enhance(field: HtmlTextAreaElement) {
    let Some(document) = page::document() else {
        return;
    };
    let templates = read_templates(&document);
    if templates.is_empty() {
        return;
    }
    let Ok(list) = document.create_element("ul") else {
        return;
    };
    list.set_class_name("suggest");
    let _ = list.set_attribute("role", "listbox");
    let _ = list.set_attribute("id", "templat-saran");
    let _ = list.set_attribute("hidden", "");
    let _ = field.set_attribute("aria-controls", "templat-saran");
    let _ = field.set_attribute("aria-autocomplete", "list");
    let _ = field.after_with_node_1(&list);
    let templates = Rc::new(templates);
    let state = Rc::new(RefCell::new(State::default()));

    let on_input = {
        let (field, list, templates, state) = (
            field.clone(),
            list.clone(),
            templates.clone(),
            state.clone(),
        );
        Closure::<dyn FnMut()>::new(move || update(&field, &list, &templates, &state))
    };
    let _ = field.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
    on_input.forget();

    let on_key = {
        let (field, list, templates, state) = (
            field.clone(),
            list.clone(),
            templates.clone(),
            state.clone(),
        );
        Closure::<dyn FnMut(KeyboardEvent)>::new(move |ev: KeyboardEvent| {
            if list.has_attribute("hidden") {
                return;
            }
            let n = state.borrow().shown.len();
            match ev.key().as_str() {
                "ArrowDown" | "ArrowUp" => {
                    ev.prevent_default();
                    let mut s = state.borrow_mut();
                    s.chosen = if ev.key() == "ArrowDown" {
                        (s.chosen + 1) % n
                    } else {
                        (s.chosen + n - 1) % n
                    };
                    drop(s);
                    mark(&list, state.borrow().chosen);
                }
                "Enter" | "Tab" => {
                    ev.prevent_default();
                    let pick = {
                        let s = state.borrow();
                        s.shown.get(s.chosen).copied()
                    };
                    if let Some(i) = pick {
                        insert(&field, &list, &templates[i].text, &state);
                    }
                }
                "Escape" => close(&list),
                _ => {}
            }
        })
    };
    let _ = field.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();

    // A tap on a suggestion (mousedown, so the box keeps its focus).
    let on_pick = {
        let (field, list, templates, state) = (field, list.clone(), templates, state);
        Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
            ev.prevent_default();
            let index = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("li").ok().flatten())
                .and_then(|li| li.get_attribute("data-i"))
                .and_then(|i| i.parse::<usize>().ok());
            if let Some(i) = index.and_then(|i| templates.get(i)) {
                insert(&field, &list, &i.text, &state);
            }
        })
    };
    let _ = list.add_event_listener_with_callback("mousedown", on_pick.as_ref().unchecked_ref());
    on_pick.forget();
}

fn read_templates(document: &web_sys::Document) -> Vec<Template> {
    let Ok(links) = document.query_selector_all("ul[data-templates] a[data-text]") else {
        return Vec::new();
    };
    (0..links.length())
        .filter_map(|i| links.item(i)?.dyn_into::<Element>().ok())
        .map(|a| Template {
            title: a.text_content().unwrap_or_default(),
            text: a.get_attribute("data-text").unwrap_or_default(),
        })
        .collect()
}

/// The letters typed after a `/` that starts a word, up to the caret, and where the `/` is.
fn query(field: &HtmlTextAreaElement) -> Option<(u32, String)> {
    let caret = field.selection_start().ok()??;
    let text: Vec<u16> = field.value().encode_utf16().collect();
    let before = text.get(..caret as usize)?;
    let slash = before.iter().rposition(|&c| c == u16::from(b'/'))?;
    let typed = String::from_utf16(&before[slash + 1..]).ok()?;
    let starts_word =
        slash == 0 || char::from_u32(u32::from(before[slash - 1])).is_some_and(char::is_whitespace);
    (starts_word && typed.chars().count() <= 30 && !typed.contains(char::is_whitespace))
        .then_some((slash as u32, typed))
}

fn update(
    field: &HtmlTextAreaElement,
    list: &Element,
    templates: &[Template],
    state: &RefCell<State>,
) {
    let Some((slash, typed)) = query(field) else {
        close(list);
        return;
    };
    // The browser's lower case: Rust's would bring its Unicode tables into the bundle.
    let lower = |s: &str| String::from(js_sys::JsString::from(s).to_lower_case());
    let typed = lower(&typed);
    let shown: Vec<usize> = templates
        .iter()
        .enumerate()
        .filter(|(_, t)| lower(&t.title).contains(&typed))
        .map(|(i, _)| i)
        .take(8)
        .collect();
    if shown.is_empty() {
        close(list);
        return;
    }
    list.set_inner_html("");
    if let Some(document) = page::document() {
        for &i in &shown {
            if let Ok(li) = document.create_element("li") {
                let _ = li.set_attribute("role", "option");
                let _ = li.set_attribute("data-i", &i.to_string());
                li.set_text_content(Some(&templates[i].title));
                let _ = list.append_child(&li);
            }
        }
    }
    *state.borrow_mut() = State {
        shown,
        chosen: 0,
        slash,
    };
    let _ = list.remove_attribute("hidden");
    mark(list, 0);
}

fn mark(list: &Element, chosen: usize) {
    let Ok(items) = list.query_selector_all("li") else {
        return;
    };
    for i in 0..items.length() {
        if let Some(li) = items.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            let _ = li.set_attribute(
                "aria-selected",
                if i as usize == chosen {
                    "true"
                } else {
                    "false"
                },
            );
        }
    }
}

fn close(list: &Element) {
    let _ = list.set_attribute("hidden", "");
}

/// Puts `text` where `/…` was typed, the caret after it.
fn insert(field: &HtmlTextAreaElement, list: &Element, text: &str, state: &RefCell<State>) {
    let slash = state.borrow().slash;
    let caret = field.selection_start().ok().flatten().unwrap_or(slash);
    let _ = field.set_range_text_with_start_and_end(text, slash, caret);
    let end = slash + text.encode_utf16().count() as u32;
    let _ = field.set_selection_range(end, end);
    close(list);
    let _ = field.focus();
}
