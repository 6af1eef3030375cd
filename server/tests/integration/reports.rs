//! Filing, opening and listing reports, on every engine.

use super::support::{NOW, SECRET, TODAY, by_code, count, engines, orgs, publish, report};
use app::error::AppError;
use app::reports::{Claim, ListFilter, ReportInput, Status, file_report, find_report, list_public};

fn fields(e: &AppError) -> Vec<String> {
    match e {
        AppError::Invalid(list) => list.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn a_named_report_is_filed_and_its_reporter_sees_it_with_the_code() {
    for t in engines().await {
        let db = &t.db;
        let filed = file_report(
            db,
            SECRET,
            &report("Jalan berlubang di Jl. A. Yani"),
            None,
            NOW,
            TODAY,
        )
        .await
        .expect("filed");
        assert_eq!(filed.tracking_id.len(), 9);

        let own = find_report(db, &filed.tracking_id, by_code(&filed))
            .await
            .expect("reporter view");
        assert!(own.is_reporter);
        assert_eq!(own.status, Status::Submitted);
        assert_eq!(own.received_at, NOW);
        let contact = own
            .reporter
            .expect("the reporter sees their contact details");
        assert_eq!(contact.email, "siti.rahmah@example.id");
        assert_eq!(
            own.thread.len(),
            1,
            "the thread starts with the received status"
        );
        assert_eq!(own.thread[0].to_status, Some(Status::Submitted));

        assert_eq!(
            find_report(db, &filed.tracking_id, Claim::default()).await,
            Err(AppError::NotFound),
            "nobody but its reporter and officials sees a report before it is verified"
        );
        assert!(!own.published);
        publish(db, &filed.tracking_id, NOW + 60).await;
        let public = find_report(db, &filed.tracking_id, Claim::default())
            .await
            .expect("public view");
        assert!(!public.is_reporter);
        assert_eq!(
            public.reporter, None,
            "contact details never reach the public"
        );
        // The code is forgiving about case and dashes, as typed from an SMS.
        let sloppy = filed.access_code.to_lowercase().replace('-', "");
        let typed = find_report(
            db,
            &filed.tracking_id.to_lowercase(),
            Claim {
                code: Some(&sloppy),
                account_id: None,
            },
        )
        .await;
        assert!(typed.expect("typed code works").is_reporter);
        t.finish().await;
    }
}

#[tokio::test]
async fn an_anonymous_report_keeps_no_contact_details_at_all() {
    for t in engines().await {
        let db = &t.db;
        let input = ReportInput {
            anonymous: Some("on".into()),
            ..report("Pungutan liar di kantor kelurahan")
        };
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let stored = count(
            db,
            "select count(*) from reporters where name <> '' or email <> '' or phone <> ''",
        )
        .await;
        assert_eq!(
            stored, 0,
            "name, email and phone typed before ticking 'anonymous' are not stored"
        );
        let own = find_report(db, &filed.tracking_id, by_code(&filed))
            .await
            .expect("reporter view");
        assert!(own.anonymous && own.is_reporter);
        assert_eq!(own.reporter, None);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_confidential_report_exists_only_for_its_reporter() {
    for t in engines().await {
        let db = &t.db;
        let input = ReportInput {
            confidential: Some("on".into()),
            ..report("Dugaan pungli di puskesmas rahasia")
        };
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let open = file_report(
            db,
            SECRET,
            &report("Lampu jalan mati di Jl. Veteran"),
            None,
            NOW + 1,
            TODAY,
        )
        .await
        .expect("filed");
        publish(db, &open.tracking_id, NOW + 2).await;
        publish(db, &filed.tracking_id, NOW + 3).await;

        assert_eq!(
            find_report(db, &filed.tracking_id, Claim::default()).await,
            Err(AppError::NotFound)
        );
        let wrong = find_report(
            db,
            &filed.tracking_id,
            Claim {
                code: Some("AAAA-BBBB-CCCC"),
                account_id: None,
            },
        )
        .await;
        assert_eq!(wrong, Err(AppError::NotFound));
        let own = find_report(db, &filed.tracking_id, by_code(&filed)).await;
        assert!(own.expect("reporter view").confidential);

        let page = list_public(db, &ListFilter::default())
            .await
            .expect("listing");
        assert_eq!(page.total, 1);
        assert!(
            page.items
                .iter()
                .all(|s| !s.confidential && s.title != "Dugaan pungli di puskesmas rahasia")
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_wrong_code_is_refused_even_for_a_public_report() {
    for t in engines().await {
        let db = &t.db;
        let filed = file_report(
            db,
            SECRET,
            &report("Sampah menumpuk di pasar"),
            None,
            NOW,
            TODAY,
        )
        .await
        .expect("filed");
        let wrong = find_report(
            db,
            &filed.tracking_id,
            Claim {
                code: Some("AAAA-BBBB-CCCC"),
                account_id: None,
            },
        )
        .await;
        assert_eq!(wrong, Err(AppError::NotFound));
        assert_eq!(
            find_report(db, "ZZZZ-ZZZZ", Claim::default()).await,
            Err(AppError::NotFound)
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn submitting_twice_files_one_report() {
    for t in engines().await {
        let db = &t.db;
        let input = report("Jembatan kayu di Desa Sungai Rangas rapuh");
        let first = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("first");
        let again = file_report(db, SECRET, &input, None, NOW + 5, TODAY)
            .await
            .expect("retry");
        assert_eq!(
            first, again,
            "a retry gets the same tracking ID and access code"
        );
        // Even two submissions racing each other.
        let racing = report("Air PDAM keruh sejak seminggu");
        let (a, b) = tokio::join!(
            file_report(db, SECRET, &racing, None, NOW, TODAY),
            file_report(db, SECRET, &racing, None, NOW, TODAY)
        );
        assert_eq!(a.expect("a"), b.expect("b"));
        assert_eq!(count(db, "select count(*) from reports").await, 2);
        t.finish().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_stored() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let input = ReportInput {
            title: "Rusak".into(),
            body: String::new(),
            email: "x".into(),
            ..report("")
        };
        let err = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect_err("invalid");
        assert_eq!(fields(&err), vec!["title", "body", "email"]);

        let unknown = ReportInput {
            category_id: "999".into(),
            target_org_id: "99999".into(),
            ..report("Kategori yang tidak ada")
        };
        let err = file_report(db, SECRET, &unknown, None, NOW, TODAY)
            .await
            .expect_err("unknown refs");
        assert_eq!(fields(&err), vec!["category_id", "target_org_id"]);

        let tampered = ReportInput {
            submission_key: "<script>".into(),
            ..report("Formulir dari luar")
        };
        let err = file_report(db, SECRET, &tampered, None, NOW, TODAY)
            .await
            .expect_err("bad key");
        assert_eq!(fields(&err), vec!["form"]);

        assert_eq!(count(db, "select count(*) from reports").await, 0);
        assert_eq!(count(db, "select count(*) from report_events").await, 0);

        let ok = ReportInput {
            target_org_id: o.pupr.to_string(),
            ..report("Drainase tersumbat di Jl. Sutoyo")
        };
        let filed = file_report(db, SECRET, &ok, None, NOW, TODAY)
            .await
            .expect("valid");
        let view = find_report(db, &filed.tracking_id, by_code(&filed))
            .await
            .expect("view");
        assert_eq!(
            view.agency.as_deref(),
            Some("Dinas PUPR — Kota Banjarmasin")
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_public_listing_filters_sorts_and_pages() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        for i in 0..23 {
            let mut input = report(&format!("Laporan nomor {i:02} tentang jalan"));
            if i % 2 == 0 {
                input.category_id = "6".into();
                input.target_org_id = o.dinkes.to_string();
            }
            if i == 22 {
                input.target_org_id = o.samarinda.to_string();
            }
            let filed = file_report(db, SECRET, &input, None, NOW + i, TODAY)
                .await
                .expect("filed");
            publish(db, &filed.tracking_id, NOW + 100).await;
        }
        let unverified = file_report(
            db,
            SECRET,
            &report("Belum diverifikasi, jangan tampil"),
            None,
            NOW + 50,
            TODAY,
        )
        .await
        .expect("filed");
        assert!(!unverified.tracking_id.is_empty());
        sqlx::query("update reports set status = 'in_progress' where title = 'Laporan nomor 03 tentang jalan'")
            .execute(&db.pool)
            .await
            .expect("status");

        // The filter exactly as the listing page's query string carries it.
        let page = |query: String| async move {
            let filter: ListFilter = serde_urlencoded::from_str(&query).expect("query");
            list_public(db, &filter).await.expect("listing")
        };
        let first = page(String::new()).await;
        assert_eq!((first.total, first.pages, first.items.len()), (23, 2, 20));
        assert_eq!(
            first.items[0].title, "Laporan nomor 22 tentang jalan",
            "newest first"
        );
        let second = page("hal=2".into()).await;
        assert_eq!(second.items.len(), 3);
        assert_eq!(second.items[2].title, "Laporan nomor 00 tentang jalan");
        assert_eq!(
            page("hal=99".into()).await.page,
            2,
            "a page past the end shows the last"
        );

        assert_eq!(page("kategori=6".into()).await.total, 12);
        assert_eq!(page("status=in_progress".into()).await.total, 1);
        assert_eq!(page(format!("instansi={}", o.dinkes)).await.total, 11);
        // A city's filter takes in the OPDs below it.
        assert_eq!(page(format!("instansi={}", o.banjarmasin)).await.total, 11);
        // A province's filter takes in its cities and their OPDs, but not another province.
        assert_eq!(page(format!("instansi={}", o.kalsel)).await.total, 11);
        assert_eq!(page(format!("instansi={}", o.samarinda)).await.total, 1);
        assert_eq!(
            page("status=%27%3B+drop+table+reports%3B+--".into())
                .await
                .total,
            23,
            "unknown values are ignored"
        );
        t.finish().await;
    }
}
