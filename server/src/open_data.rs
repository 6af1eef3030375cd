//! Open data: the figures and the public reports as CSV and JSON, for other systems and for
//! anyone who wants to check the numbers. Plain GET handlers over the same functions as the
//! figures page; nothing here is more than the public pages show (confidential reports never
//! appear, no report body, no reporter).

use app::error::AppError;
use app::figures::{FigureFilter, Figures, figures, filter_org, month_of, open_reports, period};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// At most this many reports per download; a longer period is fetched in parts.
pub const OPEN_REPORTS_LIMIT: i64 = 100_000;

fn failure(e: AppError) -> Response {
    (e.status(), e.user_message(app::i18n::Locale::Id)).into_response()
}

fn file(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn load(state: &AppState, filter: &FigureFilter) -> Result<Figures, AppError> {
    let now = app::db::now();
    let (from, to) = period(filter, month_of(&state.db, now));
    figures(
        &state.db,
        filter_org(&state.db, filter).await?,
        from,
        to,
        now,
    )
    .await
}

/// What the place field asks for as the citizen types: `q`, the text so far, and `instansi`,
/// the agency chosen (its region's places first).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlaceQuery {
    q: String,
    instansi: String,
}

/// `GET /wilayah/saran?q=sungai%20mi&instansi=42`: up to eight kecamatan and kelurahan whose
/// name starts with the text, one per line, as the report form's list offers them. Public
/// data, the same for everyone, so shared caches may keep it for a day.
pub async fn places(State(state): State<AppState>, Query(q): Query<PlaceQuery>) -> Response {
    let text: String = q.q.chars().take(app::wilayah::PLACE_MAX).collect();
    let region = match q.instansi.trim().parse::<i64>() {
        Ok(org) => match app::wilayah::region_of(&state.db, org).await {
            Ok(region) => region,
            Err(e) => return failure(e),
        },
        Err(_) => None,
    };
    let lines = app::wilayah::country().suggest(&text, region.as_deref());
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        lines.join("\n"),
    )
        .into_response()
}

/// `GET /lapor/mirip?title=…&body=…&category_id=…&target_org_id=…&place=…&location=…`: the
/// report form's section of similar open public reports for the form as typed so far, as the
/// page itself renders it (the island swaps it in). Nothing is stored; the answer depends on
/// the reports of the moment, so it is not cached.
pub async fn similar(State(state): State<AppState>, parts: axum::http::request::Parts) -> Response {
    let probe = Query::<app::duplicates::Probe>::try_from_uri(&parts.uri)
        .map(|Query(p)| p)
        .unwrap_or_default();
    let locale = app::state::RequestCtx::from_parts(&parts, &state)
        .await
        .locale;
    match app::duplicates::similar_public(&state.db, &probe.bounded()).await {
        Ok(items) => {
            let html = leptos::prelude::Owner::new().with(|| {
                use leptos::prelude::*;
                view! { <app::pages::SimilarReports items loc=locale alert=false /> }.to_html()
            });
            (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                html,
            )
                .into_response()
        }
        Err(e) => failure(e),
    }
}

/// `GET /statistik/unduh.json`.
pub async fn figures_json(
    State(state): State<AppState>,
    Query(filter): Query<FigureFilter>,
) -> Response {
    match load(&state, &filter).await {
        Ok(f) => axum::Json(f).into_response(),
        Err(e) => failure(e),
    }
}

