//! `/lacak`: open a report with its tracking ID and access code. The form is a plain GET to
//! the report's own page, so it needs no JavaScript and no server round trip of its own.

use super::use_locale;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TrackPage() -> impl IntoView {
    let loc = use_locale();
    let q = use_query_map().read_untracked().clone();
    // `/lacak?id=…&kode=…` (what the form sends) goes straight to the report.
    if let Some(id) = q
        .get("id")
        .map(|i| crate::pages::url_encode(&i.trim().to_uppercase()))
        .filter(|i| !i.is_empty())
    {
        let kode = q.get("kode").unwrap_or_default();
        let target = if kode.trim().is_empty() {
            format!("/laporan/{id}")
        } else {
            format!(
                "/laporan/{id}?kode={}",
                crate::pages::url_encode(kode.trim())
            )
        };
        #[cfg(feature = "ssr")]
        leptos_axum::redirect(&target);
        #[cfg(not(feature = "ssr"))]
        let _ = target;
    }
    view! {
        <Title text=tr!(loc, "track.title") />
        <h1>{tr!(loc, "track.title")}</h1>
        <p class="lead">{tr!(loc, "track.lead")}</p>
        <form method="get" action="/lacak" class="narrow">
            <label for="track-id">{tr!(loc, "track.id")}</label>
            <input id="track-id" name="id" type="text" autocapitalize="characters" autocomplete="off" required />
            <label for="track-code">{tr!(loc, "track.code")}</label>
            <input id="track-code" name="kode" type="text" autocapitalize="characters" autocomplete="off" />
            <button type="submit" class="primary">{tr!(loc, "track.open")}</button>
        </form>
    }
}
