//! Backlog import benchmark (not a test): a CSV of `rows` reports (10,000 by default) from a
//! coordinator of a demo city, on a fresh database (SQLite, or the PostgreSQL server given),
//! through the same functions the pages call: upload (read and check every row), preview,
//! import (every row filed through the unit of work), and a second import of the same file.
//! Prints each step's time and the process's peak memory. `.ci/import_bench` runs it:
//!
//! ```sh
//! cargo run --release -p server --example import_bench -- 10000 [postgres://…]
//! ```

use app::change::Store;
use app::intake::import;
use std::time::Instant;

const SECRET: &str = "bench-secret";

/// The process's peak resident memory (`VmHWM`), in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn backlog(rows: usize) -> String {
    let mut text = String::from(
        "diterima_pada;jenis;judul;isi;kategori;lokasi;tanggal_kejadian;instansi;anonim;nama;telepon\n",
    );
    for i in 0..rows {
        text.push_str(&format!(
            "{:02}/{:02}/2026 {:02}:{:02};pengaduan;Aduan tertunda nomor {i} dari loket;\
             Laporan nomor {i} ditampung manual saat sistem tidak dapat dipakai: jalan rusak \
             dan saluran tersumbat di RT {};Infrastruktur;Kelurahan {};{:02}/10/2026;;{};Warga {i};0812{:08}\n",
            1 + i % 28,
            1 + (i / 28) % 10,
            7 + i % 9,
            i % 60,
            i % 40,
            i % 12,
            1 + i % 28,
            if i % 5 == 0 { "ya" } else { "tidak" },
            i,
        ));
    }
    text
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let rows: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(10_000);
    let url = match args.get(2) {
        Some(server) => {
            let name = format!("lapor_import_bench_{}", std::process::id());
            sqlx::any::install_default_drivers();
            let admin = sqlx::AnyPool::connect(&format!("{server}/postgres")).await?;
            sqlx::query(&format!("create database {name}"))
                .execute(&admin)
                .await?;
            format!("{server}/{name}")
        }
        None => {
            let path = "/tmp/lapor-import-bench.db";
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            format!("sqlite://{path}")
        }
    };
    let store = Store::connect(&url).await?;
    let now = app::db::now();
    let today = store.time_zone.date_at(now);
    app::demo::ensure_default_categories(&store).await?;
    app::demo::load(&store, SECRET, now, &today).await?;
    let city: i64 = sqlx::query_scalar("select id from organizations where code = 'banjarmasin'")
        .fetch_one(&store.pool)
        .await?;
    let id = app::admin::create_staff(
        &store,
        &app::admin::StaffInput {
            email: "impor@bench.id".into(),
            name: "Bench Induk".into(),
            role: "admin_instansi".into(),
            org_id: city.to_string(),
            password: "kata-sandi-bench-1".into(),
        },
        now,
    )
    .await?;
    let coordinator = app::staff::load(&store, id).await?.expect("staff");
    let file = backlog(rows);
    println!(
        "engine {:?}, {rows} rows, file {:.1} MB, peak memory before {:.0} MB",
        store.engine,
        file.len() as f64 / 1e6,
        peak_mb()
    );

    let t = Instant::now();
    let first = import::upload(&store, &coordinator, "tertunda.csv", file.as_bytes(), now).await?;
    println!(
        "upload (read and check every row): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let preview = import::view(
        &store,
        SECRET,
        &coordinator,
        first,
        now,
        app::i18n::Locale::Id,
    )
    .await?;
    println!(
        "preview: {:.2} s ({} valid, {} with problems)",
        t.elapsed().as_secs_f64(),
        preview.rows_valid,
        preview.problems.len()
    );
    let t = Instant::now();
    import::start(&store, &coordinator, first, now).await?;
    let created = import::run(&store, SECRET, first, now).await?;
    let took = t.elapsed().as_secs_f64();
    println!(
        "import: {created} reports in {took:.1} s ({:.0} rows/s), peak memory {:.0} MB",
        created as f64 / took,
        peak_mb()
    );
    let t = Instant::now();
    let second = import::upload(&store, &coordinator, "tertunda.csv", file.as_bytes(), now).await?;
    import::start(&store, &coordinator, second, now).await?;
    let again = import::run(&store, SECRET, second, now).await?;
    println!(
        "same file again: {again} new reports in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let reports: i64 = sqlx::query_scalar("select count(*) from reports where channel = 'import'")
        .fetch_one(&store.pool)
        .await?;
    println!(
        "imported reports in the database: {reports}; peak memory {:.0} MB",
        peak_mb()
    );
    Ok(())
}
