//! `/berhenti/{link}`: the unsubscribe link of every email. Opening it shows one button (mail
//! scanners open links on their own; a plain visit must not unsubscribe anyone); the button,
//! and a mail program's one-click `List-Unsubscribe-Post`, post to the same address.

use super::{ErrorNotice, set_error_status, use_locale};
use crate::error::AppError;
use crate::notify::Via;
use crate::reports::subscription_status;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let loc = use_locale();
    let link = use_params_map()
        .read_untracked()
        .get("link")
        .unwrap_or_default();
    let done = use_query_map().read_untracked().get("selesai").is_some();
    let status = super::page_data(subscription_status(link.clone()));
    view! {
        <Title text=tr!(loc, "unsubscribe.title") />
        <h1>{tr!(loc, "unsubscribe.title")}</h1>
        <Suspense fallback=|| ()>
            {move || {
                let status = status.clone();
                let link = link.clone();
                Suspend::new(async move {
                    match status.await {
                        Ok(s) if s.unsubscribed || done => view! {
                            <p class="notice ok" role="status">{tr!(loc, "unsubscribe.done", id = s.tracking_id)}</p>
                        }.into_any(),
                        Ok(s) => {
                            let what = match s.via {
                                Via::Email => tr!(loc, "unsubscribe.email", id = s.tracking_id),
                                Via::Sms => tr!(loc, "unsubscribe.sms", id = s.tracking_id),
                            };
                            view! {
                                <p class="lead">{what}</p>
                                <form method="post" action=format!("/berhenti/{}", crate::pages::url_encode(&link)) class="narrow">
                                    <input type="hidden" name="List-Unsubscribe" value="One-Click" />
                                    <button type="submit" class="primary">{tr!(loc, "unsubscribe.button")}</button>
                                </form>
                            }.into_any()
                        }
                        Err(e) => {
                            set_error_status(&e);
                            let message = match e {
                                AppError::NotFound => tr!(loc, "unsubscribe.unknown"),
                                other => other.user_message(loc),
                            };
                            view! { <ErrorNotice message /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
