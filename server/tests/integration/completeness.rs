//! Complete before it is sent, on every engine: the web form holds a report back once with
//! what it lacks and the category and agency it reads as; sent again, it is filed as it is; a
//! complete report that reads as what was chosen is filed at once.

use super::http::{app, form, send};
use super::support::{engines, orgs};
use app::completeness::advice;
use axum::http::StatusCode;

fn fields(key: &str, title: &str, body: &str, category: &str, org: &str) -> Vec<(String, String)> {
    [
        ("submission_key", key),
        ("kind", "pengaduan"),
        ("title", title),
        ("body", body),
        ("category_id", category),
        ("target_org_id", org),
        ("anonymous", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn borrowed(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Whether the advice `data-gap=code` is shown (present and not hidden).
fn shows_gap(page: &str, code: &str) -> bool {
    page.contains(&format!("<li data-gap=\"{code}\">"))
}

#[tokio::test]
async fn the_form_advises_once_what_a_report_lacks_and_where_it_belongs() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let app = app(&t);
        let count = || async { super::support::count(&t.db, "select count(*) from reports").await };

        // Vague, no place, no time: held back once with each, nothing filed, all kept.
        let key = app::secrets::new_submission_key();
        let vague = fields(
            &key,
            "Pelayanan buruk sekali",
            "Pelayanannya sangat buruk sekali, tolong diperbaiki ya.",
            "8",
            &o.banjarmasin.to_string(),
        );
        let res = send(&app, form("/lapor", &borrowed(&vague), None)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            db.engine
        );
        assert!(
            res.body.contains("Sebelum dikirim, lihat saran di bawah"),
            "{}",
            res.body
        );
        for gap in ["place", "time", "short", "vague"] {
            assert!(shows_gap(&res.body, gap), "{gap}");
        }
        assert!(res.body.contains("Sebutkan di mana"));
        assert!(
            res.body
                .contains(r#"name="mirip" id="mirip-seen" value="1""#)
        );
        assert!(
            res.body.contains("tolong diperbaiki ya"),
            "what was typed is kept"
        );
        assert_eq!(count().await, 0);
        // Sent again as it is: filed.
        let mut again = vague.clone();
        again.push(("mirip".into(), "1".into()));
        let res = send(&app, form("/lapor", &borrowed(&again), None)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(count().await, 1);

        // Complete, in the category and at the OPD it reads as: filed at once.
        let complete = fields(
            &app::secrets::new_submission_key(),
            "Jalan berlubang di Jalan Pramuka",
            "Sejak Senin lalu ada lubang besar di Jalan Pramuka depan Masjid Raya, dua \
             pengendara motor sudah jatuh pada malam hari.",
            "3",
            &o.pupr.to_string(),
        );
        let res = send(&app, form("/lapor", &borrowed(&complete), None)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(count().await, 2);

        // Complete, but a health complaint chosen as infrastructure at the public works OPD:
        // the category and the OPD that answers, with the words that say so.
        let misplaced = fields(
            &app::secrets::new_submission_key(),
            "Obat hipertensi kosong di Puskesmas Pekauman",
            "Sejak bulan Agustus obat hipertensi di Puskesmas Pekauman sering kosong, pasien \
             BPJS disuruh membeli sendiri di apotek.",
            "3",
            &o.pupr.to_string(),
        );
        let res = send(&app, form("/lapor", &borrowed(&misplaced), None)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("tampaknya termasuk kategori Kesehatan"),
            "{}",
            res.body
        );
        assert!(res.body.contains("biasanya ditangani oleh Dinas Kesehatan"));
        assert!(!shows_gap(&res.body, "place") && !shows_gap(&res.body, "time"));
        assert_eq!(count().await, 2);

        // The plain function: a government chosen leaves the OPD to its coordinator.
        let to_city = advice(
            db,
            "Obat kosong",
            "Obat hipertensi di puskesmas kosong, pasien BPJS membeli sendiri.",
            Some(6),
            Some(o.banjarmasin),
        )
        .await
        .expect("advice");
        assert!(to_city.is_empty(), "{to_city:?}");
        let to_pupr = advice(
            db,
            "Obat kosong",
            "Obat di puskesmas kosong.",
            Some(6),
            Some(o.pupr),
        )
        .await
        .expect("advice");
        assert_eq!(
            to_pupr.category, None,
            "the category chosen is the one it reads as"
        );
        assert_eq!(to_pupr.agency.map(|a| a.0), Some(o.dinkes));
        t.finish().await;
    }
}

#[tokio::test]
async fn the_figures_show_per_region_the_share_archived_as_incomplete_before_and_after() {
    use super::support::{NOW, SECRET, TODAY, action, official, report};
    use app::reports::{Intake, file};
    const DAY: i64 = 86_400;
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        // The checks began on NOW (November 2026): October is before, November after.
        sqlx::query("update settings set value = $1 where key = 'completeness_since'")
            .bind(NOW.to_string())
            .execute(&db.pool)
            .await
            .expect("since");
        let coordinator =
            official(db, app::lifecycle::Role::Coordinator, Some(o.banjarmasin)).await;
        let mut filed = Vec::new();
        for (i, received) in [NOW - 40 * DAY, NOW - 39 * DAY, NOW, NOW, NOW, NOW]
            .into_iter()
            .enumerate()
        {
            let mut input = report(&format!("Laporan nomor {i} tentang jalan"));
            input.target_org_id = o.banjarmasin.to_string();
            let intake = Intake {
                received_at: received,
                ..Intake::web(NOW)
            };
            filed.push(
                file(db, SECRET, &input, None, intake, NOW, TODAY)
                    .await
                    .expect("filed")
                    .tracking_id,
            );
        }
        let too_general = app::casework::ActInput {
            reason: "too_general".into(),
            ..action("archive")
        };
        let other_reason = app::casework::ActInput {
            reason: "not_public_service".into(),
            ..action("archive")
        };
        // October: one of two incomplete. November: one of four, another archived otherwise.
        for (id, input) in [
            (&filed[0], &too_general),
            (&filed[2], &too_general),
            (&filed[3], &other_reason),
        ] {
            app::casework::act(db, &coordinator, id, input, NOW + 60)
                .await
                .expect("archived");
        }
        let november = app::figures::month_of(db, NOW);
        let ranking = app::figures::ranking(db, november, november, NOW + DAY)
            .await
            .expect("ranking");
        assert_eq!(ranking.completeness_since.as_deref(), Some("2026-11"));
        let city = ranking
            .regions
            .iter()
            .find(|r| r.org_id == o.banjarmasin)
            .expect("the city");
        assert_eq!(
            (city.incomplete_before, city.incomplete_after),
            (Some(50.0), Some(25.0)),
            "{:?}",
            db.engine
        );
        // The province counts its city; a region without reports shows nothing.
        let province = ranking
            .regions
            .iter()
            .find(|r| r.org_id == o.kalsel)
            .expect("kalsel");
        assert_eq!(province.incomplete_after, Some(25.0));
        let samarinda = ranking
            .regions
            .iter()
            .find(|r| r.org_id == o.samarinda)
            .expect("smd");
        assert_eq!(samarinda.incomplete_after, None);
        // The sums agree with a rebuild, and the page says it.
        app::figures::rebuild_rollups(db).await.expect("rebuild");
        let again = app::figures::ranking(db, november, november, NOW + DAY)
            .await
            .expect("ranking");
        assert_eq!(again, ranking);
        let page = send(&app(&t), super::http::get("/statistik/peringkat")).await;
        assert!(
            page.body.contains("diarsipkan karena tidak lengkap"),
            "{}",
            page.body
        );
        t.finish().await;
    }
}
