//! The officials' desk on every engine: assignment and its records, the inbox's views, order
//! and unread counts, reply templates, many reports at once, and a reply held back when
//! someone wrote meanwhile.

use super::support::{NOW, SECRET, TODAY, action, by_code, engines, official, orgs, report};
use app::casework::{
    ActInput, BulkInput, Inbox, StaffMessageInput, act, act_many, add_staff_message,
    fill_templates, inbox, open_case, watch,
};
use app::change::Store;
use app::desk::{AssignInput, TemplateInput, View, assign, save_template};
use app::error::{AppError, Refusal};
use app::i18n::{Locale, TimeZone};
use app::lifecycle::Role;
use app::reports::{FiledReport, add_citizen_message, file_report, find_report};
use app::staff::Staff;
use app::threads::EventKind;

const DAY: i64 = 86_400;

async fn file_at(db: &Store, title: &str, target: i64, anonymous: bool, at: i64) -> FiledReport {
    let mut input = report(title);
    input.target_org_id = target.to_string();
    if anonymous {
        input.anonymous = Some("on".into());
    }
    file_report(db, SECRET, &input, None, at, TODAY)
        .await
        .expect("filed")
}

/// Files a report to `opd` at `at`, verified and forwarded there by `coordinator`.
async fn forwarded(db: &Store, coordinator: &Staff, opd: i64, title: &str, at: i64) -> FiledReport {
    let filed = file_at(db, title, opd, false, at).await;
    super::support::verify_and_forward(db, coordinator, &filed.tracking_id, opd, at + 1).await;
    filed
}

fn to(who: Option<&Staff>, seen: Option<&Staff>) -> AssignInput {
    let id = |s: Option<&Staff>| s.map(|s| s.account_id.to_string()).unwrap_or_default();
    AssignInput {
        kepada: id(who),
        dari: id(seen),
    }
}

fn message(body: &str, internal: bool, seen: i64) -> StaffMessageInput {
    StaffMessageInput {
        body: body.into(),
        internal: internal.then(|| "on".to_owned()),
        // 0: a form without the field (the guard does not apply).
        terakhir: if seen > 0 {
            seen.to_string()
        } else {
            String::new()
        },
        ..Default::default()
    }
}

fn ids(inbox: &Inbox) -> Vec<String> {
    inbox
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(|c| c.tracking_id.clone()))
        .collect()
}

