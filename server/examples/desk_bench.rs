//! Officials' desk benchmark (not a test): fills a database with open reports through the
//! application's own steps (filed, verified, forwarded, answered, some taken, some read), then
//! times the inbox page of an OPD and of a province coordinator through the router, counts the
//! SQL statements one page makes, and times a coordinator forwarding 100 reports at once.
//!
//! ```sh
//! cargo run --release -p server --example desk_bench -- sqlite:///tmp/desk-bench.db 10000 50
//! cargo run --release -p server --example desk_bench -- postgres://postgres@127.0.0.1:5432/lapor_desk_bench 10000 50
//! ```
//! Arguments: database URL (created fresh), open reports per inbox (default 10,000), page
//! loads per inbox (default 50). The OPD (Dinas PUPR of a city) holds that many forwarded
//! reports; the province's coordinator that many reports of its own to verify or forward (its
//! scope, with the city's, holds twice as many).

use app::casework::{ActInput, BulkInput, StaffMessageInput, act, act_many, add_staff_message};
use app::change::Store;
use app::db::Db;
use app::lifecycle::Role;
use app::orgs::{OrgKind, create_org};
use app::reports::{ReportInput, add_citizen_message, file_report};
use app::state::{AppState, Config};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tower::ServiceExt;
use tracing_subscriber::layer::SubscriberExt;

const DAY: i64 = 86_400;
const SECRET: &str = "desk-bench-secret";
const PASSWORD: &str = "kata-sandi-bench-2026";

/// SQL statements run, as sqlx reports each one (target `sqlx::query`).
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

struct CountStatements;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn fresh(url: &str) -> anyhow::Result<Store> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    } else if let Some((base, name)) = url.rsplit_once('/') {
        let admin = Db::connect_unmigrated(&format!("{base}/postgres")).await?;
        sqlx::query(&format!("drop database if exists {name} with (force)"))
            .execute(&admin)
            .await?;
        sqlx::query(&format!("create database {name}"))
            .execute(&admin)
            .await?;
        admin.close().await;
    }
    Ok(Store::connect(url).await?)
}

fn report(i: usize, target: i64) -> ReportInput {
    ReportInput {
        submission_key: format!("{:032x}", i + 1),
        kind: "pengaduan".into(),
        title: format!("Jalan rusak nomor {i} di kelurahan"),
        body: "Lubang besar di lajur kiri sejak tiga minggu, membahayakan pengendara motor.".into(),
        category_id: "3".into(),
        // Before the earliest filing (60 days back): an incident after its report is refused.
        incident_date: "2026-09-01".into(),
        location: "Banjarmasin".into(),
        target_org_id: target.to_string(),
        anonymous: i.is_multiple_of(3).then(|| "on".into()),
        name: "Warga".into(),
        email: format!("warga{i}@example.id"),
        phone: String::new(),
        ..Default::default()
    }
}

async fn staff(db: &Store, email: &str, role: Role, org: i64) -> anyhow::Result<app::staff::Staff> {
    let id = app::admin::create_staff(
        db,
        &app::admin::StaffInput {
            email: email.into(),
            name: format!("Petugas {email}"),
            role: role.code().into(),
            org_id: org.to_string(),
            password: PASSWORD.into(),
        },
        0,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    app::staff::load(db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("not staff"))
}

/// An application error with what it says (which field was refused, say).
fn why(e: app::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn sign_in(router: &axum::Router, email: &str) -> anyhow::Result<String> {
    let form = serde_urlencoded::to_string([("email", email), ("password", PASSWORD)])?;
    let res = router
        .clone()
        .oneshot(
            Request::post("/masuk")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))?,
        )
        .await?;
    anyhow::ensure!(res.status() == StatusCode::SEE_OTHER, "login {email}");
    Ok(res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("no cookie"))?
        .to_owned())
}

