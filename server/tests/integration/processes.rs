//! `lapor` processes for the tests that need a real server: several on one database, or one
//! told to stop.

use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A `lapor` process, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Tells the server to stop, as systemd does (SIGTERM).
pub fn sigterm(server: &Server) {
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub async fn start(url: &str) -> Server {
    start_with(url, free_port(), &[]).await
}

/// A `lapor` process on `port` with extra command-line arguments.
pub async fn start_with(url: &str, port: u16, args: &[String]) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_lapor"))
        .args([
            "--database-url",
            url,
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--outbox-dir",
            &std::env::temp_dir()
                .join(format!("lapor_outbox_{port}"))
                .display()
                .to_string(),
        ])
        .args(args)
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
pub async fn request(
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

/// An open live stream: its lines as they arrive.
pub struct Stream(pub tokio::io::Lines<BufReader<TcpStream>>);

pub async fn subscribe(port: u16, path: &str, cookie: Option<&str>) -> Stream {
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
    pub async fn receives(&mut self, needle: &str, wait: Duration) -> bool {
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
