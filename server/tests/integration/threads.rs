//! The citizen's side of the thread, on every engine.

use super::support::{NOW, SECRET, TODAY, by_code, engines, report};
use app::error::AppError;
use app::reports::add_citizen_message;
use app::reports::{Claim, file_report, find_report};
use app::threads::{AuthorRole, EventKind, MESSAGE_MAX};

#[tokio::test]
async fn the_reporter_writes_in_the_thread_and_others_cannot() {
    for t in engines().await {
        let db = &t.db;
        let filed = file_report(
            db,
            SECRET,
            &report("Sekolah rusak di Kecamatan Banjarmasin Utara"),
            None,
            NOW,
            TODAY,
        )
        .await
        .expect("filed");
        let code = by_code(&filed);

        add_citizen_message(
            db,
            &filed.tracking_id,
            code,
            "  Foto tambahan sudah saya kirim lewat email.  ",
            NOW + 60,
        )
        .await
        .expect("message");
        let view = find_report(db, &filed.tracking_id, code)
            .await
            .expect("view");
        let last = view.thread.last().expect("entry");
        assert_eq!(
            (last.kind, last.author),
            (EventKind::Message, AuthorRole::Citizen)
        );
        assert_eq!(last.body, "Foto tambahan sudah saya kirim lewat email.");

        let stranger = Claim {
            code: Some("AAAA-BBBB-CCCC"),
            account_id: None,
        };
        assert_eq!(
            add_citizen_message(db, &filed.tracking_id, stranger, "Halo", NOW).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            add_citizen_message(db, &filed.tracking_id, Claim::default(), "Halo", NOW).await,
            Err(AppError::NotFound)
        );
        let empty = add_citizen_message(db, &filed.tracking_id, code, "   ", NOW).await;
        assert!(matches!(empty, Err(AppError::Invalid(ref e)) if e[0].key == "err.required"));
        let long = add_citizen_message(
            db,
            &filed.tracking_id,
            code,
            &"a".repeat(MESSAGE_MAX + 1),
            NOW,
        )
        .await;
        assert!(matches!(long, Err(AppError::Invalid(ref e)) if e[0].key == "err.message_long"));

        // Markup is stored as typed and rendered as text by the page (see the HTTP tests).
        add_citizen_message(db, &filed.tracking_id, code, "<b>penting</b>", NOW + 61)
            .await
            .expect("markup is text");

        sqlx::query("update reports set status = 'archived'")
            .execute(&db.pool)
            .await
            .expect("archive");
        let closed =
            add_citizen_message(db, &filed.tracking_id, code, "Masih ada?", NOW + 120).await;
        assert!(matches!(closed, Err(AppError::Invalid(ref e)) if e[0].key == "err.thread_closed"));
        let view = find_report(db, &filed.tracking_id, code)
            .await
            .expect("view");
        assert_eq!(view.thread.len(), 3, "refused messages leave no trace");
        t.finish().await;
    }
}

#[tokio::test]
async fn internal_notes_never_reach_the_thread_the_citizen_sees() {
    for t in engines().await {
        let db = &t.db;
        let filed = file_report(
            db,
            SECRET,
            &report("Antrian panjang di Disdukcapil"),
            None,
            NOW,
            TODAY,
        )
        .await
        .expect("filed");
        sqlx::query(
            "insert into report_events (report_id, at, kind, author_role, body, internal) \
             select id, $1, 'message', 'admin_instansi', 'catatan internal: pelapor sering mengadu', $2 from reports",
        )
        .bind(NOW + 1)
        .bind(1_i64)
        .execute(&db.pool)
        .await
        .expect("note");
        let own = find_report(db, &filed.tracking_id, by_code(&filed))
            .await
            .expect("view");
        assert!(
            own.thread
                .iter()
                .all(|e| !e.body.contains("catatan internal"))
        );
        t.finish().await;
    }
}
