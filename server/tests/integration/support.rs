//! Databases and fixtures for the integration tests.

use app::change::Store;
use app::db::Db;
use app::orgs::{OrgKind, create_org};
use app::reports::ReportInput;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The secret the tests derive access codes with.
pub const SECRET: &str = "test-server-secret";
/// A fixed "now": Monday 23 November 2026, 09.00 WITA.
pub const NOW: i64 = 1_795_395_600;
pub const TODAY: &str = "2026-11-23";

/// A database for one test, removed again by [`TestDb::finish`].
pub struct TestDb {
    pub db: Store,
    /// The database's URL, for a second connection ("another server").
    pub url: String,
    blank: Blank,
}

impl TestDb {
    pub async fn finish(self) {
        self.db.pool.close().await;
        self.blank.finish().await;
    }

    /// Today's schema and the fixtures, on an empty database.
    async fn on(blank: Blank) -> TestDb {
        let db = Store::connect(&blank.url).await.expect("connect");
        seed(&db).await;
        TestDb {
            db,
            url: blank.url.clone(),
            blank,
        }
    }
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A fresh SQLite file in the temp directory.
pub async fn sqlite() -> TestDb {
    TestDb::on(blank_sqlite()).await
}

/// A fresh PostgreSQL database, if a server is configured.
pub async fn postgres() -> Option<TestDb> {
    Some(TestDb::on(blank_postgres().await?).await)
}

/// An empty database (no migrations applied), for tests of the schema itself.
pub struct Blank {
    pub url: String,
    pub engine: app::db::Engine,
    cleanup: Option<(String, String)>,
    path: Option<std::path::PathBuf>,
}

impl Blank {
    pub async fn finish(self) {
        if let Some((admin_url, name)) = self.cleanup {
            let admin = Db::connect_unmigrated(&admin_url)
                .await
                .expect("admin connection");
            sqlx::query(&format!("drop database if exists {name} with (force)"))
                .execute(&admin)
                .await
                .expect("drop test database");
            admin.close().await;
        }
        if let Some(path) = self.path {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

fn blank_sqlite() -> Blank {
    // Internal errors are only logged: show the log of a failing test.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("warn")
        .try_init();
    let path = std::env::temp_dir().join(format!("{}.db", unique("lapor_test")));
    Blank {
        url: format!("sqlite://{}?mode=rwc", path.display()),
        engine: app::db::Engine::Sqlite,
        cleanup: None,
        path: Some(path),
    }
}

/// An empty PostgreSQL database, if a server is configured (in CI it must be).
async fn blank_postgres() -> Option<Blank> {
    let base = match std::env::var("LAPOR_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set LAPOR_TEST_POSTGRES: the suite runs on both engines"
            );
            return None;
        }
    };
    let base = base.trim_end_matches('/').to_owned();
    let name = unique("lapor_test");
    let admin_url = format!("{base}/postgres");
    let admin = Db::connect_unmigrated(&admin_url)
        .await
        .expect("postgres admin connection");
    sqlx::query(&format!("create database {name}"))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    Some(Blank {
        url: format!("{base}/{name}"),
        engine: app::db::Engine::Postgres,
        cleanup: Some((admin_url, name)),
        path: None,
    })
}

/// One empty database of every engine this run tests.
pub async fn blank_databases() -> Vec<Blank> {
    let mut all = vec![blank_sqlite()];
    all.extend(blank_postgres().await);
    all
}

/// Every engine this run tests.
pub async fn engines() -> Vec<TestDb> {
    let mut all = vec![sqlite().await];
    all.extend(postgres().await);
    all
}

/// Ids of the fixture organisations.
pub struct Orgs {
    pub kalsel: i64,
    pub banjarmasin: i64,
    pub pupr: i64,
    pub dinkes: i64,
    pub samarinda: i64,
    pub samarinda_pupr: i64,
}

async fn seed(db: &Store) {
    app::demo::ensure_default_categories(db)
        .await
        .expect("categories");
    let national = create_org(db, None, OrgKind::National, "id", "Nasional")
        .await
        .expect("org");
    let kalsel = create_org(
        db,
        Some(national),
        OrgKind::Province,
        "kalsel",
        "Provinsi Kalimantan Selatan",
    )
    .await
    .expect("org");
    let bjm = create_org(
        db,
        Some(kalsel),
        OrgKind::City,
        "banjarmasin",
        "Kota Banjarmasin",
    )
    .await
    .expect("org");
    create_org(db, Some(bjm), OrgKind::Opd, "bjm-pupr", "Dinas PUPR")
        .await
        .expect("org");
    create_org(db, Some(bjm), OrgKind::Opd, "bjm-dinkes", "Dinas Kesehatan")
        .await
        .expect("org");
    let kaltim = create_org(
        db,
        Some(national),
        OrgKind::Province,
        "kaltim",
        "Provinsi Kalimantan Timur",
    )
    .await
    .expect("org");
    let samarinda = create_org(
        db,
        Some(kaltim),
        OrgKind::City,
        "samarinda",
        "Kota Samarinda",
    )
    .await
    .expect("org");
    create_org(db, Some(samarinda), OrgKind::Opd, "smd-pupr", "Dinas PUPR")
        .await
        .expect("org");
}

pub async fn orgs(db: &Store) -> Orgs {
    let id = |code: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select id from organizations where code = $1")
                .bind(code)
                .fetch_one(&db.pool)
                .await
                .expect("fixture org")
        }
    };
    Orgs {
        kalsel: id("kalsel").await,
        banjarmasin: id("banjarmasin").await,
        pupr: id("bjm-pupr").await,
        dinkes: id("bjm-dinkes").await,
        samarinda: id("samarinda").await,
        samarinda_pupr: id("smd-pupr").await,
    }
}

