//! `/lupa-sandi` and `/atur-sandi`: a forgotten password. The first asks for the account's
//! email or phone and always answers the same; the second takes the code from the email link
//! (prefilled) or the SMS, and the new password.

use super::{ErrorNotice, FieldMessage, FormEcho, set_error_status, use_locale};
use crate::accounts::{ResetInput, ResetRequestInput};
use crate::error::AppError;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn general(error: &Option<AppError>, loc: crate::i18n::Locale) -> Option<String> {
    error
        .as_ref()
        .filter(|e| !matches!(e, AppError::Invalid(_)))
        .map(|e| e.user_message(loc))
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let loc = use_locale();
    let echo = use_context::<FormEcho<ResetRequestInput>>();
    if let Some(e) = &echo {
        set_error_status(&e.error);
    }
    let input = echo.as_ref().map(|e| e.input.clone()).unwrap_or_default();
    let error = echo.map(|e| e.error);
    let field = error.as_ref().and_then(|e| e.field_message("akun"));
    let general = general(&error, loc);
    let sent = use_query_map().read_untracked().get("terkirim").is_some();
    view! {
        <Title text=tr!(loc, "reset.title") />
        <h1>{tr!(loc, "reset.title")}</h1>
        {sent.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "reset.sent")}</p> })}
        <p class="lead">{tr!(loc, "reset.lead")}</p>
        <form method="post" action="/lupa-sandi" class="narrow">
            {general.map(|message| view! { <ErrorNotice message /> })}
            <label for="akun">{tr!(loc, "reset.account")}</label>
            <input id="akun" name="akun" type="text" autocomplete="username" required value=input.akun
                aria-invalid=field.is_some().then_some("true") />
            <FieldMessage field="akun" message=field />
            <button type="submit" class="primary">{tr!(loc, "reset.send")}</button>
        </form>
        <p><a href="/atur-sandi">{tr!(loc, "reset.have_code")}</a></p>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let loc = use_locale();
    let echo = use_context::<FormEcho<ResetInput>>();
    if let Some(e) = &echo {
        set_error_status(&e.error);
    }
    let mut input = echo.as_ref().map(|e| e.input.clone()).unwrap_or_default();
    if input.kode.is_empty() {
        input.kode = use_query_map()
            .read_untracked()
            .get("kode")
            .unwrap_or_default();
    }
    let error = echo.map(|e| e.error);
    let code_error = error.as_ref().and_then(|e| e.field_message("kode"));
    let password_error = error.as_ref().and_then(|e| e.field_message("password"));
    let general = general(&error, loc);
    view! {
        <Title text=tr!(loc, "reset.new_title") />
        <h1>{tr!(loc, "reset.new_title")}</h1>
        <form method="post" action="/atur-sandi" class="narrow">
            {general.map(|message| view! { <ErrorNotice message /> })}
            <label for="kode">{tr!(loc, "reset.code")}</label>
            <input id="kode" name="kode" type="text" autocomplete="one-time-code" autocapitalize="characters" required value=input.kode
                aria-invalid=code_error.is_some().then_some("true") />
            <FieldMessage field="kode" message=code_error />
            <label for="password">{tr!(loc, "reset.password")}</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required
                aria-invalid=password_error.is_some().then_some("true") aria-describedby="hint-password" />
            <p class="hint" id="hint-password">{tr!(loc, "account.password_hint")}</p>
            <FieldMessage field="password" message=password_error />
            <button type="submit" class="primary">{tr!(loc, "reset.save")}</button>
        </form>
    }
}
