//! The figures on every engine, reproducing the seeds: Kutai Kartanegara finished 19 of its 21
//! reports (90 %); a region whose follow-ups took 0.5, 0.7 and 0.9 working days shows 0.7.

use super::support::{NOW, SECRET, TODAY, action, engines, official, orgs, report};
use app::casework::{ActInput, act};
use app::change::Store;
use app::figures::{figures, open_reports, ranking};
use app::lifecycle::Role;
use app::reports::file_report;
use app::staff::Staff;

const DAY: i64 = 86_400;
const NOVEMBER: (i32, u8) = (2026, 11);

async fn file(db: &Store, target: i64, anonymous: bool, confidential: bool) -> String {
    let mut input = report("Pelayanan KTP elektronik lambat");
    input.target_org_id = target.to_string();
    input.anonymous = anonymous.then(|| "on".into());
    input.confidential = confidential.then(|| "on".into());
    file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed")
        .tracking_id
}

async fn step(db: &Store, staff: &Staff, id: &str, input: ActInput, at: i64) {
    act(db, staff, id, &input, at).await.expect("action");
}

async fn forward(db: &Store, coordinator: &Staff, id: &str, opd: i64) {
    step(db, coordinator, id, action("verify"), NOW).await;
    let dispose = ActInput {
        opd_id: opd.to_string(),
        ..action("dispose")
    };
    step(db, coordinator, id, dispose, NOW).await;
}

fn tenths(v: Option<f64>) -> Option<String> {
    v.map(|v| format!("{v:.1}"))
}

#[tokio::test]
async fn nineteen_of_twenty_one_finished_is_ninety_percent() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.samarinda)).await;
        let opd = official(db, Role::OpdAdmin, Some(o.samarinda_pupr)).await;
        for i in 0..21 {
            // Anonymous and confidential reports count like any other.
            let id = file(db, o.samarinda_pupr, i % 3 == 0, i % 4 == 0).await;
            if i < 19 {
                forward(db, &coordinator, &id, o.samarinda_pupr).await;
                step(db, &opd, &id, action("start"), NOW + DAY).await;
                let resolve = ActInput {
                    message: "Selesai.".into(),
                    ..action("resolve")
                };
                step(db, &opd, &id, resolve, NOW + 2 * DAY).await;
            }
        }
        // Reports elsewhere do not count in this subtree.
        file(db, o.pupr, false, false).await;

        let f = figures(db, Some(o.samarinda), NOVEMBER, NOVEMBER, NOW + 2 * DAY)
            .await
            .expect("figures");
        assert_eq!((f.received, f.finished), (21, 19));
        assert_eq!(
            f.finished_share.map(|s| format!("{s:.0}")).as_deref(),
            Some("90")
        );
        assert_eq!(f.verify.measured, 19);
        assert_eq!(tenths(f.resolve.average_days).as_deref(), Some("2.0"));
        assert_eq!(f.resolve.within_share, Some(100.0));
        // The two untouched reports are past their verification deadline two days later? No:
        // two working days are within three.
        assert_eq!(f.overdue_now, 0);
        let later = figures(db, Some(o.samarinda), NOVEMBER, NOVEMBER, NOW + 7 * DAY)
            .await
            .expect("figures");
        assert_eq!(later.overdue_now, 2);
        assert_eq!(later.verify.overdue_now, 2);
        // Late ones weigh in the share within the deadline: 19 on time of 21 due.
        assert_eq!(
            later
                .verify
                .within_share
                .map(|s| format!("{s:.0}"))
                .as_deref(),
            Some("90")
        );
        // The province includes its cities; the country everything.
        let kaltim: i64 = sqlx::query_scalar("select id from organizations where code = 'kaltim'")
            .fetch_one(&db.pool)
            .await
            .expect("kaltim");
        let province = figures(db, Some(kaltim), NOVEMBER, NOVEMBER, NOW)
            .await
            .expect("figures");
        assert_eq!(province.received, 21);
        let country = figures(db, None, NOVEMBER, NOVEMBER, NOW)
            .await
            .expect("figures");
        assert_eq!(country.received, 22);
        // Another month has nothing.
        let october = figures(db, Some(o.samarinda), (2026, 10), (2026, 10), NOW)
            .await
            .expect("figures");
        assert_eq!((october.received, october.finished_share), (0, None));
        // By category and OPD, and per month.
        assert_eq!(f.by_opd.len(), 1);
        assert_eq!((f.by_opd[0].received, f.by_opd[0].finished), (19, 19));
        assert_eq!(f.by_category.iter().map(|c| c.received).sum::<i64>(), 21);
        assert_eq!(f.by_month.len(), 1);
        assert_eq!(
            (f.by_month[0].key.as_str(), f.by_month[0].received),
            ("2026-11", 21)
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn follow_ups_of_half_a_day_to_nine_tenths_average_seven_tenths() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        for tenth in [5, 7, 9] {
            let id = file(db, o.pupr, false, false).await;
            forward(db, &coordinator, &id, o.pupr).await;
            step(db, &pupr, &id, action("start"), NOW + tenth * DAY / 10).await;
        }
        let f = figures(db, Some(o.banjarmasin), NOVEMBER, NOVEMBER, NOW + DAY)
            .await
            .expect("figures");
        assert_eq!(f.follow_up.measured, 3);
        assert_eq!(tenths(f.follow_up.average_days).as_deref(), Some("0.7"));
        assert_eq!(tenths(f.follow_up.median_days).as_deref(), Some("0.7"));
        assert_eq!(f.followed_up_share, Some(100.0));
        assert_eq!(tenths(f.verify.median_days).as_deref(), Some("0.0"));

        // The ranking flags a region with fewer than 50 reports a year.
        let r = ranking(db, NOVEMBER, NOVEMBER, NOW + DAY)
            .await
            .expect("ranking");
        let city = r
            .regions
            .iter()
            .find(|r| r.org_id == o.banjarmasin)
            .expect("row");
        assert_eq!(city.received, 3);
        assert!(city.few_reports, "3 reports in a month is 36 a year");
        assert!(!city.slow_verification);
        let opd = r.opds.iter().find(|r| r.org_id == o.pupr).expect("row");
        assert_eq!(tenths(opd.follow_up_average_days).as_deref(), Some("0.7"));
        // Rows with reports come first.
        assert_eq!(r.opds[0].org_id, o.pupr);
        t.finish().await;
    }
}

