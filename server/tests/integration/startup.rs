//! Starting the server: what a production start creates, and what `--demo` adds, once.

use super::support::{TODAY, count};
use app::i18n::TimeZone;
use leptos::prelude::LeptosOptions;
use server::{Settings, build_state};

#[tokio::test]
async fn a_production_start_creates_no_accounts_and_demo_loads_once() {
    let path = std::env::temp_dir().join(format!("lapor_startup_{}.db", std::process::id()));
    let settings = Settings {
        database_url: format!("sqlite://{}", path.display()),
        time_zone: TimeZone::Wita,
        public_url: "https://lapor.example.id".into(),
        files: None,
    };
    let state = build_state(
        &settings,
        LeptosOptions::builder().output_name("lapor").build(),
    )
    .await
    .expect("start");
    assert!(state.config.secure_cookies, "https turns on Secure cookies");
    assert_eq!(count(&state.db, "select count(*) from accounts").await, 0);
    assert_eq!(count(&state.db, "select count(*) from categories").await, 9);
    let secret = state.config.server_secret.clone();
    assert_eq!(secret.len(), 64);

    assert!(
        app::demo::load(&state.db, &secret, super::support::NOW, TODAY)
            .await
            .expect("demo")
    );
    let orgs = count(&state.db, "select count(*) from organizations").await;
    let reports = count(&state.db, "select count(*) from reports").await;
    assert_eq!(
        orgs,
        1 + 2 * 2 + 9 * 8,
        "national, 2 provinces with their Diskominfo, 9 regions with 7 OPDs each"
    );
    assert!(reports > 100, "the demo and a year of history: {reports}");
    // The history went through the real steps: resolved, rated, archived, still open.
    let resolved = count(
        &state.db,
        "select count(*) from reports where status = 'resolved'",
    )
    .await;
    let rated = count(
        &state.db,
        "select count(*) from reports where rating is not null",
    )
    .await;
    let archived = count(
        &state.db,
        "select count(*) from reports where status = 'archived'",
    )
    .await;
    assert!(
        resolved > 30 && rated > 10 && archived > 5,
        "{resolved} {rated} {archived}"
    );
    // Every demo report is in the figures' sums, but a duplicate, whose original counts.
    let duplicates = count(
        &state.db,
        "select count(*) from reports where duplicate_of is not null",
    )
    .await;
    assert!(duplicates > 0, "the demo marks some duplicates");
    assert_eq!(
        count(&state.db, "select count(*) from report_figures").await,
        reports - duplicates,
        "every demo report but a duplicate is in the figures' sums"
    );
    // The demo's governments are the real ones, with their Kemendagri codes, and its reports
    // name their kelurahan; loading the whole country keeps them and makes only the rest.
    assert_eq!(
        count(
            &state.db,
            "select count(*) from organizations where area_code is not null"
        )
        .await,
        2 + 9
    );
    assert!(
        count(
            &state.db,
            "select count(*) from reports where place_code like '63.71.%'"
        )
        .await
            > 0
    );
    let loaded = app::wilayah::load_country(&state.db, true)
        .await
        .expect("country");
    assert_eq!(
        loaded,
        app::wilayah::LoadSummary {
            provinces_created: 36,
            provinces_matched: 2,
            regions_created: 505,
            regions_matched: 9,
        }
    );
    assert_eq!(
        count(&state.db, "select count(*) from organizations").await,
        orgs + 36 + 505
    );
    state.db.pool.close().await;

    // A second start keeps the data, the secret and does not load the demo again.
    let again = build_state(
        &settings,
        LeptosOptions::builder().output_name("lapor").build(),
    )
    .await
    .expect("restart");
    assert_eq!(again.config.server_secret, secret);
    assert!(
        !app::demo::load(&again.db, &secret, super::support::NOW, TODAY)
            .await
            .expect("demo again")
    );
    assert_eq!(
        count(&again.db, "select count(*) from reports").await,
        reports
    );
    assert_eq!(
        count(&again.db, "select count(*) from accounts").await,
        1 + app::demo::DEMO_STAFF.len() as i64,
        "the demo citizen and the demo officials, once"
    );
    again.db.pool.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn the_first_admin_is_made_with_the_create_admin_command() {
    let path = std::env::temp_dir().join(format!("lapor_cli_{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let run = |email: &str, password: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_lapor"))
            .args([
                "--database-url",
                &url,
                "create-admin",
                "--email",
                email,
                "--name",
                "Admin Pertama",
            ])
            .env("LAPOR_ADMIN_PASSWORD", password)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run lapor")
    };
    let ok = run("admin@pemda.example.id", "kata-sandi-yang-panjang");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("created system admin"));
    let short = run("kedua@pemda.example.id", "pendek");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password"));
    let taken = run("admin@pemda.example.id", "kata-sandi-yang-panjang");
    assert!(!taken.status.success(), "an email is used once");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let db = app::db::Db::connect(&url).await.expect("db");
        let role: String = sqlx::query_scalar("select role from accounts")
            .fetch_one(&db.pool)
            .await
            .expect("one account");
        assert_eq!(role, "admin_sistem");
        db.pool.close().await;
    });
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
