//! Deadlines and figures over HTTP, on every engine: the figures page, the ranking and the
//! downloads; the citizen's answer after "Selesai" through plain forms; the admin's calendar.

use super::http::{app, form, get, send};
use super::staff_http::{get_as, sign_in};
use super::support::{
    NOW, SECRET, STAFF_PASSWORD, TODAY, action, by_code, engines, official, orgs, report,
};
use app::casework::{ActInput, act};
use app::lifecycle::Role;
use app::reports::file_report;
use axum::http::{StatusCode, header};

const DAY: i64 = 86_400;

#[tokio::test]
async fn the_figures_page_the_ranking_and_the_downloads_agree() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        for title in [
            "Jembatan kayu di Kelayan rusak",
            "Saluran air di Sungai Miai tersumbat",
        ] {
            let mut input = report(title);
            input.target_org_id = o.pupr.to_string();
            let id = file_report(db, SECRET, &input, None, NOW, TODAY)
                .await
                .expect("filed")
                .tracking_id;
            act(db, &coordinator, &id, &action("verify"), NOW + DAY / 2)
                .await
                .expect("verify");
        }
        let mut secret = report("Pungutan liar di kantor kelurahan");
        secret.confidential = Some("on".into());
        secret.target_org_id = o.pupr.to_string();
        file_report(db, SECRET, &secret, None, NOW, TODAY)
            .await
            .expect("filed");

        let q = format!("?instansi={}&dari=2026-11&sampai=2026-11", o.banjarmasin);
        let page = send(&app, get(&format!("/statistik{q}"))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Kota Banjarmasin"));
        assert!(
            page.body
                .contains("data-testid=\"figure-received\"><strong>3</strong>"),
            "{}",
            page.body
        );
        assert!(page.body.contains("<svg") && page.body.contains("data-testid=\"chart-trend\""));
        // Half a working day to verify, with a decimal comma.
        assert!(page.body.contains("<td>0,5</td>"));
        let english = send(
            &app,
            axum::http::Request::get(format!("/statistik{q}"))
                .header(header::COOKIE, "lang=en")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
        assert!(english.body.contains("<td>0.5</td>"));

        let json = send(&app, get(&format!("/statistik/unduh.json{q}"))).await;
        assert_eq!(json.status, StatusCode::OK);
        let figures: app::figures::Figures = serde_json::from_str(&json.body).expect("json");
        assert_eq!((figures.received, figures.verify.measured), (3, 2));
        let csv = send(&app, get(&format!("/statistik/unduh.csv{q}"))).await;
        assert!(
            csv.headers[header::CONTENT_TYPE]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        assert!(csv.body.contains("total,received,,3"));
        assert!(csv.body.contains("verify,average_days,,0.500"));

        let data = send(&app, get("/data/laporan.csv?dari=2026-11&sampai=2026-11")).await;
        assert_eq!(
            data.body.lines().count(),
            3,
            "header and two public reports: {}",
            data.body
        );
        assert!(data.body.contains("Jembatan kayu") && !data.body.contains("Pungutan"));
        let rows: Vec<app::figures::OpenReport> = serde_json::from_str(
            &send(&app, get("/data/laporan.json?dari=2026-11&sampai=2026-11"))
                .await
                .body,
        )
        .expect("json");
        assert_eq!(rows.len(), 2);

        let ranking = send(
            &app,
            get("/statistik/peringkat?dari=2026-11&sampai=2026-11"),
        )
        .await;
        assert_eq!(ranking.status, StatusCode::OK);
        assert!(
            ranking.body.contains("Kota Banjarmasin")
                && ranking.body.contains("kurang dari 50 laporan setahun")
        );
        // An organisation that does not exist is not found, not an empty page.
        assert_eq!(
            send(&app, get("/statistik?instansi=99999")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            send(&app, get("/statistik/unduh.json?instansi=abc"))
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_citizen_answers_a_resolved_report_without_javascript() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let mut input = report("Lampu jalan padam di Jl. Veteran");
        input.target_org_id = o.pupr.to_string();
        // Filed and resolved now, so that the contest window is still open for this test.
        let now = app::db::now();
        let filed = file_report(db, SECRET, &input, None, now, TODAY)
            .await
            .expect("filed");
        let id = filed.tracking_id.clone();
        act(db, &coordinator, &id, &action("verify"), now)
            .await
            .expect("verify");
        act(
            db,
            &coordinator,
            &id,
            &ActInput {
                opd_id: o.pupr.to_string(),
                ..action("dispose")
            },
            now,
        )
        .await
        .expect("dispose");
        act(db, &pupr, &id, &action("start"), now)
            .await
            .expect("start");
        act(
            db,
            &pupr,
            &id,
            &ActInput {
                message: "Lampu sudah diganti.".into(),
                ..action("resolve")
            },
            now,
        )
        .await
        .expect("resolve");

        let page = format!("/laporan/{id}?kode={}", filed.access_code);
        let shown = send(&app, get(&page)).await;
        assert!(shown.body.contains("/konfirmasi") && shown.body.contains("/sanggah"));
        // The public sees the clocks but no answer form.
        let public = send(&app, get(&format!("/laporan/{id}"))).await;
        assert!(public.body.contains("Tenggat") && !public.body.contains("/konfirmasi"));

        // No rating chosen: the page comes back with the comment kept.
        let bad = send(
            &app,
            form(
                &format!("/laporan/{id}/konfirmasi"),
                &[("kode", &filed.access_code), ("comment", "Terang sekarang")],
                None,
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("Terang sekarang") && bad.body.contains("Pilih nilai 1 sampai 5.")
        );
        let good = send(
            &app,
            form(
                &format!("/laporan/{id}/konfirmasi"),
                &[
                    ("kode", &filed.access_code),
                    ("rating", "5"),
                    ("comment", "Terang sekarang"),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER);
        let after = send(&app, get(&page)).await;
        assert!(after.body.contains("Nilai dari pelapor: 5 dari 5"));
        assert!(!after.body.contains("/konfirmasi") && !after.body.contains("reply-body"));
        // Too late to contest now.
        let late = send(
            &app,
            form(
                &format!("/laporan/{id}/sanggah"),
                &[("kode", &filed.access_code), ("reason", "Padam lagi")],
                None,
            ),
        )
        .await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        let _ = by_code(&filed);
        t.finish().await;
    }
}

#[tokio::test]
async fn the_system_admin_edits_the_calendar_and_the_deadlines() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        server::cli::create_admin(db, "root@x.id", "Admin", STAFF_PASSWORD)
            .await
            .expect("admin");
        let admin = sign_in(&app, "root@x.id").await;
        let page = send(&app, get_as("/petugas/admin", &admin)).await;
        assert!(page.body.contains("Hari Raya Natal") && page.body.contains("17 Agustus 2026"));

        let bad = send(
            &app,
            form(
                "/petugas/admin/libur",
                &[
                    ("date", "2026-02-30"),
                    ("name", "Hari jadi kota"),
                    ("kind", "libur"),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Hari jadi kota"));
        let good = send(
            &app,
            form(
                "/petugas/admin/libur",
                &[
                    ("date", "2026-09-24"),
                    ("name", "Hari jadi kota"),
                    ("kind", "libur"),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER);
        let removed = send(
            &app,
            form("/petugas/admin/libur/2026-12-24/hapus", &[], Some(&admin)),
        )
        .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        let page = send(&app, get_as("/petugas/admin", &admin)).await;
        assert!(
            page.body.contains("Hari jadi kota")
                && !page.body.contains("Cuti bersama Hari Raya Natal")
        );

        let bad = send(
            &app,
            form(
                "/petugas/admin/tenggat",
                &[
                    ("verify_days", "0"),
                    ("follow_up_days", "5"),
                    ("resolve_days", "90"),
                    ("contest_days", "10"),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("value=\"90\""));
        let good = send(
            &app,
            form(
                "/petugas/admin/tenggat",
                &[
                    ("verify_days", "2"),
                    ("follow_up_days", "5"),
                    ("resolve_days", "14"),
                    ("contest_days", "10"),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app::deadlines::load_policy(&db.pool)
                .await
                .expect("policy")
                .verify_days,
            2
        );
        // A category's own length, and a mistake shown next to it.
        let bad = send(
            &app,
            form(
                "/petugas/admin/kategori/1/tenggat",
                &[("resolve_days", "enam")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("value=\"enam\""));
        let good = send(
            &app,
            form(
                "/petugas/admin/kategori/1/tenggat",
                &[("resolve_days", "45")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER);
        // Nobody else may.
        let o = orgs(db).await;
        super::support::official_with_password(
            db,
            "induk@x.id",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let coordinator = sign_in(&app, "induk@x.id").await;
        // The official's menu leads to the figures of their own organisation.
        let inbox = send(&app, get_as("/petugas", &coordinator)).await;
        assert!(
            inbox
                .body
                .contains(&format!("href=\"/statistik?instansi={}\"", o.banjarmasin)),
            "{}",
            inbox.body
        );
        let refused = send(
            &app,
            form(
                "/petugas/admin/libur",
                &[("date", "2026-09-25"), ("name", "X"), ("kind", "libur")],
                Some(&coordinator),
            ),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        t.finish().await;
    }
}
