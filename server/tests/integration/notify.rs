//! The outbox, on every engine: which changes write a notification (in the same transaction),
//! how events gather into one, what the words are, unsubscribing, retries, officials' opt-ins,
//! the daily digest, password resets, and two workers claiming each row once.

use super::support::{NOW, SECRET, TODAY, action, count, engines, official, orgs, report};
use app::casework::{ActInput, StaffMessageInput, act, add_staff_message};
use app::change::Store;
use app::lifecycle::Role;
use app::notify::{self, Claimed, Links, Purpose, Via};
use app::reports::{FiledReport, add_citizen_message, file_report};

const LINKS: Links<'static> = Links {
    public_url: "https://lapor.example",
    server_secret: SECRET,
};

fn message(body: &str, internal: bool) -> StaffMessageInput {
    StaffMessageInput {
        terakhir: String::new(),
        kunci: String::new(),
        attachments: String::new(),
        body: body.into(),
        internal: internal.then(|| "on".into()),
    }
}

fn dispose_to(opd: i64) -> ActInput {
    ActInput {
        opd_id: opd.to_string(),
        ..action("dispose")
    }
}

fn with_message(code: &str, text: &str) -> ActInput {
    ActInput {
        message: text.into(),
        ..action(code)
    }
}

/// A report to Kota Banjarmasin whose reporter asked for email at `email`.
async fn filed_with_email(db: &Store, email: &str, anonymous: bool) -> FiledReport {
    let o = orgs(db).await;
    let mut input = report("Jalan berlubang di depan pasar");
    input.target_org_id = o.banjarmasin.to_string();
    input.notify_email = email.into();
    if anonymous {
        input.anonymous = Some("on".into());
    }
    file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed")
}

async fn claim_all(db: &Store, now: i64) -> Vec<Claimed> {
    notify::claim(db, now, 1000).await.expect("claim")
}

