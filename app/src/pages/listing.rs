//! `/laporan`: the public listing, newest first, filtered by status, category and agency, or
//! searched by words (ranked, the words marked). Confidential reports never appear (the query
//! excludes them). The filter form and the cards are shared with the officials' search.

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
        q: q.get("q").unwrap_or_default(),
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
                    view! {
                        <Results page filter catalogue=options base="/laporan" staff=false loc />
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

/// The filter form (words, status, category, agency), the count, the cards and the pager of
/// a listing at `base`; an official's cards open the case page.
#[component]
pub fn Results(
    page: crate::reports::PublicPage,
    filter: ListFilter,
    catalogue: crate::orgs::Catalogue,
    base: &'static str,
    staff: bool,
    loc: Locale,
) -> impl IntoView {
    let prev = (page.page > 1).then(|| filter.query_for_page(page.page - 1));
    let next = (page.page < page.pages).then(|| filter.query_for_page(page.page + 1));
    view! {
        <form method="get" action=base class="filters" role="search">
            <label for="f-q">{tr!(loc, "search.words")}</label>
            <input id="f-q" name="q" type="search" maxlength="200" value=filter.q.clone() />
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
                {catalogue.categories.iter().map(|c| view! {
                    <option value=c.id.to_string() selected=filter.kategori == c.id.to_string()>{c.name(loc).to_owned()}</option>
                }).collect_view()}
            </select>
            <label for="f-instansi">{tr!(loc, "report.agency")}</label>
            <select id="f-instansi" name="instansi">
                <option value="">{tr!(loc, "list.any_agency")}</option>
                {catalogue.agencies.iter().map(|a| view! {
                    <option value=a.id.to_string() selected=filter.instansi == a.id.to_string()>{a.label()}</option>
                }).collect_view()}
            </select>
            <button type="submit">{tr!(loc, "list.filter")}</button>
        </form>
        <p class="count" data-testid="count">{if page.capped {
            tr!(loc, "list.count_capped", count = page.total)
        } else {
            tr!(loc, "list.count", count = page.total)
        }}</p>
        {if page.items.is_empty() {
            view! { <p class="empty">{tr!(loc, "list.empty")}</p> }.into_any()
        } else {
            view! {
                <ul class="cards">
                    {page.items.into_iter().map(|s| view! { <Card s staff loc /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <nav class="pager" aria-label=tr!(loc, "list.page", page = page.page, pages = page.pages)>
            {prev.map(|q| view! { <a rel="prev" href=format!("{base}{q}")>{tr!(loc, "list.prev")}</a> })}
            <span>{tr!(loc, "list.page", page = page.page, pages = page.pages)}</span>
            {next.map(|q| view! { <a rel="next" href=format!("{base}{q}")>{tr!(loc, "list.next")}</a> })}
        </nav>
    }
}

/// Text with the words a search found in `<mark>`.
fn marked(pieces: Vec<crate::search::Piece>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|p| match p.marked {
            true => view! { <mark>{p.text}</mark> }.into_any(),
            false => p.text.into_any(),
        })
        .collect_view()
}

/// One report in a list; an official's opens the case page.
#[component]
pub fn Card(s: ReportSummary, #[prop(optional)] staff: bool, loc: Locale) -> impl IntoView {
    let category = match loc {
        Locale::Id => s.category_name_id.clone(),
        Locale::En => s.category_name_en.clone(),
    };
    let href = match staff {
        true => crate::staff::case_path(&s.tracking_id),
        false => format!("/laporan/{}", s.tracking_id),
    };
    let (title, excerpt) = match s.marked {
        Some(m) => (marked(m.title).into_any(), marked(m.excerpt).into_any()),
        None => (s.title.clone().into_any(), s.excerpt.clone().into_any()),
    };
    view! {
        <li class="card">
            <a href=href><h2>{title}</h2></a>
            <p class="meta">
                <span class=format!("status status-{}", s.status.code())>{tr!(loc, s.status.label_key())}</span>
                " · "{tr!(loc, s.kind.label_key())}" · "{category}
                {s.confidential.then(|| view! { " · "{tr!(loc, "report.confidential")} })}
            </p>
            <p>{excerpt}</p>
            <p class="meta">
                {s.agency.clone().unwrap_or_else(|| tr!(loc, "report.agency_none"))}
                " · "<time>{loc.datetime(s.received_at, s.zone)}</time>
            </p>
        </li>
    }
}