#[tokio::test]
async fn slow_verification_is_flagged_and_open_data_leaves_out_confidential_reports() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let public = file(db, o.pupr, false, false).await;
        let secret = file(db, o.pupr, false, true).await;
        // Verified after six working days (Monday 09.00 to the Tuesday after next, 09.00).
        step(db, &coordinator, &public, action("verify"), NOW + 8 * DAY).await;
        step(db, &coordinator, &secret, action("verify"), NOW + 8 * DAY).await;
        let r = ranking(db, NOVEMBER, NOVEMBER, NOW + 8 * DAY)
            .await
            .expect("ranking");
        let city = r
            .regions
            .iter()
            .find(|r| r.org_id == o.banjarmasin)
            .expect("row");
        assert_eq!(tenths(city.verify_average_days).as_deref(), Some("6.0"));
        assert!(city.slow_verification);
        let province = r
            .regions
            .iter()
            .find(|r| r.org_id == o.kalsel)
            .expect("row");
        assert_eq!(province.received, 2);

        let data = open_reports(db, NOVEMBER, NOVEMBER, 1000)
            .await
            .expect("open data");
        let ids: Vec<_> = data.iter().map(|r| r.tracking_id.as_str()).collect();
        assert_eq!(ids, [public.as_str()]);
        assert_eq!(data[0].verify_days, Some(6.0));
        t.finish().await;
    }
}

