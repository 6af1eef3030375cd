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

/// How long a report's events wait for more before they are notified as one, by default: an
/// official's reply and the status change it caused arrive as one email.
pub const GATHER_SECS: i64 = 120;

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
    /// The deployment's time zone: where working days begin and end.
    pub time_zone: crate::i18n::TimeZone,
    /// How long a report's events wait for more before they are notified as one (see the
    /// `notify` module; [`GATHER_SECS`] unless configured).
    pub gather_secs: i64,
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
        let db = Db {
            pool,
            engine,
            time_zone: crate::i18n::TimeZone::default(),
            gather_secs: GATHER_SECS,
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
        repair_superseded(&self.pool, self.engine).await?;
        migrator(self.engine)
            .run(&self.pool)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
    }
}

/// The migrations of `engine`, as compiled into this binary.
pub fn migrator(engine: Engine) -> &'static Migrator {
    match engine {
        Engine::Sqlite => &SQLITE_MIGRATIONS,
        Engine::Postgres => &POSTGRES_MIGRATIONS,
    }
}

impl Engine {
    /// The engine's name in `migrations/checksums.txt` and its folder under `migrations/`.
    pub fn code(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// The committed record of the migrations that landed up to 0007, and of superseded forms
/// (`migrations/checksums.txt`, never edited again). Each later migration is recorded in a
/// file of its own, `migrations/landed/NNNN.txt`, in the same format; only the guard test
/// reads those, as start-up needs only the superseded lines.
pub const LANDED_CHECKSUMS: &str = include_str!("../../migrations/checksums.txt");

/// One line of [`LANDED_CHECKSUMS`]: engine, version, SHA-384 in hex, and whether it is a
/// superseded form of that migration (a file that was once applied but edited afterwards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LandedChecksum {
    pub engine: String,
    pub version: i64,
    pub sha384: String,
    pub superseded: bool,
}

/// Parses [`LANDED_CHECKSUMS`].
pub fn landed_checksums() -> Vec<LandedChecksum> {
    parse_checksums(LANDED_CHECKSUMS)
}

/// Parses a record of landed migrations (comment lines start with `#`).
pub fn parse_checksums(text: &str) -> Vec<LandedChecksum> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|line| {
            let mut words: Vec<&str> = line.split_whitespace().collect();
            let superseded = words.first() == Some(&"superseded");
            if superseded {
                words.remove(0);
            }
            let [engine, version, sha384] = words[..] else {
                return None;
            };
            Some(LandedChecksum {
                engine: engine.to_owned(),
                version: version.parse().ok()?,
                sha384: sha384.to_owned(),
                superseded,
            })
        })
        .collect()
}

/// A database whose record of a migration carries a superseded checksum (the migration was
/// edited after it had landed, and this database was made from the edit) is brought back to
/// the file's checksum, so that sqlx's check at start accepts it; a later migration makes
/// whatever the edit had changed. Without this such a database would refuse to start.
async fn repair_superseded(pool: &AnyPool, engine: Engine) -> Result<(), sqlx::Error> {
    let exists_sql = match engine {
        Engine::Sqlite => {
            "select count(*) from sqlite_master where type = 'table' and name = '_sqlx_migrations'"
        }
        Engine::Postgres => {
            "select count(*) from information_schema.tables \
             where table_schema = current_schema() and table_name = '_sqlx_migrations'"
        }
    };
    let exists: i64 = sqlx::query_scalar(exists_sql).fetch_one(pool).await?;
    if exists == 0 {
        return Ok(());
    }
    for old in landed_checksums()
        .into_iter()
        .filter(|c| c.superseded && c.engine == engine.code())
    {
        let Some(current) = migrator(engine).iter().find(|m| m.version == old.version) else {
            continue;
        };
        let Ok(old_bytes) = hex::decode(&old.sha384) else {
            continue;
        };
        let done = sqlx::query(
            "update _sqlx_migrations set checksum = $1 where version = $2 and checksum = $3",
        )
        .bind(current.checksum.to_vec())
        .bind(old.version)
        .bind(old_bytes)
        .execute(pool)
        .await?;
        if done.rows_affected() > 0 {
            tracing::warn!(
                version = old.version,
                "migration record carried an edited checksum; brought back to the landed file"
            );
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of landed migrations: `migrations/checksums.txt` and each file of
    /// `migrations/landed/`.
    fn ledger() -> Vec<LandedChecksum> {
        let mut all = landed_checksums();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/landed");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("migrations/landed")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        for file in files {
            all.extend(parse_checksums(
                &std::fs::read_to_string(&file).expect("a ledger file"),
            ));
        }
        all
    }

    /// The guard against editing a migration after it has landed: every migration compiled
    /// into the binary must be listed with its file's checksum, in `migrations/checksums.txt`
    /// (up to 0007) or in its own `migrations/landed/NNNN.txt` (0007 stands in both).
    #[test]
    fn landed_migrations_are_unchanged() {
        let landed = ledger();
        for engine in [Engine::Sqlite, Engine::Postgres] {
            for m in migrator(engine).iter() {
                let listed = landed
                    .iter()
                    .find(|c| !c.superseded && c.engine == engine.code() && c.version == m.version)
                    .unwrap_or_else(|| {
                        panic!(
                            "{} migration {} is not recorded: add migrations/landed/{:04}.txt",
                            engine.code(),
                            m.version,
                            m.version
                        )
                    });
                assert_eq!(
                    hex::encode(&m.checksum),
                    listed.sha384,
                    "{} migration {} ({}) changed after it landed: add a new migration instead",
                    engine.code(),
                    m.version,
                    m.description
                );
            }
            let compiled = migrator(engine).iter().count();
            // A migration may be recorded in both places (0007: checksums.txt as it landed,
            // and its own file); it counts once.
            let listed = landed
                .iter()
                .filter(|c| !c.superseded && c.engine == engine.code())
                .map(|c| c.version)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            assert_eq!(
                compiled,
                listed,
                "a listed {} migration is missing from migrations/",
                engine.code()
            );
        }
    }
}
