//! `/statistik`: the figures of a subtree and period, for the public and (starting at their
//! own organisation) for officials; `/statistik/peringkat`: the ranking of regions and OPDs.
//! Charts are SVG drawn here, sized for a phone, each followed by its numbers as a table.

use super::{ErrorNotice, set_error_status, use_locale};
use crate::figures::{
    Breakdown, FigureFilter, Figures, RankRow, Ranking, Speed, get_figures, get_ranking,
};
use crate::i18n::Locale;
use crate::orgs::get_catalogue;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A number with `decimals` places, a decimal comma in Indonesian.
pub fn number(loc: Locale, value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match loc {
        Locale::Id => text.replace('.', ","),
        Locale::En => text,
    }
}

fn percent(loc: Locale, v: Option<f64>) -> String {
    v.map(|v| format!("{} %", number(loc, v, 0)))
        .unwrap_or_else(|| "–".to_owned())
}

fn days(loc: Locale, v: Option<f64>) -> String {
    v.map(|v| number(loc, v, 1))
        .unwrap_or_else(|| "–".to_owned())
}

fn filter_from_query() -> FigureFilter {
    let q = use_query_map().read_untracked().clone();
    FigureFilter {
        instansi: q.get("instansi").unwrap_or_default(),
        wilayah: q.get("wilayah").unwrap_or_default(),
        dari: q.get("dari").unwrap_or_default(),
        sampai: q.get("sampai").unwrap_or_default(),
    }
}

/// The query string of a filter, for the export links.
fn query(f: &FigureFilter) -> String {
    let area = match f.wilayah.trim() {
        "" => String::new(),
        code => format!("&wilayah={}", super::url_encode(code)),
    };
    format!(
        "?instansi={}&dari={}&sampai={}{area}",
        super::url_encode(&f.instansi),
        super::url_encode(&f.dari),
        super::url_encode(&f.sampai)
    )
}

