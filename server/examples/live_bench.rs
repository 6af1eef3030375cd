//! Live-update benchmark (not a test): opens many event streams against a running `lapor` (the
//! reporter's page of one report, with its access code: a report is public only once verified),
//! then posts messages to that report and measures, for every stream, the delay from sending a
//! message to its event arriving. Prints streams held and refused, the open rate, the server's
//! memory per stream and the 50th/99th percentile delay.
//!
//! ```sh
//! ./target/release/lapor --demo --database-url sqlite:///tmp/bench.db --addr 127.0.0.1:3400 \
//!     --limits-burst-factor 100000 &
//! cargo run --release -p server --example live_bench -- 127.0.0.1:3400 10000 20 $(pidof lapor)
//! ```
//! Streams open 256 at a time, from 16 loopback addresses; the burst factor lets that many
//! come from so few addresses past the per-address limit of live streams.
//! Arguments: server address, streams, messages, and (optional) the server's pid for memory.
//!
//! Several servers on one database: `127.0.0.1:3400,127.0.0.1:3401 … PID1,PID2`. The streams
//! are spread over them in turn and the messages are posted through each in turn, so that
//! every stream receives events that came in through another server.

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

async fn request(addr: &str, head: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "{head}\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.expect("read");
    answer
}

/// Streams being opened at the same moment.
const OPENING_AT_ONCE: usize = 256;

/// Connects to `server` from one of 16 loopback addresses (127.0.0.2 to 127.0.0.17), so that
/// more than the 28,000 ports of one address can be used.
async fn connect_from(i: usize, server: std::net::SocketAddr) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    let source = std::net::Ipv4Addr::new(127, 0, 0, 2 + (i % 16) as u8);
    socket.bind(std::net::SocketAddr::from((source, 0)))?;
    socket.connect(server).await
}

fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The servers' memory together.
fn rss_of(pids: &[String]) -> Option<u64> {
    if pids.is_empty() {
        return None;
    }
    pids.iter().map(|p| rss_kib(p)).sum()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addrs: Vec<String> = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("127.0.0.1:3400")
        .split(',')
        .map(str::to_owned)
        .collect();
    let addr = addrs[0].clone();
    let streams: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let messages: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10);
    let pids: Vec<String> = args
        .get(4)
        .map(|p| p.split(',').map(str::to_owned).collect())
        .unwrap_or_default();

    // A report to watch, filed through the plain form; its private link carries the code.
    let key = format!("{:032x}", std::process::id() as u128 * 7_919 + 13);
    let form = serde_urlencoded::to_string([
        ("submission_key", key.as_str()),
        ("kind", "pengaduan"),
        ("title", "Tolok ukur pembaruan langsung"),
        (
            "body",
            "Laporan ini dibuat oleh tolok ukur untuk mengukur kecepatan pembaruan langsung.",
        ),
        ("category_id", "1"),
        ("anonymous", "on"),
    ])
    .expect("form");
    let answer = request(&addr, "POST /lapor HTTP/1.1", &form).await;
    let location = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .expect("redirect to the receipt")
        .to_owned();
    let tracking = location
        .trim_start_matches("/laporan/")
        .split('?')
        .next()
        .expect("tracking")
        .to_owned();
    let code = location
        .split("kode=")
        .nth(1)
        .and_then(|c| c.split('&').next())
        .expect("code")
        .to_owned();

    let before = rss_of(&pids);
    let sent_at: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (opened_tx, mut opened_rx) = tokio::sync::mpsc::channel::<bool>(streams.max(1));
    // At most this many streams being opened at once, as many pages arriving together: the
    // open rate is then the server's, not a flood of connection attempts the kernel drops.
    let opening = Arc::new(tokio::sync::Semaphore::new(OPENING_AT_ONCE));
    let servers: Vec<std::net::SocketAddr> = addrs
        .iter()
        .map(|a| a.parse().expect("server address"))
        .collect();
    let started = Instant::now();
    for i in 0..streams {
        let server = servers[i % servers.len()];
        let (addr, tracking, code) = (server.to_string(), tracking.clone(), code.clone());
        let (sent_at, delays, opened) = (sent_at.clone(), delays.clone(), opened_tx.clone());
        let opening = opening.clone();
        tokio::spawn(async move {
            let Ok(slot) = opening.acquire_owned().await else {
                return;
            };
            let Ok(mut s) = connect_from(i, server).await else {
                let _ = opened.send(false).await;
                return;
            };
            let head = format!(
                "GET /langsung?laporan={tracking}&kode={code} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
            );
            if s.write_all(head.as_bytes()).await.is_err() {
                let _ = opened.send(false).await;
                return;
            }
            let mut lines = BufReader::new(s).lines();
            match lines.next_line().await {
                Ok(Some(status)) if status.contains(" 200 ") => {
                    drop(slot);
                    let _ = opened.send(true).await;
                }
                _ => {
                    let _ = opened.send(false).await;
                    return;
                }
            }
            let mut seen = 0;
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with("data:") {
                    let arrived = Instant::now();
                    let at = sent_at.lock().await.get(seen).copied();
                    seen += 1;
                    if let Some(at) = at {
                        delays.lock().await.push(arrived - at);
                    }
                }
            }
        });
    }
    drop(opened_tx);
    let (mut held, mut refused) = (0, 0);
    while held + refused < streams {
        match tokio::time::timeout(Duration::from_secs(30), opened_rx.recv()).await {
            Ok(Some(true)) => held += 1,
            Ok(Some(false)) => refused += 1,
            _ => break,
        }
    }
    let open_time = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_of(&pids);

    for i in 0..messages {
        let body = serde_urlencoded::to_string([
            ("kode", code.as_str()),
            ("body", &format!("Pesan tolok ukur nomor {i}")),
        ])
        .expect("form");
        sent_at.lock().await.push(Instant::now());
        request(
            &addrs[i % addrs.len()],
            &format!("POST /laporan/{tracking}/pesan HTTP/1.1"),
            &body,
        )
        .await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut all = delays.lock().await.clone();
    all.sort();
    let expected = held * messages;
    println!(
        "streams requested {streams}, held {held}, refused {refused} (opened in {:.1} s, {:.0} a second)",
        open_time.as_secs_f64(),
        held as f64 / open_time.as_secs_f64().max(0.001)
    );
    if let (Some(b), Some(a)) = (before, after) {
        let per = (a.saturating_sub(b) as f64 * 1024.0) / held.max(1) as f64;
        println!("server RSS {b} KiB -> {a} KiB: {per:.0} bytes per stream");
    }
    println!(
        "deliveries {} of {expected}; delay p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        all.len(),
        percentile(&all, 0.50).as_secs_f64() * 1000.0,
        percentile(&all, 0.99).as_secs_f64() * 1000.0,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}
