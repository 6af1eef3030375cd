//! Texts from the SMS gateway, on every engine: filing, a repeated delivery, `CEK`, answers
//! from the right and the wrong number, floods, and every kind of bad text.

use super::support::{NOW, SECRET, TODAY, action, count, engines, official, orgs};
use app::change::Store;
use app::lifecycle::Role;
use app::notify::{self, Links, Purpose};
use app::sms::SmsPolicy;
use app::sms_inbox::{Incoming, Outcome, receive};

const NUMBER: &str = "081234567890";
const OTHER: &str = "+6285700000000";
const LINKS: Links<'static> = Links {
    public_url: "https://lapor.example",
    server_secret: SECRET,
};

async fn text(db: &Store, policy: &SmsPolicy, id: &str, from: &str, body: &str) -> Outcome {
    receive(
        db,
        SECRET,
        policy,
        &Incoming {
            gateway_id: id,
            from,
            text: body,
            received_at: NOW - 600,
        },
        NOW,
        TODAY,
    )
    .await
    .expect("handled")
}

/// The texts waiting for `number`, as they would be sent.
async fn answers(db: &Store, number: &str) -> Vec<String> {
    let mut all = Vec::new();
    for row in notify::claim(db, NOW + 10_000, 1000).await.expect("claim") {
        if row.address == number {
            let words = notify::compose(db, &LINKS, &row)
                .await
                .expect("compose")
                .expect("words");
            all.push(words.text);
        }
        notify::sent(db, row.id, NOW).await.expect("sent");
    }
    all
}

const COMPLAINT: &str =
    "LAPOR Jalan di depan SDN 3 Sungai Miai berlubang besar sejak seminggu, dua motor jatuh.";

async fn policy(db: &Store) -> SmsPolicy {
    SmsPolicy {
        intake_org: Some(orgs(db).await.banjarmasin),
        per_hour: 20,
    }
}

#[tokio::test]
async fn a_text_files_a_report_once_and_the_receipt_carries_its_number_and_code() {
    for t in engines().await {
        let db = &t.db;
        let policy = policy(db).await;
        let Outcome::Filed(filed) = text(db, &policy, "kannel-1", NUMBER, COMPLAINT).await else {
            panic!("filed");
        };
        // The gateway delivers the same text again (its answer was lost): nothing new.
        assert_eq!(
            text(db, &policy, "kannel-1", NUMBER, COMPLAINT).await,
            Outcome::Repeated
        );
        assert_eq!(count(db, "select count(*) from reports").await, 1);
        let row: (String, i64, String) =
            sqlx::query_as("select channel, received_at, body from reports where tracking_id = $1")
                .bind(&filed.tracking_id)
                .fetch_one(&db.pool)
                .await
                .expect("report");
        assert_eq!(row.0, "sms");
        assert_eq!(row.1, NOW - 600, "received when the network got it");
        assert!(row.2.starts_with("Jalan di depan SDN 3"), "{}", row.2);
        let phone: String = sqlx::query_scalar("select phone from reporters")
            .fetch_one(&db.pool)
            .await
            .expect("reporter");
        assert_eq!(
            phone, "+6281234567890",
            "a named SMS report's contact is its number"
        );
        let texts = answers(db, "+6281234567890").await;
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert!(
            texts[0].contains(&filed.tracking_id) && texts[0].contains(&filed.access_code),
            "{}",
            texts[0]
        );
        // It is in the coordinator's inbox, marked as SMS.
        let coordinator = official(db, Role::Coordinator, Some(orgs(db).await.banjarmasin)).await;
        let inbox = app::casework::inbox(db, &coordinator, app::desk::View::All, NOW)
            .await
            .expect("inbox");
        let item = inbox
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.tracking_id == filed.tracking_id)
            .expect("in the inbox");
        assert_eq!(item.channel, app::reports::Channel::Sms);
        t.finish().await;
    }
}

#[tokio::test]
async fn an_anonymous_text_keeps_its_number_out_of_every_officials_view() {
    for t in engines().await {
        let db = &t.db;
        let policy = policy(db).await;
        let Outcome::Filed(filed) = text(
            db,
            &policy,
            "kannel-2",
            NUMBER,
            "lapor#anonim pungutan liar di kantor kelurahan setiap mengurus surat pindah",
        )
        .await
        else {
            panic!("filed");
        };
        assert_eq!(
            count(
                db,
                "select count(*) from reporters where phone <> '' or name <> ''"
            )
            .await,
            0
        );
        let coordinator = official(db, Role::Coordinator, Some(orgs(db).await.banjarmasin)).await;
        let case = app::casework::open_case(db, &coordinator, &filed.tracking_id, NOW)
            .await
            .expect("case");
        let json = serde_json::to_string(&case).expect("json");
        for needle in ["81234567890", "6281234567890"] {
            assert!(!json.contains(needle), "{json}");
        }
        assert!(case.report.anonymous, "{json}");
        t.finish().await;
    }
}

