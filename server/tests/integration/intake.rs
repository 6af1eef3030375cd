//! Every complaint gets in, on every engine: a report typed in by an official (its original
//! received-at and clocks, who entered it, its receipt), a backlog imported from a file
//! (preview, confirmation, a second import, a stalled one), and reports per channel in the
//! figures.

use super::support::{NOW, SECRET, TestDb, count, engines, official, orgs};
use app::change::Store;
use app::error::{AppError, Refusal};
use app::intake::import::{self, ImportState};
use app::intake::{ManualInput, enter_report, receipt};
use app::lifecycle::Role;
use app::reports::find_report_at;
use app::staff::Staff;
use app::threads::EventKind;

const DAY: i64 = 86_400;
/// NOW is Monday 23 November 2026, 08:00 WIB; this is Thursday 09:00.
const THURSDAY: i64 = NOW + 3 * DAY + 3600;

fn walk_in(title: &str) -> ManualInput {
    ManualInput {
        submission_key: app::secrets::new_submission_key(),
        channel: "walk_in".into(),
        received_date: "23/11/2026".into(),
        received_time: "08:00".into(),
        kind: "pengaduan".into(),
        title: title.into(),
        body:
            "Warga datang ke loket: lampu jalan di gang kami mati sejak sebulan, gelap dan rawan."
                .into(),
        category_id: "3".into(),
        location: "Gang Mawar, Banjarmasin Tengah".into(),
        name: "Pak Darto".into(),
        ..Default::default()
    }
}

fn invalid_fields<T: std::fmt::Debug>(result: &Result<T, AppError>) -> Vec<(String, String)> {
    match result {
        Err(AppError::Invalid(fields)) => fields
            .iter()
            .map(|f| (f.field.clone(), f.key.clone()))
            .collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

async fn report_id(db: &Store, tracking: &str) -> i64 {
    sqlx::query_scalar("select id from reports where tracking_id = $1")
        .bind(tracking)
        .fetch_one(&db.pool)
        .await
        .expect("report")
}

#[tokio::test]
async fn a_walk_in_report_keeps_when_it_was_received_and_who_typed_it_in() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let mut input = walk_in("Lampu jalan Gang Mawar mati");
        input.email = "darto@example.id".into();
        input.phone = "0812 7777 1234".into();
        let filed = enter_report(db, SECRET, &coordinator, &input, THURSDAY)
            .await
            .expect("entered");
        let (channel, received, created, target): (String, i64, i64, Option<i64>) = sqlx::query_as(
            "select channel, received_at, created_at, target_org_id from reports \
                 where tracking_id = $1",
        )
        .bind(&filed.tracking_id)
        .fetch_one(&db.pool)
        .await
        .expect("row");
        assert_eq!(
            (channel.as_str(), received, created, target),
            ("walk_in", NOW, THURSDAY, Some(o.banjarmasin)),
            "received Monday 08:00 WIB, typed in Thursday, for the coordinator's government"
        );
        // Three working days from Monday 08:00 ended Thursday 08:00: already overdue.
        let view = find_report_at(
            db,
            &filed.tracking_id,
            super::support::by_code(&filed),
            THURSDAY,
        )
        .await
        .expect("the citizen's view");
        let verify = view.clocks.expect("clocks").verify;
        assert!(verify.due_at().expect("running") < THURSDAY, "{verify:?}");
        // The receipt at its received-at, then who typed it in and when.
        let entered = view
            .thread
            .iter()
            .find(|e| e.kind == EventKind::Entered)
            .expect("entered entry");
        assert_eq!(view.thread[0].at, NOW);
        assert_eq!(entered.at, THURSDAY);
        assert_eq!(entered.reason.as_deref(), Some("walk_in"));
        assert_eq!(
            entered.author_name, None,
            "the public thread names no official"
        );
        let case = app::casework::open_case(db, &coordinator, &filed.tracking_id, THURSDAY)
            .await
            .expect("case");
        let staff_entry = case
            .report
            .thread
            .iter()
            .find(|e| e.kind == EventKind::Entered)
            .expect("entered entry");
        assert_eq!(
            staff_entry.author_name.as_deref(),
            Some(coordinator.name.as_str())
        );

        // The receipt goes to the email and the phone given, with the access code.
        let id = report_id(db, &filed.tracking_id).await;
        let queued = count(
            db,
            &format!("select count(*) from outbox where report_id = {id} and kind = 'report'"),
        )
        .await;
        assert_eq!(queued, 2, "one receipt by email, one by SMS");
        let r = receipt(db, SECRET, &coordinator, &filed.tracking_id, THURSDAY)
            .await
            .expect("receipt");
        assert_eq!(r.access_code.as_deref(), Some(filed.access_code.as_str()));
        assert!(r.by_email && r.by_sms);
        assert_eq!((r.received_at, r.entered_at), (NOW, THURSDAY));
        // A colleague sees the receipt without the code; so does the official a day later.
        let colleague = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let r = receipt(db, SECRET, &colleague, &filed.tracking_id, THURSDAY)
            .await
            .expect("receipt");
        assert_eq!(r.access_code, None);
        let later = receipt(db, SECRET, &coordinator, &filed.tracking_id, THURSDAY + DAY)
            .await
            .expect("receipt");
        assert_eq!(later.access_code, None);
        // Outside the scope, the report does not exist.
        let elsewhere = official(db, Role::Coordinator, Some(o.samarinda)).await;
        assert_eq!(
            receipt(db, SECRET, &elsewhere, &filed.tracking_id, THURSDAY).await,
            Err(AppError::NotFound)
        );
        // A retry of the same form files nothing twice.
        let again = enter_report(db, SECRET, &coordinator, &input, THURSDAY + 60)
            .await
            .expect("same");
        assert_eq!(again, filed);
        t.finish().await;
    }
}

