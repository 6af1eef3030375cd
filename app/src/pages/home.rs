//! `/`: what the service is, and the way in.

use super::use_locale;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let loc = use_locale();
    view! {
        <Title text=tr!(loc, "app.tagline") />
        <section class="hero">
            <h1>{tr!(loc, "home.title")}</h1>
            <p class="lead">{tr!(loc, "home.lead")}</p>
            <a class="button primary" href="/lapor">{tr!(loc, "home.cta")}</a>
        </section>
        <section>
            <h2>{tr!(loc, "home.how")}</h2>
            <ol class="steps">
                <li>{tr!(loc, "home.step1")}</li>
                <li>{tr!(loc, "home.step2")}</li>
                <li>{tr!(loc, "home.step3")}</li>
            </ol>
        </section>
    }
}
