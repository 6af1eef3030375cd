//! Two-step sign-in: the code after the password (`/masuk/kode`), and setting it up or
//! turning it off (`/akun/dua-langkah`). Plain forms; nothing here needs JavaScript.

use super::{ErrorNotice, FieldMessage, FormEcho, page_data, set_error_status, use_locale};
use crate::accounts::{CODE_PAGE, SETUP_PAGE, Viewer, second_factor_status};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::second_factor::{CodeInput, Status};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;

/// The message of a form that came back: its field's, else the general one.
fn echo_message(loc: Locale) -> Option<String> {
    let echo = use_context::<FormEcho<CodeInput>>()?;
    set_error_status(&echo.error);
    Some(
        echo.error
            .field_message("kode")
            .unwrap_or_else(|| echo.error.user_message(loc)),
    )
}

/// The code field: digits on a phone's keypad, filled by a password manager that knows it.
#[component]
fn CodeField(id: &'static str, message: Option<String>) -> impl IntoView {
    let loc = use_locale();
    view! {
        <label for=id>{tr!(loc, "two_step.code")}</label>
        <p class="hint" id=format!("{id}-hint")>{tr!(loc, "two_step.code_hint")}</p>
        <input id=id name="kode" type="text" inputmode="text" autocomplete="one-time-code"
            required maxlength="20" autocapitalize="characters" spellcheck="false"
            aria-describedby=format!("{id}-hint") aria-invalid=message.is_some().then_some("true") />
        <FieldMessage field="kode" message />
    }
}

#[component]
pub fn LoginCodePage() -> impl IntoView {
    let loc = use_locale();
    let message = echo_message(loc);
    view! {
        <Title text=tr!(loc, "two_step.login_title") />
        <h1>{tr!(loc, "two_step.login_title")}</h1>
        <p class="lead">{tr!(loc, "two_step.login_lead")}</p>
        <form method="post" action=CODE_PAGE class="narrow">
            <CodeField id="code" message />
            <button type="submit" class="primary">{tr!(loc, "account.login")}</button>
        </form>
        <p><a href="/masuk">{tr!(loc, "two_step.start_over")}</a></p>
    }
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let loc = use_locale();
    let status = page_data(second_factor_status());
    let message = echo_message(loc);
    let query = leptos_router::hooks::use_query_map().read_untracked();
    let turned_off = query.get("mati").is_some();
    let due = use_context::<Viewer>().is_some_and(|v| v.second_factor_due);
    view! {
        <Title text=tr!(loc, "two_step.title") />
        <h1>{tr!(loc, "two_step.title")}</h1>
        {turned_off.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "two_step.turned_off")}</p> })}
        <p class="lead">{tr!(loc, "two_step.lead")}</p>
        <Suspense fallback=|| ()>
            {move || {
                let status = status.clone();
                let message = message.clone();
                Suspend::new(async move {
                    match status.await {
                        Ok(status) => view! { <SetupBody status message due loc /> }.into_any(),
                        Err(AppError::Unauthorized) => {
                            let target = format!("/masuk?ke={}", super::url_encode(SETUP_PAGE));
                            #[cfg(feature = "ssr")]
                            leptos_axum::redirect(&target);
                            view! { <p><a href=target>{tr!(loc, "err.unauthorized")}</a></p> }.into_any()
                        }
                        Err(e) => {
                            set_error_status(&e);
                            view! { <ErrorNotice message=e.user_message(loc) /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn SetupBody(status: Status, message: Option<String>, due: bool, loc: Locale) -> impl IntoView {
    let fresh = (!status.fresh_codes.is_empty()).then(|| {
        view! {
            <section class="notice ok" aria-labelledby="codes-title">
                <h2 id="codes-title">{tr!(loc, "two_step.codes_title")}</h2>
                <p>{tr!(loc, "two_step.codes_lead")}</p>
                <ul class="recovery-codes">
                    {status.fresh_codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                </ul>
            </section>
        }
    });
    let body = match (status.enabled, status.pending) {
        (true, _) if due => view! {
            <p class="notice">{tr!(loc, "two_step.sign_in_again")}</p>
            <form method="post" action="/keluar" class="inline">
                <button type="submit" class="primary">{tr!(loc, "nav.logout")}</button>
            </form>
        }
        .into_any(),
        (true, _) => view! {
            <p class="notice ok">{tr!(loc, "two_step.is_on", n = status.recovery_left)}</p>
            <form method="post" action=format!("{SETUP_PAGE}/kode-baru") class="narrow">
                <h2>{tr!(loc, "two_step.renew_title")}</h2>
                <p>{tr!(loc, "two_step.renew_lead")}</p>
                <CodeField id="renew-code" message=message.clone() />
                <button type="submit" class="secondary">{tr!(loc, "two_step.renew")}</button>
            </form>
            {(!status.required).then(|| view! {
                <form method="post" action=format!("{SETUP_PAGE}/matikan") class="narrow">
                    <h2>{tr!(loc, "two_step.off_title")}</h2>
                    <CodeField id="off-code" message=None />
                    <button type="submit" class="link">{tr!(loc, "two_step.off")}</button>
                </form>
            })}
            {status.required.then(|| view! { <p>{tr!(loc, "two_step.required_note")}</p> })}
        }
        .into_any(),
        (false, Some(enrolment)) => view! {
            <ol class="steps">
                <li>{tr!(loc, "two_step.step_app")}</li>
                <li>
                    {tr!(loc, "two_step.step_scan")}
                    <div class="qr" inner_html=enrolment.qr_svg></div>
                    <p>{tr!(loc, "two_step.step_type")}" "<code class="secret">{enrolment.secret}</code></p>
                </li>
                <li>{tr!(loc, "two_step.step_code")}</li>
            </ol>
            <form method="post" action=format!("{SETUP_PAGE}/pasang") class="narrow">
                {message.clone().map(|m| view! { <ErrorNotice message=m /> })}
                <CodeField id="confirm-code" message=None />
                <button type="submit" class="primary">{tr!(loc, "two_step.confirm")}</button>
            </form>
        }
        .into_any(),
        (false, None) => view! {
            {status.required.then(|| view! { <p class="notice">{tr!(loc, "two_step.required_note")}</p> })}
            <form method="post" action=format!("{SETUP_PAGE}/mulai") class="inline">
                <button type="submit" class="primary">{tr!(loc, "two_step.start")}</button>
            </form>
        }
        .into_any(),
    };
    view! { {fresh} {body} }
}
