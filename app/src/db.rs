//! One database handle for two engines.
//!
//! SQLite is the embedded default: one file, nothing to install, fine for a regency. PostgreSQL
//! is chosen with `DATABASE_URL=postgres://…` when a deployment outgrows one machine. Both are
//! reached through sqlx's `Any` driver so that business logic is written once: queries use
//! `$1`-style parameters (which sqlx's SQLite driver understands too), timestamps are Unix
//! seconds in `bigint` columns and dates are `YYYY-MM-DD` text, types both engines share. Each
//! engine keeps its own migrations folder because their DDL differs.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Which engine a [`Db`] talks to; queries are shared, the few differences are asked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The database: a connection pool and the engine behind it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
    /// Live updates of this database's events, for the streams open on this server.
    pub hub: crate::live::Hub,
    /// The deployment's time zone: where working days begin and end.
    pub time_zone: crate::i18n::TimeZone,
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`), creating an SQLite file when
    /// missing, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let engine = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Engine::Postgres
        } else if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres:".into(),
            ));
        };
        let pool = match engine {
            Engine::Sqlite => {
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers work while one writer writes; foreign keys and
                            // the busy timeout are per connection in SQLite.
                            conn.execute(
                                "pragma journal_mode = wal; pragma foreign_keys = on; \
                                 pragma busy_timeout = 5000; pragma synchronous = normal;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Engine::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?
            }
        };
        let hub = crate::live::Hub::new((engine == Engine::Postgres).then(|| url.to_owned()));
        let db = Db {
            pool,
            engine,
            hub,
            time_zone: crate::i18n::TimeZone::default(),
        };
        db.migrate().await?;
        Ok(db)
    }

    /// A single plain connection pool without migrations, for administrative statements such
    /// as creating a database.
    pub async fn connect_unmigrated(url: &str) -> Result<AnyPool, sqlx::Error> {
        install_default_drivers();
        AnyPoolOptions::new().max_connections(1).connect(url).await
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
    }
}

/// The server secret (see [`crate::secrets::access_code`]): created on first start and kept
/// in the database, so that every server sharing the database derives the same codes.
pub async fn server_secret(db: &Db) -> Result<String, sqlx::Error> {
    sqlx::query("insert into settings (key, value) values ('server_secret', $1) on conflict (key) do nothing")
        .bind(crate::secrets::new_server_secret())
        .execute(&db.pool)
        .await?;
    sqlx::query_scalar("select value from settings where key = 'server_secret'")
        .fetch_one(&db.pool)
        .await
}

/// Whether `error` is a unique-constraint violation, which callers turn into a domain answer.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

static CLOCK_OFFSET: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Now, as Unix seconds. Domain functions take the time as an argument so that tests can
/// move the clock; only the outermost layer calls this.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
        + CLOCK_OFFSET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Moves this process's clock `secs` ahead. Only reachable from the browser tests' clock
/// route, which a server has only when started with `--test-clock`.
pub fn advance_clock(secs: i64) -> i64 {
    CLOCK_OFFSET.fetch_add(secs, std::sync::atomic::Ordering::Relaxed) + secs
}