/// A valid, named, public report form with a fresh submission key.
pub fn report(title: &str) -> ReportInput {
    ReportInput {
        submission_key: app::secrets::new_submission_key(),
        kind: "pengaduan".into(),
        title: title.into(),
        body: "Sudah tiga minggu jalan ini berlubang dan membahayakan pengendara motor pada malam hari.".into(),
        category_id: "3".into(),
        incident_date: "2026-11-20".into(),
        location: "Jl. Ahmad Yani km 5".into(),
        place: String::new(),
        target_org_id: String::new(),
        anonymous: None,
        confidential: None,
        name: "Siti Rahmah".into(),
        email: "siti.rahmah@example.id".into(),
        phone: "0812 3456 7890".into(),
        notify_email: String::new(),
        mirip: String::new(),
        attachments: String::new(),
        latitude: String::new(),
        longitude: String::new(),
    }
}

pub async fn count(db: &Store, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&db.pool)
        .await
        .expect("count")
}

/// The claim of a reporter who holds the access code of `filed`.
pub fn by_code(filed: &app::reports::FiledReport) -> app::reports::Claim<'_> {
    app::reports::Claim {
        code: Some(&filed.access_code),
        account_id: None,
    }
}

/// An official of `role` in organisation `org`, stored without a usable password (for tests
/// that call the plain functions; HTTP tests create accounts with [`official_with_password`]).
pub async fn official(
    db: &Store,
    role: app::lifecycle::Role,
    org: Option<i64>,
) -> app::staff::Staff {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let id: i64 = sqlx::query_scalar(
        "insert into accounts (email, password_hash, name, role, org_id, created_at) \
         values ($1, 'x', $2, $3, $4, $5) returning id",
    )
    .bind(format!("petugas{n}@example.id"))
    .bind(format!("Petugas {n}"))
    .bind(role.code())
    .bind(org)
    .bind(NOW)
    .fetch_one(&db.pool)
    .await
    .expect("official");
    app::staff::load(db, id)
        .await
        .expect("load")
        .expect("is staff")
}

pub const STAFF_PASSWORD: &str = "kata-sandi-petugas-2026";

/// An official who can sign in with `email` and [`STAFF_PASSWORD`].
pub async fn official_with_password(
    db: &Store,
    email: &str,
    role: app::lifecycle::Role,
    org: Option<i64>,
) -> i64 {
    app::admin::create_staff(
        db,
        &app::admin::StaffInput {
            email: email.into(),
            name: format!("Petugas {email}"),
            role: role.code().into(),
            org_id: org.map(|o| o.to_string()).unwrap_or_default(),
            password: STAFF_PASSWORD.into(),
        },
        NOW,
    )
    .await
    .expect("staff account")
}

/// The national organisation's id.
pub async fn national(db: &Store) -> i64 {
    sqlx::query_scalar("select id from organizations where code = 'id'")
        .fetch_one(&db.pool)
        .await
        .expect("national")
}

/// An action form with just the action and the given fields.
pub fn action(code: &str) -> app::casework::ActInput {
    app::casework::ActInput {
        action: code.into(),
        ..Default::default()
    }
}

/// The coordinator verifies report `tracking_id` at `at` and forwards it to `opd` a second
/// later, through the real actions.
pub async fn verify_and_forward(
    db: &Store,
    coordinator: &app::staff::Staff,
    tracking_id: &str,
    opd: i64,
    at: i64,
) {
    app::casework::act(db, coordinator, tracking_id, &action("verify"), at)
        .await
        .expect("verified");
    let dispose = app::casework::ActInput {
        opd_id: opd.to_string(),
        ..action("dispose")
    };
    app::casework::act(db, coordinator, tracking_id, &dispose, at + 1)
        .await
        .expect("forwarded");
}

/// Verifies a report through the real action (a national admin, whose scope is everything),
/// which publishes it: before that the public never sees it.
pub async fn publish(db: &Store, tracking_id: &str, at: i64) {
    let national = national(db).await;
    let admin = official(db, app::lifecycle::Role::NationalAdmin, Some(national)).await;
    app::casework::act(db, &admin, tracking_id, &action("verify"), at)
        .await
        .expect("verified, so published");
}

/// Queues a text with its words written already (an SMS answer) to `number`, due at `at`.
pub async fn queue_text(db: &Store, number: &str, body: &str, at: i64) {
    let mut conn = db.pool.acquire().await.expect("connection");
    app::notify::queue_message(
        &mut conn,
        &app::notify::Message {
            via: app::notify::Via::Sms,
            address: number,
            locale: app::i18n::Locale::Id,
            purpose: app::notify::Purpose::SmsAnswer,
            subject: "",
            body,
            dedupe_key: None,
        },
        at,
    )
    .await
    .expect("queued");
}