#[tokio::test]
async fn an_anonymous_letter_keeps_no_identity_but_its_receipt_address() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let mut input = walk_in("Surat warga tentang drainase tersumbat");
        input.channel = "letter".into();
        input.anonymous = Some("on".into());
        input.name = "Nama Penulis Surat".into();
        input.phone = "0813 1111 2222".into();
        input.notify_phone = "0813 1111 2222".into();
        input.target_org_id = String::new();
        let filed = enter_report(db, SECRET, &opd, &input, THURSDAY)
            .await
            .expect("entered");
        let id = report_id(db, &filed.tracking_id).await;
        let (name, phone): (String, String) =
            sqlx::query_as("select name, phone from reporters where report_id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .expect("reporter row");
        assert_eq!((name.as_str(), phone.as_str()), ("", ""));
        let subscribed: String = sqlx::query_scalar(
            "select address from subscriptions where report_id = $1 and channel = 'sms'",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .expect("sms subscription");
        assert_eq!(subscribed, "+6281311112222");
        // An OPD admin's report goes to their own OPD when the citizen named none.
        let target: Option<i64> =
            sqlx::query_scalar("select target_org_id from reports where id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .expect("target");
        assert_eq!(target, Some(o.pupr));
        // It waits for the coordinator, who verifies it; the OPD admin who typed it in can
        // still print its receipt.
        let r = receipt(db, SECRET, &opd, &filed.tracking_id, THURSDAY)
            .await
            .expect("receipt");
        assert!(r.access_code.is_some() && !r.in_scope && r.by_sms && !r.by_email);
        let other_opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        assert_eq!(
            receipt(db, SECRET, &other_opd, &filed.tracking_id, THURSDAY).await,
            Err(AppError::NotFound)
        );
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let case = app::casework::open_case(db, &coordinator, &filed.tracking_id, THURSDAY)
            .await
            .expect("case");
        assert!(case.report.reporter.is_none());
        let page = format!("{case:?}");
        assert!(
            !page.contains("Nama Penulis")
                && !page.contains("1111 2222")
                && !page.contains("+62813"),
            "{page}"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn manual_intake_names_every_mistake_and_stays_in_scope() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let mut input = walk_in("x");
        input.channel = "web".into();
        input.received_date = "01/12/2026".into();
        input.target_org_id = o.samarinda_pupr.to_string();
        input.notify_phone = "bukan nomor".into();
        let result = enter_report(db, SECRET, &coordinator, &input, THURSDAY).await;
        assert_eq!(
            invalid_fields(&result),
            [
                ("channel", "err.channel"),
                ("received_at", "err.date_future"),
                ("target_org_id", "err.agency_scope"),
                ("notify_phone", "err.phone"),
                ("title", "err.title_short"),
            ]
            .map(|(f, k)| (f.to_owned(), k.to_owned()))
        );
        let mut old = walk_in("Laporan dari tahun yang salah ketik");
        old.received_date = "23/11/1926".into();
        assert_eq!(
            invalid_fields(&enter_report(db, SECRET, &coordinator, &old, THURSDAY).await),
            [("received_at".to_owned(), "err.received_old".to_owned())]
        );
        let mut garbled = walk_in("Laporan dengan jam yang tidak ada");
        garbled.received_time = "25:61".into();
        assert_eq!(
            invalid_fields(&enter_report(db, SECRET, &coordinator, &garbled, THURSDAY).await),
            [("received_at".to_owned(), "err.received_invalid".to_owned())]
        );
        // Only officials who meet citizens type reports in.
        let overseer = official(db, Role::Overseer, Some(o.banjarmasin)).await;
        assert_eq!(
            enter_report(
                db,
                SECRET,
                &overseer,
                &walk_in("Pengawas mencoba mencatat"),
                THURSDAY
            )
            .await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        assert_eq!(count(db, "select count(*) from reports").await, 0);
        t.finish().await;
    }
}

/// A backlog file: `good` valid rows, then a row naming an unknown agency and one received
/// in the future.
fn backlog(good: usize) -> String {
    let mut text = String::from(
        "diterima_pada,jenis,judul,isi,kategori,lokasi,instansi,anonim,nama,telepon\n",
    );
    for i in 0..good {
        text.push_str(&format!(
            "{:02}/11/2026 {:02}:15,pengaduan,Jalan rusak nomor {i} di Banjarmasin,\
             \"Ditampung manual saat sistem mati: jalan rusak di titik {i}, mohon diperbaiki.\",\
             infrastruktur,Titik {i},bjm-pupr,tidak,Warga {i},08123400{i:04}\n",
            1 + i % 20,
            7 + i % 10,
        ));
    }
    text.push_str(
        "02/11/2026 10:00,aspirasi,Taman kota butuh lampu tambahan,\
         Taman kota gelap setiap malam dan warga takut lewat.,infrastruktur,,Dinas Fiktif,,Budi,\n",
    );
    text.push_str(
        "02/12/2026 10:00,aspirasi,Laporan dari masa depan sekali,\
         Tanggal diterima ini belum terjadi sama sekali.,infrastruktur,,,ya,,\n",
    );
    text
}

async fn import_all(t: &TestDb, coordinator: &Staff, text: &str, now: i64) -> import::ImportView {
    let db = &t.db;
    let id = import::upload(db, coordinator, "backlog.csv", text.as_bytes(), now)
        .await
        .expect("uploaded");
    assert!(
        import::start(db, coordinator, id, now)
            .await
            .expect("start")
    );
    import::run(db, SECRET, id, now).await.expect("run");
    import::view(db, SECRET, coordinator, id, now, app::i18n::Locale::Id)
        .await
        .expect("view")
}

#[tokio::test]
async fn a_backlog_is_previewed_imported_on_confirmation_and_never_twice() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let text = backlog(3);
        let id = import::upload(db, &coordinator, "backlog.csv", text.as_bytes(), THURSDAY)
            .await
            .expect("uploaded");
        let preview = import::view(
            db,
            SECRET,
            &coordinator,
            id,
            THURSDAY,
            app::i18n::Locale::Id,
        )
        .await
        .expect("preview");
        assert_eq!(preview.state, ImportState::Preview);
        assert_eq!((preview.rows_total, preview.rows_valid), (5, 3));
        let problems: Vec<(i64, Vec<String>)> = preview
            .problems
            .iter()
            .map(|p| (p.line, p.problems.iter().map(|(c, _)| c.clone()).collect()))
            .collect();
        assert_eq!(
            problems,
            [
                (5, vec!["instansi".to_owned()]),
                (6, vec!["diterima_pada".to_owned()])
            ]
        );
        assert!(
            preview.problems[0].problems[0]
                .1
                .contains("Instansi tidak dikenal")
        );
        assert_eq!(preview.sample.len(), 3);
        assert_eq!(
            count(db, "select count(*) from reports").await,
            0,
            "nothing before confirmation"
        );
        // Another government's coordinator does not see this import.
        let elsewhere = official(db, Role::Coordinator, Some(o.samarinda)).await;
        assert_eq!(
            import::view(db, SECRET, &elsewhere, id, THURSDAY, app::i18n::Locale::Id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            import::start(db, &elsewhere, id, THURSDAY).await,
            Err(AppError::NotFound)
        );

        assert!(
            import::start(db, &coordinator, id, THURSDAY)
                .await
                .expect("start")
        );
        assert!(
            !import::start(db, &coordinator, id, THURSDAY)
                .await
                .expect("again"),
            "a second confirmation starts no second worker"
        );
        assert_eq!(import::run(db, SECRET, id, THURSDAY).await, Ok(3));
        let done = import::view(
            db,
            SECRET,
            &coordinator,
            id,
            THURSDAY,
            app::i18n::Locale::Id,
        )
        .await
        .expect("done");
        assert_eq!(done.state, ImportState::Done);
        assert_eq!(done.rows_done, 3);
        assert_eq!(
            done.imported.iter().map(|i| i.line).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        assert!(done.imported.iter().all(|i| i.created));
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "select r.channel, r.received_at, r.target_org_id from reports r order by r.id",
        )
        .fetch_all(&db.pool)
        .await
        .expect("rows");
        assert!(
            rows.iter()
                .all(|(c, _, target)| c == "import" && *target == o.pupr)
        );
        // 01/11/2026 07:15 WIB.
        assert_eq!(rows[0].1, 1_793_491_200 + 15 * 60);
        let entered = count(
            db,
            "select count(*) from report_events where kind = 'entered'",
        )
        .await;
        assert_eq!(entered, 3);

        // The same file again: the preview says so, and importing creates nothing.
        let again = import_all(&t, &coordinator, &text, THURSDAY + 60).await;
        assert_eq!(count(db, "select count(*) from reports").await, 3);
        assert!(again.imported.iter().all(|i| !i.created));
        let ids = |v: &import::ImportView| {
            v.imported
                .iter()
                .map(|i| i.tracking_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&again), ids(&done));
        let second = import::upload(db, &coordinator, "backlog.csv", text.as_bytes(), THURSDAY)
            .await
            .expect("uploaded");
        let preview = import::view(
            db,
            SECRET,
            &coordinator,
            second,
            THURSDAY,
            app::i18n::Locale::Id,
        )
        .await
        .expect("preview");
        assert_eq!(preview.rows_already, 3);
        assert!(preview.sample.iter().all(|r| r.already));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_stalled_import_resumes_without_filing_twice() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let file = backlog(4);
        let done = import_all(&t, &coordinator, &file, THURSDAY).await;
        let kept: String = sqlx::query_scalar("select content from imports where id = $1")
            .bind(done.id)
            .fetch_one(&db.pool)
            .await
            .expect("content");
        assert_eq!(
            kept, "",
            "an imported file is not kept (it names anonymous reporters)"
        );
        // As if the server had stopped after two rows (the file still kept, as while running).
        sqlx::query(
            "update imports set state = 'running', rows_done = 2, progressed_at = $1, \
             content = $3 where id = $2",
        )
        .bind(THURSDAY)
        .bind(done.id)
        .bind(&file)
        .execute(&db.pool)
        .await
        .expect("stall");
        sqlx::query("delete from import_rows where import_id = $1 and line > 3")
            .bind(done.id)
            .execute(&db.pool)
            .await
            .expect("forget");
        let running = import::view(
            db,
            SECRET,
            &coordinator,
            done.id,
            THURSDAY + 10,
            app::i18n::Locale::Id,
        )
        .await
        .expect("running");
        assert!(!running.stalled, "ten seconds is not a stall");
        assert!(
            !import::start(db, &coordinator, done.id, THURSDAY + 10)
                .await
                .expect("start")
        );
        let later = THURSDAY + import::STALL_SECS + 1;
        let stalled = import::view(
            db,
            SECRET,
            &coordinator,
            done.id,
            later,
            app::i18n::Locale::Id,
        )
        .await
        .expect("stalled");
        assert!(stalled.stalled);
        assert!(
            import::start(db, &coordinator, done.id, later)
                .await
                .expect("resume")
        );
        assert_eq!(import::run(db, SECRET, done.id, later).await, Ok(0));
        assert_eq!(count(db, "select count(*) from reports").await, 4);
        let resumed = import::view(
            db,
            SECRET,
            &coordinator,
            done.id,
            later,
            app::i18n::Locale::Id,
        )
        .await
        .expect("done");
        assert_eq!(resumed.imported.len(), 4);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_file_that_is_no_backlog_is_refused_whole() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let refused = |bytes: Vec<u8>| {
            let coordinator = coordinator.clone();
            async move {
                let r = import::upload(db, &coordinator, "x.csv", &bytes, THURSDAY).await;
                invalid_fields(&r).remove(0).1
            }
        };
        let latin1 =
            b"diterima_pada,jenis,judul,isi,kategori\n02/11/2026 08:00,pengaduan,Jalan \xe9\n";
        assert_eq!(refused(latin1.to_vec()).await, "err.csv_encoding");
        assert_eq!(
            refused(b"judul,isi\nJalan,Rusak\n".to_vec()).await,
            "err.csv_columns"
        );
        assert_eq!(refused(b"\n\n".to_vec()).await, "err.csv_empty");
        let huge = "x".repeat(import::MAX_BYTES + 1).into_bytes();
        assert_eq!(refused(huge).await, "err.file_too_big");
        // A PNG renamed to .csv.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(refused(png).await, "err.csv_encoding");
        assert_eq!(count(db, "select count(*) from imports").await, 0);
        // Only coordinators import.
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        assert_eq!(
            import::upload(db, &opd, "b.csv", backlog(1).as_bytes(), THURSDAY).await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_figures_count_reports_per_channel() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let mut web = super::support::report("Laporan lewat web untuk angka");
        web.target_org_id = o.banjarmasin.to_string();
        app::reports::file_report(db, SECRET, &web, None, NOW, super::support::TODAY)
            .await
            .expect("web");
        enter_report(
            db,
            SECRET,
            &coordinator,
            &walk_in("Laporan loket untuk angka"),
            THURSDAY,
        )
        .await
        .expect("walk-in");
        import_all(&t, &coordinator, &backlog(2), THURSDAY).await;
        let month = app::figures::month_of(db, NOW);
        let by_channel = |f: &app::figures::Figures| {
            f.by_channel
                .iter()
                .map(|b| (b.key.clone(), b.received))
                .collect::<Vec<_>>()
        };
        let expect = vec![
            ("import".to_owned(), 2),
            ("walk_in".to_owned(), 1),
            ("web".to_owned(), 1),
        ];
        // The two imported rows were received in November, like the others.
        let f = app::figures::figures(db, Some(o.banjarmasin), month, month, THURSDAY)
            .await
            .expect("figures");
        assert_eq!(by_channel(&f), expect);
        assert_eq!(f.by_channel[1].label_id, "Loket");
        // And in the downloads.
        let rows = server::open_data::figures_csv_rows(&f);
        assert!(
            rows.iter()
                .any(|r| r[0] == "channel_received" && r[1] == "walk_in" && r[3] == "1"),
            "{rows:?}"
        );
        // The rebuild from `reports` agrees with the running sums.
        app::figures::rebuild_rollups(db).await.expect("rebuild");
        let f = app::figures::figures(db, Some(o.banjarmasin), month, month, THURSDAY)
            .await
            .expect("figures");
        assert_eq!(by_channel(&f), expect);
        let elsewhere = app::figures::figures(db, Some(o.samarinda), month, month, THURSDAY)
            .await
            .expect("figures");
        assert!(elsewhere.by_channel.is_empty());
        t.finish().await;
    }
}
