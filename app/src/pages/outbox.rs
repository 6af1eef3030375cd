//! `/petugas/admin/kiriman`: the system admin's view of the outbox: how many notifications
//! wait, were sent, failed (with the reason) or were not sent, the latest of them, and a
//! button to send a failed one again. No address and no text is shown: for an anonymous
//! report that would tell an official who filed it.

use super::{ErrorNotice, set_error_status, use_locale, use_time_zone};
use crate::admin::admin_outbox;
use crate::error::AppError;
use crate::notify::{Delivery, QueueView};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/petugas/admin/kiriman";

#[component]
pub fn OutboxPage() -> impl IntoView {
    let loc = use_locale();
    let q = use_query_map().read_untracked().clone();
    let state = q.get("status").unwrap_or_default();
    let retried = q.get("diulang").is_some();
    let queue = super::page_data(admin_outbox(state));
    let refused = use_context::<super::FormEcho<()>>().map(|e| {
        set_error_status(&e.error);
        e.error.user_message(loc)
    });
    view! {
        <Title text=tr!(loc, "outbox.title") />
        <h1>{tr!(loc, "outbox.title")}</h1>
        <p><a href="/petugas/admin">{tr!(loc, "admin.title")}</a></p>
        {retried.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "outbox.retried")}</p> })}
        {refused.map(|message| view! { <ErrorNotice message /> })}
        <Suspense fallback=|| ()>
            {move || {
                let queue = queue.clone();
                Suspend::new(async move {
                    match queue.await {
                        Ok(q) => view! { <Queue q /> }.into_any(),
                        Err(AppError::Unauthorized) => {
                            #[cfg(feature = "ssr")]
                            leptos_axum::redirect("/masuk?ke=/petugas/admin/kiriman");
                            view! { <p><a href="/masuk?ke=/petugas/admin/kiriman">{tr!(loc, "err.unauthorized")}</a></p> }.into_any()
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
fn Queue(q: QueueView) -> impl IntoView {
    let loc = use_locale();
    let zone = use_time_zone();
    let channel = |configured: bool, key: &str| {
        let state = if configured {
            tr!(loc, "outbox.configured")
        } else {
            tr!(loc, "outbox.not_configured")
        };
        format!("{}: {state}", tr!(loc, key))
    };
    view! {
        <ul class="channels">
            <li>{channel(q.email_configured, "outbox.email")}</li>
            <li>{channel(q.sms_configured, "outbox.sms")}</li>
        </ul>
        <nav class="filters" aria-label=tr!(loc, "outbox.filter")>
            <a href=PATH aria-current=q.state.is_none().then_some("page")>{tr!(loc, "status.any")}</a>
            {q.counts.iter().map(|(state, n)| {
                let current = q.state == Some(*state);
                view! {
                    " "<a href=format!("{PATH}?status={}", state.code()) aria-current=current.then_some("page")>
                        {format!("{} ({n})", tr!(loc, state.label_key()))}
                    </a>
                }
            }).collect_view()}
        </nav>
        <table class="outbox">
            <thead><tr>
                <th scope="col">"#"</th>
                <th scope="col">{tr!(loc, "outbox.what")}</th>
                <th scope="col">{tr!(loc, "outbox.report")}</th>
                <th scope="col">{tr!(loc, "outbox.state")}</th>
                <th scope="col">{tr!(loc, "outbox.attempts")}</th>
                <th scope="col">{tr!(loc, "outbox.when")}</th>
                <th scope="col">{tr!(loc, "outbox.reason")}</th>
                <th scope="col"></th>
            </tr></thead>
            <tbody>
                {q.rows.into_iter().map(|r| {
                    let retriable = matches!(r.state, Delivery::Failed | Delivery::Unsent);
                    let reason = if r.last_error == crate::notify::NO_CHANNEL {
                        tr!(loc, "outbox.no_channel")
                    } else {
                        r.last_error.clone()
                    };
                    view! {
                        <tr class=format!("state-{}", r.state.code())>
                            <td>{r.id}</td>
                            <td>{format!("{} · {}", r.via.code(), tr!(loc, r.purpose.label_key()))}</td>
                            <td>{r.tracking_id.clone().unwrap_or_default()}</td>
                            <td>{tr!(loc, r.state.label_key())}</td>
                            <td>{r.attempts}</td>
                            <td>{loc.datetime(r.sent_at.unwrap_or(r.created_at), zone)}</td>
                            <td>{reason}</td>
                            <td>{retriable.then(|| view! {
                                <form method="post" action=format!("{PATH}/{}/ulang", r.id)>
                                    <button type="submit">{tr!(loc, "outbox.retry")}</button>
                                </form>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
