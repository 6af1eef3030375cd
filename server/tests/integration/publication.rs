//! Nothing unread is published: a report is public only once an official verified it, and
//! then in the version the official redacted; its reporter and the officials in scope keep
//! the original; every redaction is in the history.

use super::http::{app, form, get, send};
use super::support::{
    NOW, SECRET, STAFF_PASSWORD, TODAY, by_code, engines, official, official_with_password, orgs,
    report,
};
use app::casework::{ActInput, act, open_case};
use app::error::{AppError, Refusal};
use app::lifecycle::Role;
use app::reports::{Claim, FiledReport, ListFilter, find_report, list_public};
use app::threads::EventKind;
use axum::http::StatusCode;

const TITLE: &str = "Pak Budi Santoso di loket 3 minta uang";
const BODY: &str = "Petugas loket 3 bernama Budi Santoso (HP 0812 9999 1234) meminta uang rokok agar KTP cepat jadi.";
const PUBLIC_TITLE: &str = "Petugas loket 3 minta uang";
const PUBLIC_BODY: &str = "Seorang petugas loket 3 meminta uang rokok agar KTP cepat jadi.";

/// A report to Kota Banjarmasin whose title and body name a third person and a phone number.
async fn file_naming_a_person(db: &app::change::Store, government: i64) -> FiledReport {
    let mut input = report(TITLE);
    input.body = BODY.into();
    input.target_org_id = government.to_string();
    app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed")
}

#[tokio::test]
async fn an_unverified_report_is_absent_from_every_public_route_and_present_for_its_reporter() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let filed = file_naming_a_person(db, o.banjarmasin).await;
        let app = app(&t);
        let tracking = &filed.tracking_id;
        for path in [
            "/laporan".to_owned(),
            "/laporan?status=submitted".to_owned(),
            format!("/laporan?instansi={}", o.banjarmasin),
            "/data/laporan.csv?dari=2026-11&sampai=2026-11".to_owned(),
            "/data/laporan.json?dari=2026-11&sampai=2026-11".to_owned(),
            "/".to_owned(),
        ] {
            let page = send(&app, get(&path)).await;
            assert!(page.status.is_success(), "{path}: {}", page.status);
            assert!(!page.body.contains(tracking.as_str()), "{path} lists it");
            assert!(!page.body.contains("Budi"), "{path} shows it");
        }
        let public = send(&app, get(&format!("/laporan/{tracking}"))).await;
        assert_eq!(public.status, StatusCode::NOT_FOUND);
        assert!(!public.body.contains("Budi"));
        let api = send(
            &app,
            form(
                "/api/get_report",
                &[("tracking_id", tracking.as_str())],
                None,
            ),
        )
        .await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);

        let own = send(
            &app,
            get(&format!("/laporan/{tracking}?kode={}", filed.access_code)),
        )
        .await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(own.body.contains("Budi Santoso"), "the reporter reads it");
        assert!(
            own.body.contains("menunggu verifikasi"),
            "and is told it awaits verification"
        );
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let case = open_case(db, &coordinator, tracking, NOW + 1)
            .await
            .expect("officials in scope see it");
        assert!(!case.report.published);
        t.finish().await;
    }
}

