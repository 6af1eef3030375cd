//! Possible duplicates on every engine: similar open public reports found while writing (and
//! unrelated, confidential, unpublished or other areas' reports not), the form held back once
//! to show them, supports counted once per person, a duplicate marked by the coordinator (its
//! reporter told where the original is and following it), and the figures counting the
//! original once.

use super::http::{app, form, get, location, send};
use super::support::{NOW, SECRET, TODAY, action, engines, official, orgs, publish, report};
use app::casework::{ActInput, StaffMessageInput, act, add_staff_message, open_case};
use app::change::Store;
use app::duplicates::{Probe, Supporter, similar_public, support};
use app::error::AppError;
use app::lifecycle::Role;
use app::notify::{self, Links};
use app::reports::{Claim, ReportInput, file_report, find_report};
use axum::http::StatusCode;

const LINKS: Links<'static> = Links {
    public_url: "https://lapor.example",
    server_secret: SECRET,
};

const POTHOLE_TITLE: &str = "Jalan berlubang di Jalan Ahmad Yani Km 5";
const POTHOLE_BODY: &str = "Jalan di depan pasar Km 5 berlubang besar dan sudah membahayakan \
                            pengendara motor sejak dua minggu.";

fn input(title: &str, body: &str, org: i64) -> ReportInput {
    ReportInput {
        body: body.into(),
        target_org_id: org.to_string(),
        ..report(title)
    }
}

async fn file(db: &Store, input: &ReportInput) -> String {
    file_report(db, SECRET, input, None, NOW, TODAY)
        .await
        .expect("filed")
        .tracking_id
}

fn probe(title: &str, body: &str, org: i64) -> Probe {
    Probe {
        title: title.into(),
        body: body.into(),
        category_id: "3".into(),
        target_org_id: org.to_string(),
        ..Default::default()
    }
}

fn ids(found: &[app::duplicates::Similar]) -> Vec<String> {
    found.iter().map(|s| s.tracking_id.clone()).collect()
}

#[tokio::test]
async fn similar_open_public_reports_of_the_area_are_found_and_nothing_else() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let pothole = file(db, &input(POTHOLE_TITLE, POTHOLE_BODY, o.pupr)).await;
        let lamp = file(
            db,
            &input(
                "Lampu penerangan jalan mati di Jalan Sudirman",
                "Lampu jalan di sepanjang Jalan Sudirman mati sudah seminggu, gelap dan rawan.",
                o.pupr,
            ),
        )
        .await;
        let secret = file(
            db,
            &ReportInput {
                confidential: Some("on".into()),
                ..input(
                    "Lubang besar di Jl. Ahmad Yani",
                    "Lubang besar di jalan Ahmad Yani km 5 depan pasar, motor jatuh.",
                    o.pupr,
                )
            },
        )
        .await;
        let _unpublished = file(
            db,
            &input(
                "Lubang di Jalan Ahmad Yani dekat pasar",
                "Jalan Ahmad Yani depan pasar berlubang, pengendara motor terjatuh.",
                o.pupr,
            ),
        )
        .await;
        let elsewhere = file(
            db,
            &input(
                "Jalan Ahmad Yani berlubang dekat pasar",
                "Jalan Ahmad Yani depan pasar berlubang besar, motor sering jatuh.",
                o.samarinda_pupr,
            ),
        )
        .await;
        for id in [&pothole, &lamp, &secret, &elsewhere] {
            publish(db, id, NOW + 60).await;
        }

        let found = similar_public(
            db,
            &probe(
                "Lubang besar di Jl. Ahmad Yani dekat pasar",
                "Ada lubang besar di jalan Ahmad Yani km 5 depan pasar, banyak motor jatuh.",
                o.banjarmasin,
            ),
        )
        .await
        .expect("similar");
        assert_eq!(ids(&found), [pothole.as_str()], "{:?}", t.db.engine);
        assert!(
            found[0].shared.contains(&"lubang".to_owned()),
            "{:?}",
            found[0].shared
        );
        assert_eq!(found[0].reporters, 1);

        // Another complaint of the same street type, a school: nothing.
        let unrelated = similar_public(
            db,
            &probe(
                "Pungutan liar di SD Negeri 3",
                "Orang tua murid diminta membayar uang seragam dua ratus ribu rupiah.",
                o.banjarmasin,
            ),
        )
        .await
        .expect("similar");
        assert!(unrelated.is_empty(), "{unrelated:?}");
        // A pothole in Samarinda is Samarinda's.
        let there = similar_public(db, &probe(POTHOLE_TITLE, POTHOLE_BODY, o.samarinda))
            .await
            .expect("similar");
        assert_eq!(ids(&there), [elsewhere.as_str()]);

        // The form's section for the island, escaped like any page, and a huge question cut.
        let app = app(&t);
        let res = send(
            &app,
            get(&format!(
                "/lapor/mirip?title={}&body={}&category_id=3&target_org_id={}",
                "Lubang%20besar%20di%20Jl.%20Ahmad%20Yani",
                "jalan%20Ahmad%20Yani%20km%205%20depan%20pasar%20motor%20jatuh%3Cscript%3E"
                    .repeat(50),
                o.banjarmasin
            )),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(
            res.body.contains(&format!("/laporan/{pothole}/dukung")),
            "{}",
            res.body
        );
        assert!(res.body.contains("Saya juga mengalami ini"));
        assert!(!res.body.contains(&secret) && !res.body.contains("<script>"));
        let empty = send(&app, get("/lapor/mirip?title=x")).await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(!empty.body.contains("<li"));
        t.finish().await;
    }
}

