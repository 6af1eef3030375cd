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
//!
//! A fifth argument `reconnect` makes every stream behave as a browser's `EventSource`: when
//! its server closes it (a restart), it opens again on the next server with `Last-Event-ID`
//! and carries on; messages a stopped server did not take are sent through the next one, with
//! the same one-time key (`kunci`). Restart the servers one by one while it runs: the count
//! of deliveries shows whether any event was lost.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

async fn request(addr: &str, head: &str, body: &str) -> String {
    try_request(addr, head, body).await.expect("an answer")
}

/// The answer to one request, `None` when the server could not be reached or did not answer.
async fn try_request(addr: &str, head: &str, body: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).await.ok()?;
    let req = format!(
        "{head}\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.ok()?;
    (!answer.is_empty()).then_some(answer)
}

/// Opens a stream on `server` from the `i`-th stream's loopback address, resuming after `last`;
/// `None` unless it was accepted (200).
async fn open_stream(
    i: usize,
    server: std::net::SocketAddr,
    path: &str,
    last: i64,
) -> Option<tokio::io::Lines<BufReader<TcpStream>>> {
    let mut s = connect_from(i, server).await.ok()?;
    let resume = if last > 0 {
        format!("Last-Event-ID: {last}\r\n")
    } else {
        String::new()
    };
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {server}\r\nAccept: text/event-stream\r\n{resume}\r\n"
    );
    s.write_all(head.as_bytes()).await.ok()?;
    let mut lines = BufReader::new(s).lines();
    match lines.next_line().await {
        Ok(Some(status)) if status.contains(" 200 ") => Some(lines),
        _ => None,
    }
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
    let reconnect = args.get(5).is_some_and(|a| a == "reconnect");
    let reconnected = Arc::new(std::sync::atomic::AtomicUsize::new(0));
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
        // Filed as it is (the form's advice on similar reports and missing details was seen).
        ("mirip", "1"),
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
    // When each message was sent (µs after `epoch`; 0: not yet), and every delay measured:
    // cheap to read from thousands of streams at once, so the client's own locking is not
    // what is measured.
    let epoch = Instant::now();
    let sent_at: Arc<Vec<AtomicU64>> = Arc::new((0..messages).map(|_| AtomicU64::new(0)).collect());
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (opened_tx, mut opened_rx) = tokio::sync::mpsc::channel::<bool>(streams.max(1));
    // At most this many streams being opened at once, as many pages arriving together: the
    // open rate is then the server's, not a flood of connection attempts the kernel drops.
    let opening = Arc::new(tokio::sync::Semaphore::new(OPENING_AT_ONCE));
    let servers: Arc<Vec<std::net::SocketAddr>> = Arc::new(
        addrs
            .iter()
            .map(|a| a.parse().expect("server address"))
            .collect(),
    );
    let started = Instant::now();
    for i in 0..streams {
        let path = format!("/langsung?laporan={tracking}&kode={code}");
        let servers = servers.clone();
        let (sent_at, delays, opened) = (sent_at.clone(), delays.clone(), opened_tx.clone());
        let (opening, reconnected) = (opening.clone(), reconnected.clone());
        tokio::spawn(async move {
            let Ok(slot) = opening.acquire_owned().await else {
                return;
            };
            let Some(mut lines) = open_stream(i, servers[i % servers.len()], &path, 0).await else {
                let _ = opened.send(false).await;
                return;
            };
            drop(slot);
            let _ = opened.send(true).await;
            let (mut seen, mut last, mut attempt) = (0, 0_i64, i);
            loop {
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(id) = line.strip_prefix("id: ") {
                        last = id.trim().parse().unwrap_or(last);
                    } else if line.starts_with("data:") {
                        let arrived = Instant::now();
                        let at = sent_at
                            .get(seen)
                            .map(|a| a.load(Ordering::Acquire))
                            .filter(|&us| us > 0)
                            .map(|us| epoch + Duration::from_micros(us));
                        seen += 1;
                        if let Some(at) = at {
                            delays.lock().expect("delays").push(arrived - at);
                        }
                    }
                }
                if !reconnect {
                    return;
                }
                // As a browser does: again, on the next server, from the last event seen.
                lines = loop {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    let server = servers[attempt % servers.len()];
                    if let Some(l) = open_stream(i, server, &path, last).await {
                        break l;
                    }
                };
                reconnected.fetch_add(1, Ordering::Relaxed);
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

    let mut unsent = 0;
    for i in 0..messages {
        let kunci = format!("{:032x}", (std::process::id() as u128) << 64 | i as u128);
        let body = serde_urlencoded::to_string([
            ("kode", code.as_str()),
            ("body", &format!("Pesan tolok ukur nomor {i}")),
            ("kunci", &kunci),
        ])
        .expect("form");
        sent_at[i].store(epoch.elapsed().as_micros().max(1) as u64, Ordering::Release);
        // Through each server in turn; one that is restarting is skipped for the next.
        let mut taken = false;
        for attempt in 0..40 {
            let answer = try_request(
                &addrs[(i + attempt) % addrs.len()],
                &format!("POST /laporan/{tracking}/pesan HTTP/1.1"),
                &body,
            )
            .await;
            if answer.is_some_and(|a| a.starts_with("HTTP/1.1 303")) {
                taken = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        unsent += usize::from(!taken);
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut all = delays.lock().expect("delays").clone();
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
    if reconnect {
        println!(
            "streams reopened after their server stopped: {}; messages no server took: {unsent}",
            reconnected.load(Ordering::Relaxed)
        );
    }
    println!(
        "deliveries {} of {expected}; delay p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        all.len(),
        percentile(&all, 0.50).as_secs_f64() * 1000.0,
        percentile(&all, 0.99).as_secs_f64() * 1000.0,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}
