//! The whole country on every engine: the system admin loads every province, regency and city
//! with its Kemendagri code, without duplicating what exists and only once however often it is
//! asked; a report names its kecamatan or kelurahan from the same data; Open311 jurisdictions
//! and the figures take the codes.

use super::http::{app, form, get, multipart, send};
use super::staff_http::{get_as, sign_in};
use super::support::{NOW, SECRET, TODAY, count, engines, official_with_password, orgs, report};
use app::error::AppError;
use app::lifecycle::Role;
use axum::http::{StatusCode, header};

async fn code_of(db: &app::change::Store, id: i64) -> Option<String> {
    sqlx::query_scalar("select area_code from organizations where id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .expect("org")
}

#[tokio::test]
async fn the_system_admin_loads_the_whole_country_once_keeping_what_exists() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let app = app(&t);
        official_with_password(db, "admin@lapor.example", Role::SystemAdmin, None).await;
        official_with_password(
            db,
            "koordinator@lapor.example",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let admin = sign_in(&app, "admin@lapor.example").await;
        let coordinator = sign_in(&app, "koordinator@lapor.example").await;
        let governments =
            "select count(*) from organizations where kind in ('province', 'regency', 'city')";
        assert_eq!(count(db, governments).await, 4, "the fixture's two and two");
        let page = send(&app, get_as("/petugas/admin", &admin)).await.body;
        assert!(
            page.contains("Sudah berkode: 0 dari 38 provinsi, 0 dari 514 kabupaten/kota."),
            "{page}"
        );

        // Another role's URL: refused, nothing loaded.
        let res = send(
            &app,
            form("/petugas/admin/wilayah", &[], Some(&coordinator)),
        )
        .await;
        assert_ne!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(count(db, governments).await, 4);

        let res = send(&app, form("/petugas/admin/wilayah", &[], Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(
            count(
                db,
                "select count(*) from organizations where kind = 'province'"
            )
            .await,
            38
        );
        assert_eq!(
            count(
                db,
                "select count(*) from organizations where kind in ('regency', 'city')"
            )
            .await,
            514
        );
        assert_eq!(
            count(db, "select count(*) from organizations where kind = 'city'").await,
            98,
            "Kemendagri's cities, numbered from 71"
        );
        // What existed was recognised by name and given its code, not made again.
        assert_eq!(code_of(db, o.kalsel).await.as_deref(), Some("63"));
        assert_eq!(code_of(db, o.banjarmasin).await.as_deref(), Some("63.71"));
        assert_eq!(code_of(db, o.samarinda).await.as_deref(), Some("64.72"));
        assert_eq!(
            count(db, "select count(*) from organizations where name like '%Banjarmasin%' and kind = 'city'").await,
            1
        );
        assert_eq!(
            count(
                db,
                "select count(*) from organizations where kind <> 'opd' and area_code is null"
            )
            .await,
            1,
            "only the national root has no area code"
        );
        // A new province keeps its own time zone, and its regions take it.
        let zone = |code: &'static str| async move {
            sqlx::query_as::<_, (Option<String>, Option<String>)>(
                "select time_zone, zone from organizations where area_code = $1",
            )
            .bind(code)
            .fetch_one(&db.pool)
            .await
            .expect("zone")
        };
        assert_eq!(zone("91").await, (Some("WIT".into()), Some("WIT".into())));
        assert_eq!(zone("91.03").await.1.as_deref(), Some("WIT"));
        assert_eq!(zone("11").await.0.as_deref(), Some("WIB"));
        assert_eq!(zone("51.71").await.1.as_deref(), Some("WITA"));
        assert_eq!(
            zone("63").await.0,
            None,
            "an existing province keeps what the admin chose"
        );
        let page = send(&app, get_as("/petugas/admin", &admin)).await.body;
        assert!(page.contains("Sudah berkode: 38 dari 38 provinsi, 514 dari 514 kabupaten/kota."));
        assert!(
            page.contains("banjarmasin, 63.71)"),
            "the tree shows the code"
        );

        // Again: nothing new, however often.
        let res = send(&app, form("/petugas/admin/wilayah", &[], Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(count(db, governments).await, 38 + 514);
        let again = app::wilayah::load_country(db, true).await.expect("load");
        assert_eq!(
            again,
            app::wilayah::LoadSummary {
                provinces_created: 0,
                provinces_matched: 38,
                regions_created: 0,
                regions_matched: 514,
            }
        );
        let details: Vec<String> = sqlx::query_scalar(
            "select detail from audit_log where action = 'country_loaded' order by id",
        )
        .fetch_all(&db.pool)
        .await
        .expect("audit");
        assert_eq!(
            details,
            vec![
                "provinsi +36 =2, kabupaten/kota +512 =2".to_owned(),
                "provinsi +0 =38, kabupaten/kota +0 =514".to_owned(),
            ]
        );

        // Kalimantan Timur counts its ten regencies and cities ("dari 10"), keyed by code.
        let csv = send(&app, get("/statistik/unduh.csv?wilayah=64")).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        assert!(csv.body.contains("scope,area_code,,64"), "{}", csv.body);
        assert!(
            csv.body
                .contains("links_regions,64,Provinsi Kalimantan Timur,10"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains("link_connected,64.72,Kota Samarinda,0"));
        let unknown = send(&app, get("/statistik/unduh.csv?wilayah=99.99")).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        let ranking = app::figures::ranking(db, (2026, 1), (2026, 12), app::db::now())
            .await
            .expect("ranking");
        let bjm = ranking
            .regions
            .iter()
            .find(|r| r.org_id == o.banjarmasin)
            .expect("Banjarmasin ranked");
        assert_eq!(bjm.area_code.as_deref(), Some("63.71"));

        // Open311 takes the code as a jurisdiction, and the organisation code still.
        for jurisdiction in ["63.71", "banjarmasin"] {
            let res = send(
                &app,
                get(&format!(
                    "/open311/v2/services.json?jurisdiction_id={jurisdiction}"
                )),
            )
            .await;
            assert_eq!(res.status, StatusCode::OK, "{jurisdiction}: {}", res.body);
        }
        let res = send(&app, get("/open311/v2/services.json?jurisdiction_id=99.99")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_report_names_its_kelurahan_from_the_same_data() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        app::wilayah::load_country(db, false).await.expect("codes");
        let pupr = o.pupr.to_string();

        // "Sungai Lulut" is a kelurahan of Kota Banjarmasin and one of Kabupaten Banjar: the
        // agency's region says which.
        let input = app::reports::ReportInput {
            target_org_id: pupr.clone(),
            place: "sungai lulut".into(),
            ..report("Jembatan rusak di Sungai Lulut")
        };
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let code: Option<String> =
            sqlx::query_scalar("select place_code from reports where tracking_id = $1")
                .bind(&filed.tracking_id)
                .fetch_one(&db.pool)
                .await
                .expect("place");
        assert_eq!(code.as_deref(), Some("63.71.02.1005"));
        let own =
            app::reports::find_report(db, &filed.tracking_id, super::support::by_code(&filed))
                .await
                .expect("view");
        assert_eq!(
            own.place.as_deref(),
            Some(
                "Kelurahan Sungai Lulut, Kecamatan Banjarmasin Timur, Kota Banjarmasin, Kalimantan Selatan"
            )
        );

        // Without an agency the name is ambiguous: which ones, in the message.
        let refused = |input: app::reports::ReportInput| async move {
            match app::reports::file_report(db, SECRET, &input, None, NOW, TODAY).await {
                Err(e @ AppError::Invalid(_)) => match e.localize(app::i18n::Locale::Id) {
                    AppError::Invalid(list) => list,
                    _ => unreachable!(),
                },
                other => panic!("expected invalid input, got {other:?}"),
            }
        };
        let errors = refused(app::reports::ReportInput {
            place: "Sungai Lulut".into(),
            ..report("Jembatan rusak di Sungai Lulut")
        })
        .await;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            (errors[0].field.as_str(), errors[0].key.as_str()),
            ("place", "err.place_ambiguous")
        );
        assert!(
            errors[0]
                .message
                .contains("Sungai Lulut, Sungai Tabuk, Kabupaten Banjar")
                && errors[0]
                    .message
                    .contains("Sungai Lulut, Banjarmasin Timur, Kota Banjarmasin"),
            "{}",
            errors[0].message
        );
        // A misspelt name: the closest ones.
        let errors = refused(app::reports::ReportInput {
            place: "Sungai Mia".into(),
            target_org_id: pupr.clone(),
            ..report("Drainase tersumbat di Sungai Miai")
        })
        .await;
        assert_eq!(errors[0].key, "err.place_unknown");
        assert!(
            errors[0].message.contains("Sungai Miai, Banjarmasin Utara"),
            "{}",
            errors[0].message
        );
        // Far too long: refused with the rest.
        let errors = refused(app::reports::ReportInput {
            place: "x".repeat(5000),
            title: "pendek".into(),
            ..report("")
        })
        .await;
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"place") && fields.contains(&"title"),
            "{fields:?}"
        );
        assert_eq!(
            count(db, "select count(*) from reports").await,
            1,
            "nothing refused was stored"
        );

        // On the form without JavaScript: the message under the field, everything typed kept.
        let app = app(&t);
        let key = app::secrets::new_submission_key();
        let fields = [
            ("submission_key", key.as_str()),
            ("kind", "pengaduan"),
            ("title", "Lampu jalan mati di <b>Sungai Mia</b>"),
            (
                "body",
                "Sudah seminggu lampu jalan di gang kami mati dan jalan gelap gulita pada malam hari.",
            ),
            ("category_id", "3"),
            ("target_org_id", pupr.as_str()),
            ("place", "Sungai Mia"),
            ("name", "Siti Rahmah"),
            ("email", "siti@example.id"),
            ("mirip", "1"),
        ];
        let res = send(&app, multipart("/lapor", &fields, &[], None)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("id=\"err-place\""), "{}", res.body);
        assert!(
            res.body
                .contains("Sungai Miai, Banjarmasin Utara, Kota Banjarmasin")
        );
        assert!(res.body.contains("value=\"Sungai Mia\""));
        assert!(
            res.body
                .contains("Lampu jalan mati di &lt;b&gt;Sungai Mia&lt;/b&gt;")
        );
        // Corrected, it is filed, and the report page names the place.
        let mut fields = fields.to_vec();
        fields.retain(|(k, _)| *k != "place");
        fields.push(("place", "Sungai Miai, Banjarmasin Utara"));
        let res = send(&app, multipart("/lapor", &fields, &[], None)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = send(&app, get_as(&super::http::location(&res), "")).await;
        assert!(
            page.body
                .contains("Kelurahan Sungai Miai, Kecamatan Banjarmasin Utara, Kota Banjarmasin"),
            "{}",
            page.body
        );

        // What the form's list offers as the citizen types: the agency's region first.
        let res = send(
            &app,
            get(&format!("/wilayah/saran?q=sungai%20mi&instansi={pupr}")),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            res.body.lines().next(),
            Some("Sungai Miai, Banjarmasin Utara, Kota Banjarmasin, Kalimantan Selatan")
        );
        assert!(
            res.headers[header::CACHE_CONTROL]
                .to_str()
                .expect("cache")
                .contains("public")
        );
        for hostile in [
            "/wilayah/saran",
            "/wilayah/saran?q=%3Cscript%3E&instansi=abc",
            "/wilayah/saran?instansi=99999999999999999999",
        ] {
            let res = send(&app, get(hostile)).await;
            assert_eq!(res.status, StatusCode::OK, "{hostile}");
            assert!(res.body.is_empty(), "{hostile}: {}", res.body);
        }
        let long = format!("/wilayah/saran?q={}", "sungai%20".repeat(5_000));
        assert_ne!(
            send(&app, get(&long)).await.status,
            StatusCode::INTERNAL_SERVER_ERROR
        );

        // The backlog template has the column.
        assert!(app::intake::import::template().starts_with(
            "diterima_pada,jenis,judul,isi,kategori,lokasi,tanggal_kejadian,instansi,anonim,rahasia,nama,email,telepon,wilayah\r\n"
        ));
        t.finish().await;
    }
}
