//! Restarts lose nothing: told to stop (SIGTERM), `lapor` stops accepting, finishes the
//! request in flight, ends its live streams (their browsers reconnect and resume with
//! `Last-Event-ID`) and exits 0.

use super::processes::{sigterm, start, subscribe};
use super::support::{NOW, SECRET, TODAY, report, sqlite};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn sigterm_finishes_requests_in_flight_ends_streams_and_exits_0() {
    let t = sqlite().await;
    let filed =
        app::reports::file_report(&t.db, SECRET, &report("Air PDAM keruh"), None, NOW, TODAY)
            .await
            .expect("filed");
    let mut server = start(&t.url).await;
    let mut stream = subscribe(
        server.port,
        &format!("/langsung?laporan={}", filed.tracking_id),
        None,
    )
    .await;

    // A report being sent over a slow network: the head has arrived, half the body has not.
    let key = app::secrets::new_submission_key();
    let body = serde_urlencoded::to_string([
        ("submission_key", key.as_str()),
        ("kind", "pengaduan"),
        ("title", "Jembatan kayu lapuk di desa"),
        (
            "body",
            "Jembatan kayu penghubung dua desa sudah lapuk dan berbahaya bagi anak sekolah.",
        ),
        ("category_id", "3"),
        ("anonymous", "on"),
        ("mirip", "1"),
    ])
    .expect("form");
    let (first, rest) = body.split_at(body.len() / 2);
    let mut slow = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .expect("connect");
    slow.write_all(
        format!(
            "POST /lapor HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{first}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .expect("head and half the body");
    tokio::time::sleep(Duration::from_millis(300)).await;

    sigterm(&server);

    // The live stream ends (instead of hanging until the grace period is over).
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.0.next_line().await {
                Ok(Some(_)) => continue,
                _ => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the live stream was ended by the stop");

    // The request in flight still completes.
    slow.write_all(rest.as_bytes())
        .await
        .expect("rest of the body");
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), slow.read_to_string(&mut answer))
        .await
        .expect("an answer in time")
        .expect("read");
    assert!(
        answer.starts_with("HTTP/1.1 303"),
        "the report in flight was filed: {answer}"
    );
    let status = tokio::time::timeout(Duration::from_secs(12), async {
        loop {
            if let Some(status) = server.child.try_wait().expect("wait") {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("exits within the grace period");
    assert!(status.success(), "exit status {status:?}");
    assert!(
        TcpStream::connect(("127.0.0.1", server.port))
            .await
            .is_err(),
        "no longer accepting"
    );
    let filed: i64 = sqlx::query_scalar("select count(*) from reports where title = $1")
        .bind("Jembatan kayu lapuk di desa")
        .fetch_one(&t.db.pool)
        .await
        .expect("count");
    assert_eq!(filed, 1);
    t.finish().await;
}