#[tokio::test]
async fn cek_answers_the_reporter_and_the_public_and_no_one_else() {
    for t in engines().await {
        let db = &t.db;
        let policy = policy(db).await;
        let Outcome::Filed(filed) = text(db, &policy, "k-1", NUMBER, COMPLAINT).await else {
            panic!("filed");
        };
        answers(db, "+6281234567890").await;
        let lower = filed.tracking_id.to_lowercase().replace('-', "");
        text(db, &policy, "k-2", NUMBER, &format!("cek {lower}")).await;
        let own = answers(db, "+6281234567890").await;
        assert!(own[0].contains(&filed.tracking_id), "{own:?}");
        assert!(!own[0].contains("tidak ditemukan"), "{own:?}");
        // Before verification nobody else may learn that it exists.
        text(
            db,
            &policy,
            "k-3",
            OTHER,
            &format!("CEK {}", filed.tracking_id),
        )
        .await;
        assert!(answers(db, OTHER).await[0].contains("tidak ditemukan"));
        super::support::publish(db, &filed.tracking_id, NOW + 10).await;
        text(
            db,
            &policy,
            "k-4",
            OTHER,
            &format!("CEK {}", filed.tracking_id),
        )
        .await;
        let public = answers(db, OTHER).await;
        assert!(
            !public[0].contains("tidak ditemukan"),
            "published: {public:?}"
        );
        text(db, &policy, "k-5", OTHER, "CEK ZZZZ-ZZZZ").await;
        assert!(answers(db, OTHER).await[0].contains("tidak ditemukan"));
        t.finish().await;
    }
}

