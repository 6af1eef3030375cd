//! Time zones of a nation, on every engine: each government may have its own zone (Kalimantan
//! Selatan is WITA while the deployment is WIB), a report's working days and deadlines are
//! counted in the zone of its region, and its pages show its times in that zone.

use super::http::{app, form, send};
use super::staff_http::{get_as, sign_in};
use super::support::{NOW, SECRET, engines, official_with_password, orgs, report};
use app::admin::{TimeZoneInput, set_org_time_zone};
use app::change::Store;
use app::error::AppError;
use app::i18n::TimeZone;
use app::lifecycle::Role;
use app::reports::{FiledReport, file_report, load_view};
use axum::http::StatusCode;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// Friday 27 November 2026, 23.30 WIB: already Saturday 00.30 in WITA.
const FRIDAY_NIGHT: i64 = NOW + 4 * DAY + 15 * HOUR + 1_800;

async fn file_at(db: &Store, target: i64, at: i64) -> FiledReport {
    let mut input = report("Jembatan kayu di Jl. Veteran patah");
    input.target_org_id = target.to_string();
    file_report(db, SECRET, &input, None, at, "2026-11-27")
        .await
        .expect("filed")
}

async fn verify_due(db: &Store, tracking_id: &str) -> i64 {
    sqlx::query_scalar::<_, Option<i64>>("select verify_due_at from reports where tracking_id = $1")
        .bind(tracking_id)
        .fetch_one(&db.pool)
        .await
        .expect("report")
        .expect("verification clock running")
}

async fn zone_in_force(db: &Store, code: &str) -> Option<String> {
    sqlx::query_scalar("select zone from organizations where code = $1")
        .bind(code)
        .fetch_one(&db.pool)
        .await
        .expect("organisation")
}

fn zone_input(org_id: i64, zone: &str) -> TimeZoneInput {
    TimeZoneInput {
        org_id: org_id.to_string(),
        time_zone: zone.into(),
    }
}

#[tokio::test]
async fn a_wita_deadline_crossing_midnight_is_counted_in_wita() {
    for t in engines().await {
        let db = &t.db;
        assert_eq!(db.time_zone, TimeZone::Wib, "the deployment's zone");
        let o = orgs(db).await;
        // Kalimantan Selatan gets WITA; Kalimantan Timur has none yet and counts in WIB.
        let set = set_org_time_zone(db, &zone_input(o.kalsel, "wita"), NOW).await;
        assert_eq!(set.expect("zone set"), Some(TimeZone::Wita));
        for code in ["kalsel", "banjarmasin", "bjm-pupr"] {
            assert_eq!(
                zone_in_force(db, code).await.as_deref(),
                Some("WITA"),
                "{code}"
            );
        }
        assert_eq!(zone_in_force(db, "smd-pupr").await, None);

        // Both filed at the same instant, Friday 23.30 WIB.
        let wita = file_at(db, o.pupr, FRIDAY_NIGHT).await.tracking_id;
        let wib = file_at(db, o.samarinda_pupr, FRIDAY_NIGHT)
            .await
            .tracking_id;
        // In WITA it is Saturday: the three working days to verify start on Monday at 00.00
        // WITA and end on Thursday 3 December at 00.00 WITA (Wednesday 16.00 UTC).
        let thursday_midnight_wita = NOW + 9 * DAY + 15 * HOUR;
        assert_eq!(verify_due(db, &wita).await, thursday_midnight_wita);
        // In WIB Friday's last half hour counts: due on Wednesday at 23.30 WIB.
        assert_eq!(verify_due(db, &wib).await, thursday_midnight_wita + 1_800);
        assert_eq!(
            load_view(db, &wita).await.expect("view").1.zone,
            TimeZone::Wita
        );
        assert_eq!(
            load_view(db, &wib).await.expect("view").1.zone,
            TimeZone::Wib
        );

        // Kalimantan Timur is given its zone: the open report there is counted again, in WITA.
        let samarinda_province: i64 =
            sqlx::query_scalar("select id from organizations where code = 'kaltim'")
                .fetch_one(&db.pool)
                .await
                .expect("kaltim");
        set_org_time_zone(db, &zone_input(samarinda_province, "WITA"), NOW)
            .await
            .expect("zone set");
        assert_eq!(verify_due(db, &wib).await, thursday_midnight_wita);
        assert_eq!(
            load_view(db, &wib).await.expect("view").1.zone,
            TimeZone::Wita
        );
        // Taking Kalimantan Selatan's own zone away hands it the deployment's again.
        assert_eq!(
            set_org_time_zone(db, &zone_input(o.kalsel, ""), NOW)
                .await
                .expect("zone cleared"),
            None
        );
        assert_eq!(zone_in_force(db, "bjm-pupr").await, None);
        assert_eq!(verify_due(db, &wita).await, thursday_midnight_wita + 1_800);

        // What a hostile form may send: an unknown zone, a wrong or missing organisation.
        match set_org_time_zone(db, &zone_input(o.kalsel, "UTC+8"), NOW).await {
            Err(AppError::Invalid(fields)) => assert_eq!(fields[0].field, "time_zone"),
            other => panic!("expected an invalid zone, got {other:?}"),
        }
        for org in ["abc", "999999", ""] {
            let input = TimeZoneInput {
                org_id: org.into(),
                time_zone: "WIT".into(),
            };
            assert!(
                matches!(
                    set_org_time_zone(db, &input, NOW).await,
                    Err(AppError::NotFound)
                ),
                "{org}"
            );
        }
        assert_eq!(zone_in_force(db, "bjm-pupr").await, None, "nothing changed");
        t.finish().await;
    }
}

