//! Keterhubungan and admin activity on every engine, from fixtures: Kalimantan Timur with its
//! ten regencies and cities, eight of them staffed, shows "8 dari 10" on the figures page, in
//! the ranking and in the downloads; an official counts as active once signed in, and a
//! deactivated one never counts.

use super::http::{app, get, send};
use super::staff_http::sign_in;
use super::support::{engines, national, official, official_with_password};
use app::lifecycle::Role;
use app::orgs::{OrgKind, create_org};
use axum::http::StatusCode;

const REGIONS: [&str; 10] = [
    "Kabupaten Paser",
    "Kabupaten Kutai Kartanegara",
    "Kabupaten Berau",
    "Kabupaten Kutai Barat",
    "Kabupaten Kutai Timur",
    "Kabupaten Penajam Paser Utara",
    "Kabupaten Mahakam Ulu",
    "Kota Balikpapan",
    "Kota Samarinda",
    "Kota Bontang",
];

#[tokio::test]
async fn a_province_with_ten_regions_of_which_eight_are_staffed_shows_8_of_10() {
    for t in engines().await {
        let db = &t.db;
        let root = national(db).await;
        let kaltim = create_org(
            db,
            Some(root),
            OrgKind::Province,
            "kaltim-64",
            "Kalimantan Timur",
        )
        .await
        .expect("province");
        official(db, Role::Coordinator, Some(kaltim)).await;
        let mut ids = Vec::new();
        for (i, name) in REGIONS.iter().enumerate() {
            let kind = if name.starts_with("Kota") {
                OrgKind::City
            } else {
                OrgKind::Regency
            };
            let id = create_org(db, Some(kaltim), kind, &format!("kt-{i}"), name)
                .await
                .expect("region");
            ids.push(id);
            let opd = create_org(
                db,
                Some(id),
                OrgKind::Opd,
                &format!("kt-{i}-pupr"),
                "Dinas PUPR",
            )
            .await
            .expect("opd");
            // Mahakam Ulu has no coordinator; Bontang's PUPR no admin.
            if *name != "Kabupaten Mahakam Ulu" {
                official(db, Role::Coordinator, Some(id)).await;
            }
            if *name != "Kota Bontang" {
                official(db, Role::OpdAdmin, Some(opd)).await;
            }
        }
        // A deactivated coordinator does not connect Mahakam Ulu.
        let mahulu = ids[6];
        let gone = official(db, Role::Coordinator, Some(mahulu)).await;
        app::admin::set_active(db, gone.account_id, false, app::db::now())
            .await
            .expect("deactivated");
        // Samarinda's coordinator signs in: one active official of its two.
        let samarinda = ids[8];
        let app = app(&t);
        official_with_password(
            db,
            "induk@samarinda.go.id",
            Role::Coordinator,
            Some(samarinda),
        )
        .await;
        sign_in(&app, "induk@samarinda.go.id").await;

        let links = app::connectedness::links(db, app::db::now())
            .await
            .expect("links");
        let p = links
            .provinces
            .iter()
            .find(|p| p.province.org_id == kaltim)
            .expect("Kaltim");
        assert_eq!((p.connected, p.total), (8, 10));
        let line = |id: i64| p.regions.iter().find(|r| r.org_id == id).expect("region");
        assert!(!line(mahulu).connected && !line(mahulu).coordinator);
        assert_eq!(
            line(ids[9]).opds_without_admin,
            vec!["Dinas PUPR".to_owned()]
        );
        assert_eq!(
            (line(samarinda).officials, line(samarinda).active_officials),
            (3, 1),
            "two coordinators and the OPD admin; one signed in"
        );
        assert_eq!(
            line(mahulu).officials,
            1,
            "its OPD's admin; the deactivated coordinator is no official"
        );

        // The figures page, public, in both languages.
        let page = send(&app, get(&format!("/statistik?instansi={kaltim}"))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("Kalimantan Timur: 8 dari 10 kabupaten/kota terhubung"),
            "{}",
            page.body
        );
        assert!(page.body.contains("OPD tanpa admin: Dinas PUPR"));
        assert!(page.body.contains("belum ada admin instansi aktif"));
        // Counts only: no official's name or email on the public page.
        assert!(
            !page.body.contains("induk@samarinda.go.id") && !page.body.contains("Petugas induk@")
        );
        let english = send(
            &app,
            axum::http::Request::get(format!("/statistik?instansi={kaltim}"))
                .header("cookie", "lang=en")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
        assert!(
            english
                .body
                .contains("Kalimantan Timur: 8 of 10 regencies and cities connected")
        );

        // The ranking shows it per region.
        let ranking = app::figures::ranking(db, (2026, 1), (2026, 12), app::db::now())
            .await
            .expect("ranking");
        let row = |id: i64| {
            ranking
                .regions
                .iter()
                .find(|r| r.org_id == id)
                .expect("row")
        };
        assert_eq!(row(samarinda).connected, Some(true));
        assert_eq!(row(mahulu).connected, Some(false));
        assert_eq!(
            (row(samarinda).officials, row(samarinda).active_officials),
            (3, 1)
        );
        assert!(ranking.opds.iter().all(|r| r.connected.is_none()));
        let page = send(&app, get("/statistik/peringkat")).await;
        assert!(
            page.body.contains("Tindakan pertama tepat waktu"),
            "{}",
            page.body
        );

        // The downloads carry it.
        let csv = send(
            &app,
            get(&format!("/statistik/unduh.csv?instansi={kaltim}")),
        )
        .await;
        assert!(
            csv.body.contains(&format!(
                "links_regions_connected,{kaltim},Kalimantan Timur,8"
            )),
            "{}",
            csv.body
        );
        assert!(
            csv.body
                .contains(&format!("link_connected,{mahulu},Kabupaten Mahakam Ulu,0"))
        );
        assert!(csv.body.contains(&format!(
            "link_active_officials,{samarinda},Kota Samarinda,1"
        )));
        let json = send(
            &app,
            get(&format!("/statistik/unduh.json?instansi={samarinda}")),
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&json.body).expect(&json.body);
        let regions = &v["links"]["provinces"][0]["regions"];
        assert_eq!(
            regions.as_array().expect("regions").len(),
            1,
            "only the city in scope"
        );
        assert_eq!(regions[0]["connected"], true);
        t.finish().await;
    }
}
