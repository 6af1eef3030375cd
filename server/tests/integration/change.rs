//! The one unit of work: a change stores and announces everything or nothing, and filing
//! keeps the channel and the moment the citizen really complained.

use super::support::{NOW, SECRET, TODAY, by_code, count, engines, report};
use app::reports::{Channel, Intake, file, find_report_at};
use app::threads::{EventKind, NewEvent};

const DAY: i64 = 86_400;

#[tokio::test]
async fn a_change_dropped_before_commit_stores_and_announces_nothing() {
    for t in engines().await {
        let db = &t.db;
        let filed = app::reports::file_report(
            db,
            SECRET,
            &report("Jalan licin berlumut"),
            None,
            NOW,
            TODAY,
        )
        .await
        .expect("filed");
        let id: i64 = sqlx::query_scalar("select id from reports where tracking_id = $1")
            .bind(&filed.tracking_id)
            .fetch_one(&db.pool)
            .await
            .expect("id");
        let mut heard = db.hub.subscribe(db).await;
        let events = count(db, "select count(*) from report_events").await;
        {
            let mut change = db.change(NOW + 60).await.expect("begin");
            change
                .record(NewEvent {
                    body: "tidak jadi",
                    ..NewEvent::new(id, NOW + 60, EventKind::Message, "pelapor", None)
                })
                .await
                .expect("recorded in the transaction");
            // Dropped here: an error on the way out of a writer looks like this.
        }
        assert_eq!(
            count(db, "select count(*) from report_events").await,
            events
        );
        assert!(heard.try_recv().is_err(), "nothing announced");

        let mut change = db.change(NOW + 120).await.expect("begin");
        let event = change
            .record(NewEvent {
                body: "jadi",
                ..NewEvent::new(id, NOW + 120, EventKind::Message, "pelapor", None)
            })
            .await
            .expect("recorded");
        assert_eq!(change.commit().await.expect("commit"), vec![event]);
        assert_eq!(
            count(db, "select count(*) from report_events").await,
            events + 1
        );
        let clocks_at: i64 = sqlx::query_scalar("select clocks_at from reports where id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .expect("clocks");
        assert_eq!(
            clocks_at,
            NOW + 120,
            "the commit refreshed the report's clocks"
        );
        if db.engine == app::db::Engine::Sqlite {
            // On PostgreSQL the announcement travels through NOTIFY to the listener.
            let facts = heard.recv().await.expect("announced");
            assert_eq!(facts.id, event);
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn filing_keeps_its_channel_and_when_the_citizen_complained() {
    for t in engines().await {
        let db = &t.db;
        // Taken by phone on Monday morning, typed in on Thursday.
        let received = NOW;
        let typed = NOW + 3 * DAY;
        let intake = Intake {
            channel: Channel::Phone,
            received_at: received,
            ..Intake::web(typed)
        };
        let filed = file(
            db,
            SECRET,
            &report("Air PDAM mati tiga hari"),
            None,
            intake,
            typed,
            TODAY,
        )
        .await
        .expect("filed");
        let (channel, received_at, created_at): (String, i64, i64) = sqlx::query_as(
            "select channel, received_at, created_at from reports where tracking_id = $1",
        )
        .bind(&filed.tracking_id)
        .fetch_one(&db.pool)
        .await
        .expect("row");
        assert_eq!(
            (channel.as_str(), received_at, created_at),
            ("phone", received, typed)
        );
        let view = find_report_at(db, &filed.tracking_id, by_code(&filed), typed)
            .await
            .expect("view");
        let verify = view.clocks.expect("clocks").verify;
        assert!(
            verify.due_at().expect("running") <= typed,
            "three working days from Monday have passed by Thursday: {verify:?}"
        );

        let future = Intake {
            channel: Channel::Letter,
            received_at: typed + DAY,
            ..Intake::web(typed)
        };
        let refused = file(
            db,
            SECRET,
            &report("Surat dari masa depan"),
            None,
            future,
            typed,
            TODAY,
        )
        .await;
        assert!(
            matches!(refused, Err(app::error::AppError::Invalid(ref e)) if e.iter().any(|f| f.field == "received_at")),
            "{refused:?}"
        );
        t.finish().await;
    }
}