/// The figures as rows of `section, key, label, value`.
pub fn figures_csv_rows(f: &Figures) -> Vec<[String; 4]> {
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_default();
    let mut rows = vec![
        [
            "scope".into(),
            "organisation".into(),
            f.org_name.clone().unwrap_or_else(|| "Indonesia".into()),
            f.org_id.map(|i| i.to_string()).unwrap_or_default(),
        ],
        [
            "scope".into(),
            "area_code".into(),
            String::new(),
            f.org_area_code.clone().unwrap_or_default(),
        ],
        ["scope".into(), "from".into(), String::new(), f.from.clone()],
        ["scope".into(), "to".into(), String::new(), f.to.clone()],
        [
            "total".into(),
            "received".into(),
            String::new(),
            f.received.to_string(),
        ],
        [
            "total".into(),
            "finished".into(),
            String::new(),
            f.finished.to_string(),
        ],
        [
            "total".into(),
            "archived".into(),
            String::new(),
            f.archived.to_string(),
        ],
        [
            "total".into(),
            "followed_up_share".into(),
            String::new(),
            opt(f.followed_up_share),
        ],
        [
            "total".into(),
            "finished_share".into(),
            String::new(),
            opt(f.finished_share),
        ],
        [
            "total".into(),
            "overdue_now".into(),
            String::new(),
            f.overdue_now.to_string(),
        ],
        [
            "total".into(),
            "rating_average".into(),
            String::new(),
            opt(f.rating_average),
        ],
        [
            "total".into(),
            "ratings".into(),
            String::new(),
            f.ratings.to_string(),
        ],
    ];
    for (step, s) in [
        ("verify", f.verify),
        ("follow_up", f.follow_up),
        ("resolve", f.resolve),
    ] {
        rows.push([
            step.into(),
            "measured".into(),
            String::new(),
            s.measured.to_string(),
        ]);
        rows.push([
            step.into(),
            "average_days".into(),
            String::new(),
            opt(s.average_days),
        ]);
        rows.push([
            step.into(),
            "median_days".into(),
            String::new(),
            opt(s.median_days),
        ]);
        rows.push([
            step.into(),
            "within_share".into(),
            String::new(),
            opt(s.within_share),
        ]);
        rows.push([
            step.into(),
            "overdue_now".into(),
            String::new(),
            s.overdue_now.to_string(),
        ]);
    }
    for (section, list) in [
        ("month", &f.by_month),
        ("category", &f.by_category),
        ("opd", &f.by_opd),
        ("channel", &f.by_channel),
    ] {
        for b in list {
            rows.push([
                format!("{section}_received"),
                b.key.clone(),
                b.label_id.clone(),
                b.received.to_string(),
            ]);
            rows.push([
                format!("{section}_finished"),
                b.key.clone(),
                b.label_id.clone(),
                b.finished.to_string(),
            ]);
        }
    }
    // A region is keyed by its Kemendagri area code when it has one (what other datasets join
    // on), else by lapor's organisation id.
    let key = |l: &app::connectedness::RegionLink| {
        l.area_code.clone().unwrap_or_else(|| l.org_id.to_string())
    };
    for p in &f.links.provinces {
        let id = key(&p.province);
        rows.push([
            "links_regions".into(),
            id.clone(),
            p.province.name.clone(),
            p.total.to_string(),
        ]);
        rows.push([
            "links_regions_connected".into(),
            id,
            p.province.name.clone(),
            p.connected.to_string(),
        ]);
    }
    for l in f.links.lines() {
        let id = key(l);
        for (section, value) in [
            ("link_connected", i64::from(l.connected)),
            ("link_opds_without_admin", l.opds_without_admin.len() as i64),
            ("link_officials", l.officials),
            ("link_active_officials", l.active_officials),
        ] {
            rows.push([
                section.into(),
                id.clone(),
                l.name.clone(),
                value.to_string(),
            ]);
        }
    }
    rows
}

/// A cell as a spreadsheet will read it as text, never as a formula (OWASP's advice on CSV
/// injection): a citizen's title `=HYPERLINK("http://…")` would otherwise run in the
/// spreadsheet of whoever opens the download. A cell starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'`, which spreadsheets show as nothing.
pub fn neutralise_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn csv_bytes<I, R>(header: &[&str], rows: I) -> Result<Vec<u8>, AppError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::internal("write csv", e);
    w.write_record(header).map_err(internal)?;
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| neutralise_cell(c.as_ref()).into_owned())
            .collect();
        w.write_record(&cells).map_err(internal)?;
    }
    w.into_inner()
        .map_err(|e| AppError::internal("write csv", e.to_string()))
}

/// `GET /statistik/unduh.csv`.
pub async fn figures_csv(
    State(state): State<AppState>,
    Query(filter): Query<FigureFilter>,
) -> Response {
    let result = async {
        let f = load(&state, &filter).await?;
        let body = csv_bytes(&["section", "key", "label", "value"], figures_csv_rows(&f))?;
        Ok::<_, AppError>((f, body))
    }
    .await;
    match result {
        Ok((f, body)) => file(
            "text/csv; charset=utf-8",
            &format!("statistik-{}-{}.csv", f.from, f.to),
            body,
        ),
        Err(e) => failure(e),
    }
}

async fn reports(
    state: &AppState,
    filter: &FigureFilter,
) -> Result<Vec<app::figures::OpenReport>, AppError> {
    let (from, to) = period(filter, month_of(&state.db, app::db::now()));
    open_reports(&state.db, from, to, OPEN_REPORTS_LIMIT).await
}

/// `GET /data/laporan.json`.
pub async fn reports_json(
    State(state): State<AppState>,
    Query(filter): Query<FigureFilter>,
) -> Response {
    match reports(&state, &filter).await {
        Ok(r) => axum::Json(r).into_response(),
        Err(e) => failure(e),
    }
}

/// `GET /data/laporan.csv`.
pub async fn reports_csv(
    State(state): State<AppState>,
    Query(filter): Query<FigureFilter>,
) -> Response {
    let result = async {
        let rows = reports(&state, &filter).await?;
        let opt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
        csv_bytes(
            &[
                "tracking_id",
                "kind",
                "category",
                "title",
                "government",
                "opd",
                "status",
                "received_at",
                "verify_days",
                "follow_up_days",
                "resolve_days",
                "rating",
            ],
            rows.iter().map(|r| {
                [
                    r.tracking_id.clone(),
                    r.kind.clone(),
                    r.category.clone(),
                    r.title.clone(),
                    r.government.clone().unwrap_or_default(),
                    r.opd.clone().unwrap_or_default(),
                    r.status.clone(),
                    r.received_at.to_string(),
                    opt(r.verify_days),
                    opt(r.follow_up_days),
                    opt(r.resolve_days),
                    r.rating.map(|n| n.to_string()).unwrap_or_default(),
                ]
            }),
        )
    }
    .await;
    match result {
        Ok(body) => file("text/csv; charset=utf-8", "laporan.csv", body),
        Err(e) => failure(e),
    }
}
