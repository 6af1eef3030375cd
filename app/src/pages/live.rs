//! Live updates: where a page that keeps itself up to date listens.
//!
//! The page renders this marker; the live WebAssembly (`frontend/live`) opens the viewer's one
//! event stream (`/langsung`, Server-Sent Events through the browser's `EventSource`, which
//! reconnects by itself and resumes with `Last-Event-ID`), and when something this page shows
//! has changed it fetches the page again and swaps in the parts marked `data-live` (status,
//! thread, actions, inbox lists), leaving alone any part the user is typing in. While the
//! connection is down the marker says so, quietly. Without JavaScript the page is the same and
//! a reload shows the news.

use leptos::prelude::*;

/// `watch`: tracking IDs for a citizen's page (empty for officials, whose stream follows their
/// scope); `code`: the access code of a private link; `only`: refresh only for events of this
/// report (empty: any event of the stream); `offline`: what to say while disconnected.
#[component]
pub fn LiveUpdates(watch: String, code: String, only: String, offline: String) -> impl IntoView {
    view! {
        <p class="live-status" role="status" data-stream=stream_url(&watch, &code)
            data-only=only data-offline=offline data-live-ready="false"></p>
    }
}

/// The event stream of a page watching `watch` with the access code `code`.
pub fn stream_url(watch: &str, code: &str) -> String {
    let mut query = Vec::new();
    if !watch.is_empty() {
        query.push(format!("laporan={}", super::url_encode(watch)));
    }
    if !code.is_empty() {
        query.push(format!("kode={}", super::url_encode(code)));
    }
    format!("/langsung?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_follows_the_page() {
        assert_eq!(stream_url("", ""), "/langsung?");
        assert_eq!(
            stream_url("AB12", "X Y"),
            "/langsung?laporan=AB12&kode=X%20Y"
        );
    }
}