/// The sums as rows, without the ones that came back to zero.
async fn sums(db: &Store) -> (Vec<Vec<i64>>, Vec<(i64, i64, i64, String, i64, i64)>) {
    let cells: Vec<Vec<i64>> = sqlx::query(
        "select month, owner_id, opd_id, category_id, received, finished, archived, followed, \
         rated, rating_sum, verify_n, verify_sum, verify_ok, follow_up_n, follow_up_sum, \
         follow_up_ok, resolve_n, resolve_sum, resolve_ok from figure_cells where received <> 0 \
         order by month, owner_id, opd_id, category_id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("cells")
    .iter()
    .map(|r| {
        use sqlx::Row;
        (0..19)
            .map(|i| r.try_get::<i64, _>(i).expect("number"))
            .collect()
    })
    .collect();
    let durations = sqlx::query_as(
        "select level, org_id, month, measure, tenths, n from figure_durations where n <> 0 \
         order by level, org_id, month, measure, tenths",
    )
    .fetch_all(&db.pool)
    .await
    .expect("durations");
    (cells, durations)
}

#[tokio::test]
async fn the_running_sums_equal_a_rebuild_after_every_kind_of_change() {
    use app::resolution::{FeedbackInput, confirm, contest};
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let national = official(
            db,
            Role::NationalAdmin,
            Some(super::support::national(db).await),
        )
        .await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let mut claims = Vec::new();
        for i in 0..6 {
            let mut input = report("Antrean panjang di puskesmas");
            if i > 0 {
                input.target_org_id = o.banjarmasin.to_string();
            }
            let filed = file_report(db, SECRET, &input, None, NOW + i * 3600, TODAY)
                .await
                .expect("filed");
            claims.push(filed);
        }
        let ids: Vec<String> = claims.iter().map(|f| f.tracking_id.clone()).collect();
        // Routed by the national admin, reclassified, archived, handed back, resolved and
        // contested, resolved and confirmed, resolved and left to expire.
        let route = ActInput {
            org_id: o.banjarmasin.to_string(),
            ..action("route")
        };
        step(db, &national, &ids[0], route, NOW + DAY).await;
        let reclassify = ActInput {
            kind: "aspirasi".into(),
            category_id: "2".into(),
            ..action("reclassify")
        };
        step(db, &coordinator, &ids[0], reclassify, NOW + DAY).await;
        let archive = ActInput {
            reason: "too_general".into(),
            ..action("archive")
        };
        step(db, &coordinator, &ids[1], archive, NOW + DAY).await;
        // One more, a duplicate of the third: counted, then out of the sums altogether.
        let mut again = report("Antrean panjang di puskesmas");
        again.target_org_id = o.banjarmasin.to_string();
        let dup = file_report(db, SECRET, &again, None, NOW + 7 * 3600, TODAY)
            .await
            .expect("filed")
            .tracking_id;
        let duplicate = ActInput {
            reason: "duplicate".into(),
            duplicate_of: ids[2].clone(),
            ..action("archive")
        };
        step(db, &coordinator, &dup, duplicate, NOW + DAY).await;
        forward(db, &coordinator, &ids[2], o.pupr).await;
        let hand_back = ActInput {
            note: "Bukan wewenang kami.".into(),
            ..action("hand_back")
        };
        step(db, &pupr, &ids[2], hand_back, NOW + DAY).await;
        let dispose = ActInput {
            opd_id: o.dinkes.to_string(),
            ..action("dispose")
        };
        step(db, &coordinator, &ids[2], dispose, NOW + DAY).await;
        step(db, &dinkes, &ids[2], action("start"), NOW + 2 * DAY).await;
        for (i, id) in ids.iter().enumerate().skip(3) {
            forward(db, &coordinator, id, o.pupr).await;
            let hold = ActInput {
                message: "Mohon foto.".into(),
                ..action("hold")
            };
            step(db, &pupr, id, hold, NOW + DAY).await;
            step(
                db,
                &pupr,
                id,
                ActInput {
                    message: "Terima kasih.".into(),
                    ..action("resume")
                },
                NOW + 2 * DAY,
            )
            .await;
            step(db, &pupr, id, action("start"), NOW + 2 * DAY).await;
            let resolve = ActInput {
                message: "Selesai.".into(),
                ..action("resolve")
            };
            step(db, &pupr, id, resolve, NOW + (2 + i as i64) * DAY).await;
        }
        let why = FeedbackInput {
            reason: "Belum beres.".into(),
            ..Default::default()
        };
        contest(
            db,
            &ids[3],
            super::support::by_code(&claims[3]),
            &why,
            NOW + 6 * DAY,
        )
        .await
        .expect("contest");
        let rate = FeedbackInput {
            rating: "4".into(),
            ..Default::default()
        };
        confirm(
            db,
            &ids[4],
            super::support::by_code(&claims[4]),
            &rate,
            NOW + 7 * DAY,
        )
        .await
        .expect("confirm");
        app::resolution::close_expired(db, NOW + 40 * DAY)
            .await
            .expect("job");
        let holiday = app::deadlines::HolidayInput {
            date: "2026-11-24".into(),
            name: "Libur".into(),
            kind: "libur".into(),
        };
        app::deadlines::save_holiday(db, &holiday, NOW + 40 * DAY)
            .await
            .expect("holiday");

        let running = sums(db).await;
        assert!(running.0.len() >= 3, "cells: {:?}", running.0);
        app::figures::rebuild_rollups(db).await.expect("rebuild");
        assert_eq!(sums(db).await, running);
        // The figures read from the sums agree with the reports (the duplicate not counted).
        let f = figures(db, None, NOVEMBER, NOVEMBER, NOW + 40 * DAY)
            .await
            .expect("figures");
        assert_eq!(
            (f.received, f.archived, f.finished, f.ratings),
            (6, 1, 2, 1)
        );
        let dinkes_figures = figures(db, Some(o.dinkes), NOVEMBER, NOVEMBER, NOW + 40 * DAY)
            .await
            .expect("figures");
        assert_eq!(
            (dinkes_figures.received, dinkes_figures.follow_up.measured),
            (1, 1)
        );
        t.finish().await;
    }
}