#[tokio::test]
async fn the_public_reads_the_redacted_version_the_reporter_and_officials_the_original() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let filed = file_naming_a_person(db, o.banjarmasin).await;
        let tracking = filed.tracking_id.as_str();
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let verify = ActInput {
            public_title: PUBLIC_TITLE.into(),
            public_body: PUBLIC_BODY.into(),
            ..super::support::action("verify")
        };
        act(db, &coordinator, tracking, &verify, NOW + 60)
            .await
            .expect("verified with a redaction");

        let public = find_report(db, tracking, Claim::default())
            .await
            .expect("public now");
        assert_eq!(
            (public.title.as_str(), public.body.as_str()),
            (PUBLIC_TITLE, PUBLIC_BODY)
        );
        assert_eq!(public.public_title, None, "the public gets no second copy");
        let listed = list_public(db, &ListFilter::default())
            .await
            .expect("listing");
        assert_eq!(listed.items[0].title, PUBLIC_TITLE);
        assert!(!listed.items[0].excerpt.contains("Budi"));

        let own = find_report(db, tracking, by_code(&filed))
            .await
            .expect("own");
        assert_eq!((own.title.as_str(), own.body.as_str()), (TITLE, BODY));
        assert_eq!(own.public_title.as_deref(), Some(PUBLIC_TITLE));
        let case = open_case(db, &coordinator, tracking, NOW + 61)
            .await
            .expect("case");
        assert_eq!(case.report.title, TITLE);
        assert_eq!(case.report.public_body.as_deref(), Some(PUBLIC_BODY));

        let kinds: Vec<EventKind> = own.thread.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [EventKind::Status, EventKind::Status, EventKind::Redacted]
        );
        let redaction = own.thread.last().expect("entry");
        assert_eq!(redaction.reason.as_deref(), Some("title,body"));
        assert!(
            !redaction.body.contains("Budi"),
            "the history never repeats what was removed"
        );

        // Over HTTP: pages and downloads.
        let app = app(&t);
        let page = send(&app, get(&format!("/laporan/{tracking}"))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(PUBLIC_TITLE) && !page.body.contains("Budi"));
        assert!(page.body.contains("Versi publik disunting petugas"));
        let csv = send(&app, get("/data/laporan.csv?dari=2026-11&sampai=2026-11")).await;
        assert!(csv.body.contains(PUBLIC_TITLE) && !csv.body.contains("Budi"));
        let mine = send(
            &app,
            get(&format!("/laporan/{tracking}?kode={}", filed.access_code)),
        )
        .await;
        assert!(mine.body.contains("Budi Santoso"));
        assert!(mine.body.contains("Yang dilihat publik"), "{}", mine.body);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_public_report_can_be_redacted_later_by_who_verifies_only() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let filed = file_naming_a_person(db, o.banjarmasin).await;
        let tracking = filed.tracking_id.as_str();
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        act(
            db,
            &coordinator,
            tracking,
            &super::support::action("verify"),
            NOW + 1,
        )
        .await
        .expect("verified as it was");
        assert_eq!(
            find_report(db, tracking, Claim::default())
                .await
                .expect("public")
                .title,
            TITLE
        );
        let redact = ActInput {
            public_title: PUBLIC_TITLE.into(),
            public_body: BODY.into(),
            ..super::support::action("redact")
        };
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dispose = ActInput {
            opd_id: o.pupr.to_string(),
            ..super::support::action("dispose")
        };
        act(db, &coordinator, tracking, &dispose, NOW + 2)
            .await
            .expect("forwarded");
        assert_eq!(
            act(db, &opd, tracking, &redact, NOW + 3).await,
            Err(AppError::Refused(Refusal::NotYourRole)),
            "the OPD answers; who verifies decides what the public reads"
        );
        act(db, &coordinator, tracking, &redact, NOW + 4)
            .await
            .expect("redacted later");
        let public = find_report(db, tracking, Claim::default())
            .await
            .expect("public");
        assert_eq!(public.title, PUBLIC_TITLE);
        assert_eq!(public.body, BODY, "the body stays as it was");
        let last = public.thread.last().expect("entry");
        assert_eq!(
            (last.kind, last.reason.as_deref()),
            (EventKind::Redacted, Some("title"))
        );
        assert!(
            matches!(
                act(db, &coordinator, tracking, &redact, NOW + 5).await,
                Err(AppError::Invalid(ref e)) if e[0].key == "err.nothing_to_change"
            ),
            "the same redaction twice changes nothing"
        );
        let too_short = ActInput {
            public_title: "abc".into(),
            ..super::support::action("redact")
        };
        assert!(matches!(
            act(db, &coordinator, tracking, &too_short, NOW + 6).await,
            Err(AppError::Invalid(ref e)) if e[0].field == "public_title"
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn the_staff_form_verifies_with_a_redaction_without_javascript() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        official_with_password(db, "induk@bjm.id", Role::Coordinator, Some(o.banjarmasin)).await;
        let filed = file_naming_a_person(db, o.banjarmasin).await;
        let app = app(&t);
        let login = send(
            &app,
            form(
                "/masuk",
                &[("email", "induk@bjm.id"), ("password", STAFF_PASSWORD)],
                None,
            ),
        )
        .await;
        let cookie = login
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .expect("session")
            .to_owned();
        let case_path = format!("/petugas/laporan/{}", filed.tracking_id);
        let case = send(
            &app,
            axum::http::Request::get(&case_path)
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
        assert!(
            case.body.contains("name=\"public_title\""),
            "the verify form offers it"
        );
        assert!(case.body.contains("Belum tampil untuk umum"));
        let done = send(
            &app,
            form(
                &format!("{case_path}/aksi"),
                &[
                    ("action", "verify"),
                    ("public_title", PUBLIC_TITLE),
                    ("public_body", PUBLIC_BODY),
                ],
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let public = send(&app, get(&format!("/laporan/{}", filed.tracking_id))).await;
        assert!(public.body.contains(PUBLIC_TITLE) && !public.body.contains("Budi"));
        t.finish().await;
    }
}