#[tokio::test]
async fn the_admin_sets_a_governments_zone_and_report_pages_show_it() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let app = app(&t);
        official_with_password(db, "sistem@x.id", Role::SystemAdmin, None).await;
        official_with_password(db, "induk@x.id", Role::Coordinator, Some(o.banjarmasin)).await;
        let admin = sign_in(&app, "sistem@x.id").await;
        let coordinator = sign_in(&app, "induk@x.id").await;
        let path = format!("/petugas/admin/instansi/{}/zona", o.kalsel);

        // Only the system admin may change a zone.
        let refused = send(
            &app,
            form(&path, &[("time_zone", "WITA")], Some(&coordinator)),
        )
        .await;
        assert_ne!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
        assert_eq!(zone_in_force(db, "kalsel").await, None);
        // An unknown zone comes back with a message in the admin's language.
        let bad = send(&app, form(&path, &[("time_zone", "GMT")], Some(&admin))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Pilih WIB, WITA, WIT"), "{}", bad.body);
        let done = send(&app, form(&path, &[("time_zone", "WITA")], Some(&admin))).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let page = send(&app, get_as("/petugas/admin", &admin)).await;
        let kalsel_line = page
            .body
            .split("data-testid=\"org-kalsel\"")
            .nth(1)
            .expect("Kalimantan Selatan listed");
        assert!(
            kalsel_line.contains("<option value=\"WITA\" selected"),
            "{kalsel_line}"
        );
        let logged: i64 = sqlx::query_scalar(
            "select count(*) from audit_log where action = 'org_time_zone_set' \
             and subject = 'kalsel' and detail = 'WITA'",
        )
        .fetch_one(&db.pool)
        .await
        .expect("audit");
        assert_eq!(logged, 1);

        // Filed at the same instant, Monday 09.00 WITA: Banjarmasin's page says 09.00 WITA,
        // Samarinda's (no zone yet) says 08.00 WIB.
        for (target, shown) in [
            (o.pupr, "23 November 2026, 09.00 WITA"),
            (o.samarinda_pupr, "23 November 2026, 08.00 WIB"),
        ] {
            let filed = file_at(db, target, NOW).await;
            let page = send(
                &app,
                super::http::get(&format!(
                    "/laporan/{}?kode={}",
                    filed.tracking_id, filed.access_code
                )),
            )
            .await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains(shown), "{shown} on {}", page.body);
        }
        t.finish().await;
    }
}
