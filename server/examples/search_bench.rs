//! Search benchmark (not a test): fills a database with reports of varied Indonesian text
//! across the demo organisations, indexes them the way a server does at start
//! (`search::index_missing`, the same function the unit of work calls per change), then times
//! public searches and an official's searches in a city's scope, and prints the numbers and
//! the index's size.
//!
//! ```sh
//! cargo run --release -p server --example search_bench -- sqlite:///tmp/search.db 100000
//! cargo run --release -p server --example search_bench -- postgres://postgres@127.0.0.1/search 100000
//! ```
//! Arguments: database URL (created fresh), number of reports (default 1,000,000), runs per
//! query (default 20), and `keep` to search a database an earlier run filled (as it is).
//!
//! Who searches: the public, the public within one category, Kota Banjarmasin's coordinator
//! (a city's scope, about 1/9 of the reports) and the admin of one of its OPDs (a small scope).

use app::db::{Db, Engine};
use app::reports::ListFilter;
use std::time::Instant;

const DAY: i64 = 86_400;

/// A small deterministic generator (xorshift64*), so that every run builds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
}

const THINGS: &[&str] = &[
    "jalan",
    "jembatan",
    "lampu jalan",
    "drainase",
    "saluran air",
    "tumpukan sampah",
    "puskesmas",
    "sekolah",
    "pasar",
    "trotoar",
    "pipa PDAM",
    "gorong-gorong",
    "taman kota",
    "halte",
    "kantor kelurahan",
    "posyandu",
    "terminal",
    "rumah sakit",
    "dermaga",
    "tiang listrik",
];
const STATES: &[&str] = &[
    "rusak parah",
    "berlubang",
    "mati",
    "tersumbat",
    "menumpuk",
    "roboh",
    "bocor",
    "retak",
    "tergenang",
    "tidak terawat",
    "kotor",
    "ditutup tanpa pemberitahuan",
    "gelap",
    "longsor",
];
const PLACES: &[&str] = &[
    "Sungai Miai",
    "Kuin Utara",
    "Pekauman",
    "Kelayan Selatan",
    "Teluk Dalam",
    "Pasar Lama",
    "Belitung",
    "Sungai Lulut",
    "Pemurus Dalam",
    "Basirih",
    "Antasan Besar",
    "Seberang Mesjid",
];
const SENTENCES: &[&str] = &[
    "Sudah {n} minggu belum ada perbaikan dari dinas terkait.",
    "Warga sudah melapor ke ketua RT tetapi belum diperbaiki.",
    "Kondisi ini membahayakan pengendara motor pada malam hari.",
    "Anak-anak sekolah terpaksa memutar jauh setiap pagi.",
    "Kami mohon petugas segera meninjau lokasi.",
    "Pelayanan di kantor tersebut lambat dan petugasnya sering tidak ada.",
    "Air meluap ke rumah warga setiap kali hujan deras.",
    "Bau sampah tercium sampai ke rumah-rumah di sekitarnya.",
    "Pedagang mengeluhkan pungutan yang tidak jelas dasarnya.",
    "Lampu penerangan sudah padam sejak awal bulan.",
];

fn text(rng: &mut Rng) -> (String, String, String) {
    let (thing, state, place) = (rng.pick(THINGS), rng.pick(STATES), rng.pick(PLACES));
    let title = format!("{} {state} di {place}", capitalised(thing));
    let mut body = format!("{} di {place} {state}.", capitalised(thing));
    for _ in 0..(2 + rng.next() % 4) {
        body.push(' ');
        body.push_str(
            &rng.pick(SENTENCES)
                .replace("{n}", &(2 + rng.next() % 6).to_string()),
        );
    }
    (title, body, format!("Kelurahan {place}"))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn fresh(url: &str) -> anyhow::Result<app::change::Store> {
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
    Ok(app::change::Store::connect(url).await?)
}

const COLUMNS: &str = "tracking_id, access_hash, kind, title, body, category_id, location, \
     target_org_id, anonymous, confidential, channel, status, received_at, created_at, \
     updated_at, status_changed_at, owner_org_id, opd_id, published_at";
const PER_ROW: usize = 19;

async fn fill(db: &Db, n: usize, now: i64) -> anyhow::Result<()> {
    let opds: Vec<(i64, i64)> = sqlx::query_as(
        "select o.id, o.parent_id from organizations o join organizations g \
         on g.id = o.parent_id where o.kind = 'opd' and g.kind in ('regency', 'city')",
    )
    .fetch_all(&db.pool)
    .await?;
    let categories: Vec<i64> = sqlx::query_scalar("select id from categories")
        .fetch_all(&db.pool)
        .await?;
    let mut rng = Rng(0x5EA2_C4B3_2026);
    let mut done = 0;
    while done < n {
        let rows = 500.min(n - done);
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
            let (opd, owner) = opds[(rng.next() % opds.len() as u64) as usize];
            let (title, body, location) = text(&mut rng);
            let at = now - (rng.next() % (3 * 365 * DAY as u64)) as i64;
            let confidential = i64::from(rng.next().is_multiple_of(20));
            q = q
                .bind(format!("S{:08}", done + i))
                .bind("bench")
                .bind("pengaduan")
                .bind(title)
                .bind(body)
                .bind(categories[(rng.next() % categories.len() as u64) as usize])
                .bind(location)
                .bind(opd)
                .bind(0_i64)
                .bind(confidential)
                .bind("web")
                .bind("in_progress")
                .bind(at)
                .bind(at)
                .bind(at)
                .bind(at)
                .bind(owner)
                .bind(opd)
                .bind(at + 3600);
        }
        q.execute(&db.pool).await?;
        done += rows;
    }
    Ok(())
}

