//! Figures benchmark (not a test): fills a database with reports spread over three years
//! across the demo organisations, then times every figure query for several periods and
//! subtrees, the ranking, the figures page and each download, and prints the numbers.
//!
//! ```sh
//! cargo run --release -p server --example figures_bench -- sqlite:///tmp/figures.db 1000000
//! cargo run --release -p server --example figures_bench -- postgres://postgres@127.0.0.1/figures 1000000
//! ```
//! Arguments: database URL (created fresh: an SQLite file is removed first, a PostgreSQL
//! database is dropped and created), number of reports (default 1,000,000), runs per query
//! (default 5). The reports' clock columns are computed with the application's own
//! `deadlines::clocks` from a generated history, so durations, on-time flags and open
//! deadlines look like the real thing; the thread rows (`report_events`) are not generated,
//! as no figure reads them.

use app::db::Db;
use app::deadlines::{Policy, Transition, clocks};
use app::figures::{figures, ranking};
use app::i18n::TimeZone;
use app::reports::Status;
use app::state::{AppState, Config};
use axum::body::Body;
use axum::http::Request;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const DAY: i64 = 86_400;
const H: i64 = 3600;

/// A small deterministic generator (xorshift64*), so that every run builds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Exponentially distributed seconds with the given mean.
    fn exp(&mut self, mean: i64) -> i64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (-(1.0 - u).ln() * mean as f64) as i64
    }
}

async fn fresh(url: &str) -> anyhow::Result<Db> {
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
    Ok(Db::connect(url).await?)
}

/// A report's generated history, and what else its row needs.
struct Generated {
    received_at: i64,
    history: Vec<Transition>,
    status: Status,
    owner: i64,
    opd: Option<i64>,
    closed_at: Option<i64>,
    rating: Option<i64>,
}

fn generate(rng: &mut Rng, now: i64, span: i64, governments: &[(i64, Vec<i64>)]) -> Generated {
    let received_at = now - rng.below(span as u64) as i64;
    let (owner, opds) = &governments[rng.below(governments.len() as u64) as usize];
    let mut history = vec![Transition {
        at: received_at,
        status: Status::Submitted,
    }];
    let mut at = received_at;
    let push = |at: i64, status: Status, h: &mut Vec<Transition>| {
        h.push(Transition { at, status });
    };
    let mut step = |rng: &mut Rng, mean: i64| {
        at += rng.exp(mean).max(60);
        at
    };
    let mut opd = None;
    let mut closed_at = None;
    let mut rating = None;
    let roll = rng.below(100);
    let verified = step(rng, 20 * H);
    let status = if verified > now {
        Status::Submitted
    } else if roll < 5 {
        push(verified, Status::Archived, &mut history);
        Status::Archived
    } else {
        push(verified, Status::Verified, &mut history);
        let disposed = step(rng, 6 * H);
        if disposed > now {
            Status::Verified
        } else {
            push(disposed, Status::Disposed, &mut history);
            opd = Some(opds[rng.below(opds.len() as u64) as usize]);
            let started = step(rng, 30 * H);
            if started > now {
                Status::Disposed
            } else {
                push(started, Status::InProgress, &mut history);
                let resolved = step(rng, 6 * DAY);
                if resolved > now {
                    Status::InProgress
                } else {
                    push(resolved, Status::Resolved, &mut history);
                    let answered = resolved + rng.exp(4 * DAY);
                    // Answered by the citizen, or closed by the job once the window ran out.
                    if answered < now || resolved + 14 * DAY < now {
                        closed_at = Some(answered.min(resolved + 14 * DAY));
                        rating = (rng.below(3) == 0).then(|| 1 + rng.below(5) as i64);
                    }
                    Status::Resolved
                }
            }
        }
    };
    Generated {
        received_at,
        history,
        status,
        owner: *owner,
        opd,
        closed_at,
        rating,
    }
}

const COLUMNS: &str = "tracking_id, access_hash, kind, title, body, category_id, location, \
     target_org_id, anonymous, confidential, channel, status, received_at, created_at, \
     updated_at, owner_org_id, opd_id, status_changed_at, closed_at, rating, verify_secs, \
     follow_up_secs, resolve_secs, verify_ok, follow_up_ok, resolve_ok, verify_due_at, \
     follow_up_due_at, resolve_due_at, contest_until, due_at, clocks_at, published_at";
const PER_ROW: usize = 33;

