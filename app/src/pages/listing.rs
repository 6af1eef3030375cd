//! `/laporan`: the public listing, newest first, filtered by status, category and agency.
//! Confidential reports never appear (the query excludes them).

use super::{ErrorNotice, set_error_status, use_locale};
use crate::i18n::Locale;
use crate::orgs::get_catalogue;
use crate::reports::{ListFilter, ReportSummary, Status, public_reports};
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ListingPage() -> impl IntoView {
    let loc = use_locale();
    let q = use_query_map().read_untracked().clone();
    let filter = ListFilter {
        status: q.get("status").unwrap_or_default(),
        kategori: q.get("kategori").unwrap_or_default(),
        instansi: q.get("instansi").unwrap_or_default(),
        hal: q.get("hal").unwrap_or_default(),
    };
    let page = super::page_data(public_reports(filter.clone()));
    let options = super::page_data(get_catalogue());
    view! {
        <Title text=tr!(loc, "list.title") />
        <h1>{tr!(loc, "list.title")}</h1>
        <Suspense fallback=|| ()>
            {move || {
                let page = page.clone();
                let options = options.clone();
                let filter = filter.clone();
                Suspend::new(async move {
                    let (page, options) = futures::join!(page, options);
                    let (page, options) = match (page, options) {
                        (Ok(p), Ok(o)) => (p, o),
                        (Err(e), _) | (_, Err(e)) => {
                            set_error_status(&e);
                            return view! { <ErrorNotice message=e.user_message(loc) /> }.into_any();
                        }
                    };
                    let prev = (page.page > 1).then(|| filter.query_for_page(page.page - 1));
                    let next = (page.page < page.pages).then(|| filter.query_for_page(page.page + 1));
                    view! {
                        <form method="get" action="/laporan" class="filters">
                            <label for="f-status">{tr!(loc, "status.label")}</label>
                            <select id="f-status" name="status">
                                <option value="">{tr!(loc, "status.any")}</option>
                                {Status::ALL.iter().map(|s| view! {
                                    <option value=s.code() selected=filter.status == s.code()>{tr!(loc, s.label_key())}</option>
                                }).collect_view()}
                            </select>
                            <label for="f-kategori">{tr!(loc, "report.category")}</label>
                            <select id="f-kategori" name="kategori">
                                <option value="">{tr!(loc, "list.any_category")}</option>
                                {options.categories.iter().map(|c| view! {
                                    <option value=c.id.to_string() selected=filter.kategori == c.id.to_string()>{c.name(loc).to_owned()}</option>
                                }).collect_view()}
                            </select>
                            <label for="f-instansi">{tr!(loc, "report.agency")}</label>
                            <select id="f-instansi" name="instansi">
                                <option value="">{tr!(loc, "list.any_agency")}</option>
                                {options.agencies.iter().map(|a| view! {
                                    <option value=a.id.to_string() selected=filter.instansi == a.id.to_string()>{a.label()}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit">{tr!(loc, "list.filter")}</button>
                        </form>
                        <p class="count" data-testid="count">{tr!(loc, "list.count", count = page.total)}</p>
                        {if page.items.is_empty() {
                            view! { <p class="empty">{tr!(loc, "list.empty")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="cards">
                                    {page.items.into_iter().map(|s| view! { <Card s loc /> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <nav class="pager" aria-label=tr!(loc, "list.page", page = page.page, pages = page.pages)>
                            {prev.map(|q| view! { <a rel="prev" href=format!("/laporan{q}")>{tr!(loc, "list.prev")}</a> })}
                            <span>{tr!(loc, "list.page", page = page.page, pages = page.pages)}</span>
                            {next.map(|q| view! { <a rel="next" href=format!("/laporan{q}")>{tr!(loc, "list.next")}</a> })}
                        </nav>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

/// One report in a list.
#[component]
pub fn Card(s: ReportSummary, loc: Locale) -> impl IntoView {
    let category = match loc {
        Locale::Id => s.category_name_id.clone(),
        Locale::En => s.category_name_en.clone(),
    };
    view! {
        <li class="card">
            <a href=format!("/laporan/{}", s.tracking_id)><h2>{s.title.clone()}</h2></a>
            <p class="meta">
                <span class=format!("status status-{}", s.status.code())>{tr!(loc, s.status.label_key())}</span>
                " · "{tr!(loc, s.kind.label_key())}" · "{category}
                {s.confidential.then(|| view! { " · "{tr!(loc, "report.confidential")} })}
            </p>
            <p>{s.excerpt.clone()}</p>
            <p class="meta">
                {s.agency.clone().unwrap_or_else(|| tr!(loc, "report.agency_none"))}
                " · "<time>{loc.datetime(s.received_at, s.zone)}</time>
            </p>
        </li>
    }
}