fn field_key(result: &Result<impl std::fmt::Debug, AppError>) -> String {
    match result {
        Err(AppError::Invalid(fields)) => fields[0].key.clone(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn a_report_is_taken_handed_on_and_released_with_every_step_recorded() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let budi = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let sari = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let overseer = official(db, Role::Overseer, Some(o.banjarmasin)).await;
        let filed = forwarded(db, &coordinator, o.pupr, "Lampu jalan mati", NOW).await;
        let id = filed.tracking_id.as_str();

        // Budi takes it; his and the organisation's views say so.
        assign(db, &budi, id, &to(Some(&budi), None), NOW + 10)
            .await
            .expect("taken");
        let mine = inbox(db, &budi, View::Mine, NOW + 11).await.expect("inbox");
        assert_eq!(ids(&mine), [id]);
        assert_eq!(
            (mine.counts.mine, mine.counts.unassigned, mine.counts.all),
            (1, 0, 1)
        );
        let sari_box = inbox(db, &sari, View::Mine, NOW + 11).await.expect("inbox");
        assert!(ids(&sari_box).is_empty());
        assert_eq!(sari_box.counts.all, 1);
        let all = inbox(db, &sari, View::All, NOW + 11).await.expect("inbox");
        let row = &all
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .next()
            .expect("row");
        assert_eq!(row.assignee.as_deref(), Some(budi.name.as_str()));

        // Sari acting on what she saw before Budi took it is refused, not a silent undo.
        assert_eq!(
            field_key(&assign(db, &sari, id, &to(Some(&sari), None), NOW + 12).await),
            "desk.assignee_changed"
        );
        // Taking over from Budi, knowingly, is allowed and recorded.
        assign(db, &sari, id, &to(Some(&sari), Some(&budi)), NOW + 13)
            .await
            .expect("taken over");
        // Sari hands it back to Budi.
        assign(db, &sari, id, &to(Some(&budi), Some(&sari)), NOW + 14)
            .await
            .expect("assigned");
        // Nobody else: another OPD does not see it, the overseer only reads, and only
        // colleagues of the holding organisation can be given it.
        assert_eq!(
            assign(db, &dinkes, id, &to(Some(&dinkes), Some(&budi)), NOW + 15).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            assign(db, &overseer, id, &to(Some(&budi), Some(&budi)), NOW + 15).await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        assert_eq!(
            assign(
                db,
                &coordinator,
                id,
                &to(Some(&coordinator), Some(&budi)),
                NOW + 15
            )
            .await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        assert_eq!(
            field_key(&assign(db, &budi, id, &to(Some(&dinkes), Some(&budi)), NOW + 15).await),
            "err.assignee"
        );
        let junk = AssignInput {
            kepada: "1 or 1=1".into(),
            dari: budi.account_id.to_string(),
        };
        assert_eq!(
            field_key(&assign(db, &budi, id, &junk, NOW + 15).await),
            "err.assignee"
        );

        // The history holds each step, for officials only.
        let case = open_case(db, &budi, id, NOW + 16).await.expect("case");
        let steps: Vec<Option<String>> = case
            .report
            .thread
            .iter()
            .filter(|e| e.kind == EventKind::Assigned)
            .map(|e| {
                assert!(e.internal);
                e.assignee.clone()
            })
            .collect();
        assert_eq!(
            steps,
            [
                Some(budi.name.clone()),
                Some(sari.name.clone()),
                Some(budi.name.clone())
            ]
        );
        assert_eq!(
            case.assignment.assignee.as_ref().map(|a| a.id),
            Some(budi.account_id)
        );
        assert_eq!(case.assignment.colleagues.len(), 2);
        let citizen = find_report(db, id, by_code(&filed)).await.expect("citizen");
        assert!(citizen.thread.iter().all(|e| e.kind != EventKind::Assigned));

        // Budi's account is closed: his report is unassigned again, and says why.
        app::admin::set_active(db, budi.account_id, false, NOW + 20)
            .await
            .expect("deactivated");
        let left = inbox(db, &sari, View::Unassigned, NOW + 21)
            .await
            .expect("inbox");
        assert_eq!(ids(&left), [id]);
        let case = open_case(db, &sari, id, NOW + 21).await.expect("case");
        let last = case.report.thread.last().expect("entry");
        assert_eq!(
            (last.kind, last.reason.as_deref(), last.assignee.as_deref()),
            (EventKind::Assigned, Some("deactivated"), None)
        );
        // Budi can no longer be chosen.
        assert_eq!(case.assignment.colleagues.len(), 1);
        // The coordinator sees the report without an official at the OPD.
        let w = watch(db, &coordinator, NOW + 21).await.expect("watch");
        let pupr_row = w
            .rows
            .iter()
            .find(|r| {
                r.opd
                    .as_deref()
                    .is_some_and(|n| n.starts_with("Dinas PUPR"))
            })
            .expect("PUPR row");
        assert_eq!(pupr_row.unassigned, 1);

        // Handed back to the coordinator, the report arrives there unassigned.
        assign(db, &sari, id, &to(Some(&sari), None), NOW + 22)
            .await
            .expect("taken");
        let hand_back = ActInput {
            note: "Bukan kewenangan PUPR, ini PLN.".into(),
            ..action("hand_back")
        };
        act(db, &sari, id, &hand_back, NOW + 23)
            .await
            .expect("handed back");
        let case = open_case(db, &coordinator, id, NOW + 24)
            .await
            .expect("case");
        assert_eq!(case.assignment.assignee, None);
        assert_eq!(
            case.assignment.colleagues.len(),
            1,
            "the coordinator may take it now"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_inbox_puts_what_needs_action_first_and_counts_what_is_new() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let budi = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let sari = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        // Four reports in progress at the OPD; one of them filed long ago and now overdue.
        let late = forwarded(db, &coordinator, o.pupr, "Jembatan retak", NOW - 60 * DAY).await;
        let seen = forwarded(db, &coordinator, o.pupr, "Trotoar rusak", NOW).await;
        let waiting = forwarded(db, &coordinator, o.pupr, "Drainase tersumbat", NOW).await;
        let noted = forwarded(db, &coordinator, o.pupr, "Rambu hilang", NOW).await;
        let mut at = NOW + 100;
        for f in [&late, &seen, &waiting, &noted] {
            at += 1;
            add_staff_message(
                db,
                &budi,
                &f.tracking_id,
                &message("Kami tindak lanjuti.", false, 0),
                at,
            )
            .await
            .expect("first reply");
            open_case(db, &budi, &f.tracking_id, at)
                .await
                .expect("opened");
        }
        // The citizen answers one; Sari leaves a note on another.
        add_citizen_message(
            db,
            &waiting.tracking_id,
            by_code(&waiting),
            "Sudah seminggu, Pak.",
            at + 10,
        )
        .await
        .expect("citizen");
        add_staff_message(
            db,
            &sari,
            &noted.tracking_id,
            &message("Cek gudang rambu.", true, 0),
            at + 11,
        )
        .await
        .expect("note");

        let boxed = inbox(db, &budi, View::All, at + 20).await.expect("inbox");
        let progress = &boxed
            .sections
            .iter()
            .find(|s| s.key == "staff.in_progress")
            .expect("section")
            .items;
        let order: Vec<&str> = progress.iter().map(|c| c.tracking_id.as_str()).collect();
        assert_eq!(
            order,
            [
                late.tracking_id.as_str(),
                waiting.tracking_id.as_str(),
                noted.tracking_id.as_str(),
                seen.tracking_id.as_str()
            ],
            "overdue, then the citizen waiting, then what is new, then the rest"
        );
        let marks: Vec<(bool, bool, i64)> = progress
            .iter()
            .map(|c| (c.awaiting, c.unseen, c.unread))
            .collect();
        assert_eq!(
            marks,
            [
                (false, false, 0),
                (true, true, 1),
                (false, true, 1),
                (false, false, 0)
            ]
        );
        // What Budi sees as new is Budi's: Sari has opened none of them.
        let sari_box = inbox(db, &sari, View::All, at + 20).await.expect("inbox");
        assert!(
            sari_box
                .sections
                .iter()
                .flat_map(|s| &s.items)
                .all(|c| c.unseen)
        );

        // Opening the report clears what was new; answering clears the citizen's wait.
        let case = open_case(db, &budi, &waiting.tracking_id, at + 21)
            .await
            .expect("case");
        add_staff_message(
            db,
            &budi,
            &waiting.tracking_id,
            &message("Tim ke lokasi besok.", false, case.last_event_id),
            at + 22,
        )
        .await
        .expect("reply");
        let boxed = inbox(db, &budi, View::All, at + 23).await.expect("inbox");
        let row = boxed
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|c| c.tracking_id == waiting.tracking_id)
            .expect("row");
        assert_eq!((row.awaiting, row.unread), (false, 0));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_reply_written_while_someone_else_wrote_waits_until_it_is_read() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let budi = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let filed = forwarded(db, &coordinator, o.pupr, "Pohon tumbang", NOW).await;
        let id = filed.tracking_id.as_str();
        let on_screen = open_case(db, &budi, id, NOW + 10)
            .await
            .expect("case")
            .last_event_id;
        add_citizen_message(db, id, by_code(&filed), "Pohonnya menutup jalan.", NOW + 11)
            .await
            .expect("citizen");
        let blind = message("Akan kami cek minggu depan.", false, on_screen);
        assert_eq!(
            field_key(&add_staff_message(db, &budi, id, &blind, NOW + 12).await),
            "desk.written_meanwhile"
        );
        let case = open_case(db, &budi, id, NOW + 13).await.expect("case");
        assert_eq!(
            case.report
                .thread
                .iter()
                .filter(|e| e.body.starts_with("Akan"))
                .count(),
            0
        );
        // Read now: the same text goes out.
        let informed = message("Akan kami cek minggu depan.", false, case.last_event_id);
        add_staff_message(db, &budi, id, &informed, NOW + 14)
            .await
            .expect("sent");
        // Its own messages never hold the official back.
        add_staff_message(
            db,
            &budi,
            id,
            &message("Catatan: bawa gergaji.", true, case.last_event_id),
            NOW + 15,
        )
        .await
        .expect("sent after own message");
        t.finish().await;
    }
}

#[tokio::test]
async fn templates_are_filled_for_the_report_and_kept_per_organisation() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let budi = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let overseer = official(db, Role::Overseer, Some(o.banjarmasin)).await;
        let input = TemplateInput {
            title: "Jadwal survei".into(),
            body: "Laporan {nomor} sedang ditangani {instansi} oleh {petugas}; selesai paling lambat {tenggat}. {nama}".into(),
        };
        let tid = save_template(db, &budi, None, &input, NOW)
            .await
            .expect("saved");
        // Another organisation can neither see nor change it; the overseer keeps none.
        assert!(
            app::desk::my_templates(db, &dinkes)
                .await
                .expect("list")
                .is_empty()
        );
        assert_eq!(
            save_template(db, &dinkes, Some(tid), &input, NOW).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            app::desk::delete_template(db, &dinkes, tid).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            save_template(db, &overseer, None, &input, NOW).await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        let empty = TemplateInput::default();
        assert_eq!(
            field_key(&save_template(db, &budi, None, &empty, NOW).await),
            "err.required"
        );

        let filed = forwarded(db, &coordinator, o.pupr, "Got mampet", NOW).await;
        let mut case = open_case(db, &budi, &filed.tracking_id, NOW + 60)
            .await
            .expect("case");
        fill_templates(&mut case, &budi, Locale::Id, TimeZone::Wita);
        let text = &case.templates[0].text;
        assert!(
            text.starts_with(&format!(
                "Laporan {} sedang ditangani Dinas PUPR oleh {};",
                filed.tracking_id, budi.name
            )),
            "{text}"
        );
        assert!(
            text.contains("WITA") && !text.contains("{tenggat}"),
            "{text}"
        );
        assert!(
            text.ends_with("{nama}"),
            "an unknown placeholder stays as typed: {text}"
        );
        // The coordinator's page offers its own organisation's templates, none of the OPD's.
        let theirs = open_case(db, &coordinator, &filed.tracking_id, NOW + 60)
            .await
            .expect("case");
        assert!(theirs.templates.is_empty());
        app::desk::delete_template(db, &budi, tid)
            .await
            .expect("removed");
        assert!(
            app::desk::my_templates(db, &budi)
                .await
                .expect("list")
                .is_empty()
        );
        t.finish().await;
    }
}

fn bulk(code: &str, reports: &[&FiledReport]) -> BulkInput {
    let mut input = BulkInput {
        action: code.into(),
        ..Default::default()
    };
    for r in reports {
        input
            .picked
            .insert(format!("r.{}", r.tracking_id), "on".into());
    }
    input
}

#[tokio::test]
async fn many_reports_at_once_each_get_a_record_and_a_refused_one_stops_none() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let colleague = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let a = file_at(db, "Jalan A berlubang", o.pupr, false, NOW).await;
        let b = file_at(db, "Jalan B berlubang", o.pupr, true, NOW).await;
        let c = file_at(db, "Jalan C berlubang", o.pupr, false, NOW).await;
        // A colleague archived B meanwhile.
        let archive = ActInput {
            reason: "too_general".into(),
            ..action("archive")
        };
        act(db, &colleague, &b.tracking_id, &archive, NOW + 5)
            .await
            .expect("archived");

        let done = act_many(db, &coordinator, &bulk("verify", &[&a, &b, &c]), NOW + 10)
            .await
            .expect("bulk");
        let mut expected = vec![a.tracking_id.clone(), c.tracking_id.clone()];
        expected.sort();
        assert_eq!(done.done, expected);
        assert_eq!(done.refused, [(b.tracking_id.clone(), "status".to_owned())]);
        for f in [&a, &c] {
            let case = open_case(db, &coordinator, &f.tracking_id, NOW + 11)
                .await
                .expect("case");
            let verified = case
                .report
                .thread
                .iter()
                .filter(|e| e.to_status == Some(app::reports::Status::Verified))
                .count();
            assert_eq!(verified, 1, "each report has its own record");
        }

        // Forwarding needs an OPD of the coordinator's government: refused as a form.
        let mut forward = bulk("dispose", &[&a, &c]);
        forward.opd_id = o.samarinda_pupr.to_string();
        assert_eq!(
            field_key(&act_many(db, &coordinator, &forward, NOW + 12).await),
            "err.agency"
        );
        forward.opd_id = o.pupr.to_string();
        let done = act_many(db, &coordinator, &forward, NOW + 13)
            .await
            .expect("bulk");
        assert_eq!((done.done.len(), done.refused.len()), (2, 0));
        let opd_box = inbox(db, &pupr, View::All, NOW + 14).await.expect("inbox");
        assert_eq!(ids(&opd_box).len(), 2);

        // Only who verifies and forwards acts on many; nothing ticked, too many, or an action
        // that is not for many are refused whole.
        assert_eq!(
            act_many(db, &pupr, &bulk("verify", &[&a]), NOW + 15).await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        assert_eq!(
            field_key(&act_many(db, &coordinator, &bulk("verify", &[]), NOW + 15).await),
            "desk.bulk_none"
        );
        assert_eq!(
            field_key(&act_many(db, &coordinator, &bulk("resolve", &[&a]), NOW + 15).await),
            "err.action"
        );
        let mut flood = bulk("verify", &[]);
        for i in 0..=app::casework::BULK_MAX {
            flood.picked.insert(format!("r.AAAA-{i:04}"), "on".into());
        }
        assert_eq!(
            field_key(&act_many(db, &coordinator, &flood, NOW + 15).await),
            "desk.bulk_too_many"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn officials_on_one_report_see_each_other_by_name_across_servers() {
    use app::desk::announce_presence;
    use app::live::{Activity, Presence};
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let budi = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let sari = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let filed = forwarded(db, &coordinator, o.pupr, "Kabel menjuntai", NOW).await;
        let id = filed.tracking_id.as_str();
        // A second server on the same database (on PostgreSQL it hears the first).
        let other = Store::connect(&t.url).await.expect("second server");
        let _listening = other.hub.subscribe(&other.db).await;

        let mut heard = db.hub.subscribe_presence();
        announce_presence(db, &budi, id, "lihat", NOW)
            .await
            .expect("viewing");
        announce_presence(db, &sari, id, "ketik", NOW + 1)
            .await
            .expect("typing");
        let first = heard.try_recv().expect("Budi came");
        let second = heard.try_recv().expect("Sari types");
        assert_eq!(
            (
                first.name.as_str(),
                first.activity,
                second.name.as_str(),
                second.activity
            ),
            (
                budi.name.as_str(),
                Activity::Viewing,
                sari.name.as_str(),
                Activity::Typing
            )
        );
        assert_eq!(
            db.hub.present_on(id, budi.account_id, NOW + 2),
            [Presence {
                name: sari.name.clone(),
                typing: true
            }]
        );
        assert_eq!(
            db.hub.present_on(id, sari.account_id, NOW + 2),
            [Presence {
                name: budi.name.clone(),
                typing: false
            }]
        );
        // A sign of life that changes nothing is not news for the streams.
        announce_presence(db, &sari, id, "ketik", NOW + 20)
            .await
            .expect("still typing");
        assert!(heard.try_recv().is_err());
        // Outside the report's scope it does not exist; a made-up activity is refused.
        assert_eq!(
            announce_presence(db, &dinkes, id, "lihat", NOW + 21).await,
            Err(AppError::NotFound)
        );
        assert!(matches!(
            announce_presence(db, &budi, id, "<b>", NOW + 21).await,
            Err(AppError::Invalid(_))
        ));
        if t.url.starts_with("postgres") {
            let mut seen = Vec::new();
            for _ in 0..100 {
                seen = other.hub.present_on(id, budi.account_id, NOW + 22);
                if !seen.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            assert_eq!(
                seen,
                [Presence {
                    name: sari.name.clone(),
                    typing: true
                }]
            );
        }
        // Leaving, or going quiet for longer than a page's heartbeat allows, ends it.
        announce_presence(db, &sari, id, "pergi", NOW + 30)
            .await
            .expect("left");
        assert_eq!(heard.try_recv().map(|n| n.activity), Ok(Activity::Left));
        assert!(db.hub.present_on(id, budi.account_id, NOW + 31).is_empty());
        assert!(
            db.hub
                .present_on(id, sari.account_id, NOW + app::live::PRESENCE_SECS + 1)
                .is_empty()
        );
        // The case page carries it for the official reading it.
        announce_presence(db, &sari, id, "lihat", NOW + 40)
            .await
            .expect("back");
        assert_eq!(
            db.hub.present_on(id, budi.account_id, NOW + 41),
            [Presence {
                name: sari.name.clone(),
                typing: false
            }]
        );
        other.pool.close().await;
        t.finish().await;
    }
}