/// An official of the organisation `code` (made on the first run, found on the next).
async fn bench_official(
    store: &app::change::Store,
    code: &str,
    role: app::lifecycle::Role,
    now: i64,
) -> anyhow::Result<app::staff::Staff> {
    let email = format!("{code}.bench@lapor.example");
    let known: Option<i64> = sqlx::query_scalar("select id from accounts where email = $1")
        .bind(&email)
        .fetch_optional(&store.pool)
        .await?;
    let id = match known {
        Some(id) => id,
        None => {
            let org: i64 = sqlx::query_scalar("select id from organizations where code = $1")
                .bind(code)
                .fetch_one(&store.pool)
                .await?;
            app::admin::create_staff(
                store,
                &app::admin::StaffInput {
                    email,
                    name: "Bench".into(),
                    role: role.code().into(),
                    org_id: org.to_string(),
                    password: "bench-password-2026".into(),
                },
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    Ok(app::staff::load(store, id).await?.expect("staff"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn index_size(db: &Db) -> anyhow::Result<i64> {
    Ok(match db.engine {
        Engine::Sqlite => {
            sqlx::query_scalar(
                "select coalesce(sum(pgsize), 0) from dbstat where name like 'report_search%'",
            )
            .fetch_one(&db.pool)
            .await?
        }
        Engine::Postgres => {
            sqlx::query_scalar("select pg_total_relation_size('report_search')")
                .fetch_one(&db.pool)
                .await?
        }
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("sqlite:///tmp/search-bench.db");
    let n: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);
    let keep = args.get(4).is_some_and(|a| a == "keep");
    let now = app::db::now();
    let store = if keep {
        app::change::Store::connect(url).await?
    } else {
        let store = fresh(url).await?;
        app::demo::ensure_default_categories(&store).await?;
        app::demo::load(&store, "bench-secret", now, &store.time_zone.date_at(now)).await?;
        let started = Instant::now();
        fill(&store, n, now).await?;
        println!(
            "filled {n} reports in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        store
    };
    let started = Instant::now();
    let indexed = app::search::index_missing(&store).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "indexed {indexed} reports in {secs:.1} s: {:.0} µs a report (what each change of a report adds)",
        secs * 1e6 / indexed.max(1) as f64
    );
    println!(
        "index size: {:.1} MB",
        index_size(&store).await? as f64 / 1e6
    );
    let city = bench_official(
        &store,
        "banjarmasin",
        app::lifecycle::Role::Coordinator,
        now,
    )
    .await?;
    let opd = bench_official(
        &store,
        "banjarmasin-pupr",
        app::lifecycle::Role::OpdAdmin,
        now,
    )
    .await?;
    println!(
        "{:<52} {:>9} {:>9} {:>9}",
        "query", "found", "p50 ms", "p99 ms"
    );
    for q in [
        "jalan",
        "jembatan roboh",
        "perbaikan",
        "pungutan pedagang",
        "wanprestasi",
    ] {
        for who in [
            "public",
            "public, one category",
            "city official",
            "OPD official",
        ] {
            let filter = ListFilter {
                q: q.into(),
                kategori: if who == "public, one category" {
                    "3".into()
                } else {
                    String::new()
                },
                ..Default::default()
            };
            let mut times = Vec::with_capacity(runs);
            let mut found = String::new();
            for _ in 0..runs {
                let t = Instant::now();
                let page = match who {
                    "city official" => app::casework::search_reports(&store, &city, &filter).await,
                    "OPD official" => app::casework::search_reports(&store, &opd, &filter).await,
                    _ => app::reports::list_public(&store, &filter).await,
                }
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                times.push(t.elapsed().as_secs_f64() * 1e3);
                found = format!("{}{}", page.total, if page.capped { "+" } else { "" });
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{:<52} {:>9} {:>9.1} {:>9.1}",
                format!("{who}: {q}"),
                found,
                percentile(&times, 0.5),
                percentile(&times, 0.99)
            );
        }
    }
    Ok(())
}
