//! Possible duplicates as the citizen sees them while writing a report (`#mirip`, rendered
//! by the form's page and by `/lapor/mirip` for the island), and the support form of a
//! public report's page.

use super::FieldMessage;
use crate::duplicates::Similar;
use crate::i18n::Locale;
use crate::tr;
use leptos::prelude::*;

/// The similar open reports, each with its link, why it is shown and a button that supports
/// it with the contact details typed in the report form (the button posts the whole form to
/// the report's `dukung`, so nothing typed is lost if the support is refused). `alert`: the
/// server held the report back to show them.
#[component]
pub fn SimilarReports(items: Vec<Similar>, loc: Locale, alert: bool) -> impl IntoView {
    let shown = !items.is_empty();
    view! {
        <section id="mirip" class="similar" aria-live="polite">
            {shown.then(|| view! {
                <h2>{tr!(loc, "similar.title")}</h2>
                <p class="hint" role=alert.then_some("alert")>{tr!(loc, "similar.hint")}</p>
                <ul>
                    {items.into_iter().map(|s| {
                        let link = format!("/laporan/{}", s.tracking_id);
                        let action = format!("/laporan/{}/dukung", s.tracking_id);
                        view! {
                            <li data-testid="similar">
                                <a href=link>{s.title}</a>
                                <span class="meta">
                                    {tr!(loc, s.status.label_key())}
                                    " · "{tr!(loc, "similar.reporters", n = s.reporters)}
                                    " · "{tr!(loc, "similar.shared", words = s.shared.join(", "))}
                                </span>
                                <button type="submit" class="secondary" formaction=action formnovalidate="">
                                    {tr!(loc, "similar.support")}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="hint">{tr!(loc, "similar.or_send")}</p>
            })}
        </section>
    }
}

/// The report page's "saya juga mengalami ini" for a public report: a signed-in citizen is
/// counted by their account, anyone else by an email address or a phone number (kept only as
/// a keyed hash, to count each person once).
#[component]
pub fn SupportForm(
    tracking_id: String,
    signed_in: bool,
    loc: Locale,
    error: Option<crate::error::AppError>,
) -> impl IntoView {
    let action = format!("/laporan/{tracking_id}/dukung");
    let email_msg = error.as_ref().and_then(|e| e.field_message("email"));
    let phone_msg = error.as_ref().and_then(|e| e.field_message("phone"));
    let general = error
        .as_ref()
        .filter(|_| email_msg.is_none() && phone_msg.is_none())
        .map(|e| e.user_message(loc));
    view! {
        <form method="post" action=action class="support" id="dukung">
            <h2>{tr!(loc, "support.title")}</h2>
            <p class="hint">{tr!(loc, "support.hint")}</p>
            {general.map(|m| view! { <super::ErrorNotice message=m /> })}
            {(!signed_in).then(|| view! {
                <label for="support-email">{tr!(loc, "form.email")}</label>
                <input id="support-email" name="email" type="email" autocomplete="email"
                    aria-invalid=email_msg.is_some().then_some("true")
                    aria-describedby=email_msg.is_some().then_some("err-email") />
                <FieldMessage field="email" message=email_msg />
                <label for="support-phone">{tr!(loc, "form.phone")}</label>
                <input id="support-phone" name="phone" type="tel" autocomplete="tel"
                    aria-invalid=phone_msg.is_some().then_some("true")
                    aria-describedby=phone_msg.is_some().then_some("err-phone") />
                <FieldMessage field="phone" message=phone_msg />
            })}
            <button type="submit" class="secondary">{tr!(loc, "similar.support")}</button>
        </form>
    }
}
