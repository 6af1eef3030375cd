//! Outbox benchmark (not a test): how fast the worker drains queued notifications through a
//! real mail server and a real Kannel, and how long an official's reply takes to leave lapor.
//! `.ci/outbox_bench` starts aiosmtpd and Kannel (with its fake SMSC) and runs this:
//!
//! ```sh
//! cargo run --release -p server --example outbox_bench -- \
//!     smtp://127.0.0.1:2525 http://127.0.0.1:13013/cgi-bin/sendsms kata-sandi 10000
//! ```
//!
//! On a fresh SQLite database with the demo organisations it files 100 web reports (with a
//! notification email) and 100 SMS reports, forwards them to an OPD, then:
//! 1. queues `count` email notifications of those reports (each composed from the report and
//!    its thread when sent, as in production) and times the worker draining them, then the
//!    same for texts through Kannel;
//! 2. runs the worker as a server does (resting 500 ms when idle, events not gathered) and,
//!    200 times per channel, has the OPD reply and measures the time until the notification
//!    was handed to the mail server or to Kannel.

use app::casework::{ActInput, StaffMessageInput, act, add_staff_message};
use app::change::Store;
use server::outbox::{Kannel, Mail, Sms, Transports, run_once};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "bench-secret";

async fn scalar(db: &Store, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&db.pool)
        .await
        .expect(sql)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let smtp = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "smtp://127.0.0.1:2525".into());
    let kannel = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:13013/cgi-bin/sendsms".into());
    let password = args.get(3).cloned().unwrap_or_default();
    let count: i64 = args.get(4).and_then(|c| c.parse().ok()).unwrap_or(10_000);

    let path = "/tmp/lapor-outbox-bench.db";
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let mut store = Store::connect(&format!("sqlite://{path}")).await?;
    store.db.gather_secs = 0;
    let now = app::db::now();
    let today = store.time_zone.date_at(now);
    app::demo::ensure_default_categories(&store).await?;
    app::demo::load(&store, SECRET, now, &today).await?;
    let (opd, government): (i64, i64) = sqlx::query_as(
        "select o.id, o.parent_id from organizations o where o.kind = 'opd' order by o.id limit 1",
    )
    .fetch_one(&store.pool)
    .await?;
    let staff = |email: &str, role: &str, org: i64| app::admin::StaffInput {
        email: email.into(),
        name: format!("Bench {role}"),
        role: role.into(),
        org_id: org.to_string(),
        password: "kata-sandi-bench-1".into(),
    };
    let coordinator_id = app::admin::create_staff(
        &store,
        &staff("induk@bench.id", "admin_instansi", government),
        now,
    )
    .await?;
    let opd_id =
        app::admin::create_staff(&store, &staff("opd@bench.id", "admin_pelaksana", opd), now)
            .await?;
    let coordinator = app::staff::load(&store, coordinator_id)
        .await?
        .expect("staff");
    let official = app::staff::load(&store, opd_id).await?.expect("staff");

    // 100 web reports with an email, 100 SMS reports, all forwarded to the OPD.
    let mut tracking = Vec::new();
    for i in 0..100 {
        let input = app::reports::ReportInput {
            submission_key: app::secrets::new_submission_key(),
            kind: "pengaduan".into(),
            title: format!("Jalan berlubang nomor {i} di Jl. Ahmad Yani"),
            body: "Sudah tiga minggu jalan ini berlubang dan membahayakan pengendara motor.".into(),
            category_id: scalar(&store, "select min(id) from categories")
                .await
                .to_string(),
            target_org_id: government.to_string(),
            anonymous: Some("on".into()),
            notify_email: format!("warga{i}@bench.example"),
            ..Default::default()
        };
        let filed = app::reports::file_report(&store, SECRET, &input, None, now, &today).await?;
        tracking.push(("email", filed.tracking_id));
    }
    let policy = app::sms::SmsPolicy {
        intake_org: Some(government),
        per_hour: 1_000,
    };
    for i in 0..100 {
        let from = format!("0812{i:08}");
        let outcome = app::sms_inbox::receive(
            &store,
            SECRET,
            &policy,
            &app::sms_inbox::Incoming {
                gateway_id: &format!("bench-{i}"),
                from: &from,
                text: "LAPOR Lampu jalan di depan pasar mati sejak seminggu, gelap sekali di malam hari.",
                received_at: now,
            },
            now,
            &today,
        )
        .await?;
        if let app::sms_inbox::Outcome::Filed(f) = outcome {
            tracking.push(("sms", f.tracking_id));
        }
    }
    for (_, t) in &tracking {
        act(
            &store,
            &coordinator,
            t,
            &ActInput {
                action: "verify".into(),
                ..Default::default()
            },
            now,
        )
        .await?;
        act(
            &store,
            &coordinator,
            t,
            &ActInput {
                action: "dispose".into(),
                opd_id: opd.to_string(),
                ..Default::default()
            },
            now,
        )
        .await?;
    }

    let transports = Arc::new(Transports {
        mail: Mail::new(
            Some(&smtp),
            "LAPOR! <noreply@lapor.example>",
            "/tmp/unused".into(),
        )?,
        sms: Sms::Kannel(Kannel {
            client: reqwest::Client::new(),
            url: kannel,
            username: "lapor".into(),
            password,
            from: "1708".into(),
        }),
        public_url: "https://lapor.example".into(),
        server_secret: SECRET.into(),
    });

    // 1. Drain `count` queued notifications per channel.
    for channel in ["email", "sms"] {
        sqlx::query("delete from outbox")
            .execute(&store.pool)
            .await?;
        // One receipt-like row per subscription, then copies until there are `count`.
        sqlx::query(
            "insert into outbox (channel, address, locale, kind, report_id, subscription_id, \
             events, created_at, due_at) select s.channel, s.address, s.locale, 'report', \
             s.report_id, s.id, (select cast(min(e.id) as text) from report_events e \
             where e.report_id = s.report_id), $2, $2 from subscriptions s where s.channel = $1",
        )
        .bind(channel)
        .bind(now)
        .execute(&store.pool)
        .await?;
        while scalar(&store, "select count(*) from outbox").await < count {
            sqlx::query(
                "insert into outbox (channel, address, locale, kind, report_id, subscription_id, \
                 events, created_at, due_at) select channel, address, locale, kind, report_id, \
                 subscription_id, events, created_at, due_at from outbox",
            )
            .execute(&store.pool)
            .await?;
        }
        let extra = scalar(&store, "select count(*) from outbox").await - count;
        sqlx::query(
            "delete from outbox where id in (select id from outbox order by id desc limit $1)",
        )
        .bind(extra)
        .execute(&store.pool)
        .await?;
        let started = Instant::now();
        let at = app::db::now();
        while run_once(&store, &transports, at, 200).await > 0 {}
        let took = started.elapsed();
        let sent = scalar(&store, "select count(*) from outbox where state = 'sent'").await;
        let other = scalar(&store, "select count(*) from outbox where state <> 'sent'").await;
        println!(
            "drain {channel}: {sent} sent ({other} not) in {:.1} s = {:.0} per second",
            took.as_secs_f64(),
            sent as f64 / took.as_secs_f64()
        );
    }

    // 2. Reply-to-departure delay, with the worker running as in a server.
    sqlx::query("delete from outbox")
        .execute(&store.pool)
        .await?;
    let shutdown = app::state::Shutdown::default();
    server::outbox::spawn(
        store.db.clone(),
        transports.clone(),
        shutdown.clone(),
        Duration::from_millis(500),
    );
    for channel in ["email", "sms"] {
        let mut delays = Vec::new();
        let reports: Vec<&String> = tracking
            .iter()
            .filter(|(c, _)| *c == channel)
            .map(|(_, t)| t)
            .collect();
        for i in 0..200 {
            let t = reports[i % reports.len()];
            let reply = StaffMessageInput {
                body: format!("Balasan nomor {i}: tim kami memeriksa lokasi."),
                ..StaffMessageInput::default()
            };
            let started = Instant::now();
            add_staff_message(&store, &official, t, &reply, app::db::now()).await?;
            let row: i64 = sqlx::query_scalar("select max(id) from outbox")
                .fetch_one(&store.pool)
                .await?;
            loop {
                let state: String = sqlx::query_scalar("select state from outbox where id = $1")
                    .bind(row)
                    .fetch_one(&store.pool)
                    .await?;
                if state == "sent" {
                    break;
                }
                assert!(state == "waiting" || state == "sending", "{state}");
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            delays.push(started.elapsed());
            // Not in step with the worker's rest: replies come at random moments.
            tokio::time::sleep(Duration::from_millis(37 + (i as u64 * 53) % 400)).await;
        }
        delays.sort();
        println!(
            "reply to {channel} leaving lapor: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms ({} replies; worker rests 500 ms when idle, events not gathered)",
            percentile(&delays, 0.5).as_secs_f64() * 1000.0,
            percentile(&delays, 0.99).as_secs_f64() * 1000.0,
            delays.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
            delays.len()
        );
    }
    shutdown.begin();
    Ok(())
}
