//! Working together at the desk on every engine: an internal note that names colleagues
//! (`@nama`) reaches those who may read it (their inbox until they open the report, and an
//! email that says who and where, never the note or the reporter), and the inbox filters an
//! official saves under a name, their own only.

use super::support::{NOW, SECRET, TODAY, engines, official, orgs, report};
use app::casework::{StaffMessageInput, add_staff_message, inbox_labelled, open_case};
use app::change::Store;
use app::desk::{
    FILTERS_MAX, FilterInput, View, delete_filter, my_mentions, save_filter, saved_filters,
};
use app::error::{AppError, Refusal};
use app::labels::{LabelInput, add};
use app::lifecycle::Role;
use app::notify::{Links, Purpose, claim, compose};
use app::staff::Staff;

async fn named(db: &Store, role: Role, org: i64, name: &str) -> Staff {
    let s = official(db, role, Some(org)).await;
    sqlx::query("update accounts set name = $1 where id = $2")
        .bind(name)
        .bind(s.account_id)
        .execute(&db.pool)
        .await
        .expect("named");
    app::staff::load(db, s.account_id)
        .await
        .expect("load")
        .expect("staff")
}

fn note(body: &str, internal: bool) -> StaffMessageInput {
    StaffMessageInput {
        body: body.into(),
        internal: internal.then(|| "on".to_owned()),
        ..Default::default()
    }
}

fn filter(name: &str, view: &str, label: &str) -> FilterInput {
    FilterInput {
        nama: name.into(),
        lihat: view.into(),
        label: label.into(),
    }
}

