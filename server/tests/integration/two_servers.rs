//! Two server processes sharing one PostgreSQL: an event produced through one reaches the
//! live streams held by the other, and only the streams that may know of it.

use super::support::{
    NOW, SECRET, STAFF_PASSWORD, TODAY, official_with_password, orgs, postgres, report,
};
use app::lifecycle::Role;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A `lapor` process, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

async fn start(url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_lapor"))
        .args([
            "--database-url",
            url,
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lapor");
    let server = Server { child, port };
    for _ in 0..100 {
        if let Ok((status, _, _)) = request(port, "GET /healthz HTTP/1.1", &[], "").await
            && status == 200
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("lapor did not start on port {port}");
}

/// One plain HTTP/1.1 request; returns status, head and body.
async fn request(
    port: u16,
    line: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut req = format!(
        "{line}\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).await?;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, head.to_owned(), body.to_owned()))
}

/// Signs in through a server and returns the session cookie.
async fn sign_in(port: u16, email: &str) -> String {
    let form = serde_urlencoded::to_string([("email", email), ("password", STAFF_PASSWORD)])
        .expect("form");
    let (status, head, _) = request(
        port,
        "POST /masuk HTTP/1.1",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form,
    )
    .await
    .expect("login");
    assert_eq!(status, 303, "login {email}");
    head.lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned()
}

/// An open live stream: its lines as they arrive.
struct Stream(tokio::io::Lines<BufReader<TcpStream>>);

async fn subscribe(port: u16, path: &str, cookie: Option<&str>) -> Stream {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    s.write_all(
        format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n{cookie}\r\n"
        )
        .as_bytes(),
    )
    .await
    .expect("request");
    let mut lines = BufReader::new(s).lines();
    let status = lines.next_line().await.expect("read").expect("status line");
    assert!(status.contains(" 200 "), "{path}: {status}");
    Stream(lines)
}

impl Stream {
    /// Whether a data line mentioning `needle` arrives within `wait`.
    async fn receives(&mut self, needle: &str, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.0.next_line()).await {
                Ok(Ok(Some(line))) if line.starts_with("data:") && line.contains(needle) => {
                    return true;
                }
                Ok(Ok(Some(_))) => continue,
                _ => return false,
            }
        }
    }
}

#[tokio::test]
async fn an_event_made_on_one_server_reaches_the_streams_of_another() {
    // The suite runs on PostgreSQL whenever it is configured (always in CI); several servers
    // on one SQLite file is not a supported deployment.
    let Some(t) = postgres().await else { return };
    let db = &t.db;
    let o = orgs(db).await;
    official_with_password(db, "induk@x.id", Role::Coordinator, Some(o.banjarmasin)).await;
    official_with_password(db, "dinkes@x.id", Role::OpdAdmin, Some(o.dinkes)).await;
    let mut input = report("Banjir rob di Jl. Sutoyo S");
    input.target_org_id = o.banjarmasin.to_string();
    let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed");

    let a = start(&t.url).await;
    let b = start(&t.url).await;
    let mut public = subscribe(
        a.port,
        &format!("/langsung?laporan={}", filed.tracking_id),
        None,
    )
    .await;
    let dinkes = sign_in(a.port, "dinkes@x.id").await;
    let mut outsider = subscribe(a.port, "/langsung", Some(&dinkes)).await;

    let induk = sign_in(b.port, "induk@x.id").await;
    let (status, _, _) = request(
        b.port,
        &format!("POST /petugas/laporan/{}/aksi HTTP/1.1", filed.tracking_id),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &induk),
        ],
        "action=verify",
    )
    .await
    .expect("verify through b");
    assert_eq!(status, 303);

    assert!(
        public
            .receives(&filed.tracking_id, Duration::from_secs(10))
            .await,
        "the viewer on server a learns of the change made on server b"
    );
    assert!(
        !outsider
            .receives(&filed.tracking_id, Duration::from_secs(2))
            .await,
        "an OPD outside the report's scope receives nothing"
    );
    drop((a, b));
    t.finish().await;
}
