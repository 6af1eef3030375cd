//! What the site shows without a connection. The service worker (`public/sw.js`) keeps the
//! pages a citizen has seen and shows them again offline; these parts of the pages are what it
//! needs from the server, rendered in the user's language like everything else:
//! the "last seen" note a kept page carries (hidden until shown offline), the list of what
//! this phone sent or still holds (`#kiriman`, filled by `public/offline.js`), and the two
//! pages it keeps for when there is nothing else: `/tersimpan` (a form was kept on the phone)
//! and `/luring` (a page never seen before).

use super::use_locale;
use crate::i18n::Locale;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Paths whose pages the service worker keeps for reading offline: the citizen's pages.
/// Officials' pages are never kept. `public/sw.js` has the same list (a unit test compares).
pub fn kept_offline(path: &str) -> bool {
    matches!(
        path,
        "/" | "/lapor"
            | "/laporan"
            | "/lacak"
            | "/laporan-saya"
            | "/tersimpan"
            | "/luring"
            | "/statistik"
            | "/bantuan/sms"
    ) || path
        .strip_prefix("/laporan/")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// The note a kept page shows when it is shown offline: when it was last seen (this render).
#[component]
pub fn OfflineNote(loc: Locale, seen: String) -> impl IntoView {
    view! {
        <p class="notice offline-note" role="status" data-testid="offline-seen" hidden>
            {tr!(loc, "offline.seen", time = seen)}
        </p>
    }
}

/// What this phone sent or still holds: empty and hidden here, listed by `public/offline.js`
/// from the service worker's store, with these texts (`{label}`, `{tracking}` filled in).
#[component]
pub fn Outbox(loc: Locale) -> impl IntoView {
    view! {
        <section id="kiriman" class="outbox" aria-labelledby="kiriman-title" hidden
            data-waiting=tr!(loc, "kept.waiting")
            data-sent-report=tr!(loc, "kept.sent_report")
            data-sent-reply=tr!(loc, "kept.sent_reply")
            data-refused=tr!(loc, "kept.refused")
            data-open=tr!(loc, "kept.open")
            data-fix=tr!(loc, "kept.fix")
            data-close=tr!(loc, "kept.close")>
            <h2 id="kiriman-title">{tr!(loc, "kept.title")}</h2>
            <ul role="status"></ul>
        </section>
    }
}

/// `/tersimpan`: what a form sent without a connection answers with (from the service
/// worker's copy): the report or reply is on the phone and goes out with the next signal.
#[component]
pub fn SavedPage() -> impl IntoView {
    let loc = use_locale();
    view! {
        <Title text=tr!(loc, "offline.saved_title") />
        <Meta name="robots" content="noindex" />
        <h1>{tr!(loc, "offline.saved_title")}</h1>
        <p class="notice ok" role="status" data-testid="kept-on-phone">{tr!(loc, "offline.saved_body")}</p>
    }
}

/// `/luring`: a page asked for offline that this phone never saw.
#[component]
pub fn OfflinePage() -> impl IntoView {
    let loc = use_locale();
    view! {
        <Title text=tr!(loc, "offline.title") />
        <Meta name="robots" content="noindex" />
        <h1>{tr!(loc, "offline.title")}</h1>
        <p>{tr!(loc, "offline.body")}</p>
        <p><a href="/lapor">{tr!(loc, "nav.file")}</a></p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_pages_are_kept_and_officials_pages_are_not() {
        for path in [
            "/",
            "/lapor",
            "/laporan",
            "/laporan/AB12CD",
            "/lacak",
            "/laporan-saya",
        ] {
            assert!(kept_offline(path), "{path}");
        }
        for path in [
            "/petugas",
            "/petugas/laporan/AB12CD",
            "/masuk",
            "/laporan/AB12CD/pesan",
            "/laporan/",
        ] {
            assert!(!kept_offline(path), "{path}");
        }
    }

    /// The service worker decides what to keep by its own list; it must be this one.
    #[test]
    fn the_service_worker_keeps_the_same_pages() {
        let sw = include_str!("../../../public/sw.js");
        let line = sw
            .lines()
            .skip_while(|l| !l.starts_with("const KEPT"))
            .take_while(|l| !l.trim().is_empty())
            .collect::<String>();
        let mut listed = 0;
        for path in [
            "/",
            "/lapor",
            "/laporan",
            "/lacak",
            "/laporan-saya",
            "/tersimpan",
            "/luring",
            "/statistik",
            "/bantuan/sms",
        ] {
            let pattern = format!("/^{}$/", path.replace('/', "\\/"));
            assert!(
                line.contains(&pattern),
                "sw.js does not keep {path}: {line}"
            );
            listed += 1;
        }
        assert!(
            line.contains(r"/^\/laporan\/[^/]+$/"),
            "sw.js does not keep a report page"
        );
        assert_eq!(
            line.matches("/^").count(),
            listed + 1,
            "sw.js keeps a page this list does not: {line}"
        );
    }
}