fn invalid_key<T: std::fmt::Debug>(r: Result<T, AppError>) -> String {
    match r {
        Err(AppError::Invalid(f)) => f[0].key.clone(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn a_note_naming_colleagues_reaches_their_inbox_and_mail_until_they_open_it() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = named(db, Role::Coordinator, o.banjarmasin, "Rahmat Hidayat").await;
        let budi = named(db, Role::OpdAdmin, o.pupr, "Budi Santoso").await;
        let sari = named(db, Role::OpdAdmin, o.pupr, "Sari Dewi").await;
        let dewi = named(db, Role::OpdAdmin, o.dinkes, "Dewi Lestari").await;
        // An anonymous report at the OPD.
        let mut input = report("Lampu jalan mati sebulan");
        input.target_org_id = o.pupr.to_string();
        input.anonymous = Some("on".into());
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let id = filed.tracking_id.clone();
        super::support::verify_and_forward(db, &coordinator, &id, o.pupr, NOW + 1).await;

        // Budi names Sari, the coordinator, a colleague of another OPD (who cannot read the
        // report) and himself; only the first two are named.
        add_staff_message(
            db,
            &budi,
            &id,
            &note(
                "@Sari tolong cek lokasi, cc @rahmat hidayat. @Dewi Lestari @Budi Santoso",
                true,
            ),
            NOW + 10,
        )
        .await
        .expect("note");
        // A message to the citizen names nobody, whatever it says.
        add_staff_message(
            db,
            &budi,
            &id,
            &note("Terima kasih, @Sari akan mengecek.", false),
            NOW + 11,
        )
        .await
        .expect("reply");
        for (who, expected) in [(&sari, 1), (&coordinator, 1), (&dewi, 0), (&budi, 0)] {
            let m = my_mentions(db, who).await.expect("mentions");
            assert_eq!(m.len(), expected, "mentions of {}", who.name);
            if expected == 1 {
                assert_eq!(m[0].tracking_id, id);
                assert_eq!(m[0].by, "Budi Santoso");
            }
        }
        let inbox = inbox_labelled(db, &sari, View::All, None, NOW + 12)
            .await
            .expect("inbox");
        assert_eq!(inbox.mentions.len(), 1, "the inbox lists the mention");

        // One email each to Sari and the coordinator: who and where, not the note, nothing
        // of the reporter.
        let links = Links {
            public_url: "https://lapor.example.id",
            server_secret: SECRET,
        };
        let mut mails = Vec::new();
        for row in claim(db, NOW + 20, 100).await.expect("claim") {
            if row.purpose == Purpose::Mention {
                let c = compose(db, &links, &row)
                    .await
                    .expect("compose")
                    .expect("some");
                mails.push((row.address.clone(), c));
            }
        }
        mails.sort_by(|a, b| a.0.cmp(&b.0));
        let mut to: Vec<String> = mails.iter().map(|(a, _)| a.clone()).collect();
        let mut expected = vec![
            account_email(db, sari.account_id).await,
            account_email(db, coordinator.account_id).await,
        ];
        to.sort();
        expected.sort();
        assert_eq!(to, expected);
        for (_, mail) in &mails {
            assert!(mail.subject.contains(&id), "{}", mail.subject);
            assert!(mail.text.contains("Budi Santoso"), "{}", mail.text);
            assert!(
                mail.text.contains(&format!("/petugas/laporan/{id}")),
                "{}",
                mail.text
            );
            assert!(
                !mail.text.contains("tolong cek"),
                "the note stays on the desk"
            );
            for secret in ["Siti Rahmah", "siti.rahmah", "3456"] {
                assert!(!mail.text.contains(secret) && !mail.subject.contains(secret));
            }
        }

        // Opening the report reads the mention.
        open_case(db, &sari, &id, NOW + 30).await.expect("opened");
        assert!(my_mentions(db, &sari).await.expect("mentions").is_empty());
        assert_eq!(my_mentions(db, &coordinator).await.expect("m").len(), 1);
        t.finish().await;
    }
}

async fn account_email(db: &Store, id: i64) -> String {
    sqlx::query_scalar("select email from accounts where id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .expect("email")
}

#[tokio::test]
async fn officials_keep_named_filters_of_their_own() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let budi = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let sari = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let admin = official(db, Role::SystemAdmin, None).await;
        let mut input = report("Jalan berlubang");
        input.target_org_id = o.pupr.to_string();
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        super::support::verify_and_forward(db, &coordinator, &filed.tracking_id, o.pupr, NOW + 1)
            .await;
        let mut other = report("Puskesmas tutup");
        other.target_org_id = o.dinkes.to_string();
        let other = app::reports::file_report(db, SECRET, &other, None, NOW, TODAY)
            .await
            .expect("filed");
        super::support::verify_and_forward(db, &coordinator, &other.tracking_id, o.dinkes, NOW + 1)
            .await;
        let label_of = |s: &Staff, id: &str, name: &str| {
            let (s, id, name) = (s.clone(), id.to_owned(), name.to_owned());
            async move {
                add(db, &s, &id, &LabelInput { nama: name }, NOW + 2)
                    .await
                    .expect("labelled");
                let l: i64 = sqlx::query_scalar(
                    "select id from labels where org_id = $1 order by id desc limit 1",
                )
                .bind(s.org_id)
                .fetch_one(&db.pool)
                .await
                .expect("label");
                l
            }
        };
        let road = label_of(&budi, &filed.tracking_id, "jalan rusak").await;
        let theirs = label_of(&dinkes, &other.tracking_id, "puskesmas").await;

        let q = save_filter(
            db,
            &budi,
            &filter("  Jalan   saya ", "saya", &road.to_string()),
            NOW,
        )
        .await
        .expect("saved");
        assert_eq!(q, format!("lihat=saya&label={road}"));
        // The same name again replaces it; a view that is not one becomes "all".
        save_filter(
            db,
            &budi,
            &filter("Jalan saya", "<script>", &road.to_string()),
            NOW,
        )
        .await
        .expect("replaced");
        let kept = saved_filters(db, budi.account_id).await.expect("filters");
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].name, "Jalan saya");
        assert_eq!(kept[0].query, format!("lihat=semua&label={road}"));
        // The inbox shows them.
        let inbox = inbox_labelled(db, &budi, View::All, Some(road), NOW + 3)
            .await
            .expect("inbox");
        assert_eq!(inbox.filters, kept);

        // Another organisation's label, a label that is no number, no name, too many.
        assert_eq!(
            invalid_key(
                save_filter(db, &budi, &filter("x", "saya", &theirs.to_string()), NOW).await
            ),
            "err.invalid"
        );
        assert_eq!(
            invalid_key(save_filter(db, &budi, &filter("x", "saya", "1 or 1=1"), NOW).await),
            "err.invalid"
        );
        assert_eq!(
            invalid_key(save_filter(db, &budi, &filter(" ", "saya", ""), NOW).await),
            "err.required"
        );
        for i in 1..FILTERS_MAX {
            save_filter(db, &budi, &filter(&format!("f{i}"), "belum", ""), NOW)
                .await
                .expect("saved");
        }
        assert_eq!(
            invalid_key(save_filter(db, &budi, &filter("satu lagi", "belum", ""), NOW).await),
            "desk.filters_full"
        );
        // Replacing one still works when full.
        save_filter(db, &budi, &filter("f1", "saya", ""), NOW)
            .await
            .expect("replaced when full");

        // Nobody else sees or deletes them; the system admin keeps none.
        assert!(
            saved_filters(db, sari.account_id)
                .await
                .expect("f")
                .is_empty()
        );
        assert!(matches!(
            delete_filter(db, &sari, kept[0].id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            save_filter(db, &admin, &filter("x", "saya", ""), NOW).await,
            Err(AppError::Refused(Refusal::NotYourRole))
        ));
        delete_filter(db, &budi, kept[0].id).await.expect("deleted");
        assert_eq!(
            saved_filters(db, budi.account_id).await.expect("f").len() as i64,
            FILTERS_MAX - 1
        );
        t.finish().await;
    }
}