#[tokio::test]
async fn every_public_change_reaches_the_reporter_gathered_into_one_notification() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let filed = filed_with_email(db, "warga@example.id", false).await;

        // The receipt is due at once.
        let rows = claim_all(db, NOW).await;
        assert_eq!(rows.len(), 1, "the receipt");
        let receipt = &rows[0];
        assert_eq!(
            (receipt.via, receipt.purpose),
            (Via::Email, Purpose::Report)
        );
        assert_eq!(receipt.address, "warga@example.id");
        let words = notify::compose(db, &LINKS, receipt)
            .await
            .expect("compose")
            .expect("something to say");
        assert!(
            words.subject.contains(&filed.tracking_id),
            "{}",
            words.subject
        );
        let link = format!(
            "https://lapor.example/laporan/{}?kode={}",
            filed.tracking_id, filed.access_code
        );
        assert!(
            words.text.contains(&link),
            "the private link: {}",
            words.text
        );
        let unsubscribe = words.unsubscribe.clone().expect("an unsubscribe link");
        assert!(words.text.contains(&unsubscribe));
        notify::sent(db, receipt.id, NOW).await.expect("sent");

        // Verified and forwarded within a minute: one notification, due two minutes after the
        // first of them; an internal note adds nothing.
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        act(
            db,
            &coordinator,
            &filed.tracking_id,
            &action("verify"),
            NOW + 60,
        )
        .await
        .expect("verify");
        add_staff_message(
            db,
            &coordinator,
            &filed.tracking_id,
            &message("catatan", true),
            NOW + 65,
        )
        .await
        .expect("note");
        act(
            db,
            &coordinator,
            &filed.tracking_id,
            &dispose_to(o.pupr),
            NOW + 70,
        )
        .await
        .expect("dispose");
        assert!(claim_all(db, NOW + 100).await.is_empty(), "still gathering");
        let rows = claim_all(db, NOW + 60 + db.gather_secs).await;
        assert_eq!(rows.len(), 1, "one notification for both");
        assert_eq!(
            rows[0].events.len(),
            2,
            "verified and forwarded, not the note"
        );
        let words = notify::compose(db, &LINKS, &rows[0])
            .await
            .expect("compose")
            .expect("words");
        assert!(words.subject.contains("2 kabar baru"), "{}", words.subject);
        assert!(
            !words.text.contains("catatan"),
            "an internal note never reaches the reporter"
        );
        notify::sent(db, rows[0].id, NOW + 200).await.expect("sent");

        // The OPD answers (and so starts work), asks a question on hold, and resolves; the
        // reporter's own message tells the reporter nothing.
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let at = NOW + 1000;
        add_staff_message(
            db,
            &opd,
            &filed.tracking_id,
            &message("Tim kami memeriksa lokasi.", false),
            at,
        )
        .await
        .expect("reply");
        act(
            db,
            &opd,
            &filed.tracking_id,
            &with_message("hold", "Di sebelah mana tepatnya?"),
            at + 10,
        )
        .await
        .expect("hold");
        let rows = claim_all(db, at + db.gather_secs).await;
        assert_eq!(rows.len(), 1);
        let words = notify::compose(db, &LINKS, &rows[0])
            .await
            .expect("compose")
            .expect("words");
        assert!(
            words.text.contains("Tim kami memeriksa lokasi."),
            "{}",
            words.text
        );
        assert!(
            words.text.contains("Di sebelah mana tepatnya?"),
            "{}",
            words.text
        );
        assert!(
            words.text.contains("Dinas PUPR"),
            "the OPD speaks for its organisation"
        );
        assert!(
            !words.text.contains(&opd.name),
            "never the official's own name"
        );
        notify::sent(db, rows[0].id, at + 200).await.expect("sent");

        let claim = super::support::by_code(&filed);
        add_citizen_message(
            db,
            &filed.tracking_id,
            claim,
            "Di sebelah kiri jalan.",
            at + 300,
        )
        .await
        .expect("citizen answers");
        assert!(
            claim_all(db, at + 300 + db.gather_secs).await.is_empty(),
            "own message"
        );
        act(db, &opd, &filed.tracking_id, &action("resume"), at + 400)
            .await
            .expect("resume");
        act(
            db,
            &opd,
            &filed.tracking_id,
            &with_message("resolve", "Jalan sudah ditambal."),
            at + 500,
        )
        .await
        .expect("resolve");
        let rows = claim_all(db, at + 500 + db.gather_secs).await;
        assert_eq!(rows.len(), 1);
        let words = notify::compose(db, &LINKS, &rows[0])
            .await
            .expect("compose")
            .expect("words");
        assert!(words.text.contains("Jalan sudah ditambal."));
        assert!(
            words.text.contains("hari kerja"),
            "the contest deadline: {}",
            words.text
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_notification_is_stored_with_its_change_or_not_at_all() {
    for t in engines().await {
        let db = &t.db;
        let filed = filed_with_email(db, "warga@example.id", false).await;
        let before = count(db, "select count(*) from outbox").await;
        // A change dropped before commit stores neither its event nor its notification.
        {
            let mut change = db.change(NOW + 10).await.expect("change");
            let id: i64 = sqlx::query_scalar("select id from reports where tracking_id = $1")
                .bind(&filed.tracking_id)
                .fetch_one(change.conn())
                .await
                .expect("id");
            change
                .record(app::threads::NewEvent {
                    body: "tidak jadi",
                    ..app::threads::NewEvent::new(
                        id,
                        NOW + 10,
                        app::threads::EventKind::Message,
                        "admin_instansi",
                        None,
                    )
                })
                .await
                .expect("record");
        }
        assert_eq!(count(db, "select count(*) from outbox").await, before);
        t.finish().await;
    }
}

#[tokio::test]
async fn an_anonymous_reporter_is_told_without_any_official_learning_the_address() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let filed = filed_with_email(db, "rahasia.warga@example.id", true).await;
        assert_eq!(
            count(
                db,
                "select count(*) from reporters where email <> '' or name <> ''"
            )
            .await,
            0,
            "an anonymous report keeps no contact details"
        );
        assert_eq!(
            count(
                db,
                "select count(*) from subscriptions where address = 'rahasia.warga@example.id'"
            )
            .await,
            1
        );
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let case = app::casework::open_case(db, &coordinator, &filed.tracking_id, NOW)
            .await
            .expect("case");
        let json = serde_json::to_string(&case).expect("json");
        assert!(!json.contains("rahasia.warga"), "{json}");
        act(
            db,
            &coordinator,
            &filed.tracking_id,
            &action("verify"),
            NOW + 60,
        )
        .await
        .expect("verify");
        let rows = claim_all(db, NOW + 60 + db.gather_secs).await;
        assert!(rows.iter().all(|r| r.address == "rahasia.warga@example.id"));
        assert_eq!(rows.len(), 1, "receipt and verification gathered");
        // The queue the system admin reads names no address.
        let queue = notify::queue(db, None).await.expect("queue");
        let json = serde_json::to_string(&queue).expect("json");
        assert!(!json.contains("rahasia.warga"), "{json}");
        t.finish().await;
    }
}

