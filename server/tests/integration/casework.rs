//! Officials at work, on every engine: every action, every refusal, and what the citizen sees
//! of it.

use super::support::{
    NOW, SECRET, TODAY, action, by_code, count, engines, national, official, orgs, report,
};
use app::casework::{ActInput, StaffMessageInput, act, add_staff_message, inbox, open_case, watch};
use app::change::Store;
use app::error::{AppError, Refusal};
use app::lifecycle::Role;
use app::reports::add_citizen_message;
use app::reports::{Claim, FiledReport, Status, file_report, find_report, list_public};
use app::threads::EventKind;

const DAY: i64 = 86_400;

/// The items of an inbox's section.
fn section<'a>(inbox: &'a app::casework::Inbox, key: &str) -> &'a [app::casework::CaseSummary] {
    &inbox
        .sections
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no section {key}"))
        .items
}

fn refused(r: Refusal) -> AppError {
    AppError::Refused(r)
}

fn invalid_field(result: &Result<impl std::fmt::Debug, AppError>) -> Vec<(String, String)> {
    match result {
        Err(AppError::Invalid(fields)) => fields
            .iter()
            .map(|f| (f.field.clone(), f.key.clone()))
            .collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// Files a report addressed to `target` (an organisation id or none).
async fn file(db: &Store, title: &str, target: Option<i64>, anonymous: bool) -> FiledReport {
    let mut input = report(title);
    input.target_org_id = target.map(|t| t.to_string()).unwrap_or_default();
    if anonymous {
        input.anonymous = Some("on".into());
    }
    file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed")
}

fn dispose_to(opd: i64, note: &str) -> ActInput {
    ActInput {
        opd_id: opd.to_string(),
        note: note.into(),
        ..action("dispose")
    }
}

fn with_message(code: &str, message: &str) -> ActInput {
    ActInput {
        message: message.into(),
        ..action(code)
    }
}

fn reply(body: &str) -> StaffMessageInput {
    StaffMessageInput {
        terakhir: String::new(),
        kunci: String::new(),
        attachments: String::new(),
        body: body.into(),
        internal: None,
    }
}

fn note(body: &str) -> StaffMessageInput {
    StaffMessageInput {
        terakhir: String::new(),
        kunci: String::new(),
        attachments: String::new(),
        body: body.into(),
        internal: Some("on".into()),
    }
}

#[tokio::test]
async fn a_report_goes_from_submission_to_resolution_and_the_citizen_follows_it() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let filed = file(db, "Jalan berlubang di Jl. Ahmad Yani", Some(o.pupr), true).await;
        let id = filed.tracking_id.as_str();

        // The coordinator's inbox: waiting for verification, with its age in days.
        let later = NOW + 3 * DAY + 60;
        let boxed = inbox(db, &coordinator, app::desk::View::All, later)
            .await
            .expect("inbox");
        let item = &section(&boxed, "staff.to_verify")[0];
        assert_eq!((item.tracking_id.as_str(), item.age_days), (id, 3));
        // Nothing waits for the OPD yet: the report is not forwarded.
        let opd_box = inbox(db, &pupr, app::desk::View::All, later)
            .await
            .expect("inbox");
        assert!(opd_box.sections.iter().all(|s| s.items.is_empty()));
        assert_eq!(
            open_case(db, &pupr, id, later).await.map(|_| ()),
            Err(AppError::NotFound)
        );

        act(db, &coordinator, id, &action("verify"), later)
            .await
            .expect("verify");
        act(
            db,
            &coordinator,
            id,
            &dispose_to(o.pupr, "Mohon cek lokasi km 5."),
            later + 1,
        )
        .await
        .expect("dispose");
        let opd_box = inbox(db, &pupr, app::desk::View::All, later + 2)
            .await
            .expect("inbox");
        assert_eq!(section(&opd_box, "staff.forwarded")[0].tracking_id, id);

        // The OPD's first reply is its first follow-up.
        add_staff_message(
            db,
            &pupr,
            id,
            &reply("Tim kami meninjau lokasi besok pagi."),
            later + 3,
        )
        .await
        .expect("reply");
        add_staff_message(
            db,
            &pupr,
            id,
            &note("Anggaran tambal sulam masih ada."),
            later + 4,
        )
        .await
        .expect("note");
        let citizen = find_report(db, id, by_code(&filed))
            .await
            .expect("citizen view");
        assert_eq!(citizen.status, Status::InProgress);
        let bodies: Vec<&str> = citizen.thread.iter().map(|e| e.body.as_str()).collect();
        assert!(bodies.contains(&"Tim kami meninjau lokasi besok pagi."));
        assert!(
            !bodies
                .iter()
                .any(|b| b.contains("Anggaran") || b.contains("km 5")),
            "internal notes and the disposition note never reach the citizen: {bodies:?}"
        );
        let reply_entry = citizen
            .thread
            .iter()
            .find(|e| e.body.starts_with("Tim kami"))
            .expect("reply");
        assert_eq!(reply_entry.author_org.as_deref(), Some("Dinas PUPR"));
        assert_eq!(
            reply_entry.author_name, None,
            "officials' names are staff-only"
        );

        add_citizen_message(
            db,
            id,
            by_code(&filed),
            "Terima kasih, saya tunggu.",
            later + 5,
        )
        .await
        .expect("citizen answers");
        let staff_view = open_case(db, &pupr, id, later + 6).await.expect("case");
        assert!(
            staff_view
                .report
                .thread
                .iter()
                .any(|e| e.body == "Terima kasih, saya tunggu.")
        );
        assert!(staff_view.report.thread.iter().any(|e| e.internal));
        assert!(
            staff_view.report.reporter.is_none(),
            "anonymous: no contact"
        );

        // Resolving needs a closing message.
        let bare = act(db, &pupr, id, &action("resolve"), later + 7).await;
        assert_eq!(
            invalid_field(&bare),
            [("message".into(), "err.required".into())]
        );
        act(
            db,
            &pupr,
            id,
            &with_message("resolve", "Lubang sudah ditambal."),
            later + 8,
        )
        .await
        .expect("resolve");
        let citizen = find_report(db, id, Claim::default()).await.expect("public");
        assert_eq!(citizen.status, Status::Resolved);
        let changes: Vec<(Option<Status>, Option<Status>)> = citizen
            .thread
            .iter()
            .filter(|e| e.kind == EventKind::Status)
            .map(|e| (e.from_status, e.to_status))
            .collect();
        assert_eq!(
            changes,
            [
                (None, Some(Status::Submitted)),
                (Some(Status::Submitted), Some(Status::Verified)),
                (Some(Status::Verified), Some(Status::Disposed)),
                (Some(Status::Disposed), Some(Status::InProgress)),
                (Some(Status::InProgress), Some(Status::Resolved)),
            ]
        );
        // Each transition is recorded with who and when.
        let recorded = count(
            db,
            "select count(*) from report_events where kind = 'status' and from_status is not null \
             and author_account_id is not null and author_role <> 'pelapor' and at > 0",
        )
        .await;
        assert_eq!(recorded, 4);
        // Resolved is final for officials.
        assert_eq!(
            act(db, &pupr, id, &with_message("resolve", "lagi"), later + 9).await,
            Err(refused(Refusal::WrongStatus))
        );
        assert_eq!(
            add_staff_message(db, &pupr, id, &reply("Halo?"), later + 9).await,
            Err(refused(Refusal::WrongStatus))
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn bukan_wewenang_returns_the_report_to_the_coordinator_who_forwards_it_again() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let filed = file(
            db,
            "Drainase tersumbat di Kelayan",
            Some(o.banjarmasin),
            false,
        )
        .await;
        let id = filed.tracking_id.as_str();
        act(db, &coordinator, id, &action("verify"), NOW)
            .await
            .expect("verify");
        act(db, &coordinator, id, &dispose_to(o.dinkes, ""), NOW + 1)
            .await
            .expect("dispose");

        let bare = act(db, &dinkes, id, &action("hand_back"), NOW + 2).await;
        assert_eq!(
            invalid_field(&bare),
            [("note".into(), "err.required".into())]
        );
        let back = ActInput {
            note: "Drainase kewenangan Dinas PUPR.".into(),
            ..action("hand_back")
        };
        act(db, &dinkes, id, &back, NOW + 3)
            .await
            .expect("hand back");
        assert_eq!(
            open_case(db, &dinkes, id, NOW + 4).await.map(|_| ()),
            Err(AppError::NotFound),
            "the OPD no longer holds it"
        );
        let boxed = inbox(db, &coordinator, app::desk::View::All, NOW + 4)
            .await
            .expect("inbox");
        let ready = boxed
            .sections
            .iter()
            .find(|s| s.key == "staff.to_forward")
            .expect("section");
        assert_eq!(ready.items[0].tracking_id, id);
        let case = open_case(db, &coordinator, id, NOW + 4)
            .await
            .expect("case");
        assert!(
            case.report
                .thread
                .iter()
                .any(|e| e.note == "Drainase kewenangan Dinas PUPR."),
            "the coordinator reads why"
        );
        assert!(
            case.report.reporter.is_some(),
            "a named report's contact, for officials"
        );

        act(db, &coordinator, id, &dispose_to(o.pupr, ""), NOW + 5)
            .await
            .expect("forward again");
        let case = open_case(db, &pupr, id, NOW + 6)
            .await
            .expect("pupr holds it");
        assert_eq!(case.report.status, Status::Disposed);
        let public = find_report(db, id, Claim::default()).await.expect("public");
        assert!(
            public
                .thread
                .iter()
                .all(|e| e.note.is_empty() && !e.internal)
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn illegal_and_out_of_scope_actions_are_refused_and_change_nothing() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let other_city = official(db, Role::Coordinator, Some(o.samarinda)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let overseer = official(db, Role::Overseer, Some(o.kalsel)).await;
        let sysadmin = official(db, Role::SystemAdmin, None).await;
        let filed = file(
            db,
            "Pungutan liar di kantor kelurahan",
            Some(o.banjarmasin),
            false,
        )
        .await;
        let id = filed.tracking_id.as_str();

        // Outside the scope the report does not exist.
        for outsider in [&other_city, &pupr, &dinkes, &sysadmin] {
            assert_eq!(
                act(db, outsider, id, &action("verify"), NOW).await,
                Err(AppError::NotFound)
            );
            assert_eq!(
                add_staff_message(db, outsider, id, &note("x"), NOW).await,
                Err(AppError::NotFound)
            );
            assert_eq!(
                open_case(db, outsider, id, NOW).await.map(|_| ()),
                Err(AppError::NotFound)
            );
        }
        // The overseer reads but changes nothing.
        open_case(db, &overseer, id, NOW)
            .await
            .expect("overseer reads");
        assert_eq!(
            act(db, &overseer, id, &action("verify"), NOW).await,
            Err(refused(Refusal::NotYourRole))
        );
        assert_eq!(
            add_staff_message(db, &overseer, id, &note("x"), NOW).await,
            Err(refused(Refusal::NotYourRole))
        );
        // The conversation belongs to the OPD.
        assert_eq!(
            add_staff_message(db, &coordinator, id, &reply("Halo"), NOW).await,
            Err(refused(Refusal::NotYourRole))
        );
        assert_eq!(
            act(db, &coordinator, id, &action("resolve"), NOW).await,
            Err(refused(Refusal::NotYourRole))
        );
        assert_eq!(
            act(db, &coordinator, id, &action("start"), NOW).await,
            Err(refused(Refusal::NotYourRole))
        );
        // Not from this status.
        assert_eq!(
            act(db, &coordinator, id, &dispose_to(o.pupr, ""), NOW).await,
            Err(refused(Refusal::WrongStatus))
        );
        assert_eq!(
            invalid_field(&act(db, &coordinator, id, &action("teleport"), NOW).await),
            [("action".into(), "err.action".into())]
        );
        act(db, &coordinator, id, &action("verify"), NOW)
            .await
            .expect("verify");
        // A second verification (another official was faster) is refused.
        assert_eq!(
            act(db, &coordinator, id, &action("verify"), NOW).await,
            Err(refused(Refusal::WrongStatus))
        );
        // Only to this government's own OPDs.
        assert_eq!(
            invalid_field(&act(db, &coordinator, id, &dispose_to(o.samarinda_pupr, ""), NOW).await),
            [("opd_id".into(), "err.agency".into())]
        );
        let long = "x".repeat(app::threads::MESSAGE_MAX + 1);
        assert_eq!(
            invalid_field(&act(db, &coordinator, id, &dispose_to(o.pupr, &long), NOW).await),
            [("note".into(), "err.message_long".into())]
        );
        // Archiving needs a reason, and an archived report moves no more.
        assert_eq!(
            invalid_field(&act(db, &coordinator, id, &action("archive"), NOW).await),
            [("reason".into(), "err.reason".into())]
        );
        let archive = ActInput {
            reason: "too_general".into(),
            ..action("archive")
        };
        act(db, &coordinator, id, &archive, NOW + 1)
            .await
            .expect("archive");
        for code in [
            "verify",
            "dispose",
            "hold",
            "archive",
            "route",
            "reclassify",
        ] {
            assert_eq!(
                act(db, &coordinator, id, &action(code), NOW + 2).await,
                Err(refused(if code == "route" {
                    Refusal::NotYourRole
                } else {
                    Refusal::WrongStatus
                })),
                "{code}"
            );
        }
        let public = find_report(db, id, Claim::default()).await.expect("public");
        assert_eq!(public.status, Status::Archived);
        assert_eq!(
            public.thread.last().and_then(|e| e.reason.as_deref()),
            Some("too_general"),
            "the citizen learns why"
        );
        assert_eq!(
            count(
                db,
                "select count(*) from report_events where kind = 'status'"
            )
            .await,
            3,
            "refusals stored nothing"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn reports_that_name_no_agency_wait_for_the_national_admin_who_routes_them() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let nasional = official(db, Role::NationalAdmin, Some(national(db).await)).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let filed = file(db, "Bantuan sosial tidak tepat sasaran", None, false).await;
        let id = filed.tracking_id.as_str();
        let mine = |b: &app::casework::Inbox| {
            b.sections
                .iter()
                .flat_map(|s| &s.items)
                .any(|i| i.tracking_id == id)
        };
        assert!(mine(
            &inbox(db, &nasional, app::desk::View::All, NOW)
                .await
                .expect("inbox")
        ));
        assert!(!mine(
            &inbox(db, &coordinator, app::desk::View::All, NOW)
                .await
                .expect("inbox")
        ));
        assert_eq!(
            act(db, &coordinator, id, &action("verify"), NOW).await,
            Err(AppError::NotFound)
        );
        let case = open_case(db, &nasional, id, NOW).await.expect("case");
        assert!(case.governments.iter().any(|g| g.id == o.banjarmasin));
        assert_eq!(
            invalid_field(
                &act(
                    db,
                    &nasional,
                    id,
                    &ActInput {
                        org_id: o.pupr.to_string(),
                        ..action("route")
                    },
                    NOW
                )
                .await
            ),
            [("org_id".into(), "err.agency".into())],
            "routing goes to a government, not an OPD"
        );
        let route = ActInput {
            org_id: o.banjarmasin.to_string(),
            ..action("route")
        };
        act(db, &nasional, id, &route, NOW + 1)
            .await
            .expect("route");
        assert!(!mine(
            &inbox(db, &nasional, app::desk::View::All, NOW)
                .await
                .expect("inbox")
        ));
        assert!(mine(
            &inbox(db, &coordinator, app::desk::View::All, NOW)
                .await
                .expect("inbox")
        ));
        let public = find_report(db, id, by_code(&filed))
            .await
            .expect("reporter");
        let routed = public.thread.last().expect("entry");
        assert_eq!(routed.kind, EventKind::Routed);
        assert_eq!(routed.org.as_deref(), Some("Kota Banjarmasin"));
        // The national admin still sees it (its scope is everything).
        open_case(db, &nasional, id, NOW + 2)
            .await
            .expect("still visible");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_hold_asks_the_citizen_and_resumes_where_it_was() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let filed = file(
            db,
            "Lampu jalan mati sepanjang Jl. Veteran",
            Some(o.banjarmasin),
            false,
        )
        .await;
        let id = filed.tracking_id.as_str();
        assert_eq!(
            invalid_field(&act(db, &coordinator, id, &action("hold"), NOW).await),
            [("message".into(), "err.required".into())]
        );
        act(
            db,
            &coordinator,
            id,
            &with_message("hold", "Di nomor tiang berapa?"),
            NOW + 1,
        )
        .await
        .expect("hold");
        let public = find_report(db, id, by_code(&filed)).await.expect("view");
        assert_eq!(public.status, Status::OnHold);
        assert_eq!(
            public.thread.last().map(|e| e.body.as_str()),
            Some("Di nomor tiang berapa?")
        );
        add_citizen_message(
            db,
            id,
            by_code(&filed),
            "Tiang nomor 14 sampai 20.",
            NOW + 2,
        )
        .await
        .expect("answer");
        act(db, &coordinator, id, &action("resume"), NOW + 3)
            .await
            .expect("resume");
        assert_eq!(
            find_report(db, id, by_code(&filed))
                .await
                .expect("view")
                .status,
            Status::Submitted
        );
        act(db, &coordinator, id, &action("verify"), NOW + 4)
            .await
            .expect("verify");
        act(db, &coordinator, id, &dispose_to(o.pupr, ""), NOW + 5)
            .await
            .expect("dispose");
        act(db, &pupr, id, &action("start"), NOW + 6)
            .await
            .expect("start");
        act(
            db,
            &pupr,
            id,
            &with_message("hold", "Foto lokasi?"),
            NOW + 7,
        )
        .await
        .expect("hold");
        // The coordinator cannot resume the OPD's hold.
        assert_eq!(
            act(db, &coordinator, id, &action("resume"), NOW + 8).await,
            Err(refused(Refusal::WrongStatus))
        );
        let boxed = inbox(db, &pupr, app::desk::View::All, NOW + 8)
            .await
            .expect("inbox");
        assert!(
            boxed
                .sections
                .iter()
                .any(|s| s.key == "staff.on_hold" && s.items.len() == 1)
        );
        act(db, &pupr, id, &action("resume"), NOW + 9)
            .await
            .expect("resume");
        assert_eq!(
            find_report(db, id, Claim::default())
                .await
                .expect("view")
                .status,
            Status::InProgress
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn officials_only_tighten_privacy_and_reclassify_internally() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let filed = file(
            db,
            "Guru sering tidak masuk kelas di SDN 3",
            Some(o.banjarmasin),
            false,
        )
        .await;
        let id = filed.tracking_id.as_str();

        assert_eq!(
            invalid_field(&act(db, &coordinator, id, &action("tighten"), NOW).await),
            [("anonymous".into(), "err.nothing_to_tighten".into())]
        );
        let secret = ActInput {
            confidential: Some("on".into()),
            anonymous: Some("on".into()),
            ..action("tighten")
        };
        act(db, &coordinator, id, &secret, NOW + 1)
            .await
            .expect("tighten");
        let listed = list_public(db, &Default::default()).await.expect("list");
        assert!(
            listed.items.iter().all(|s| s.tracking_id != id),
            "now confidential"
        );
        assert_eq!(
            find_report(db, id, Claim::default()).await.map(|_| ()),
            Err(AppError::NotFound)
        );
        let case = open_case(db, &coordinator, id, NOW + 2)
            .await
            .expect("case");
        assert!(
            case.report.reporter.is_none(),
            "now anonymous: officials lose the contact"
        );
        assert!(!case.actions.contains(&app::casework::StaffAction::Tighten));
        // Nothing in any form loosens it: the flags are only ever added.
        let loosen = ActInput {
            anonymous: None,
            confidential: None,
            ..action("tighten")
        };
        assert!(act(db, &coordinator, id, &loosen, NOW + 3).await.is_err());
        let reporter_view = find_report(db, id, by_code(&filed))
            .await
            .expect("reporter");
        assert!(reporter_view.anonymous && reporter_view.confidential);
        assert!(
            reporter_view
                .thread
                .iter()
                .any(|e| e.kind == EventKind::Tightened),
            "the reporter sees that it happened"
        );

        let reclassify = ActInput {
            kind: "aspirasi".into(),
            category_id: "5".into(),
            ..action("reclassify")
        };
        act(db, &coordinator, id, &reclassify, NOW + 4)
            .await
            .expect("reclassify");
        assert_eq!(
            invalid_field(&act(db, &coordinator, id, &reclassify, NOW + 5).await),
            [("kind".into(), "err.nothing_to_change".into())]
        );
        let case = open_case(db, &coordinator, id, NOW + 6)
            .await
            .expect("case");
        assert_eq!((case.kind_code.as_str(), case.category_id), ("aspirasi", 5));
        let reporter_view = find_report(db, id, by_code(&filed))
            .await
            .expect("reporter");
        assert!(
            reporter_view
                .thread
                .iter()
                .all(|e| e.kind != EventKind::Reclassified)
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_coordinator_watches_its_opds_and_the_overseer_reads_along() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let overseer = official(db, Role::Overseer, Some(o.kalsel)).await;
        let other_city = official(db, Role::Coordinator, Some(o.samarinda)).await;
        let sysadmin = official(db, Role::SystemAdmin, None).await;
        let a = file(
            db,
            "Sampah menumpuk di Pasar Lama",
            Some(o.banjarmasin),
            false,
        )
        .await;
        let b = file(
            db,
            "Puskesmas tutup sebelum jam layanan",
            Some(o.banjarmasin),
            true,
        )
        .await;
        file(
            db,
            "Jalan rusak di Samarinda Seberang",
            Some(o.samarinda),
            false,
        )
        .await;
        act(db, &coordinator, &b.tracking_id, &action("verify"), NOW)
            .await
            .expect("verify");
        act(
            db,
            &coordinator,
            &b.tracking_id,
            &dispose_to(o.dinkes, ""),
            NOW + DAY,
        )
        .await
        .expect("dispose");

        let w = watch(db, &coordinator, NOW + 4 * DAY).await.expect("watch");
        assert_eq!(w.items.len(), 2, "only its own government's reports");
        // Longest waiting first: `a` has waited since filing, `b` since its disposition.
        assert_eq!(w.items[0].tracking_id, a.tracking_id);
        assert_eq!((w.items[0].waited_days, w.items[1].waited_days), (4, 3));
        let disposed = Status::ALL
            .iter()
            .position(|s| *s == Status::Disposed)
            .expect("index");
        let dinkes_row = w
            .rows
            .iter()
            .find(|r| r.opd.as_deref() == Some("Dinas Kesehatan — Kota Banjarmasin"))
            .expect("row per OPD");
        assert_eq!(dinkes_row.counts[disposed], 1);
        assert_eq!(w.rows[0].opd, None, "reports not forwarded come first");

        let seen = watch(db, &overseer, NOW).await.expect("overseer");
        assert_eq!(seen.items.len(), 2, "the province's subtree, not Kaltim");
        let far = watch(db, &other_city, NOW).await.expect("other city");
        assert_eq!(far.items.len(), 1);
        assert_eq!(
            watch(db, &sysadmin, NOW).await.map(|_| ()),
            Err(refused(Refusal::NotYourRole))
        );
        t.finish().await;
    }
}

/// A reply sent twice with its form's one-time key (a retry after a lost answer, the phone's
/// outbox sending again when the signal returns) is stored once, the citizen's and the
/// official's alike; a different key is a different message, and a key the server never
/// hands out is ignored rather than stored.
#[tokio::test]
async fn a_reply_sent_twice_with_its_key_is_stored_once() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let filed = file(db, "Lampu jalan mati di Jl. Veteran", Some(o.pupr), true).await;
        let id = filed.tracking_id.as_str();
        act(db, &coordinator, id, &action("verify"), NOW + 1)
            .await
            .expect("verify");
        act(db, &coordinator, id, &dispose_to(o.pupr, ""), NOW + 2)
            .await
            .expect("dispose");
        let filed = &filed;
        let messages = |body: &'static str| async move {
            let view = find_report(db, id, by_code(filed)).await.expect("view");
            view.thread.iter().filter(|e| e.body == body).count()
        };

        let key = "0123456789abcdef0123456789abcdef";
        let keyed = StaffMessageInput {
            terakhir: String::new(),
            kunci: key.into(),
            ..reply("Petugas datang besok pagi.")
        };
        for at in [NOW + 3, NOW + 4] {
            add_staff_message(db, &pupr, id, &keyed, at)
                .await
                .expect("reply");
        }
        assert_eq!(messages("Petugas datang besok pagi.").await, 1);
        let status = find_report(db, id, by_code(filed))
            .await
            .expect("view")
            .status;
        assert_eq!(status, Status::InProgress);

        let citizen = |key: &'static str, at: i64| {
            app::reports::add_citizen_message_with(
                db,
                id,
                by_code(filed),
                "Terima kasih, saya tunggu.",
                &[],
                Some(key),
                at,
            )
        };
        let first = citizen("fedcba9876543210fedcba9876543210", NOW + 5)
            .await
            .expect("message");
        let again = citizen("fedcba9876543210fedcba9876543210", NOW + 6)
            .await
            .expect("again");
        assert_eq!(first, again);
        assert_eq!(messages("Terima kasih, saya tunggu.").await, 1);
        // Another key is another message; a made-up key is no key at all.
        citizen("00000000000000000000000000000001", NOW + 7)
            .await
            .expect("other");
        citizen("not-a-key", NOW + 8).await.expect("unkeyed");
        citizen("not-a-key", NOW + 9).await.expect("unkeyed again");
        assert_eq!(messages("Terima kasih, saya tunggu.").await, 4);
        let stored: i64 = count(
            db,
            "select count(*) from report_events where client_key = 'not-a-key'",
        )
        .await;
        assert_eq!(stored, 0);
    }
}
