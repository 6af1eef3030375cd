//! Upgrades never break: a database made by the oldest schema, with a report in it, is
//! brought to today's schema by a normal start; a database made while migration 0003 was
//! edited (commit 05ca163) starts too. The checksum guard itself is a unit test in `app::db`
//! (`landed_migrations_are_unchanged`).

use super::support::{NOW, blank_databases};
use app::db::{Db, Engine, landed_checksums, migrator};
use app::i18n::TimeZone;
use leptos::prelude::LeptosOptions;
use server::{Settings, build_state};

/// The migrations folder of `engine` holding only its first migration.
fn oldest_only(engine: Engine) -> std::path::PathBuf {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(engine.code());
    let first = std::fs::read_dir(&source)
        .expect("migrations folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .min()
        .expect("a first migration");
    let dir = std::env::temp_dir().join(format!(
        "lapor_oldest_{}_{}",
        engine.code(),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp folder");
    std::fs::copy(&first, dir.join(first.file_name().expect("name"))).expect("copy");
    dir
}

#[tokio::test]
async fn a_database_of_the_oldest_schema_upgrades_to_todays() {
    for blank in blank_databases().await {
        let pool = Db::connect_unmigrated(&blank.url).await.expect("connect");
        let oldest = sqlx::migrate::Migrator::new(oldest_only(blank.engine))
            .await
            .expect("oldest migrator");
        oldest.run(&pool).await.expect("oldest schema");
        // What a citizen filed on the first version of lapor.
        sqlx::query(
            "insert into categories (code, name_id, name_en) values ('jalan', 'Jalan', 'Roads')",
        )
        .execute(&pool)
        .await
        .expect("category");
        sqlx::query(
            "insert into reports (tracking_id, access_hash, kind, title, body, category_id, \
             received_at, created_at, updated_at) \
             values ('LPR-OLD1', 'x', 'pengaduan', 'Jalan berlubang', 'Sudah lama berlubang.', \
             (select id from categories where code = 'jalan'), $1, $1, $1)",
        )
        .bind(NOW)
        .execute(&pool)
        .await
        .expect("old report");
        pool.close().await;

        let settings = Settings {
            database_url: blank.url.clone(),
            time_zone: TimeZone::Wita,
            public_url: "http://127.0.0.1:3000".into(),
            files: None,
        };
        let state = build_state(
            &settings,
            LeptosOptions::builder().output_name("lapor").build(),
        )
        .await
        .expect("a start upgrades the oldest schema");
        let applied: Vec<i64> =
            sqlx::query_scalar("select version from _sqlx_migrations order by version")
                .fetch_all(&state.db.pool)
                .await
                .expect("applied");
        let known: Vec<i64> = migrator(blank.engine).iter().map(|m| m.version).collect();
        assert_eq!(
            applied, known,
            "{:?}: every migration applied",
            blank.engine
        );
        let (status, clocks): (String, Option<i64>) =
            sqlx::query_as("select status, clocks_at from reports where tracking_id = 'LPR-OLD1'")
                .fetch_one(&state.db.pool)
                .await
                .expect("the old report is still there");
        assert_eq!(status, "submitted");
        assert!(clocks.is_some(), "its deadlines were computed at the start");
        let in_sums: i64 = sqlx::query_scalar("select count(*) from report_figures")
            .fetch_one(&state.db.pool)
            .await
            .expect("sums");
        assert_eq!(in_sums, 1, "the old report counts in the figures");
        let index_sql = match blank.engine {
            Engine::Sqlite => "select sql from sqlite_master where name = 'reports_due'",
            Engine::Postgres => "select indexdef from pg_indexes where indexname = 'reports_due'",
        };
        let index: String = sqlx::query_scalar(index_sql)
            .fetch_one(&state.db.pool)
            .await
            .expect("index");
        assert!(
            index.to_lowercase().contains("where"),
            "the partial index of 0005: {index}"
        );
        state.db.pool.close().await;
        blank.finish().await;
    }
}

#[tokio::test]
async fn a_database_made_from_the_edited_0003_still_starts() {
    for blank in blank_databases().await {
        let db = Db::connect(&blank.url).await.expect("today's schema");
        let edited = landed_checksums()
            .into_iter()
            .find(|c| c.superseded && c.engine == blank.engine.code() && c.version == 3)
            .expect("the edited 0003 is listed");
        sqlx::query("update _sqlx_migrations set checksum = $1 where version = 3")
            .bind(hex::decode(&edited.sha384).expect("hex"))
            .execute(&db.pool)
            .await
            .expect("pretend the database was made from the edit");
        // Without the repair, sqlx refuses it: the test below could fail.
        let refused = migrator(blank.engine).run(&db.pool).await;
        assert!(
            refused.is_err(),
            "{:?}: sqlx checks the checksum",
            blank.engine
        );
        db.pool.close().await;

        let again = Db::connect(&blank.url)
            .await
            .expect("a database from the edited 0003 starts");
        let stored: Vec<u8> =
            sqlx::query_scalar("select checksum from _sqlx_migrations where version = 3")
                .fetch_one(&again.pool)
                .await
                .expect("checksum");
        let file = migrator(blank.engine)
            .iter()
            .find(|m| m.version == 3)
            .expect("0003")
            .checksum
            .to_vec();
        assert_eq!(stored, file, "its record is the landed file's again");
        again.pool.close().await;
        blank.finish().await;
    }
}