#[tokio::test]
async fn the_unsubscribe_link_ends_the_notifications_without_signing_in() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let filed = filed_with_email(db, "warga@example.id", false).await;
        let rows = claim_all(db, NOW).await;
        let words = notify::compose(db, &LINKS, &rows[0])
            .await
            .expect("compose")
            .expect("words");
        notify::sent(db, rows[0].id, NOW).await.expect("sent");
        let path = words
            .unsubscribe
            .expect("link")
            .trim_start_matches("https://lapor.example/berhenti/")
            .to_owned();
        // A link with a forged token is not found; the right one works, twice too.
        let (id, _) = path.split_once('.').expect("id.token");
        let forged = format!("{id}.{}", "0".repeat(32));
        assert_eq!(
            notify::unsubscribe(db, SECRET, &forged, NOW).await.err(),
            Some(app::error::AppError::NotFound)
        );
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        act(
            db,
            &coordinator,
            &filed.tracking_id,
            &action("verify"),
            NOW + 60,
        )
        .await
        .expect("verify");
        let view = notify::unsubscribe(db, SECRET, &path, NOW + 70)
            .await
            .expect("unsubscribed");
        assert!(view.unsubscribed);
        assert_eq!(view.tracking_id, filed.tracking_id);
        notify::unsubscribe(db, SECRET, &path, NOW + 80)
            .await
            .expect("again: harmless");
        assert!(
            claim_all(db, NOW + 1000).await.is_empty(),
            "the waiting one is not sent"
        );
        assert_eq!(
            count(
                db,
                "select count(*) from outbox where state = 'unsent' and last_error = 'unsubscribed'"
            )
            .await,
            1
        );
        act(
            db,
            &coordinator,
            &filed.tracking_id,
            &dispose_to(o.pupr),
            NOW + 2000,
        )
        .await
        .expect("dispose");
        assert!(
            claim_all(db, NOW + 5000).await.is_empty(),
            "nothing new is queued"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn failures_wait_longer_each_time_then_give_up_and_the_admin_can_retry() {
    for t in engines().await {
        let db = &t.db;
        filed_with_email(db, "warga@example.id", false).await;
        let mut now = NOW;
        let mut waits = Vec::new();
        loop {
            let rows = claim_all(db, now).await;
            let Some(row) = rows.first() else { break };
            if row.attempts >= notify::MAX_ATTEMPTS {
                notify::retry_later(db, row, "connection refused to warga@example.id", now)
                    .await
                    .expect("record");
                break;
            }
            notify::retry_later(db, row, "connection refused to warga@example.id", now)
                .await
                .expect("record");
            let due: i64 = sqlx::query_scalar("select due_at from outbox where id = $1")
                .bind(row.id)
                .fetch_one(&db.pool)
                .await
                .expect("due");
            waits.push(due - now);
            assert!(
                claim_all(db, due - 1).await.is_empty(),
                "not before its time"
            );
            now = due;
        }
        assert_eq!(&waits[..4], &[30, 60, 120, 240]);
        assert_eq!(waits.len() as i64, notify::MAX_ATTEMPTS - 1);
        let queue = notify::queue(db, Some(notify::Delivery::Failed))
            .await
            .expect("queue");
        assert_eq!(queue.len(), 1);
        assert!(
            queue[0].last_error.contains("connection refused"),
            "{}",
            queue[0].last_error
        );
        assert!(
            !queue[0].last_error.contains("warga@example.id"),
            "the address is scrubbed"
        );
        notify::retry(db, queue[0].id, now).await.expect("retry");
        assert_eq!(claim_all(db, now).await.len(), 1, "waiting again");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_worker_that_died_leaves_its_rows_to_another_after_the_lease() {
    for t in engines().await {
        let db = &t.db;
        filed_with_email(db, "warga@example.id", false).await;
        assert_eq!(claim_all(db, NOW).await.len(), 1);
        assert!(
            claim_all(db, NOW + 10).await.is_empty(),
            "claimed by the first"
        );
        let again = claim_all(db, NOW + notify::LEASE_SECS + 1).await;
        assert_eq!(again.len(), 1, "the lease ran out");
        assert_eq!(again[0].attempts, 2);
        t.finish().await;
    }
}

#[tokio::test]
async fn two_workers_send_each_notification_once() {
    for t in engines().await {
        let db = &t.db;
        let mut tx = db.pool.begin().await.expect("tx");
        for i in 0..600 {
            notify::queue_message(
                &mut tx,
                &notify::Message {
                    via: Via::Sms,
                    address: "+6281234567890",
                    locale: app::i18n::Locale::Id,
                    purpose: Purpose::SmsAnswer,
                    subject: "",
                    body: &format!("pesan {i}"),
                    dedupe_key: None,
                },
                NOW,
            )
            .await
            .expect("queue");
        }
        tx.commit().await.expect("commit");
        // A second server: its own connections to the same database.
        let other = app::db::Db::connect(&t.url).await.expect("second server");
        let worker = |db: app::db::Db| async move {
            let mut mine = Vec::new();
            loop {
                let rows = notify::claim(&db, NOW, 25).await.expect("claim");
                if rows.is_empty() {
                    break;
                }
                for r in rows {
                    notify::sent(&db, r.id, NOW).await.expect("sent");
                    mine.push(r.id);
                }
            }
            mine
        };
        let (a, b) = tokio::join!(worker(db.db.clone()), worker(other.clone()));
        let mut all: Vec<i64> = a.iter().chain(b.iter()).copied().collect();
        let total = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), total, "no row claimed twice");
        assert_eq!(total, 600, "every row sent");
        if db.engine == app::db::Engine::Postgres {
            assert!(
                !a.is_empty() && !b.is_empty(),
                "both workers worked: {} / {}",
                a.len(),
                b.len()
            );
        }
        other.pool.close().await;
        t.finish().await;
    }
}

#[tokio::test]
async fn officials_who_asked_hear_of_forwarded_reports_and_get_a_daily_digest() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let wants = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let quiet = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        notify::set_staff_prefs(
            db,
            wants.account_id,
            notify::StaffPrefs {
                forwarded: true,
                digest: true,
            },
        )
        .await
        .expect("prefs");
        assert_eq!(
            notify::staff_prefs(db, quiet.account_id)
                .await
                .expect("prefs"),
            notify::StaffPrefs::default()
        );
        let mut input = report("Lampu jalan mati di Jl. Veteran");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        act(
            db,
            &coordinator,
            &filed.tracking_id,
            &action("verify"),
            NOW + 10,
        )
        .await
        .expect("verify");
        act(
            db,
            &coordinator,
            &filed.tracking_id,
            &dispose_to(o.pupr),
            NOW + 20,
        )
        .await
        .expect("dispose");
        let forwarded: Vec<Claimed> = claim_all(db, NOW + 20)
            .await
            .into_iter()
            .filter(|r| r.purpose == Purpose::Forwarded)
            .collect();
        assert_eq!(forwarded.len(), 1, "only the official who asked");
        let email: String = sqlx::query_scalar("select email from accounts where id = $1")
            .bind(wants.account_id)
            .fetch_one(&db.pool)
            .await
            .expect("email");
        assert_eq!(forwarded[0].address, email);
        let words = notify::compose(db, &LINKS, &forwarded[0])
            .await
            .expect("compose")
            .expect("words");
        assert!(words.text.contains(&format!(
            "https://lapor.example/petugas/laporan/{}",
            filed.tracking_id
        )));

        // Weeks later the report is overdue: one digest a day, whichever server runs it.
        let later = NOW + 40 * 86_400;
        assert_eq!(
            notify::enqueue_digests(db, later, "2027-01-02")
                .await
                .expect("digest"),
            1
        );
        assert_eq!(
            notify::enqueue_digests(db, later + 60, "2027-01-02")
                .await
                .expect("again"),
            0
        );
        let digest: Vec<Claimed> = claim_all(db, later)
            .await
            .into_iter()
            .filter(|r| r.purpose == Purpose::Digest)
            .collect();
        assert_eq!(digest.len(), 1);
        assert!(
            digest[0].body.contains(&filed.tracking_id),
            "{}",
            digest[0].body
        );
        assert_eq!(
            notify::enqueue_digests(db, later + 86_400, "2027-01-03")
                .await
                .expect("next day"),
            1
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_within_the_hour_and_ends_every_session() {
    use app::accounts::{
        RegisterInput, ResetInput, ResetRequestInput, register, request_reset, reset_password,
    };
    for t in engines().await {
        let db = &t.db;
        let id = register(
            db,
            &RegisterInput {
                name: "Siti".into(),
                email: "siti@example.id".into(),
                phone: "0812 3456 7890".into(),
                password: "kata-sandi-lama-1".into(),
            },
            NOW,
        )
        .await
        .expect("registered");
        sqlx::query(
            "insert into sessions (id, data, expires_at, account_id) values ('s1', '{}', $1, $2)",
        )
        .bind(NOW + 86_400)
        .bind(id)
        .execute(&db.pool)
        .await
        .expect("a session");
        let ask = |akun: &str| ResetRequestInput { akun: akun.into() };
        // Unknown accounts get the same answer, and nothing is sent.
        request_reset(db, &ask("tidak.ada@example.id"), app::i18n::Locale::Id, NOW)
            .await
            .expect("same answer");
        request_reset(db, &ask("0899 0000 0000"), app::i18n::Locale::Id, NOW)
            .await
            .expect("same answer");
        assert_eq!(count(db, "select count(*) from outbox").await, 0);
        request_reset(db, &ask("Siti@Example.id"), app::i18n::Locale::En, NOW)
            .await
            .expect("by email");
        request_reset(db, &ask("+62 812-3456-7890"), app::i18n::Locale::Id, NOW)
            .await
            .expect("by phone");
        let rows = claim_all(db, NOW).await;
        assert_eq!(rows.len(), 2);
        let email = rows.iter().find(|r| r.via == Via::Email).expect("an email");
        let sms = rows.iter().find(|r| r.via == Via::Sms).expect("a text");
        assert_eq!(sms.address, "+6281234567890");
        let words = notify::compose(db, &LINKS, email)
            .await
            .expect("compose")
            .expect("words");
        let code = email.body.clone();
        assert!(
            words
                .text
                .contains(&format!("https://lapor.example/atur-sandi?kode={code}"))
        );
        assert!(
            words.subject.contains("Reset"),
            "in the language asked in: {}",
            words.subject
        );
        notify::sent(db, email.id, NOW).await.expect("sent");
        assert_eq!(
            count(db, "select count(*) from outbox where kind = 'password_reset' and body <> '' and state = 'sent'").await,
            0,
            "a sent code is not kept"
        );
        let new = |kode: &str| ResetInput {
            kode: kode.into(),
            password: "kata-sandi-baru-2".into(),
        };
        // Wrong, expired, then right; the code works once and the SMS code dies with it.
        assert!(
            reset_password(db, &new("AAAA-BBBB-CCCC-DDDD"), NOW)
                .await
                .is_err()
        );
        assert!(
            reset_password(db, &new(&code), NOW + 3601).await.is_err(),
            "an hour at most"
        );
        assert_eq!(
            reset_password(db, &new(&code.to_lowercase()), NOW + 60)
                .await
                .expect("reset"),
            id
        );
        assert!(
            reset_password(db, &new(&code), NOW + 61).await.is_err(),
            "once"
        );
        assert!(
            reset_password(db, &new(&sms.body), NOW + 62).await.is_err(),
            "every code of the account is used up"
        );
        assert_eq!(
            count(db, "select count(*) from sessions").await,
            0,
            "every session ended"
        );
        let login = app::accounts::LoginInput {
            email: "siti@example.id".into(),
            password: "kata-sandi-baru-2".into(),
            ..Default::default()
        };
        assert_eq!(
            app::accounts::authenticate(db, &login, NOW + 70)
                .await
                .expect("new password"),
            id
        );
        // Asking again and again sends at most three an hour.
        for _ in 0..5 {
            request_reset(
                db,
                &ask("siti@example.id"),
                app::i18n::Locale::Id,
                NOW + 100,
            )
            .await
            .expect("asked");
        }
        assert_eq!(
            count(
                db,
                "select count(*) from password_resets where created_at >= $1"
                    .replace("$1", &(NOW + 100).to_string())
                    .as_str()
            )
            .await,
            1,
            "two were asked within the hour already"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn without_a_mail_server_or_gateway_notifications_are_written_to_the_folder() {
    for t in engines().await {
        let db = &t.db;
        let dir = std::env::temp_dir().join(format!(
            "lapor_folder_{}",
            app::secrets::new_submission_key()
        ));
        let out = server::outbox::Transports {
            mail: server::outbox::Mail::new(
                None,
                "LAPOR! <noreply@lapor.example>",
                dir.join("email"),
            )
            .expect("mail"),
            sms: server::outbox::Sms::Folder(dir.join("sms")),
            public_url: "https://lapor.example".into(),
            server_secret: SECRET.into(),
        };
        assert!(!out.mail.configured() && !out.sms.configured());
        filed_with_email(db, "warga@example.id", false).await;
        app::sms_inbox::receive(
            db,
            SECRET,
            &app::sms::SmsPolicy::default(),
            &app::sms_inbox::Incoming {
                gateway_id: "folder-1",
                from: "081234567890",
                text: "LAPOR Jembatan kayu di RT 3 lapuk dan hampir roboh, anak sekolah lewat setiap pagi.",
                received_at: NOW,
            },
            NOW,
            TODAY,
        )
        .await
        .expect("sms");
        assert_eq!(server::outbox::run_once(db, &out, NOW, 50).await, 2);
        let queue = notify::queue(db, None).await.expect("queue");
        assert!(
            queue
                .iter()
                .all(|r| r.state == notify::Delivery::Unsent && r.last_error == notify::NO_CHANNEL),
            "{queue:?}"
        );
        let read = |sub: &str| -> Vec<String> {
            std::fs::read_dir(dir.join(sub))
                .expect("folder")
                .flatten()
                .map(|e| std::fs::read_to_string(e.path()).expect("file"))
                .collect()
        };
        let emails = read("email");
        assert_eq!(emails.len(), 1);
        assert!(emails[0].contains("To: warga@example.id"), "{}", emails[0]);
        let texts = read("sms");
        assert_eq!(texts.len(), 1);
        assert!(
            texts[0].contains("+6281234567890") && texts[0].contains("Laporan diterima"),
            "{}",
            texts[0]
        );
        let _ = std::fs::remove_dir_all(&dir);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_reporter_is_told_in_the_language_they_filed_in() {
    for t in engines().await {
        let db = &t.db;
        let mut input = report("Broken street light on Jl. Veteran");
        input.notify_email = "visitor@example.org".into();
        let intake = app::reports::Intake::web(NOW).in_language(app::i18n::Locale::En);
        app::reports::file(db, SECRET, &input, None, intake, NOW, TODAY)
            .await
            .expect("filed");
        let rows = claim_all(db, NOW).await;
        assert_eq!(rows[0].locale, app::i18n::Locale::En);
        let words = notify::compose(db, &LINKS, &rows[0])
            .await
            .expect("compose")
            .expect("words");
        assert!(
            words.text.contains("We received your report"),
            "{}",
            words.text
        );
        assert!(
            words.text.contains("Stop receiving emails"),
            "{}",
            words.text
        );
        t.finish().await;
    }
}
