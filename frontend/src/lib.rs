//! The browser half: it only wakes the islands that the server rendered.
//! Everything else on a page is plain HTML that needs no WebAssembly.

#[allow(unused_imports)]
use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
