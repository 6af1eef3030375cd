//! Notifications through real servers: aiosmtpd and Kannel with its fake SMSC (see `rig`).
//! The worker retries while they are down and delivers once they are back; a whole
//! conversation by SMS runs through a `lapor` process; a web reporter's email arrives and
//! its unsubscribe link works.

use super::processes::{free_port, request, start_with};
use super::rig::{KEY, Kannel, PASSWORD, Smtp, unfold};
use super::support::{NOW, SECRET, TODAY, action, engines, official, orgs, report, sqlite};
use app::casework::{ActInput, StaffMessageInput, act, add_staff_message};
use app::lifecycle::Role;
use app::sms::SmsPolicy;
use server::outbox::{Kannel as KannelOut, Mail, Sms, Transports, run_once};
use std::time::Duration;

const PHONE: &str = "+6281234567890";
const COMPLAINT: &str =
    "LAPOR Jalan di depan SDN 3 Sungai Miai berlubang besar sejak seminggu, dua motor jatuh.";

fn transports(smtp: &Smtp, kannel: &Kannel) -> Transports {
    Transports {
        mail: Mail::new(
            Some(&smtp.url()),
            "LAPOR! <noreply@lapor.example>",
            "/nonexistent".into(),
        )
        .expect("mail"),
        sms: Sms::Kannel(KannelOut {
            client: reqwest::Client::new(),
            url: kannel.sendsms_url(),
            username: "lapor".into(),
            password: PASSWORD.into(),
            from: "1708".into(),
        }),
        public_url: "https://lapor.example".into(),
        server_secret: SECRET.into(),
    }
}

async fn state_of(db: &app::db::Db, id: &str) -> Vec<(String, i64, String)> {
    sqlx::query_as("select state, attempts, last_error from outbox where kind = $1 order by id")
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .expect("outbox")
}

