//! Sign in, register, and the signed-in citizen's own reports. The forms post to their own
//! page; the server signs in and redirects, or renders the form again with the errors.

use super::{ErrorNotice, FieldMessage, FormEcho, set_error_status, use_locale};
use crate::accounts::{LoginInput, RegisterInput, Viewer};
use crate::error::AppError;
use crate::pages::listing::Card;
use crate::reports::my_reports;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let loc = use_locale();
    let echo = use_context::<FormEcho<LoginInput>>();
    if let Some(e) = &echo {
        set_error_status(&e.error);
    }
    let input = echo.as_ref().map(|e| e.input.clone()).unwrap_or_default();
    let email = input.email.clone();
    // Where to go after signing in: the form's own field, else `?ke=` of a page that sent the
    // visitor here.
    let ke = if input.ke.is_empty() {
        leptos_router::hooks::use_query_map()
            .read_untracked()
            .get("ke")
            .filter(|p| crate::accounts::is_local_path(p))
            .unwrap_or_default()
    } else {
        input.ke.clone()
    };
    let draft = input.draf.clone();
    let reset = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("sandi")
        .is_some();
    let error = echo.map(|e| match e.error {
        AppError::Unauthorized => tr!(loc, "account.session_expired"),
        other => other.user_message(loc),
    });
    view! {
        <Title text=tr!(loc, "account.login_title") />
        <h1>{tr!(loc, "account.login_title")}</h1>
        {reset.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "reset.done")}</p> })}
        <form method="post" action="/masuk" class="narrow">
            {error.map(|message| view! { <ErrorNotice message /> })}
            {(!ke.is_empty()).then(|| view! { <input type="hidden" name="ke" value=ke /> })}
            {(!draft.is_empty()).then(|| view! {
                <input type="hidden" name="draf" value=draft />
                <p class="notice">{tr!(loc, "account.draft_kept")}</p>
            })}
            <label for="email">{tr!(loc, "account.email")}</label>
            <input id="email" name="email" type="email" autocomplete="username" required value=email />
            <label for="password">{tr!(loc, "account.password")}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
            <button type="submit" class="primary">{tr!(loc, "account.login")}</button>
        </form>
        <p><a href="/lupa-sandi">{tr!(loc, "account.forgot")}</a></p>
        <p>{tr!(loc, "account.no_account")}" "<a href="/daftar">{tr!(loc, "nav.register")}</a></p>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let loc = use_locale();
    let echo = use_context::<FormEcho<RegisterInput>>();
    if let Some(e) = &echo {
        set_error_status(&e.error);
    }
    let input = echo.as_ref().map(|e| e.input.clone()).unwrap_or_default();
    let error = echo.map(|e| e.error);
    let field = {
        let error = error.clone();
        move |name: &str| error.as_ref().and_then(|e| e.field_message(name))
    };
    let general = error
        .as_ref()
        .filter(|e| !matches!(e, AppError::Invalid(_)))
        .map(|e| e.user_message(loc));
    view! {
        <Title text=tr!(loc, "account.register_title") />
        <h1>{tr!(loc, "account.register_title")}</h1>
        <p class="lead">{tr!(loc, "account.register_lead")}</p>
        <form method="post" action="/daftar" class="narrow">
            {general.map(|message| view! { <ErrorNotice message /> })}
            <label for="name">{tr!(loc, "account.name")}</label>
            <input id="name" name="name" type="text" autocomplete="name" required value=input.name
                aria-invalid=field("name").map(|_| "true") aria-describedby=field("name").map(|_| "err-name") />
            <FieldMessage field="name" message=field("name") />
            <label for="email">{tr!(loc, "account.email")}</label>
            <input id="email" name="email" type="email" autocomplete="email" required value=input.email
                aria-invalid=field("email").map(|_| "true") aria-describedby=field("email").map(|_| "err-email") />
            <FieldMessage field="email" message=field("email") />
            <label for="phone">{tr!(loc, "account.phone")}</label>
            <input id="phone" name="phone" type="tel" autocomplete="tel" value=input.phone
                aria-invalid=field("phone").map(|_| "true") aria-describedby=field("phone").map(|_| "err-phone") />
            <FieldMessage field="phone" message=field("phone") />
            <label for="password">{tr!(loc, "account.password")}</label>
            <p class="hint" id="hint-password">{tr!(loc, "account.password_hint")}</p>
            <input id="password" name="password" type="password" autocomplete="new-password" required
                aria-invalid=field("password").map(|_| "true")
                aria-describedby=if field("password").is_some() { "hint-password err-password" } else { "hint-password" } />
            <FieldMessage field="password" message=field("password") />
            <button type="submit" class="primary">{tr!(loc, "account.register")}</button>
        </form>
    }
}

#[component]
pub fn MyReportsPage() -> impl IntoView {
    let loc = use_locale();
    let viewer = use_context::<Viewer>().unwrap_or_default();
    let reports = super::page_data(my_reports());
    view! {
        <Title text=tr!(loc, "account.mine_title") />
        <h1>{tr!(loc, "account.mine_title")}</h1>
        {viewer.account.map(|a| view! { <p>{tr!(loc, "account.hello", name = a.name)}</p> })}
        <Suspense fallback=|| ()>
            {move || {
                let reports = reports.clone();
                Suspend::new(async move {
                match reports.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">{tr!(loc, "account.mine_empty")}</p>
                        <a class="button primary" href="/lapor">{tr!(loc, "home.cta")}</a>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards">{list.into_iter().map(|s| view! { <Card s loc /> }).collect_view()}</ul>
                    }.into_any(),
                    Err(AppError::Unauthorized) => {
                        #[cfg(feature = "ssr")]
                        leptos_axum::redirect("/masuk");
                        view! { <p><a href="/masuk">{tr!(loc, "err.unauthorized")}</a></p> }.into_any()
                    }
                    Err(e) => {
                        set_error_status(&e);
                        view! { <ErrorNotice message=e.user_message(loc) /> }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}
