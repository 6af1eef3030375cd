//! `/petugas/audit`: the audit log for the system admin and overseers, newest first, filtered
//! by a plain GET form (who, what, about what, which days), a hundred entries a page.

use super::{page_data, use_locale, use_time_zone};
use crate::admin::audit_log;
use crate::audit::{Action, AuditFilter, AuditPage};
use crate::i18n::Locale;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let loc = use_locale();
    let query = use_query_map().read_untracked();
    let get = |k: &str| query.get(k).unwrap_or_default();
    let filter = AuditFilter {
        oleh: get("oleh"),
        tindakan: get("tindakan"),
        tentang: get("tentang"),
        dari: get("dari"),
        sampai: get("sampai"),
        sebelum: get("sebelum"),
    };
    let page = page_data(audit_log(filter.clone()));
    view! {
        <Title text=tr!(loc, "audit.title") />
        <h1>{tr!(loc, "audit.title")}</h1>
        <p class="lead">{tr!(loc, "audit.lead")}</p>
        <FilterForm filter=filter.clone() loc />
        <Suspense fallback=|| ()>
            {move || {
                let page = page.clone();
                let filter = filter.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Entries page filter loc /> }.into_any(),
                        Err(e) => super::staff::failure(e, loc),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn FilterForm(filter: AuditFilter, loc: Locale) -> impl IntoView {
    let text = |name: &'static str, key: &'static str, value: String, kind: &'static str| {
        let id = format!("f-{name}");
        view! {
            <p class="field">
                <label for=id.clone()>{tr!(loc, key)}</label>
                <input id=id name=name type=kind value=value maxlength="100" />
            </p>
        }
    };
    view! {
        <form method="get" action="/petugas/audit" class="audit-filters" role="search">
            {text("oleh", "audit.by", filter.oleh.clone(), "text")}
            <p class="field">
                <label for="f-tindakan">{tr!(loc, "audit.action")}</label>
                <select id="f-tindakan" name="tindakan">
                    <option value="">{tr!(loc, "audit.any_action")}</option>
                    {Action::ALL.iter().map(|a| view! {
                        <option value=a.code() selected=filter.tindakan == a.code()>{tr!(loc, a.label_key())}</option>
                    }).collect_view()}
                </select>
            </p>
            {text("tentang", "audit.subject", filter.tentang.clone(), "text")}
            {text("dari", "audit.from", filter.dari.clone(), "date")}
            {text("sampai", "audit.until", filter.sampai.clone(), "date")}
            <button type="submit" class="secondary">{tr!(loc, "audit.filter")}</button>
        </form>
    }
}

#[component]
fn Entries(page: AuditPage, filter: AuditFilter, loc: Locale) -> impl IntoView {
    let zone = use_time_zone();
    if page.entries.is_empty() {
        return view! { <p>{tr!(loc, "audit.none")}</p> }.into_any();
    }
    let older = page.older.map(|id| {
        let query = [
            ("oleh", filter.oleh.as_str()),
            ("tindakan", filter.tindakan.as_str()),
            ("tentang", filter.tentang.as_str()),
            ("dari", filter.dari.as_str()),
            ("sampai", filter.sampai.as_str()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}&", super::url_encode(v)))
        .collect::<String>();
        format!("/petugas/audit?{query}sebelum={id}")
    });
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr!(loc, "audit.title")>
            <table class="audit">
                <thead><tr>
                    <th scope="col">{tr!(loc, "audit.when")}</th>
                    <th scope="col">{tr!(loc, "audit.by")}</th>
                    <th scope="col">{tr!(loc, "audit.action")}</th>
                    <th scope="col">{tr!(loc, "audit.subject")}</th>
                    <th scope="col">{tr!(loc, "audit.detail")}</th>
                </tr></thead>
                <tbody>
                    {page.entries.into_iter().map(|e| view! {
                        <tr data-action=e.action.map(|a| a.code()).unwrap_or("")>
                            <td>{loc.datetime(e.at, zone)}</td>
                            <td>{e.actor_name}</td>
                            <td>{e.action.map(|a| tr!(loc, a.label_key())).unwrap_or_default()}</td>
                            <td>{e.subject}</td>
                            <td>{e.detail}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {older.map(|href| view! { <p><a href=href>{tr!(loc, "audit.older")}</a></p> })}
    }
    .into_any()
}
