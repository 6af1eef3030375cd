//! Deadlines on every engine: clocks stored with each change, overdue reports flagged to the
//! right officials, the citizen's answer after "Selesai", and the scheduled closing.

use super::support::{NOW, SECRET, TODAY, action, by_code, engines, official, orgs, report};
use app::casework::{ActInput, Inbox, act, add_staff_message, inbox, watch};
use app::change::Store;
use app::deadlines::{ClockKind, HolidayInput, backfill, refresh_open, save_holiday};
use app::error::AppError;
use app::lifecycle::Role;
use app::reports::add_citizen_message;
use app::reports::{FiledReport, Status, file_report, find_report, find_report_at};
use app::resolution::{FeedbackInput, close_expired, confirm, contest};
use app::staff::Staff;
use app::threads::EventKind;

const DAY: i64 = 86_400;

async fn file(db: &Store, target: i64) -> FiledReport {
    let mut input = report("Lampu jalan padam di Jl. Pramuka");
    input.target_org_id = target.to_string();
    file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed")
}

fn tracking_ids(inbox: &Inbox, key: &str) -> Vec<String> {
    inbox
        .sections
        .iter()
        .find(|s| s.key == key)
        .map(|s| s.items.iter().map(|i| i.tracking_id.clone()).collect())
        .unwrap_or_default()
}

async fn step(db: &Store, staff: &Staff, id: &str, input: ActInput, at: i64) {
    act(db, staff, id, &input, at).await.expect("action");
}

/// Verified and forwarded to `opd` at `at`.
async fn forward(db: &Store, coordinator: &Staff, id: &str, opd: i64, at: i64) {
    step(db, coordinator, id, action("verify"), at).await;
    let dispose = ActInput {
        opd_id: opd.to_string(),
        ..action("dispose")
    };
    step(db, coordinator, id, dispose, at).await;
}

async fn resolve(db: &Store, opd: &Staff, id: &str, at: i64) {
    let resolve = ActInput {
        message: "Lampu sudah diganti.".into(),
        ..action("resolve")
    };
    step(db, opd, id, resolve, at).await;
}

async fn due_columns(db: &Store, id: &str) -> (Option<i64>, Option<i64>, Option<i64>) {
    sqlx::query_as(
        "select verify_due_at, follow_up_due_at, contest_until from reports where tracking_id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .expect("report")
}

#[tokio::test]
async fn an_untouched_report_turns_overdue_and_reaches_the_national_admin() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let national = official(
            db,
            Role::NationalAdmin,
            Some(super::support::national(db).await),
        )
        .await;
        let filed = file(db, o.pupr).await;
        let id = filed.tracking_id.clone();
        // Monday 09.00 + 3 working days: Thursday 09.00.
        assert_eq!(due_columns(db, &id).await.0, Some(NOW + 3 * DAY));

        let tuesday = inbox(db, &coordinator, app::desk::View::All, NOW + DAY)
            .await
            .expect("inbox");
        assert!(tracking_ids(&tuesday, "staff.overdue").is_empty());
        let item = &tuesday
            .sections
            .iter()
            .find(|s| s.key == "staff.to_verify")
            .expect("section")
            .items[0];
        let d = item.deadline.expect("deadline");
        assert_eq!((d.kind, d.left_secs), (ClockKind::Verify, 2 * DAY));

        let friday = NOW + 4 * DAY;
        let late = inbox(db, &coordinator, app::desk::View::All, friday)
            .await
            .expect("inbox");
        assert_eq!(tracking_ids(&late, "staff.overdue"), [id.as_str()]);
        let item = &late.sections[0].items[0];
        assert!(item.deadline.expect("deadline").overdue());
        let national_box = inbox(db, &national, app::desk::View::All, friday)
            .await
            .expect("inbox");
        assert_eq!(
            tracking_ids(&national_box, "staff.late_verification"),
            [id.as_str()]
        );
        // The citizen's page says so too.
        let view = find_report_at(db, &id, by_code(&filed), friday)
            .await
            .expect("report");
        let clocks = view.clocks.expect("clocks");
        assert!(clocks.verify.is_overdue());
        assert_eq!(clocks.verify.left_secs(), -DAY);

        // Verified late: the clock stops, measured as 4 working days, late.
        step(db, &coordinator, &id, action("verify"), friday).await;
        let (secs, ok): (Option<i64>, Option<i64>) =
            sqlx::query_as("select verify_secs, verify_ok from reports where tracking_id = $1")
                .bind(&id)
                .fetch_one(&db.pool)
                .await
                .expect("row");
        assert_eq!((secs, ok), (Some(4 * DAY), Some(0)));
        let national_box = inbox(db, &national, app::desk::View::All, friday)
            .await
            .expect("inbox");
        assert!(tracking_ids(&national_box, "staff.late_verification").is_empty());
        t.finish().await;
    }
}