async fn fill(db: &Db, n: usize, now: i64) -> anyhow::Result<()> {
    let governments: Vec<(i64, Vec<i64>)> = {
        let govs: Vec<i64> = sqlx::query_scalar(
            "select id from organizations where kind in ('regency', 'city', 'province') order by id",
        )
        .fetch_all(&db.pool)
        .await?;
        let mut out = Vec::new();
        for g in govs {
            let opds: Vec<i64> = sqlx::query_scalar(
                "select id from organizations where parent_id = $1 and kind = 'opd'",
            )
            .bind(g)
            .fetch_all(&db.pool)
            .await?;
            if !opds.is_empty() {
                out.push((g, opds));
            }
        }
        out
    };
    let categories: Vec<i64> = sqlx::query_scalar("select id from categories")
        .fetch_all(&db.pool)
        .await?;
    let cal = app::deadlines::load_calendar(db, &db.pool).await?;
    let policy = Policy::default();
    let mut rng = Rng(0x5EED_1A90_2026);
    let batch = 500;
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let rows = batch.min(n - done);
        let placeholders: Vec<String> = (0..rows)
            .map(|r| {
                let p: Vec<String> = (1..=PER_ROW)
                    .map(|c| format!("${}", r * PER_ROW + c))
                    .collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let sql = format!(
            "insert into reports ({COLUMNS}) values {}",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for i in 0..rows {
            let g = generate(&mut rng, now, 3 * 365 * DAY, &governments);
            let c = clocks(&g.history, g.closed_at, now, &cal, &policy);
            let changed = g.history.last().map(|t| t.at).unwrap_or(g.received_at);
            let due = c.all().iter().filter_map(|c| c.due_at()).min();
            let category = categories[rng.below(categories.len() as u64) as usize];
            let ok = |c: &app::deadlines::Clock| c.within().map(i64::from);
            q = q
                .bind(format!("B{:09}", done + i))
                .bind("bench")
                .bind(["pengaduan", "aspirasi", "permintaan_informasi"][rng.below(3) as usize])
                .bind("Laporan uji beban")
                .bind("Isi laporan uji beban untuk mengukur kecepatan angka statistik.")
                .bind(category)
                .bind("")
                .bind(g.owner)
                .bind(i64::from(rng.below(10) == 0))
                .bind(i64::from(rng.below(20) == 0))
                .bind("web")
                .bind(g.status.code())
                .bind(g.received_at)
                .bind(g.received_at)
                .bind(changed)
                .bind(g.owner)
                .bind(g.opd)
                .bind(changed)
                .bind(g.closed_at)
                .bind(g.rating)
                .bind(c.verify.taken_secs())
                .bind(c.follow_up.taken_secs())
                .bind(c.resolve.taken_secs())
                .bind(ok(&c.verify))
                .bind(ok(&c.follow_up))
                .bind(ok(&c.resolve))
                .bind(c.verify.due_at())
                .bind(c.follow_up.due_at())
                .bind(c.resolve.due_at())
                .bind(c.contest.due_at())
                .bind(due)
                .bind(now)
                // Public from its verification, as `casework::act` publishes it.
                .bind(
                    g.history
                        .iter()
                        .find(|t| t.status == Status::Verified)
                        .map(|t| t.at),
                );
        }
        q.execute(&db.pool).await?;
        done += rows;
        if done % 100_000 == 0 {
            eprintln!("  {done} reports, {:.0} s", started.elapsed().as_secs_f64());
        }
    }
    println!(
        "filled {n} reports in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    app::figures::rebuild_rollups(db).await?;
    sqlx::query("analyze").execute(&db.pool).await?;
    println!(
        "built the figures' sums from scratch in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let cells: i64 = sqlx::query_scalar("select count(*) from figure_cells")
        .fetch_one(&db.pool)
        .await?;
    let durations: i64 = sqlx::query_scalar("select count(*) from figure_durations")
        .fetch_one(&db.pool)
        .await?;
    println!("sum rows: {cells} cells, {durations} duration counts");
    Ok(())
}

fn stats(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "min {:>7.1} ms  median {:>7.1} ms  max {:>7.1} ms",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "sqlite:///tmp/lapor-figures-bench.db".into());
    let n: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(5);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .try_init();
    let now = app::db::now();
    // FIGURES_BENCH_REUSE=1 times the queries on the database a previous run filled.
    let reuse = std::env::var_os("FIGURES_BENCH_REUSE").is_some();
    let mut db = if reuse {
        Db::connect(&url).await?
    } else {
        fresh(&url).await?
    };
    db.time_zone = TimeZone::Wita;
    let db = app::change::Store::new(db, &url);
    if !reuse {
        app::demo::ensure_default_categories(&db).await?;
        app::demo::load(&db, "bench-secret", now, &db.time_zone.date_at(now)).await?;
        fill(&db, n, now).await?;
    }

    let this = app::figures::month_of(&db, now);
    let year_ago = app::figures::period(&Default::default(), this).0;
    let three_years = ((this.0 - 3, this.1), this);
    let org = |code: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select id from organizations where code = $1")
                .bind(code)
                .fetch_one(&db.pool)
                .await
        }
    };
    let kalsel = org("kalsel").await?;
    let banjarmasin = org("banjarmasin").await?;
    let pupr: i64 = sqlx::query_scalar(
        "select id from organizations where parent_id = $1 and kind = 'opd' order by id limit 1",
    )
    .bind(banjarmasin)
    .fetch_one(&db.pool)
    .await?;
    type Case = (&'static str, Option<i64>, (i32, u8), (i32, u8));
    let cases: Vec<Case> = vec![
        ("country, this month", None, this, this),
        ("country, last 12 months", None, year_ago, this),
        ("country, 3 years", None, three_years.0, three_years.1),
        (
            "province, 3 years",
            Some(kalsel),
            three_years.0,
            three_years.1,
        ),
        ("city, 12 months", Some(banjarmasin), year_ago, this),
        ("city, this month", Some(banjarmasin), this, this),
        ("OPD, 3 years", Some(pupr), three_years.0, three_years.1),
    ];
    println!("engine: {:?}, {n} reports, {runs} runs each", db.engine);
    for (name, org, from, to) in cases {
        let mut times = Vec::new();
        let mut received = 0;
        for _ in 0..runs {
            let t = Instant::now();
            received = figures(&db, org, from, to, now).await?.received;
            times.push(t.elapsed());
        }
        println!(
            "figures  {name:<26} {received:>8} reports  {}",
            stats(times)
        );
    }
    for (name, from, to) in [
        ("12 months", year_ago, this),
        ("3 years", three_years.0, three_years.1),
    ] {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            ranking(&db, from, to, now).await?;
            times.push(t.elapsed());
        }
        println!("ranking  {name:<26} {:>17}  {}", "", stats(times));
    }
    let state = AppState {
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("lapor")
            .build(),
        db: db.clone(),
        config: Arc::new(Config {
            server_secret: "bench-secret".into(),
            time_zone: TimeZone::Wita,
            secure_cookies: false,
            channels: app::state::Channels::default(),
        }),
        shutdown: Default::default(),
    };
    let router = server::router(state);

    // What keeping the sums costs a write: filing and verifying reports through the app's own
    // functions, with the database full.
    let coordinator_id: i64 = sqlx::query_scalar(
        "select id from accounts where email = 'induk.banjarmasin@demo.lapor.id'",
    )
    .fetch_one(&db.pool)
    .await?;
    let coordinator = app::staff::load(&db, coordinator_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo coordinator"))?;
    let (mut filing, mut verifying) = (Vec::new(), Vec::new());
    for i in 0..100 {
        let input = app::reports::ReportInput {
            submission_key: app::secrets::new_submission_key(),
            kind: "pengaduan".into(),
            title: format!("Laporan uji tulis nomor {i}"),
            body: "Isi laporan untuk mengukur biaya menulis dengan basis data penuh.".into(),
            category_id: "1".into(),
            target_org_id: banjarmasin.to_string(),
            anonymous: Some("on".into()),
            ..Default::default()
        };
        let t = Instant::now();
        let filed = app::reports::file_report(
            &db,
            "bench-secret",
            &input,
            None,
            now,
            &db.time_zone.date_at(now),
        )
        .await?;
        filing.push(t.elapsed());
        let t = Instant::now();
        app::casework::act(
            &db,
            &coordinator,
            &filed.tracking_id,
            &app::casework::ActInput {
                action: "verify".into(),
                ..Default::default()
            },
            now,
        )
        .await?;
        verifying.push(t.elapsed());
    }
    println!(
        "write    file a report (clocks + sums)        {}",
        stats(filing)
    );
    println!(
        "write    verify a report (clocks + sums)      {}",
        stats(verifying)
    );
    let month = app::figures::month_code;
    let q12 = format!("dari={}&sampai={}", month(year_ago), month(this));
    let q1 = format!("dari={}&sampai={}", month(this), month(this));
    for path in [
        format!("/statistik?{q12}"),
        format!("/statistik?instansi={banjarmasin}&{q12}"),
        format!("/statistik/peringkat?{q12}"),
        format!("/statistik/unduh.csv?{q12}"),
        format!("/statistik/unduh.json?{q12}"),
        format!("/data/laporan.csv?{q1}"),
        format!("/data/laporan.json?{q1}"),
        format!("/data/laporan.csv?{q12}"),
    ] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let res = router
                .clone()
                .oneshot(Request::get(&path).body(Body::empty())?)
                .await?;
            let status = res.status();
            let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
            times.push(t.elapsed());
            anyhow::ensure!(status.is_success(), "{path}: {status}");
            bytes = body.len();
        }
        println!("GET {path:<58} {bytes:>9} B  {}", stats(times));
    }
    Ok(())
}