#[tokio::test]
async fn the_worker_retries_while_the_servers_are_down_and_delivers_when_they_return() {
    for t in engines().await {
        let db = &t.db;
        let mut smtp = Smtp::start().await;
        let mut kannel = Kannel::start(free_port()).await;
        let out = transports(&smtp, &kannel);
        let mut input = report("Sampah menumpuk di pasar Kalindo");
        input.notify_email = "warga@example.id".into();
        app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("web report");
        let policy = SmsPolicy {
            intake_org: Some(orgs(db).await.banjarmasin),
            per_hour: 20,
        };
        app::sms_inbox::receive(
            db,
            SECRET,
            &policy,
            &app::sms_inbox::Incoming {
                gateway_id: "g-1",
                from: "081234567890",
                text: COMPLAINT,
                received_at: NOW,
            },
            NOW,
            TODAY,
        )
        .await
        .expect("sms report");

        smtp.stop();
        kannel.stop();
        let queued: i64 = sqlx::query_scalar(
            "select count(*) from outbox where state = 'waiting' and due_at <= $1",
        )
        .bind(NOW)
        .fetch_one(&db.pool)
        .await
        .expect("count");
        assert_eq!(
            queued,
            2,
            "{:?} {:?}",
            db.engine,
            state_of(db, "report").await
        );
        assert_eq!(run_once(db, &out, NOW, 50).await, 2, "{:?}", db.engine);
        let rows = state_of(db, "report").await;
        assert!(
            rows.iter().all(|(s, a, _)| s == "waiting" && *a == 1),
            "{rows:?}"
        );
        assert!(
            rows.iter().all(|(_, _, e)| !e.is_empty()),
            "the reason is kept: {rows:?}"
        );
        assert_eq!(
            run_once(db, &out, NOW + 10, 50).await,
            0,
            "not before the backoff"
        );

        smtp.resume().await;
        kannel.resume().await;
        assert_eq!(run_once(db, &out, NOW + 31, 50).await, 2);
        let rows = state_of(db, "report").await;
        assert!(rows.iter().all(|(s, _, _)| s == "sent"), "{rows:?}");
        assert!(
            smtp.wait_for("Laporan Anda sudah kami terima", Duration::from_secs(5))
                .await
                .is_some()
        );
        assert!(
            kannel
                .wait_for(PHONE, "Laporan diterima", Duration::from_secs(10))
                .await
                .is_some(),
            "{:?}",
            kannel.delivered()
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_refusal_for_good_is_a_recorded_failure_and_a_refusal_for_now_a_retry() {
    let t = sqlite().await;
    let db = &t.db;
    let smtp = Smtp::start().await;
    let kannel = Kannel::start(free_port()).await;
    let out = transports(&smtp, &kannel);
    for email in ["bounce@example.id", "later@example.id"] {
        let mut input = report("Lampu jalan mati di Jl. Veteran");
        input.notify_email = email.into();
        app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
    }
    // Kannel refuses a wrong password for good too.
    let mut wrong = transports(&smtp, &kannel);
    if let Sms::Kannel(k) = &mut wrong.sms {
        k.password = "salah".into();
    }
    run_once(db, &out, NOW, 50).await;
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select address, state, last_error from outbox order by id")
            .fetch_all(&db.pool)
            .await
            .expect("rows");
    assert_eq!(rows[0].1, "failed", "{rows:?}");
    assert!(rows[0].2.contains("550"), "the server's reason: {rows:?}");
    assert!(
        !rows[0].2.contains("bounce@example.id"),
        "without the address: {rows:?}"
    );
    assert_eq!(rows[1].1, "waiting", "451 is for now: {rows:?}");
    super::support::queue_text(db, PHONE, "halo", NOW).await;
    run_once(db, &wrong, NOW, 50).await;
    let sms: (String, String) =
        sqlx::query_as("select state, last_error from outbox where channel = 'sms'")
            .fetch_one(&db.pool)
            .await
            .expect("sms row");
    assert_eq!(sms.0, "failed", "{sms:?}");
    assert!(sms.1.contains("403"), "{sms:?}");
    t.finish().await;
}

#[tokio::test]
async fn long_replies_reach_the_phone_in_concatenated_parts_in_the_right_coding() {
    let t = sqlite().await;
    let db = &t.db;
    let smtp = Smtp::start().await;
    let kannel = Kannel::start(free_port()).await;
    let out = transports(&smtp, &kannel);
    let cases = [
        (
            "Jalan sudah kami tambal. ".repeat(12),
            app::sms::Coding::Gsm7,
        ),
        (
            "Jalan sudah kami tambal 👍 ".repeat(6),
            app::sms::Coding::Ucs2,
        ),
    ];
    for (i, (text, coding)) in cases.iter().enumerate() {
        super::support::queue_text(db, PHONE, text, NOW + i as i64).await;
        run_once(db, &out, NOW + 10, 50).await;
        let (_, parts) = app::sms::split(text);
        assert_eq!(app::sms::coding(text), *coding);
        assert!(parts.len() > 1);
        let got = kannel
            .wait_for(PHONE, text.trim(), Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("{text:?} not delivered: {:?}", kannel.delivered()));
        assert_eq!(got.parts, parts.len(), "{got:?}");
        assert_eq!(got.text, *text);
    }
    t.finish().await;
}

/// Whether a message `body` shows in the official's thread of `tracking` within 10 s.
async fn in_thread(
    db: &app::change::Store,
    staff: &app::staff::Staff,
    tracking: &str,
    body: &str,
) -> bool {
    for _ in 0..100 {
        let case = app::casework::open_case(db, staff, tracking, app::db::now())
            .await
            .expect("case");
        if case.report.thread.iter().any(|e| e.body == body) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// The brief's end-to-end path: a citizen files by SMS, the coordinator forwards it, the OPD
/// replies, the reply reaches the phone, the citizen answers by SMS and the official reads
/// it in the thread; a web reporter gets the OPD's reply by email and unsubscribes with its
/// link.
#[tokio::test]
async fn a_conversation_by_sms_and_by_email_through_a_running_lapor() {
    let mut t = sqlite().await;
    // The test writes as the officials: their replies are sent at once, not gathered.
    t.db.db.gather_secs = 0;
    let db = &t.db;
    let o = orgs(db).await;
    let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
    let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
    let smtp = Smtp::start().await;
    let port = free_port();
    let mut kannel = Kannel::start(port).await;
    let public = format!("http://127.0.0.1:{port}");
    let args: Vec<String> = [
        "--smtp-url",
        &smtp.url(),
        "--kannel-url",
        &kannel.sendsms_url(),
        "--kannel-password",
        PASSWORD,
        "--sms-key",
        KEY,
        "--sms-org",
        "banjarmasin",
        "--notify-gather-seconds",
        "0",
        "--public-url",
        &public,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let _lapor = start_with(&t.url, port, &args).await;

    // 1. The citizen texts a complaint and gets the receipt.
    kannel.text("081234567890", COMPLAINT);
    let receipt = kannel
        .wait_for(PHONE, "Laporan diterima", Duration::from_secs(20))
        .await
        .unwrap_or_else(|| panic!("no receipt: {:?}", kannel.delivered()));
    let tracking = receipt
        .text
        .split("Nomor: ")
        .nth(1)
        .and_then(|r| r.get(..9))
        .expect("the tracking ID")
        .to_owned();
    let channel: String = sqlx::query_scalar("select channel from reports where tracking_id = $1")
        .bind(&tracking)
        .fetch_one(&db.pool)
        .await
        .expect("the report");
    assert_eq!(channel, "sms");

    // 2. The coordinator verifies and forwards; 3. the OPD replies.
    act(
        db,
        &coordinator,
        &tracking,
        &action("verify"),
        app::db::now(),
    )
    .await
    .expect("verify");
    let dispose = ActInput {
        opd_id: o.pupr.to_string(),
        ..action("dispose")
    };
    act(db, &coordinator, &tracking, &dispose, app::db::now())
        .await
        .expect("dispose");
    let answer = StaffMessageInput {
        terakhir: String::new(),
        kunci: String::new(),
        attachments: String::new(),
        body: "Tim kami memeriksa lokasi besok pagi. Mohon sebutkan patokan terdekat.".into(),
        internal: None,
    };
    add_staff_message(db, &opd, &tracking, &answer, app::db::now())
        .await
        .expect("reply");

    // 4. The reply reaches the phone.
    let reply = kannel
        .wait_for(
            PHONE,
            "Mohon sebutkan patokan terdekat",
            Duration::from_secs(20),
        )
        .await
        .unwrap_or_else(|| panic!("no reply: {:?}", kannel.delivered()));
    assert!(reply.text.contains("Dinas PUPR"), "{reply:?}");

    // 5. The citizen answers by SMS; 6. the official reads it in the thread.
    kannel.text(
        "081234567890",
        &format!(
            "{} Dekat masjid Al-Ikhlas, sebelah kiri jalan.",
            tracking.to_lowercase()
        ),
    );
    assert!(
        in_thread(
            db,
            &opd,
            &tracking,
            "Dekat masjid Al-Ikhlas, sebelah kiri jalan."
        )
        .await,
        "the citizen's answer is in the official's thread"
    );
    // A UCS-2 text (an emoji) from the same phone is read as the citizen typed it.
    kannel.text_ucs2("081234567890", &format!("{tracking} Terima kasih 🙏"));
    assert!(
        in_thread(db, &opd, &tracking, "Terima kasih 🙏").await,
        "the UCS-2 answer arrives intact"
    );

    // A web reporter gets the OPD's reply by email, and unsubscribes with one click.
    let mut input = report("Drainase tersumbat di Jl. Pramuka");
    input.target_org_id = o.banjarmasin.to_string();
    input.notify_email = "warga.web@example.id".into();
    input.anonymous = Some("on".into());
    // Filed as the server files it: with the server's own secret, which its links use.
    let secret = app::db::server_secret(db)
        .await
        .expect("the server's secret");
    let filed = app::reports::file_report(db, &secret, &input, None, app::db::now(), TODAY)
        .await
        .expect("web report");
    act(
        db,
        &coordinator,
        &filed.tracking_id,
        &action("verify"),
        app::db::now(),
    )
    .await
    .expect("verify");
    act(
        db,
        &coordinator,
        &filed.tracking_id,
        &dispose,
        app::db::now(),
    )
    .await
    .expect("dispose");
    let answer = StaffMessageInput {
        terakhir: String::new(),
        kunci: String::new(),
        attachments: String::new(),
        body: "Saluran akan dibersihkan hari Kamis.".into(),
        internal: None,
    };
    add_staff_message(db, &opd, &filed.tracking_id, &answer, app::db::now())
        .await
        .expect("reply");
    let wait = smtp
        .wait_for(
            "Saluran akan dibersihkan hari Kamis.",
            Duration::from_secs(20),
        )
        .await;
    if wait.is_none() {
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as("select channel, kind, state, last_error from outbox order by id")
                .fetch_all(&db.pool)
                .await
                .expect("rows");
        panic!("no email: {rows:?}");
    }
    let mail = wait.unwrap_or_else(|| panic!("no email: {:?}", smtp.messages()));
    let _ = &mail;
    let mail = unfold(&mail);
    assert!(
        mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!(
            "{public}/laporan/{}?kode={}",
            filed.tracking_id, filed.access_code
        )),
        "the private link: {mail}"
    );
    let link = mail
        .split("List-Unsubscribe: <")
        .nth(1)
        .and_then(|r| r.split('>').next())
        .expect("the header")
        .to_owned();
    let path = link.trim_start_matches(&public).to_owned();
    assert!(path.starts_with("/berhenti/"), "{link}");
    // Opening the link only shows the button (mail scanners open links by themselves).
    let (status, _, page) = request(port, &format!("GET {path} HTTP/1.1"), &[], "")
        .await
        .expect("page");
    assert_eq!(status, 200);
    assert!(page.contains(&filed.tracking_id), "{page}");
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "select count(*) from subscriptions where unsubscribed_at is not null"
        )
        .fetch_one(&db.pool)
        .await
        .expect("count"),
        0
    );
    // The mail program's one-click POST (RFC 8058), without a session or an Origin.
    let (status, head, _) = request(
        port,
        &format!("POST {path} HTTP/1.1"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "List-Unsubscribe=One-Click",
    )
    .await
    .expect("post");
    assert_eq!(status, 303, "{head}");
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "select count(*) from subscriptions where unsubscribed_at is not null"
        )
        .fetch_one(&db.pool)
        .await
        .expect("count"),
        1
    );
    t.finish().await;
}