fn fields(key: &str, mirip: &str, org: i64) -> Vec<(String, String)> {
    vec![
        ("submission_key".into(), key.into()),
        ("kind".into(), "pengaduan".into()),
        (
            "title".into(),
            "Lubang besar di Jl. Ahmad Yani dekat pasar".into(),
        ),
        (
            "body".into(),
            "Ada lubang besar di jalan Ahmad Yani km 5 depan pasar, banyak motor jatuh.".into(),
        ),
        ("category_id".into(), "3".into()),
        ("target_org_id".into(), org.to_string()),
        ("anonymous".into(), "on".into()),
        ("mirip".into(), mirip.into()),
    ]
}

fn borrowed(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn the_form_is_held_back_once_to_show_them_and_a_support_counts_each_person_once() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let pothole = file(db, &input(POTHOLE_TITLE, POTHOLE_BODY, o.pupr)).await;
        publish(db, &pothole, NOW + 60).await;
        let app = app(&t);

        // Sent without having seen them: the form comes back, everything typed kept, with
        // the similar report and its support button; nothing is filed.
        let key = app::secrets::new_submission_key();
        let first = fields(&key, "", o.banjarmasin);
        let res = send(&app, form("/lapor", &borrowed(&first), None)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            t.db.engine
        );
        assert!(res.body.contains("Ada laporan serupa yang sudah diterima"));
        assert!(res.body.contains(&format!("/laporan/{pothole}/dukung")));
        assert!(
            res.body.contains("banyak motor jatuh"),
            "the body typed is kept"
        );
        assert!(
            res.body
                .contains(r#"name="mirip" id="mirip-seen" value="1""#)
        );
        let count = |db: Store| async move {
            sqlx::query_scalar::<_, i64>("select count(*) from reports")
                .fetch_one(&db.pool)
                .await
                .expect("count")
        };
        assert_eq!(count(db.clone()).await, 1);

        // Sent again: filed.
        let again = fields(&key, "1", o.banjarmasin);
        let res = send(&app, form("/lapor", &borrowed(&again), None)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(count(db.clone()).await, 2);
        // A form the phone kept offline, sent by its service worker long after it was
        // written: filed as it is.
        let kept = fields(&app::secrets::new_submission_key(), "", o.banjarmasin);
        let mut req = form("/lapor", &borrowed(&kept), None);
        req.headers_mut().insert(
            app::state::REPLAY_HEADER,
            axum::http::HeaderValue::from_static("1"),
        );
        let res = send(&app, req).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(count(db.clone()).await, 3);

        // "Saya juga" from the form: counted by the email, which is not kept.
        let mut supporting = fields(&app::secrets::new_submission_key(), "", o.banjarmasin);
        supporting.push(("email".into(), "Warga@Example.id".into()));
        let path = format!("/laporan/{pothole}/dukung");
        let res = send(&app, form(&path, &borrowed(&supporting), None)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/laporan/{pothole}?didukung=1"));
        let page = send(&app, get(&format!("/laporan/{pothole}?didukung=1"))).await;
        assert!(
            page.body.contains("Dilaporkan oleh 2 orang"),
            "{}",
            page.body
        );
        let stored: Vec<String> = sqlx::query_scalar("select supporter from report_supports")
            .fetch_all(&db.pool)
            .await
            .expect("supports");
        assert_eq!(stored.len(), 1);
        assert!(
            stored
                .iter()
                .all(|s| !s.contains('@') && !s.contains("warga"))
        );
        // The same address again, written otherwise: once.
        let res = send(&app, form(&path, &[("email", "warga@example.id ")], None)).await;
        assert_eq!(location(&res), format!("/laporan/{pothole}?didukung=0"));
        // No way to tell people apart: refused on the report's page, with the reason.
        let res = send(&app, form(&path, &[("email", ""), ("phone", "")], None)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("agar dukungan Anda dihitung sekali"),
            "{}",
            res.body
        );
        // From the form with neither: the form comes back whole.
        let res = send(
            &app,
            form(&path, &borrowed(&fields("k", "", o.banjarmasin)), None),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("banyak motor jatuh"));

        // Plain functions: a phone number, an account, the reporter's own account.
        let by = |who: Supporter| {
            let db = db.clone();
            let id = pothole.clone();
            async move { support(&db, SECRET, &id, &who, NOW + 100).await }
        };
        let phone = by(Supporter::Phone("+6281234567890".into()))
            .await
            .expect("phone");
        assert_eq!((phone.new, phone.reporters), (true, 3));
        let again = by(Supporter::Phone("+6281234567890".into()))
            .await
            .expect("phone");
        assert_eq!((again.new, again.reporters), (false, 3));
        assert_eq!(
            Supporter::from_form(None, "", "0812-3456-7890"),
            Ok(Supporter::Phone("+6281234567890".into()))
        );
        let account = by(Supporter::Account(77)).await.expect("account");
        assert_eq!(account.reporters, 4);

        // A report the public cannot read cannot be supported, nor found to be.
        let hidden = file(
            db,
            &ReportInput {
                confidential: Some("on".into()),
                ..input("Lubang lain di jalan", POTHOLE_BODY, o.pupr)
            },
        )
        .await;
        publish(db, &hidden, NOW + 60).await;
        let unpublished = file(db, &input("Lubang ketiga di jalan", POTHOLE_BODY, o.pupr)).await;
        for id in [&hidden, &unpublished] {
            let refused = support(db, SECRET, id, &Supporter::Account(5), NOW).await;
            assert_eq!(refused, Err(AppError::NotFound));
            let res = send(
                &app,
                form(
                    &format!("/laporan/{id}/dukung"),
                    &[("email", "a@b.id")],
                    None,
                ),
            )
            .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND);
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn a_duplicate_is_archived_its_reporter_follows_the_original_and_it_counts_once() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let original = file(db, &input(POTHOLE_TITLE, POTHOLE_BODY, o.pupr)).await;
        publish(db, &original, NOW + 60).await;
        let mut second = input(
            "Lubang besar di Jl. Ahmad Yani dekat pasar",
            "Ada lubang besar di jalan Ahmad Yani km 5 depan pasar, banyak motor jatuh.",
            o.pupr,
        );
        second.anonymous = Some("on".into());
        second.notify_email = "kedua@example.id".into();
        let filed = file_report(db, SECRET, &second, None, NOW + 120, TODAY)
            .await
            .expect("filed");
        let dup = filed.tracking_id.clone();
        let elsewhere = file(db, &input(POTHOLE_TITLE, POTHOLE_BODY, o.samarinda_pupr)).await;
        let month = app::figures::month_of(db, NOW);
        let received = |db: Store| async move {
            app::figures::figures(&db, Some(o.banjarmasin), month, month, NOW + 300)
                .await
                .expect("figures")
                .received
        };
        assert_eq!(received(db.clone()).await, 2, "{:?}", t.db.engine);

        // The coordinator sees the original among the possible duplicates.
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let case = open_case(db, &coordinator, &dup, NOW + 200)
            .await
            .expect("case");
        assert_eq!(ids(&case.similar), [original.as_str()]);

        // Refused: no original, itself, another region's report.
        let mark = |of: &str| ActInput {
            reason: "duplicate".into(),
            duplicate_of: of.into(),
            ..action("archive")
        };
        for (of, key) in [
            ("", "err.duplicate_of"),
            (dup.as_str(), "err.duplicate_self"),
            (elsewhere.as_str(), "err.duplicate_of"),
        ] {
            let refused = act(db, &coordinator, &dup, &mark(of), NOW + 250).await;
            match refused {
                Err(AppError::Invalid(e)) => assert_eq!(e[0].key, key, "{of}"),
                other => panic!("{of}: {other:?}"),
            }
        }
        // Marked: archived with that reason, the original counts its reporter.
        act(
            db,
            &coordinator,
            &dup,
            &mark(&original.to_lowercase()),
            NOW + 300,
        )
        .await
        .expect("marked");
        let own = find_report(
            db,
            &dup,
            Claim {
                code: Some(&filed.access_code),
                account_id: None,
            },
        )
        .await
        .expect("the reporter's view");
        assert_eq!(own.status, app::reports::Status::Archived);
        assert_eq!(own.duplicate_of.as_deref(), Some(original.as_str()));
        let public = find_report(db, &original, Claim::default())
            .await
            .expect("public");
        assert_eq!(public.reporters, 2);
        // The figures count the complaint once, incrementally and rebuilt alike.
        assert_eq!(received(db.clone()).await, 1);
        app::figures::rebuild_rollups(db).await.expect("rebuild");
        assert_eq!(received(db.clone()).await, 1);
        // Not proposed again, and not markable onto an archived report.
        let again = open_case(db, &coordinator, &original, NOW + 310)
            .await
            .expect("case");
        assert!(again.similar.is_empty(), "{:?}", again.similar);

        // Its reporter is told where the original is.
        let rows = notify::claim(db, NOW + 10_000, 100).await.expect("claim");
        // (Not claimed before, the receipt waited: the archive joined it.)
        let told = rows
            .iter()
            .find(|r| r.address == "kedua@example.id" && r.purpose == notify::Purpose::Report)
            .expect("the archive's notification");
        let words = notify::compose(db, &LINKS, told)
            .await
            .expect("compose")
            .expect("words");
        assert!(words.text.contains(&original), "{}", words.text);
        assert!(
            words
                .text
                .contains(&format!("https://lapor.example/laporan/{original}"))
        );
        for r in &rows {
            notify::sent(db, r.id, NOW + 10_000).await.expect("sent");
        }

        // And follows it: the original's public news reach them, by its public link only.
        act(
            db,
            &coordinator,
            &original,
            &ActInput {
                opd_id: o.pupr.to_string(),
                ..action("dispose")
            },
            NOW + 20_000,
        )
        .await
        .expect("forwarded");
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        add_staff_message(
            db,
            &pupr,
            &original,
            &StaffMessageInput {
                body: "Tim kami akan menambal lubang itu besok pagi.".into(),
                kunci: app::secrets::new_submission_key(),
                ..Default::default()
            },
            NOW + 20_100,
        )
        .await
        .expect("replied");
        let rows = notify::claim(db, NOW + 40_000, 100).await.expect("claim");
        let follow = rows
            .iter()
            .find(|r| r.address == "kedua@example.id")
            .expect("the follower's notification");
        let original_id: i64 = sqlx::query_scalar("select id from reports where tracking_id = $1")
            .bind(&original)
            .fetch_one(&db.pool)
            .await
            .expect("id");
        assert_eq!(follow.report_id, Some(original_id));
        let words = notify::compose(db, &LINKS, follow)
            .await
            .expect("compose")
            .expect("words");
        assert!(words.text.contains("menambal lubang"), "{}", words.text);
        assert!(
            words
                .text
                .contains(&format!("Kabar dari laporan {original}"))
        );
        assert!(
            !words.text.contains("kode="),
            "no access to the original's private page"
        );
        t.finish().await;
    }
}