#[tokio::test]
async fn only_the_number_that_filed_a_report_writes_in_its_thread() {
    for t in engines().await {
        let db = &t.db;
        let policy = policy(db).await;
        let o = orgs(db).await;
        let Outcome::Filed(filed) = text(db, &policy, "k-1", NUMBER, COMPLAINT).await else {
            panic!("filed");
        };
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        app::casework::act(
            db,
            &coordinator,
            &filed.tracking_id,
            &action("verify"),
            NOW + 10,
        )
        .await
        .expect("verify");
        let reply = format!(
            "{} Lubangnya di sebelah kiri, dekat warung.",
            filed.tracking_id
        );
        assert!(matches!(
            text(db, &policy, "k-2", "+62 812 3456 7890", &reply).await,
            Outcome::Replied(_)
        ));
        assert_eq!(
            text(db, &policy, "k-3", OTHER, &reply).await,
            Outcome::Answered
        );
        assert!(
            answers(db, OTHER)
                .await
                .iter()
                .any(|a| a.contains("tidak ditemukan"))
        );
        let case = app::casework::open_case(db, &coordinator, &filed.tracking_id, NOW + 20)
            .await
            .expect("case");
        let from_citizen: Vec<_> = case
            .report
            .thread
            .iter()
            .filter(|e| {
                e.author == app::threads::AuthorRole::Citizen
                    && e.kind == app::threads::EventKind::Message
            })
            .collect();
        assert_eq!(from_citizen.len(), 1, "only the reporter's number");
        assert_eq!(
            from_citizen[0].body,
            "Lubangnya di sebelah kiri, dekat warung."
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn bad_texts_get_a_clear_answer_and_floods_are_told_once() {
    for t in engines().await {
        let db = &t.db;
        let mut policy = policy(db).await;
        for (i, body) in ["", "   ", "halo", "😀😀😀", "LAPOR", "LAPOR jalan rusak"]
            .iter()
            .enumerate()
        {
            assert_eq!(
                text(db, &policy, &format!("bad-{i}"), NUMBER, body).await,
                Outcome::Answered,
                "{body:?}"
            );
        }
        let texts = answers(db, "+6281234567890").await;
        assert_eq!(texts.len(), 6);
        assert!(
            texts[..5].iter().all(|t| t.contains("CEK")),
            "the formats: {texts:?}"
        );
        assert!(texts[5].contains("terlalu singkat"), "{}", texts[5]);
        assert_eq!(count(db, "select count(*) from reports").await, 0);
        // A long text with emoji is a report; its receipt is one text.
        let long = format!(
            "LAPOR {} 😡",
            "Air PDAM keruh dan berbau sejak Senin di RT 05. ".repeat(20)
        );
        assert!(long.chars().count() > 900);
        assert!(matches!(
            text(db, &policy, "long", NUMBER, &long).await,
            Outcome::Filed(_)
        ));
        let body: String = sqlx::query_scalar("select body from reports")
            .fetch_one(&db.pool)
            .await
            .expect("body");
        assert!(body.ends_with('😡'));
        answers(db, "+6281234567890").await;
        // Floods: past the hour's limit one answer says so, then silence.
        policy.per_hour = 3;
        let flood = "+6281111111111";
        for i in 0..6 {
            text(db, &policy, &format!("flood-{i}"), flood, "halo").await;
        }
        let told = answers(db, flood).await;
        assert_eq!(told.len(), 4, "three answers, then one warning: {told:?}");
        assert!(told[3].contains("terlalu banyak"), "{}", told[3]);
        let outcomes = app::sms_inbox::inbox_outcomes(db, flood)
            .await
            .expect("outcomes");
        assert_eq!(outcomes.iter().filter(|o| *o == "limited").count(), 3);
        assert_eq!(
            text(db, &policy, "x", "not a number", "LAPOR apa saja").await,
            Outcome::Ignored
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn berhenti_stops_the_texts_of_a_number() {
    for t in engines().await {
        let db = &t.db;
        let policy = policy(db).await;
        let Outcome::Filed(filed) = text(db, &policy, "k-1", NUMBER, COMPLAINT).await else {
            panic!("filed");
        };
        answers(db, "+6281234567890").await;
        text(db, &policy, "k-2", NUMBER, "BERHENTI").await;
        assert!(answers(db, "+6281234567890").await[0].contains("tidak akan menerima"));
        let coordinator = official(db, Role::Coordinator, Some(orgs(db).await.banjarmasin)).await;
        app::casework::act(
            db,
            &coordinator,
            &filed.tracking_id,
            &action("verify"),
            NOW + 10,
        )
        .await
        .expect("verify");
        assert!(answers(db, "+6281234567890").await.is_empty());
        assert_eq!(
            count(
                db,
                "select count(*) from outbox where kind = 'report' and state = 'waiting'"
            )
            .await,
            0
        );
        let _ = Purpose::Report;
        t.finish().await;
    }
}

#[tokio::test]
async fn a_reporter_without_a_smartphone_answers_the_resolution_by_sms() {
    for t in engines().await {
        let db = &t.db;
        let policy = policy(db).await;
        let o = orgs(db).await;
        let Outcome::Filed(filed) = text(db, &policy, "k-1", NUMBER, COMPLAINT).await else {
            panic!("filed");
        };
        let id = filed.tracking_id.clone();
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let resolve = |at: i64| {
            let (opd, id) = (opd.clone(), id.clone());
            async move {
                let input = app::casework::ActInput {
                    message: "Lubang sudah ditambal.".into(),
                    ..action("resolve")
                };
                app::casework::act(db, &opd, &id, &input, at)
                    .await
                    .expect("resolve");
            }
        };
        app::casework::act(db, &coordinator, &id, &action("verify"), NOW + 10)
            .await
            .expect("verify");
        let dispose = app::casework::ActInput {
            opd_id: o.pupr.to_string(),
            ..action("dispose")
        };
        app::casework::act(db, &coordinator, &id, &dispose, NOW + 20)
            .await
            .expect("dispose");
        app::casework::act(db, &opd, &id, &action("start"), NOW + 30)
            .await
            .expect("start");
        resolve(NOW + 40).await;
        let news = answers(db, "+6281234567890").await;
        let last = news.last().expect("the resolution");
        assert!(
            last.contains(&format!("TERIMA {id}")) && last.contains(&format!("SANGGAH {id}")),
            "{last}"
        );
        // Someone else cannot answer; the reporter contests, then confirms the second result.
        assert_eq!(
            text(db, &policy, "k-2", OTHER, &format!("TERIMA {id} 5")).await,
            Outcome::Answered
        );
        text(db, &policy, "k-3", NUMBER, &format!("TERIMA {id} sepuluh")).await;
        assert!(
            answers(db, "+6281234567890")
                .await
                .iter()
                .any(|a| a.contains("nilai 1 sampai 5"))
        );
        text(
            db,
            &policy,
            "k-4",
            NUMBER,
            &format!("sanggah {id} lubangnya masih ada"),
        )
        .await;
        let status: String = sqlx::query_scalar("select status from reports")
            .fetch_one(&db.pool)
            .await
            .expect("status");
        assert_eq!(status, "in_progress", "contested: handled again");
        resolve(NOW + 100).await;
        text(
            db,
            &policy,
            "k-5",
            NUMBER,
            &format!("TERIMA {id} 4 terima kasih"),
        )
        .await;
        let (rating, closed): (Option<i64>, Option<i64>) =
            sqlx::query_as("select rating, closed_at from reports")
                .fetch_one(&db.pool)
                .await
                .expect("row");
        assert_eq!(rating, Some(4));
        assert!(closed.is_some());
        let texts = answers(db, "+6281234567890").await;
        assert!(
            texts.iter().any(|a| a.contains("ditutup dengan penilaian")),
            "{texts:?}"
        );
        text(db, &policy, "k-6", NUMBER, &format!("SANGGAH {id} lagi")).await;
        assert!(
            answers(db, "+6281234567890")
                .await
                .iter()
                .any(|a| a.contains("belum dinyatakan selesai"))
        );
        t.finish().await;
    }
}