#[tokio::test]
async fn a_late_follow_up_is_flagged_to_the_opd_and_its_coordinator_but_not_while_on_hold() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let late = file(db, o.pupr).await.tracking_id;
        let held = file(db, o.pupr).await.tracking_id;
        forward(db, &coordinator, &late, o.pupr, NOW).await;
        forward(db, &coordinator, &held, o.pupr, NOW).await;
        // The OPD asks the citizen of one report for more on Tuesday; no answer for weeks.
        let hold = ActInput {
            message: "Mohon foto lokasinya.".into(),
            ..action("hold")
        };
        step(db, &pupr, &held, hold, NOW + DAY).await;

        // Next Tuesday: 6 working days since disposition.
        let then = NOW + 8 * DAY;
        let opd_box = inbox(db, &pupr, app::desk::View::All, then)
            .await
            .expect("inbox");
        assert_eq!(tracking_ids(&opd_box, "staff.overdue"), [late.as_str()]);
        let coordinator_box = inbox(db, &coordinator, app::desk::View::All, then)
            .await
            .expect("inbox");
        assert_eq!(
            tracking_ids(&coordinator_box, "staff.overdue"),
            [late.as_str()]
        );
        let other = inbox(db, &dinkes, app::desk::View::All, then)
            .await
            .expect("inbox");
        assert!(tracking_ids(&other, "staff.overdue").is_empty());
        let table = watch(db, &coordinator, then).await.expect("watch");
        let row = table
            .rows
            .iter()
            .find(|r| {
                r.opd
                    .as_deref()
                    .is_some_and(|n| n.starts_with("Dinas PUPR"))
            })
            .expect("row");
        assert_eq!(row.overdue, 1);
        // The held report's clock stands still: paused, not overdue.
        let held_item = opd_box
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.tracking_id == held)
            .expect("held");
        assert_eq!(held_item.deadline.map(|d| d.due_at), Some(None));

        // The OPD answers: the follow-up clock stops (late), the report leaves the flag.
        let reply = app::casework::StaffMessageInput {
            terakhir: String::new(),
            kunci: String::new(),
            attachments: String::new(),
            body: "Sedang kami tangani.".into(),
            internal: None,
        };
        add_staff_message(db, &pupr, &late, &reply, then)
            .await
            .expect("reply");
        let opd_box = inbox(db, &pupr, app::desk::View::All, then)
            .await
            .expect("inbox");
        assert!(tracking_ids(&opd_box, "staff.overdue").is_empty());
        let (secs, ok): (Option<i64>, Option<i64>) = sqlx::query_as(
            "select follow_up_secs, follow_up_ok from reports where tracking_id = $1",
        )
        .bind(&late)
        .fetch_one(&db.pool)
        .await
        .expect("row");
        assert_eq!((secs, ok), (Some(6 * DAY), Some(0)));
        t.finish().await;
    }
}