#[component]
pub fn FiguresPage() -> impl IntoView {
    let loc = use_locale();
    let filter = filter_from_query();
    let figures = super::page_data(get_figures(filter.clone()));
    let options = super::page_data(get_catalogue());
    view! {
        <Title text=tr!(loc, "figures.title") />
        <h1>{tr!(loc, "figures.title")}</h1>
        <p class="lead">{tr!(loc, "figures.lead")}</p>
        <Suspense fallback=|| ()>
            {move || {
                let figures = figures.clone();
                let options = options.clone();
                let filter = filter.clone();
                Suspend::new(async move {
                    let (figures, options) = futures::join!(figures, options);
                    let (f, options) = match (figures, options) {
                        (Ok(f), Ok(o)) => (f, o),
                        (Err(e), _) | (_, Err(e)) => {
                            set_error_status(&e);
                            return view! { <ErrorNotice message=e.user_message(loc) /> }.into_any();
                        }
                    };
                    let export = query(&FigureFilter {
                        dari: f.from.clone(),
                        sampai: f.to.clone(),
                        ..filter.clone()
                    });
                    view! {
                        <form method="get" action="/statistik" class="filters">
                            <label for="f-instansi">{tr!(loc, "figures.org")}</label>
                            <select id="f-instansi" name="instansi">
                                <option value="">{tr!(loc, "figures.country")}</option>
                                {super::file_report::agency_groups(&options.agencies).into_iter().map(|(group, items)| view! {
                                    <optgroup label=group>
                                        {items.into_iter().map(|(id, name)| view! {
                                            <option value=id.to_string() selected=filter.instansi == id.to_string()>{name}</option>
                                        }).collect_view()}
                                    </optgroup>
                                }).collect_view()}
                            </select>
                            <label for="f-dari">{tr!(loc, "figures.from")}</label>
                            <input id="f-dari" name="dari" type="month" value=f.from.clone() />
                            <label for="f-sampai">{tr!(loc, "figures.to")}</label>
                            <input id="f-sampai" name="sampai" type="month" value=f.to.clone() />
                            <button type="submit" class="secondary">{tr!(loc, "figures.show")}</button>
                        </form>
                        <FiguresBody f loc />
                        <p class="exports">
                            {tr!(loc, "figures.download")}" "
                            <a href=format!("/statistik/unduh.csv{export}")>"CSV"</a>" · "
                            <a href=format!("/statistik/unduh.json{export}")>"JSON"</a>" · "
                            <a href=format!("/data/laporan.csv{export}")>{tr!(loc, "figures.open_data")}" (CSV)"</a>" · "
                            <a href=format!("/data/laporan.json{export}")>{tr!(loc, "figures.open_data")}" (JSON)"</a>" · "
                            <a href=format!("/statistik/peringkat{export}")>{tr!(loc, "figures.ranking")}</a>
                        </p>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
fn FiguresBody(f: Figures, loc: Locale) -> impl IntoView {
    let scope = f
        .org_name
        .clone()
        .unwrap_or_else(|| tr!(loc, "figures.country"));
    let month = |code: &str| {
        crate::figures::parse_month(code)
            .map(|(y, m)| loc.month(y, m))
            .unwrap_or_else(|| code.to_owned())
    };
    let period = tr!(
        loc,
        "figures.period",
        from = month(&f.from),
        to = month(&f.to)
    );
    let rating = f
        .rating_average
        .map(|r| format!("{} / 5 ({})", number(loc, r, 1), f.ratings))
        .unwrap_or_else(|| "–".to_owned());
    let cards = [
        ("figures.received", f.received.to_string(), "received"),
        (
            "figures.followed_up",
            percent(loc, f.followed_up_share),
            "followed",
        ),
        (
            "figures.finished",
            percent(loc, f.finished_share),
            "finished",
        ),
        ("figures.overdue_now", f.overdue_now.to_string(), "overdue"),
        ("figures.rating", rating, "rating"),
    ];
    let speeds = [
        ("deadline.verify", f.verify),
        ("deadline.follow_up", f.follow_up),
        ("deadline.resolve", f.resolve),
    ];
    view! {
        <h2 class="scope">{scope}" · "{period}</h2>
        <ul class="figure-cards">
            {cards.into_iter().map(|(key, value, id)| view! {
                <li data-testid=format!("figure-{id}")><strong>{value}</strong><span>{tr!(loc, key)}</span></li>
            }).collect_view()}
        </ul>
        <h2 id="speed-title">{tr!(loc, "figures.speed")}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="speed-title">
            <table class="figures">
                <thead><tr>
                    <th scope="col">{tr!(loc, "figures.step")}</th>
                    <th scope="col">{tr!(loc, "figures.average")}</th>
                    <th scope="col">{tr!(loc, "figures.median")}</th>
                    <th scope="col">{tr!(loc, "figures.within")}</th>
                    <th scope="col">{tr!(loc, "figures.overdue_now")}</th>
                </tr></thead>
                <tbody>
                    {speeds.into_iter().map(|(key, s): (&str, Speed)| view! {
                        <tr>
                            <th scope="row">{tr!(loc, key)}</th>
                            <td>{days(loc, s.average_days)}</td>
                            <td>{days(loc, s.median_days)}</td>
                            <td>{percent(loc, s.within_share)}</td>
                            <td>{s.overdue_now}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">{tr!(loc, "figures.speed_hint")}</p>
        <h2 id="trend-title">{tr!(loc, "figures.trend")}</h2>
        <MonthChart months=f.by_month.clone() loc />
        <BreakdownTable rows=f.by_month.clone() caption=tr!(loc, "figures.trend") head=tr!(loc, "figures.month") loc />
        <h2 id="category-title">{tr!(loc, "figures.by_category")}</h2>
        <BarChart rows=f.by_category.clone() loc />
        <BreakdownTable rows=f.by_category.clone() caption=tr!(loc, "figures.by_category") head=tr!(loc, "report.category") loc />
        <h2 id="channel-title">{tr!(loc, "figures.by_channel")}</h2>
        <BarChart rows=f.by_channel.clone() loc />
        <BreakdownTable rows=f.by_channel.clone() caption=tr!(loc, "figures.by_channel") head=tr!(loc, "figures.channel") loc />
        <h2 id="opd-title">{tr!(loc, "figures.by_opd")}</h2>
        <BreakdownTable rows=f.by_opd.clone() caption=tr!(loc, "figures.by_opd") head=tr!(loc, "staff.opd") loc />
        <h2 id="map-title">{tr!(loc, "figures.map")}</h2>
        <p class="hint">{tr!(loc, "figures.map_hint", n = crate::labels::MIN_REPORTS)}</p>
        <TopList rows=f.map.labels.clone() caption=tr!(loc, "figures.top_labels") head=tr!(loc, "figures.label") loc />
        <TopList rows=f.map.areas.clone() caption=tr!(loc, "figures.top_areas") head=tr!(loc, "figures.area") loc />
        <Links links=f.links.clone() loc />
    }
}

/// Keterhubungan: per province, how many of its regencies and cities are connected, and for
/// each government why not (no coordinator, OPDs without an admin) and how many of its
/// officials were active in the last 30 days (a count: never who).
#[component]
fn Links(links: crate::connectedness::Connectedness, loc: Locale) -> impl IntoView {
    let table = move |lines: Vec<crate::connectedness::RegionLink>, labelled: String| {
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby=labelled>
                <table class="figures links">
                    <thead><tr>
                        <th scope="col">{tr!(loc, "figures.org")}</th>
                        <th scope="col">{tr!(loc, "links.connected")}</th>
                        <th scope="col">{tr!(loc, "links.why_not")}</th>
                        <th scope="col">{tr!(loc, "links.active")}</th>
                    </tr></thead>
                    <tbody>
                        {lines.into_iter().map(|l| {
                            let mut why = Vec::new();
                            if !l.coordinator {
                                why.push(tr!(loc, "links.no_coordinator"));
                            }
                            if !l.opds_without_admin.is_empty() {
                                why.push(tr!(loc, "links.opds_without_admin", names = l.opds_without_admin.join(", ")));
                            }
                            let connected = if l.connected { tr!(loc, "links.yes") } else { tr!(loc, "links.no") };
                            view! {
                                <tr class=(!l.connected).then_some("flagged") data-testid=format!("link-{}", l.org_id)>
                                    <th scope="row">{l.name.clone()}{l.area_code.clone().map(|c| view! { " "<span class="meta">{c}</span> })}</th>
                                    <td>{connected}</td>
                                    <td>{why.join("; ")}</td>
                                    <td>{tr!(loc, "links.of", n = l.active_officials, total = l.officials)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <h2 id="links-title">{tr!(loc, "links.title")}</h2>
        <p class="hint">{tr!(loc, "links.hint", days = crate::connectedness::ACTIVE_DAYS)}</p>
        {links.provinces.into_iter().map(|p| {
            let id = format!("links-{}", p.province.org_id);
            let mut lines = vec![p.province.clone()];
            lines.extend(p.regions);
            view! {
                <h3 id=id.clone() data-testid=format!("province-links-{}", p.province.org_id)>
                    {tr!(loc, "links.province", name = p.province.name.clone(), n = p.connected, total = p.total)}
                </h3>
                {table(lines, id)}
            }
        }).collect_view()}
        {(!links.others.is_empty()).then(|| {
            let id = "links-others".to_owned();
            view! {
                <h3 id=id.clone()>{tr!(loc, "links.others")}</h3>
                {table(links.others.clone(), id)}
            }
        })}
    }
}

/// A short ranked list (a label or an area, and how many reports).
#[component]
fn TopList(rows: Vec<(String, i64)>, caption: String, head: String, loc: Locale) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>{caption}": "{tr!(loc, "figures.map_none")}</p> }.into_any();
    }
    view! {
        <table class="top-list">
            <caption>{caption}</caption>
            <thead><tr><th scope="col">{head}</th><th scope="col">{tr!(loc, "figures.reports")}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(name, n)| view! { <tr><td>{name}</td><td>{n}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Received and finished per month, as columns.
#[component]
fn MonthChart(months: Vec<Breakdown>, loc: Locale) -> impl IntoView {
    const W: f64 = 320.0;
    const H: f64 = 150.0;
    const BASE: f64 = 130.0;
    let max = months.iter().map(|m| m.received).max().unwrap_or(0).max(1) as f64;
    let n = months.len().max(1) as f64;
    let slot = W / n;
    let bar = (slot * 0.4).max(0.5);
    let label_every = (months.len() / 6).max(1);
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = i as f64 * slot + slot * 0.1;
            let h_received = m.received as f64 / max * (BASE - 10.0);
            let h_finished = m.finished as f64 / max * (BASE - 10.0);
            let label = (i % label_every == 0).then(|| {
                view! {
                    <text x=format!("{:.1}", x) y="146" class="axis">{m.key.get(2..).unwrap_or_default().replace('-', "/")}</text>
                }
            });
            view! {
                <rect x=format!("{x:.1}") y=format!("{:.1}", BASE - h_received) width=format!("{bar:.1}") height=format!("{h_received:.1}") class="received" />
                <rect x=format!("{:.1}", x + bar) y=format!("{:.1}", BASE - h_finished) width=format!("{bar:.1}") height=format!("{h_finished:.1}") class="finished" />
                {label}
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {H}") aria-hidden="true" focusable="false" data-testid="chart-trend">
                <line x1="0" y1=BASE x2=W y2=BASE class="axis" />
                <text x="0" y="9" class="axis">{max as i64}</text>
                {bars}
            </svg>
            <figcaption>
                <span class="key received"></span>{tr!(loc, "figures.received")}" "
                <span class="key finished"></span>{tr!(loc, "figures.finished_count")}
            </figcaption>
        </figure>
    }
}

/// Received per row, as horizontal bars.
#[component]
fn BarChart(rows: Vec<Breakdown>, loc: Locale) -> impl IntoView {
    const W: f64 = 320.0;
    const ROW: f64 = 22.0;
    let max = rows.iter().map(|r| r.received).max().unwrap_or(0).max(1) as f64;
    let height = (rows.len() as f64 * ROW).max(ROW);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = i as f64 * ROW;
            let width = r.received as f64 / max * (W - 150.0);
            view! {
                <text x="0" y=format!("{:.1}", y + 15.0) class="label">{r.label(loc).chars().take(22).collect::<String>()}</text>
                <rect x="150" y=format!("{:.1}", y + 4.0) width=format!("{width:.1}") height="14" class="received" />
                <text x=format!("{:.1}", 154.0 + width) y=format!("{:.1}", y + 15.0) class="value">{r.received}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {height}") aria-hidden="true" focusable="false" data-testid="chart-category">
                {bars}
            </svg>
        </figure>
    }
}

/// A breakdown's numbers, for reading and for screen readers.
#[component]
fn BreakdownTable(
    rows: Vec<Breakdown>,
    caption: String,
    head: String,
    loc: Locale,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">{tr!(loc, "figures.none")}</p> }.into_any();
    }
    let label = caption.clone();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            <table class="figures">
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>
                    <th scope="col">{head}</th>
                    <th scope="col">{tr!(loc, "figures.received")}</th>
                    <th scope="col">{tr!(loc, "figures.finished_count")}</th>
                    <th scope="col">{tr!(loc, "figures.overdue_now")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.label(loc).to_owned()}</th>
                            <td>{r.received}</td>
                            <td>{r.finished}</td>
                            <td>{r.overdue_now}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn RankingPage() -> impl IntoView {
    let loc = use_locale();
    let filter = filter_from_query();
    let ranking = super::page_data(get_ranking(filter));
    view! {
        <Title text=tr!(loc, "figures.ranking") />
        <h1>{tr!(loc, "figures.ranking")}</h1>
        <p class="lead">{tr!(loc, "figures.ranking_lead")}</p>
        <Suspense fallback=|| ()>
            {move || {
                let ranking = ranking.clone();
                Suspend::new(async move {
                    match ranking.await {
                        Ok(r) => view! { <RankingBody r loc /> }.into_any(),
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
fn RankingBody(r: Ranking, loc: Locale) -> impl IntoView {
    view! {
        <form method="get" action="/statistik/peringkat" class="filters">
            <label for="r-dari">{tr!(loc, "figures.from")}</label>
            <input id="r-dari" name="dari" type="month" value=r.from.clone() />
            <label for="r-sampai">{tr!(loc, "figures.to")}</label>
            <input id="r-sampai" name="sampai" type="month" value=r.to.clone() />
            <button type="submit" class="secondary">{tr!(loc, "figures.show")}</button>
        </form>
        <h2 id="regions-title">{tr!(loc, "figures.regions")}</h2>
        <IncompleteTable rows=r.regions.clone() since=r.completeness_since.clone() loc />
        <RankTable rows=r.regions labelled="regions-title" loc />
        <h2 id="opds-title">{tr!(loc, "figures.opds")}</h2>
        <RankTable rows=r.opds labelled="opds-title" loc />
    }
}

/// Per region, the share of its reports archived as incomplete before and since the form
/// checked reports for completeness (every month on either side, whatever the period).
#[component]
fn IncompleteTable(rows: Vec<RankRow>, since: Option<String>, loc: Locale) -> impl IntoView {
    let rows: Vec<RankRow> = rows
        .into_iter()
        .filter(|r| r.incomplete_before.is_some() || r.incomplete_after.is_some())
        .collect();
    since.filter(|_| !rows.is_empty()).map(|since| {
        view! {
            <h3 id="incomplete-title">{tr!(loc, "figures.incomplete", since = since)}</h3>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="incomplete-title">
                <table class="figures" data-testid="incomplete">
                    <thead><tr>
                        <th scope="col">{tr!(loc, "figures.org")}</th>
                        <th scope="col">{tr!(loc, "figures.incomplete_before")}</th>
                        <th scope="col">{tr!(loc, "figures.incomplete_after")}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr>
                                <th scope="row">{r.name.clone()}</th>
                                <td>{percent(loc, r.incomplete_before)}</td>
                                <td>{percent(loc, r.incomplete_after)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}

#[component]
fn RankTable(rows: Vec<RankRow>, labelled: &'static str, loc: Locale) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby=labelled>
            <table class="figures ranking">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{tr!(loc, "figures.org")}</th>
                    <th scope="col">{tr!(loc, "figures.received")}</th>
                    <th scope="col">{tr!(loc, "figures.finished")}</th>
                    <th scope="col">{tr!(loc, "figures.verify_average")}</th>
                    <th scope="col">{tr!(loc, "figures.follow_up_average")}</th>
                    <th scope="col">{tr!(loc, "figures.overdue_now")}</th>
                    <th scope="col">{tr!(loc, "links.first_action")}</th>
                    <th scope="col">{tr!(loc, "links.connected")}</th>
                    <th scope="col">{tr!(loc, "links.active")}</th>
                    <th scope="col">{tr!(loc, "figures.flags")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().enumerate().map(|(i, r)| {
                        let mut flags = Vec::new();
                        if r.few_reports {
                            flags.push(tr!(loc, "figures.few_reports"));
                        }
                        if r.slow_verification {
                            flags.push(tr!(loc, "figures.slow_verification"));
                        }
                        let name = match &r.parent {
                            Some(p) => format!("{} — {p}", r.name),
                            None => r.name.clone(),
                        };
                        view! {
                            <tr class=(!flags.is_empty()).then_some("flagged")>
                                <td>{i + 1}</td>
                                <th scope="row">
                                    <a href=format!("/statistik?instansi={}", r.org_id)>{name}</a>
                                    {r.area_code.clone().map(|c| view! { " "<span class="meta">{c}</span> })}
                                </th>
                                <td>{r.received}</td>
                                <td>{percent(loc, r.finished_share)}</td>
                                <td>{days(loc, r.verify_average_days)}</td>
                                <td>{days(loc, r.follow_up_average_days)}</td>
                                <td>{r.overdue_now}</td>
                                <td>{percent(loc, r.first_action_within_share)}</td>
                                <td>{match r.connected {
                                    Some(true) => tr!(loc, "links.yes"),
                                    Some(false) => tr!(loc, "links.no"),
                                    None => "–".to_owned(),
                                }}</td>
                                <td>{tr!(loc, "links.of", n = r.active_officials, total = r.officials)}</td>
                                <td class="flags">{flags.join("; ")}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_the_decimal_comma_in_indonesian() {
        assert_eq!(number(Locale::Id, 0.7, 1), "0,7");
        assert_eq!(number(Locale::En, 0.7, 1), "0.7");
        assert_eq!(percent(Locale::Id, Some(90.476)), "90 %");
        assert_eq!(percent(Locale::Id, None), "–");
    }
}
