//! The connections over real sockets: a live stream is held by lapor's own handler (no
//! hyper buffers per stream), everything else is served by hyper, on one listening socket.

use super::support::{NOW, SECRET, TODAY, orgs, report, sqlite};
use app::reports::{Claim, add_citizen_message, file_report};
use axum::Router;
use axum::serve::ListenerExt;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Serves `app` on a new port as `lapor` does; accepting stops when `stop` is dropped.
async fn serve(app: Router) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let connections = server::connections::split(listener, app.clone(), async move {
        let _ = stopped.await;
    })
    .expect("split");
    let addr = axum::serve::Listener::local_addr(&connections).expect("addr");
    tokio::spawn(async move {
        axum::serve(
            connections.tap_io(|_| {}),
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    (addr, stop)
}

/// The status line and the headers of an answer, lower-cased.
async fn head(reader: &mut BufReader<TcpStream>) -> (String, Vec<String>) {
    let mut status = String::new();
    reader.read_line(&mut status).await.expect("status");
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("header");
        if line.trim().is_empty() {
            return (status, headers);
        }
        headers.push(line.trim().to_ascii_lowercase());
    }
}

/// Sends a request head in pieces (as a slow network delivers it).
async fn send_slowly(s: &mut TcpStream, request: &str) {
    let bytes = request.as_bytes();
    for piece in [&bytes[..2], &bytes[2..11], &bytes[11..30], &bytes[30..]] {
        s.write_all(piece).await.expect("write");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

async fn receives(reader: &mut BufReader<TcpStream>, needle: &str) -> bool {
    let wait = async {
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(n) if n > 0 && line.contains(needle) => return true,
                Ok(n) if n > 0 => {}
                _ => return false,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .unwrap_or(false)
}

#[tokio::test]
async fn a_live_stream_is_held_by_its_own_handler_and_every_other_request_by_hyper() {
    let t = sqlite().await;
    let db = &t.db;
    let o = orgs(db).await;
    let mut input = report("Lampu jalan padam di Jl. Veteran");
    input.target_org_id = o.banjarmasin.to_string();
    let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed");
    let (addr, _stop) = serve(super::http::app(&t)).await;

    let mut stream = TcpStream::connect(addr).await.expect("connect");
    send_slowly(
        &mut stream,
        &format!(
            "GET /langsung?laporan={}&kode={} HTTP/1.1\r\nHost: lapor.test\r\nAccept: text/event-stream\r\n\r\n",
            filed.tracking_id, filed.access_code
        ),
    )
    .await;
    let mut stream = BufReader::new(stream);
    let (status, headers) = head(&mut stream).await;
    assert!(status.starts_with("HTTP/1.1 200 OK"), "{status}");
    assert!(headers.contains(&"content-type: text/event-stream".to_owned()));
    assert!(
        headers.contains(&"connection: close".to_owned()),
        "{headers:?}"
    );
    assert!(
        !headers.iter().any(|h| h.starts_with("content-length")),
        "the stream is delimited by the close: {headers:?}"
    );
    assert!(
        headers.iter().any(|h| h.starts_with("x-request-id")),
        "the access log's layers still apply: {headers:?}"
    );
    let claim = Claim {
        code: Some(&filed.access_code),
        account_id: None,
    };
    add_citizen_message(
        db,
        &filed.tracking_id,
        claim,
        "Sudah tiga malam gelap.",
        NOW + 60,
    )
    .await
    .expect("message");
    assert!(receives(&mut stream, &filed.tracking_id).await);

    // Two requests on one kept-alive connection, and a live path with another method: hyper.
    let mut other = TcpStream::connect(addr).await.expect("connect");
    other
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: lapor.test\r\n\r\nGET /healthz HTTP/1.1\r\nHost: lapor.test\r\n\r\n")
        .await
        .expect("write");
    let mut other = BufReader::new(other);
    for _ in 0..2 {
        let (status, headers) = head(&mut other).await;
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let length: usize = headers
            .iter()
            .find_map(|h| h.strip_prefix("content-length: "))
            .expect("length")
            .parse()
            .expect("number");
        let mut body = vec![0; length];
        other.read_exact(&mut body).await.expect("body");
    }
    let mut post = TcpStream::connect(addr).await.expect("connect");
    post.write_all(b"POST /langsung HTTP/1.1\r\nHost: lapor.test\r\nContent-Length: 0\r\n\r\n")
        .await
        .expect("write");
    let (status, _) = head(&mut BufReader::new(post)).await;
    assert!(status.starts_with("HTTP/1.1 405"), "{status}");

    // The stream still carries what happens next.
    add_citizen_message(db, &filed.tracking_id, claim, "Masih gelap.", NOW + 120)
        .await
        .expect("message");
    assert!(receives(&mut stream, "id: ").await);
    t.finish().await;
}

#[tokio::test]
async fn a_stream_whose_client_left_gives_its_place_back_and_stopping_closes_the_socket() {
    use server::limits::{Limiters, Limits};
    let t = sqlite().await;
    let db = &t.db;
    let filed = file_report(
        db,
        SECRET,
        &report("Sampah menumpuk di pasar"),
        None,
        NOW,
        TODAY,
    )
    .await
    .expect("filed");
    let limits = Limits {
        max_streams: 1,
        ..Limits::default()
    };
    let app = super::http::app_with(db.clone(), Limiters::new(&limits, Vec::new()));
    let (addr, stop) = serve(app).await;
    let request = format!(
        "GET /langsung?laporan={}&kode={} HTTP/1.1\r\nHost: lapor.test\r\n\r\n",
        filed.tracking_id, filed.access_code
    );
    let open = || async {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(request.as_bytes()).await.expect("write");
        let mut s = BufReader::new(s);
        let (status, headers) = head(&mut s).await;
        (status, headers, s)
    };

    let (status, _, first) = open().await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let (status, headers, _) = open().await;
    assert!(status.starts_with("HTTP/1.1 503"), "{status}");
    assert!(headers.iter().any(|h| h.starts_with("retry-after: ")));

    // The first viewer closes the page: its place is free again at once.
    drop(first);
    let mut reopened = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(40)).await;
        if open().await.0.starts_with("HTTP/1.1 200") {
            reopened = true;
            break;
        }
    }
    assert!(reopened, "a stream whose client left still held its place");

    drop(stop);
    let mut closed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(40)).await;
        if TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
    }
    assert!(closed, "the listening socket still accepts after the stop");
    t.finish().await;
}
