//! A rolling restart of two servers on one PostgreSQL during a burst of filings and messages
//! (a smaller, time-bounded version of the benchmark in BENCHMARKS.md): one server is told to
//! stop (SIGTERM) and started again, then the other. Clients do what a balancer and a browser
//! do: a submission whose answer did not come is sent again to the other server with the same
//! one-time key, and a stream that ended is opened again with `Last-Event-ID`. No submission
//! that was acknowledged is lost, none is stored twice, and every stream ends up with every
//! event of the report it watches.

use super::processes::{Server, free_port, request, sigterm, start_with};
use super::support::{NOW, SECRET, TODAY, action, official, orgs, postgres, report};
use app::lifecycle::Role;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const WATCHERS: usize = 8;

/// The arguments every server starts with: the burst comes from one address.
fn args() -> Vec<String> {
    vec!["--limits-burst-factor".into(), "1000".into()]
}

/// Sends a form to one of the servers, the other when it fails, until one answers 303.
async fn submit(ports: [u16; 2], first: usize, line: &str, body: &str) -> String {
    for attempt in 0..200 {
        let port = ports[(first + attempt) % 2];
        let answer = request(
            port,
            line,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body,
        )
        .await;
        if let Ok((303, head, _)) = answer {
            return head;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{line}: no server took it");
}

/// A viewer of report `tracking`'s page: opens the stream on either server, and after it ends
/// opens it again with the last event id it saw. Returns the event ids it received.
async fn watch(
    ports: [u16; 2],
    first: usize,
    tracking: String,
    done: Arc<AtomicBool>,
) -> BTreeSet<i64> {
    let mut seen = BTreeSet::new();
    let mut attempt = first;
    while !done.load(Ordering::SeqCst) {
        let port = ports[attempt % 2];
        attempt += 1;
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let last = seen
            .last()
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "GET /langsung?laporan={tracking} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Accept: text/event-stream\r\n{last}\r\n"
        );
        if s.write_all(head.as_bytes()).await.is_err() {
            continue;
        }
        let mut lines = BufReader::new(s).lines();
        match lines.next_line().await {
            Ok(Some(status)) if status.contains(" 200 ") => {}
            _ => continue,
        }
        loop {
            let line = tokio::time::timeout(Duration::from_millis(500), lines.next_line()).await;
            match line {
                Ok(Ok(Some(line))) => {
                    if let Some(id) = line.strip_prefix("id: ").and_then(|i| i.parse().ok()) {
                        seen.insert(id);
                    }
                }
                // Ended (the server stopped) or broken: open it again.
                Ok(_) => break,
                Err(_) if done.load(Ordering::SeqCst) => break,
                Err(_) => {}
            }
        }
    }
    seen
}

/// SIGTERM, then waits until the process is gone.
async fn stop(server: &mut Server) {
    sigterm(server);
    for _ in 0..300 {
        if let Some(status) = server.child.try_wait().expect("wait") {
            assert!(status.success(), "stopped cleanly: {status:?}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not stop");
}

#[tokio::test]
async fn a_rolling_restart_during_a_burst_loses_no_submission_and_no_event() {
    let Some(t) = postgres().await else { return };
    let db = &t.db;
    let o = orgs(db).await;
    let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
    let mut input = report("Pasar terapung kotor setelah banjir");
    input.target_org_id = o.banjarmasin.to_string();
    let watched = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed");
    app::casework::act(
        db,
        &coordinator,
        &watched.tracking_id,
        &action("verify"),
        NOW,
    )
    .await
    .expect("verify: the report is public");

    let ports = [free_port(), free_port()];
    let mut servers = [
        start_with(&t.url, ports[0], &args()).await,
        start_with(&t.url, ports[1], &args()).await,
    ];
    let done = Arc::new(AtomicBool::new(false));
    let watchers: Vec<_> = (0..WATCHERS)
        .map(|i| tokio::spawn(watch(ports, i, watched.tracking_id.clone(), done.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The burst: filings and messages to the watched report, alternately through each server,
    // until the restart is over.
    let burst_done = Arc::new(AtomicBool::new(false));
    let filed = Arc::new(Mutex::new(Vec::new()));
    let messages = Arc::new(Mutex::new(Vec::new()));
    let burst = {
        let (burst_done, filed, messages) = (burst_done.clone(), filed.clone(), messages.clone());
        let (tracking, code) = (watched.tracking_id.clone(), watched.access_code.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !burst_done.load(Ordering::SeqCst) {
                let key = app::secrets::new_submission_key();
                let form = serde_urlencoded::to_string([
                    ("submission_key", key.as_str()),
                    ("kind", "pengaduan"),
                    ("title", &format!("Laporan beruntun nomor {i}")),
                    (
                        "body",
                        "Laporan ini dikirim selagi kedua server dimulai ulang bergantian.",
                    ),
                    ("category_id", "3"),
                    ("anonymous", "on"),
                    ("mirip", "1"),
                ])
                .expect("form");
                submit(ports, i, "POST /lapor HTTP/1.1", &form).await;
                filed.lock().expect("lock").push(key);
                let kunci = app::secrets::new_submission_key();
                let form = serde_urlencoded::to_string([
                    ("kode", code.as_str()),
                    ("body", &format!("Pesan beruntun nomor {i}")),
                    ("kunci", kunci.as_str()),
                ])
                .expect("form");
                let line = format!("POST /laporan/{tracking}/pesan HTTP/1.1");
                submit(ports, i + 1, &line, &form).await;
                messages.lock().expect("lock").push(kunci);
                i += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };

    // The rolling restart.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for (i, server) in servers.iter_mut().enumerate() {
        stop(server).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        *server = start_with(&t.url, ports[i], &args()).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    burst_done.store(true, Ordering::SeqCst);
    burst.await.expect("burst");
    // The streams get what was sent last, then stop.
    tokio::time::sleep(Duration::from_secs(2)).await;
    done.store(true, Ordering::SeqCst);
    let mut seen_by = Vec::new();
    for w in watchers {
        seen_by.push(w.await.expect("watcher"));
    }

    // Every acknowledged filing is stored, once.
    let filed = filed.lock().expect("lock").clone();
    assert!(filed.len() >= 10, "a real burst: {} filings", filed.len());
    let stored = |sql: &'static str, key: String| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(key)
            .fetch_one(&db.pool)
            .await
            .expect("count")
    };
    for key in &filed {
        let n = stored(
            "select count(*) from reports where submission_key = $1",
            key.clone(),
        )
        .await;
        assert_eq!(n, 1, "filing {key}");
    }
    // Every acknowledged message is stored, once.
    let messages = messages.lock().expect("lock").clone();
    for key in &messages {
        let n = stored(
            "select count(*) from report_events where client_key = $1",
            key.clone(),
        )
        .await;
        assert_eq!(n, 1, "message {key}");
    }
    // Every stream got every public event of the report.
    let events: Vec<i64> = sqlx::query_scalar(
        "select e.id from report_events e join reports r on r.id = e.report_id \
         where r.tracking_id = $1 and e.internal = 0 order by e.id",
    )
    .bind(&watched.tracking_id)
    .fetch_all(&db.pool)
    .await
    .expect("events");
    assert!(
        events.len() > messages.len(),
        "the messages and the verification"
    );
    for (i, seen) in seen_by.iter().enumerate() {
        // The stream opened after the filing and the verification: those may come before it.
        let missed: Vec<i64> = events
            .iter()
            .copied()
            .filter(|id| !seen.contains(id) && *id > *seen.first().unwrap_or(&0))
            .collect();
        assert!(missed.is_empty(), "watcher {i} missed events {missed:?}");
        assert!(
            seen.len() >= messages.len(),
            "watcher {i} saw {}",
            seen.len()
        );
    }
    drop(servers);
    t.finish().await;
}