#[tokio::test]
async fn the_citizen_contests_then_confirms_and_rates() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let filed = file(db, o.pupr).await;
        let id = filed.tracking_id.clone();
        forward(db, &coordinator, &id, o.pupr, NOW).await;
        step(db, &pupr, &id, action("start"), NOW).await;
        resolve(db, &pupr, &id, NOW + DAY).await;

        // Nothing to confirm without proof of being the reporter.
        let rate = FeedbackInput {
            rating: "4".into(),
            comment: "Cepat, terima kasih".into(),
            ..Default::default()
        };
        let stranger = app::reports::Claim::default();
        assert_eq!(
            confirm(db, &id, stranger, &rate, NOW + DAY).await,
            Err(AppError::NotFound)
        );
        // A contest needs a reason; a refused form stores nothing.
        let empty = FeedbackInput::default();
        assert!(matches!(
            contest(db, &id, by_code(&filed), &empty, NOW + DAY).await,
            Err(AppError::Invalid(_))
        ));
        let why = FeedbackInput {
            reason: "Lampu masih padam malam ini.".into(),
            ..Default::default()
        };
        contest(db, &id, by_code(&filed), &why, NOW + 2 * DAY)
            .await
            .expect("contest");
        let view = find_report_at(db, &id, by_code(&filed), NOW + 2 * DAY)
            .await
            .expect("report");
        assert_eq!(view.status, Status::InProgress);
        assert!(
            view.thread
                .iter()
                .any(|e| e.body == "Lampu masih padam malam ini.")
        );
        // Same OPD, its inbox has it again; the resolution clock counts on from one day.
        let opd_box = inbox(db, &pupr, app::desk::View::All, NOW + 2 * DAY)
            .await
            .expect("inbox");
        assert_eq!(tracking_ids(&opd_box, "staff.in_progress"), [id.as_str()]);
        assert_eq!(view.clocks.expect("clocks").resolve.used_secs, DAY);

        resolve(db, &pupr, &id, NOW + 3 * DAY).await;
        confirm(db, &id, by_code(&filed), &rate, NOW + 3 * DAY)
            .await
            .expect("confirm");
        let view = find_report(db, &id, by_code(&filed)).await.expect("report");
        assert!(view.closed);
        assert_eq!(view.rating, Some(4));
        assert!(
            view.thread
                .iter()
                .any(|e| e.kind == EventKind::Closed && e.body == "Cepat, terima kasih")
        );
        // Closed for good: no second answer, no more messages.
        assert_eq!(
            contest(db, &id, by_code(&filed), &why, NOW + 3 * DAY).await,
            Err(AppError::Refused(app::error::Refusal::WrongStatus))
        );
        assert!(
            add_citizen_message(db, &id, by_code(&filed), "Halo?", NOW + 3 * DAY)
                .await
                .is_err()
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_silent_contest_window_closes_the_report_once_whichever_server_runs_the_job() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let filed = file(db, o.pupr).await;
        let id = filed.tracking_id.clone();
        forward(db, &coordinator, &id, o.pupr, NOW).await;
        step(db, &pupr, &id, action("start"), NOW).await;
        resolve(db, &pupr, &id, NOW).await;
        // Monday 09.00 + 10 working days: Monday two weeks later, 09.00.
        let until = due_columns(db, &id).await.2.expect("contest window");
        assert_eq!(until, NOW + 14 * DAY);

        assert!(close_expired(db, until - 1).await.expect("job").is_empty());
        // Two servers run the job at the same moment.
        let other = Store::connect(&t.url).await.expect("second connection");
        let (a, b) = tokio::join!(
            close_expired(db, until + 60),
            close_expired(&other, until + 60)
        );
        assert_eq!(a.expect("job").len() + b.expect("job").len(), 1);
        let closings: i64 =
            sqlx::query_scalar("select count(*) from report_events where kind = 'closed'")
                .fetch_one(&db.pool)
                .await
                .expect("count");
        assert_eq!(closings, 1);
        let view = find_report(db, &id, by_code(&filed)).await.expect("report");
        assert!(view.closed);
        let why = FeedbackInput {
            reason: "Terlambat, tapi belum beres.".into(),
            ..Default::default()
        };
        assert!(
            contest(db, &id, by_code(&filed), &why, until + 120)
                .await
                .is_err()
        );
        other.pool.close().await;
        t.finish().await;
    }
}

#[tokio::test]
async fn a_new_holiday_moves_open_deadlines_and_old_reports_get_clocks() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let id = file(db, o.pupr).await.tracking_id;
        assert_eq!(due_columns(db, &id).await.0, Some(NOW + 3 * DAY));
        // Wednesday 25 November declared a day off: the deadline moves to Friday.
        let holiday = HolidayInput {
            date: "2026-11-25".into(),
            name: "Libur daerah".into(),
            kind: "libur".into(),
        };
        save_holiday(db, &holiday, NOW).await.expect("holiday");
        assert_eq!(due_columns(db, &id).await.0, Some(NOW + 4 * DAY));
        let bad = HolidayInput {
            date: "2026-02-30".into(),
            name: "".into(),
            kind: "pesta".into(),
        };
        match save_holiday(db, &bad, NOW).await {
            Err(AppError::Invalid(fields)) => assert_eq!(fields.len(), 3),
            other => panic!("expected invalid input, got {other:?}"),
        }

        // A report collected by hand three weeks ago and entered now keeps its original date:
        // its clocks start then, and it is late at once.
        sqlx::query("update reports set received_at = $1, clocks_at = null where tracking_id = $2")
            .bind(NOW - 21 * DAY)
            .bind(&id)
            .execute(&db.pool)
            .await
            .expect("backdate");
        assert_eq!(backfill(db, NOW).await.expect("backfill"), 1);
        let due = due_columns(db, &id).await.0.expect("due");
        assert!(due < NOW - 10 * DAY, "due {due}");
        assert_eq!(refresh_open(db, NOW).await.expect("refresh"), 1);

        // A category with its own resolution length: the open report's deadline follows it.
        let resolve_due = || async {
            sqlx::query_scalar::<_, Option<i64>>(
                "select resolve_due_at from reports where tracking_id = $1",
            )
            .bind(&id)
            .fetch_one(&db.pool)
            .await
            .expect("row")
            .expect("running")
        };
        let default_due = resolve_due().await;
        let category: i64 =
            sqlx::query_scalar("select category_id from reports where tracking_id = $1")
                .bind(&id)
                .fetch_one(&db.pool)
                .await
                .expect("category");
        app::deadlines::save_category_days(db, category, "10", NOW)
            .await
            .expect("category days");
        let short_due = resolve_due().await;
        // Twenty working days earlier: four weeks, the added holiday not counting either way.
        assert!(
            default_due - short_due >= 28 * DAY,
            "{default_due} → {short_due}"
        );
        assert!(matches!(
            app::deadlines::save_category_days(db, category, "90", NOW).await,
            Err(AppError::Invalid(_))
        ));
        t.finish().await;
    }
}