/// Loads `path` `runs` times as the official behind `cookie`; prints p50, p99, the page's
/// size and the statements of one load.
async fn time_page(
    router: &axum::Router,
    label: &str,
    path: &str,
    cookie: &str,
    runs: usize,
) -> anyhow::Result<()> {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    let mut statements = 0;
    for _ in 0..runs {
        let before = STATEMENTS.load(Ordering::Relaxed);
        let start = Instant::now();
        let res = router
            .clone()
            .oneshot(
                Request::get(path)
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())?,
            )
            .await?;
        anyhow::ensure!(res.status() == StatusCode::OK, "{path}: {}", res.status());
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        times.push(start.elapsed());
        size = body.len();
        statements = STATEMENTS.load(Ordering::Relaxed) - before;
    }
    times.sort();
    println!(
        "{label:<44} p50 {:>7.1} ms  p99 {:>7.1} ms  {:>4} statements  {:>8} bytes",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        statements,
        size
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "sqlite:///tmp/desk-bench.db".into());
    let count: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let runs: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(50);
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::filter::Targets::new()
                    .with_target("sqlx::query", tracing::Level::TRACE),
            )
            .with(CountStatements),
    )?;

    let db = fresh(&url).await?;
    app::demo::ensure_default_categories(&db).await?;
    let national = create_org(&db, None, OrgKind::National, "id", "Nasional").await?;
    let kalsel = create_org(
        &db,
        Some(national),
        OrgKind::Province,
        "kalsel",
        "Provinsi Kalimantan Selatan",
    )
    .await?;
    let city = create_org(
        &db,
        Some(kalsel),
        OrgKind::City,
        "banjarmasin",
        "Kota Banjarmasin",
    )
    .await?;
    let pupr = create_org(&db, Some(city), OrgKind::Opd, "bjm-pupr", "Dinas PUPR").await?;
    let province_opd = create_org(
        &db,
        Some(kalsel),
        OrgKind::Opd,
        "kalsel-pupr",
        "Dinas PUPR Provinsi",
    )
    .await?;
    let city_coordinator = staff(&db, "induk@bench.id", Role::Coordinator, city).await?;
    let province = staff(&db, "provinsi@bench.id", Role::Coordinator, kalsel).await?;
    let opd = staff(&db, "pupr@bench.id", Role::OpdAdmin, pupr).await?;
    let colleague = staff(&db, "pupr2@bench.id", Role::OpdAdmin, pupr).await?;

    // Received over the last 60 days, so that some are overdue; the bench's "now" is real.
    let now = app::db::now();
    let today = "2026-12-06";
    let filling = Instant::now();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for i in 0..count {
        let at = now - (next() % (60 * DAY as u64)) as i64;
        let filed = file_report(&db, SECRET, &report(i, pupr), None, at, today)
            .await
            .map_err(why)?;
        let id = filed.tracking_id.as_str();
        act(
            &db,
            &city_coordinator,
            id,
            &ActInput {
                action: "verify".into(),
                ..Default::default()
            },
            at + 3600,
        )
        .await
        .map_err(why)?;
        let dispose = ActInput {
            action: "dispose".into(),
            opd_id: pupr.to_string(),
            ..Default::default()
        };
        act(&db, &city_coordinator, id, &dispose, at + 7200)
            .await
            .map_err(why)?;
        let r = next() % 10;
        if r < 6 {
            let reply = StaffMessageInput {
                body: "Tim kami meninjau lokasi.".into(),
                ..Default::default()
            };
            add_staff_message(&db, &opd, id, &reply, at + 10_000)
                .await
                .map_err(why)?;
        }
        if r < 2 {
            let claim = app::reports::Claim {
                code: Some(&filed.access_code),
                account_id: None,
            };
            add_citizen_message(&db, id, claim, "Kapan diperbaiki?", at + 20_000)
                .await
                .map_err(why)?;
        }
        if r % 3 == 0 {
            let who = if r % 2 == 0 { &opd } else { &colleague };
            app::desk::assign(
                &db,
                who,
                id,
                &app::desk::AssignInput {
                    kepada: who.account_id.to_string(),
                    dari: String::new(),
                },
                at + 11_000,
            )
            .await
            .map_err(why)?;
        }
        if r >= 5 {
            app::casework::open_case(&db, &opd, id, at + 12_000).await?;
        }
        // The province's own reports: to verify, and (half) verified, to forward.
        let at = now - (next() % (30 * DAY as u64)) as i64;
        let own = file_report(&db, SECRET, &report(count + i, kalsel), None, at, today)
            .await
            .map_err(why)?;
        if i % 2 == 0 {
            act(
                &db,
                &province,
                &own.tracking_id,
                &ActInput {
                    action: "verify".into(),
                    ..Default::default()
                },
                at + 3600,
            )
            .await?;
        }
        if (i + 1) % 1000 == 0 {
            eprintln!(
                "{} of {count} ({:.0} s)",
                i + 1,
                filling.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "filled {} reports ({} open per inbox) in {:.0} s",
        2 * count,
        count,
        filling.elapsed().as_secs_f64()
    );

    let state = AppState {
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("lapor")
            .build(),
        db: db.clone(),
        config: Arc::new(Config {
            server_secret: SECRET.into(),
            time_zone: app::i18n::TimeZone::Wita,
            secure_cookies: false,
            channels: app::state::Channels::default(),
        }),
        shutdown: Default::default(),
    };
    let limits = server::limits::Limits {
        burst_factor: 1_000_000,
        ..Default::default()
    };
    let router = server::router_with(state, server::limits::Limiters::new(&limits, Vec::new()));
    let opd_cookie = sign_in(&router, "pupr@bench.id").await?;
    let province_cookie = sign_in(&router, "provinsi@bench.id").await?;
    println!(
        "engine {}, {runs} loads each",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    for (label, path, cookie) in [
        ("OPD inbox, all (GET /petugas)", "/petugas", &opd_cookie),
        (
            "OPD inbox, mine (?lihat=saya)",
            "/petugas?lihat=saya",
            &opd_cookie,
        ),
        (
            "OPD inbox, unassigned (?lihat=belum)",
            "/petugas?lihat=belum",
            &opd_cookie,
        ),
        (
            "province coordinator inbox (GET /petugas)",
            "/petugas",
            &province_cookie,
        ),
    ] {
        time_page(&router, label, path, cookie, runs).await?;
    }
    // A report of the OPD's, with the inbox beside it on a wide screen.
    let one: String = sqlx::query_scalar(
        "select tracking_id from reports where opd_id = $1 order by id desc limit 1",
    )
    .bind(pupr)
    .fetch_one(&db.pool)
    .await?;
    time_page(
        &router,
        "OPD report page with the inbox beside it",
        &format!("/petugas/laporan/{one}"),
        &opd_cookie,
        runs,
    )
    .await?;

    // A bulk forward of 100 of the province's verified reports to its OPD.
    let verified: Vec<String> = sqlx::query_scalar(
        "select tracking_id from reports where owner_org_id = $1 and status = 'verified' order by id limit 100",
    )
    .bind(kalsel)
    .fetch_all(&db.pool)
    .await?;
    let mut bulk = BulkInput {
        action: "dispose".into(),
        opd_id: province_opd.to_string(),
        ..Default::default()
    };
    for id in &verified {
        bulk.picked.insert(format!("r.{id}"), "on".into());
    }
    let before = STATEMENTS.load(Ordering::Relaxed);
    let start = Instant::now();
    let outcome = act_many(&db, &province, &bulk, app::db::now())
        .await
        .map_err(why)?;
    let took = start.elapsed();
    println!(
        "bulk forward of {} reports: {:.0} ms ({:.1} ms each), {} forwarded, {} refused, {} statements",
        verified.len(),
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e3 / verified.len().max(1) as f64,
        outcome.done.len(),
        outcome.refused.len(),
        STATEMENTS.load(Ordering::Relaxed) - before
    );
    Ok(())
}
