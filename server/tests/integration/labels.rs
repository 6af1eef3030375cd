//! Labels and the map of complaints on every engine: labels kept per organisation and
//! suggested, only by officials who see and write on the report, the inbox filtered by one,
//! and the figures of what and where people complain about, without confidential reports and
//! without anything fewer than three reports share.

use super::support::{NOW, SECRET, TODAY, engines, official, orgs, report};
use app::casework::{inbox_labelled, open_case};
use app::change::Store;
use app::desk::View;
use app::error::{AppError, Refusal};
use app::labels::{AreaInput, LabelInput, add, map_of_complaints, of_org, remove, set_area};
use app::lifecycle::Role;
use app::staff::Staff;

async fn forwarded(
    db: &Store,
    coordinator: &Staff,
    opd: i64,
    title: &str,
    confidential: bool,
) -> String {
    let mut input = report(title);
    input.target_org_id = opd.to_string();
    if confidential {
        input.confidential = Some("on".into());
    }
    let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed");
    super::support::verify_and_forward(db, coordinator, &filed.tracking_id, opd, NOW + 1).await;
    filed.tracking_id
}

fn named(name: &str) -> LabelInput {
    LabelInput { nama: name.into() }
}

fn field_key(result: Result<(), AppError>) -> String {
    match result {
        Err(AppError::Invalid(fields)) => fields[0].key.clone(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn labels_filter_the_inbox_and_draw_the_map_of_complaints() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let budi = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let overseer = official(db, Role::Overseer, Some(o.kalsel)).await;
        let mut ids = Vec::new();
        for (title, confidential) in [
            ("Jalan berlubang di Sungai Miai", false),
            ("Aspal mengelupas depan sekolah", false),
            ("Jalan rusak dekat pasar", false),
            ("Banjir setiap hujan deras", false),
            ("Jalan rusak di gang rahasia", true),
        ] {
            ids.push(forwarded(db, &coordinator, o.pupr, title, confidential).await);
        }
        // One label however it is typed; suggested on the next report.
        for (i, typed) in [
            "Jalan  Rusak",
            "jalan rusak",
            "JALAN RUSAK",
            "banjir",
            "jalan rusak",
        ]
        .iter()
        .enumerate()
        {
            add(db, &budi, &ids[i], &named(typed), NOW + 10)
                .await
                .expect("labelled");
        }
        add(db, &budi, &ids[0], &named("jalan rusak"), NOW + 11)
            .await
            .expect("twice is once");
        let kept = of_org(db, o.pupr).await.expect("labels");
        let names: Vec<(&str, i64)> = kept.iter().map(|l| (l.name.as_str(), l.reports)).collect();
        assert_eq!(names, [("jalan rusak", 4), ("banjir", 1)]);
        let case = open_case(db, &budi, &ids[3], NOW + 12).await.expect("case");
        assert_eq!(case.labels.suggested, ["jalan rusak"]);
        assert_eq!(case.labels.labels.len(), 1);
        // Bad input is refused and says why; nobody outside the report or without a pen labels.
        assert_eq!(
            field_key(add(db, &budi, &ids[0], &named("   "), NOW).await),
            "err.label"
        );
        assert_eq!(
            field_key(add(db, &budi, &ids[0], &named(&"x".repeat(41)), NOW).await),
            "err.label"
        );
        assert_eq!(
            add(db, &dinkes, &ids[0], &named("salah"), NOW).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            add(db, &overseer, &ids[0], &named("salah"), NOW).await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        // The coordinator's labels are its own: the OPD neither sees nor filters by them.
        add(db, &coordinator, &ids[0], &named("prioritas"), NOW)
            .await
            .expect("own label");
        let case = open_case(db, &budi, &ids[0], NOW + 13).await.expect("case");
        let on: Vec<&str> = case.labels.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(on, ["jalan rusak"]);

        // The inbox, filtered by a label.
        let rusak = kept[0].id;
        let listed = |label: Option<i64>| {
            let budi = budi.clone();
            async move {
                let inbox = inbox_labelled(db, &budi, View::All, label, NOW + 20)
                    .await
                    .expect("inbox");
                let mut ids: Vec<String> = inbox
                    .sections
                    .iter()
                    .flat_map(|s| s.items.iter().map(|c| c.tracking_id.clone()))
                    .collect();
                ids.sort();
                (ids, inbox.label)
            }
        };
        let mut expected = vec![
            ids[0].clone(),
            ids[1].clone(),
            ids[2].clone(),
            ids[4].clone(),
        ];
        expected.sort();
        assert_eq!(listed(Some(rusak)).await, (expected, Some(rusak)));
        let coordinator_label: i64 =
            sqlx::query_scalar("select id from labels where name = 'prioritas'")
                .fetch_one(&db.pool)
                .await
                .expect("label");
        let (shown, label) = listed(Some(coordinator_label)).await;
        assert!(
            shown.is_empty() && label.is_none(),
            "another organisation's label filters nothing in"
        );
        assert_eq!(listed(None).await.0.len(), 5);
        remove(db, &budi, &ids[4], rusak).await.expect("removed");
        assert_eq!(listed(Some(rusak)).await.0.len(), 3);
        add(db, &budi, &ids[4], &named("jalan rusak"), NOW + 21)
            .await
            .expect("again");

        // Where: typed, then suggested.
        for id in &ids[..3] {
            set_area(
                db,
                &budi,
                id,
                &AreaInput {
                    wilayah: " Kel.  Sungai Miai ".into(),
                },
            )
            .await
            .expect("area");
        }
        set_area(
            db,
            &budi,
            &ids[4],
            &AreaInput {
                wilayah: "Kel. Sungai Miai".into(),
            },
        )
        .await
        .expect("area");
        let case = open_case(db, &budi, &ids[3], NOW + 22).await.expect("case");
        assert_eq!(case.labels.areas, ["Kel. Sungai Miai"]);
        assert_eq!(
            field_key(
                set_area(
                    db,
                    &budi,
                    &ids[3],
                    &AreaInput {
                        wilayah: "x".repeat(41)
                    }
                )
                .await
            ),
            "err.area"
        );

        // The map: the confidential report is not counted, banjir (one report) not shown.
        let map = map_of_complaints(db, Some(o.banjarmasin), NOW - 1, NOW + 86_400)
            .await
            .expect("map");
        assert_eq!(map.labels, [("jalan rusak".to_owned(), 3)]);
        assert_eq!(map.areas, [("Kel. Sungai Miai".to_owned(), 3)]);
        let country = map_of_complaints(db, None, NOW - 1, NOW + 86_400)
            .await
            .expect("map");
        assert_eq!(country, map);
        let elsewhere = map_of_complaints(db, Some(o.samarinda), NOW - 1, NOW + 86_400)
            .await
            .expect("map");
        assert!(elsewhere.labels.is_empty() && elsewhere.areas.is_empty());
        let later = map_of_complaints(db, None, NOW + 86_400, NOW + 2 * 86_400)
            .await
            .expect("map");
        assert!(later.labels.is_empty());
        t.finish().await;
    }
}
