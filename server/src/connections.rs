//! The connections: a live stream is held by a lean handler of lapor's own, every other
//! request by hyper (through `axum::serve`).
//!
//! Held by hyper, an idle live stream cost about 10 KB of memory that hyper 1.x does not let a
//! server size: its connection's read and write buffers (8 KB each at first) and its task
//! (BENCHMARKS.md, issue 16). A connection whose first request is a plain `GET /langsung` is
//! served here instead: its request head is read and parsed (`httparse`, what hyper itself
//! uses), passed through the same router (every layer still applies: access log, metrics, the
//! stream cap, limits, session), and the answer is written to the socket frame by frame as the
//! stream yields it, with no buffer kept between two events. The connection closes when the
//! stream ends (`Connection: close`, the body delimited by the close; a browser's
//! `EventSource` reconnects with `Last-Event-ID`). Anything else (another path, a body, an
//! upgrade, a head that does not parse) goes on to hyper with the bytes read so far.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, Version};
use futures::StreamExt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tower::ServiceExt;

/// The path served here.
pub const LIVE_PATH: &str = "/langsung";
/// The longest request head read here; a longer one goes to hyper (which answers it).
const HEAD_MAX: usize = 8 * 1024;
/// How long a new connection may take to send its first request head (in all: a client
/// sending a byte now and then is not waited for longer).
const HEAD_WAIT: Duration = Duration::from_secs(30);
/// Connections waiting to be taken by hyper.
const QUEUE: usize = 1_024;

/// The listener `axum::serve` takes connections from: the ones that are not live streams.
pub struct Connections {
    rx: mpsc::Receiver<(Sniffed, SocketAddr)>,
    local: SocketAddr,
}

/// Starts accepting on `listener`: live streams are served by `app` here, the others wait in
/// the returned listener for hyper. Accepting stops when `stop` resolves (the listening socket
/// is closed then; streams already open end by themselves).
pub fn split(
    listener: TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> io::Result<Connections> {
    let local = listener.local_addr()?;
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(async move {
        tokio::select! {
            () = accept_all(listener, app, tx) => {},
            () = stop => {},
        }
    });
    Ok(Connections { rx, local })
}

impl axum::serve::Listener for Connections {
    type Io = Sniffed;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Sniffed, SocketAddr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            // Accepting stopped: the server is stopping, and hyper stops asking.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

async fn accept_all(listener: TcpListener, app: Router, tx: mpsc::Sender<(Sniffed, SocketAddr)>) {
    loop {
        let (tcp, addr) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                // Out of descriptors (or another passing error): wait, as axum does.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let (app, tx) = (app.clone(), tx.clone());
        tokio::spawn(async move {
            match first_request(tcp).await {
                First::Live(tcp, req) => serve_stream(tcp, addr, *req, app).await,
                First::Other(io) => {
                    let _ = tx.send((io, addr)).await;
                }
                First::Gone => {}
            }
        });
    }
}

/// What a new connection's first bytes were.
enum First {
    /// A plain `GET /langsung`, parsed.
    Live(TcpStream, Box<Request<Body>>),
    /// Something else, for hyper.
    Other(Sniffed),
    /// Nothing: the client left or sent nothing in time.
    Gone,
}

/// The start of every live stream request.
const LIVE_START: &[u8] = b"GET /langsung";

/// Reads a new connection's first bytes: as soon as they cannot be a live stream request,
/// hands them on; otherwise reads the whole head and parses it.
async fn first_request(mut tcp: TcpStream) -> First {
    let mut buf = Vec::with_capacity(512);
    let deadline = tokio::time::Instant::now() + HEAD_WAIT;
    loop {
        match tokio::time::timeout_at(deadline, tcp.read_buf(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {}
            _ if buf.is_empty() => return First::Gone,
            // The client stopped half-way: hyper answers what it sent.
            _ => return First::Other(Sniffed::new(buf, tcp)),
        }
        match classify(&buf) {
            Head::More if buf.len() < HEAD_MAX => {
                if buf.len() == buf.capacity() {
                    buf.reserve(buf.len());
                }
            }
            Head::Live(req) => return First::Live(tcp, req),
            Head::More | Head::Other => return First::Other(Sniffed::new(buf, tcp)),
        }
    }
}

/// What a request head read so far is.
#[derive(Debug)]
pub enum Head {
    /// A plain live stream request, complete.
    Live(Box<Request<Body>>),
    /// Possibly a live stream request, not complete yet.
    More,
    /// Anything else.
    Other,
}

/// Whether the bytes a connection sent so far are a plain `GET /langsung` request (no body,
/// no upgrade), and that request.
pub fn classify(bytes: &[u8]) -> Head {
    let start = bytes.len().min(LIVE_START.len());
    if bytes[..start] != LIVE_START[..start] {
        return Head::Other;
    }
    if let Some(&next) = bytes.get(LIVE_START.len())
        && next != b' '
        && next != b'?'
    {
        return Head::Other;
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {
            to_request(&parsed).map_or(Head::Other, |req| Head::Live(Box::new(req)))
        }
        Ok(httparse::Status::Partial) => Head::More,
        Err(_) => Head::Other,
    }
}

/// The parsed head as a request for the router, unless it needs what only hyper does (a
/// body, an upgrade, a version other than HTTP/1.x).
fn to_request(parsed: &httparse::Request<'_, '_>) -> Option<Request<Body>> {
    let version = match parsed.version? {
        0 => Version::HTTP_10,
        1 => Version::HTTP_11,
        _ => return None,
    };
    let mut req = Request::builder()
        .method(parsed.method?)
        .uri(parsed.path?)
        .version(version);
    for h in parsed.headers.iter() {
        let name = h.name.to_ascii_lowercase();
        let has_body = name == "content-length" && h.value != b"0";
        if has_body || name == "transfer-encoding" || name == "upgrade" || name == "expect" {
            return None;
        }
        req = req.header(h.name, h.value);
    }
    req.body(Body::empty()).ok()
}

/// Passes the request through the router and writes its answer as it comes; closes the
/// connection when the answer ends, the client leaves or a write fails.
async fn serve_stream(mut tcp: TcpStream, addr: SocketAddr, mut req: Request<Body>, app: Router) {
    req.extensions_mut().insert(ConnectInfo(addr));
    // Boxed: the router's future exists only until the answer starts, not in every stream.
    let Ok(res) = Box::pin(app.oneshot(req)).await;
    let (parts, body) = res.into_parts();
    let head = response_head(&Response::from_parts(parts, ()));
    if tcp.write_all(&head).await.is_err() {
        return;
    }
    drop(head);
    let mut body = body.into_data_stream();
    let (mut reader, mut writer) = tcp.split();
    let mut ignored = [0u8; 16];
    loop {
        tokio::select! {
            frame = body.next() => match frame {
                Some(Ok(bytes)) => {
                    if writer.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                _ => break,
            },
            read = reader.read(&mut ignored) => match read {
                // The client sends nothing more on a stream: it left, or it is ignored.
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
        }
    }
    let _ = writer.shutdown().await;
}

/// The status line and headers of an answer on a connection that closes after it.
pub fn response_head(res: &Response<()>) -> Vec<u8> {
    let mut head = Vec::with_capacity(512);
    let status = res.status();
    head.extend_from_slice(b"HTTP/1.1 ");
    head.extend_from_slice(status.as_str().as_bytes());
    head.push(b' ');
    head.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    head.extend_from_slice(b"\r\n");
    for (name, value) in res.headers() {
        if name == "connection" || name == "transfer-encoding" || name == "keep-alive" {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"connection: close\r\n\r\n");
    head
}

/// A connection for hyper: the bytes already read from it first, then the socket.
pub struct Sniffed {
    read: Vec<u8>,
    at: usize,
    tcp: TcpStream,
}

impl Sniffed {
    fn new(read: Vec<u8>, tcp: TcpStream) -> Sniffed {
        Sniffed { read, at: 0, tcp }
    }
}

impl AsyncRead for Sniffed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.at < self.read.len() {
            let n = buf.remaining().min(self.read.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.read[at..at + n]);
            self.at += n;
            if self.at == self.read.len() {
                self.read = Vec::new();
                self.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Sniffed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_live_get_is_taken() {
        let live =
            b"GET /langsung?laporan=A&kode=B HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 7\r\n\r\n";
        match classify(live) {
            Head::Live(req) => {
                assert_eq!(req.uri().query(), Some("laporan=A&kode=B"));
                assert_eq!(req.headers()["last-event-id"], "7");
            }
            other => panic!("{other:?}"),
        }
        // Every shorter start of it may still become one.
        for n in 1..live.len() {
            assert!(matches!(classify(&live[..n]), Head::More), "{n}");
        }
        for other in [
            &b"GET / HTTP/1.1\r\n\r\n"[..],
            b"POST /langsung HTTP/1.1\r\n\r\n",
            b"GET /langsungan HTTP/1.1\r\n\r\n",
            b"GET /langsung HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            b"GET /langsung HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET /langsung HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            b"GET /langsung HTTP/1.1\r\nBad Header\r\n\r\n",
            b"GE\x00",
        ] {
            assert!(matches!(classify(other), Head::Other), "{other:?}");
        }
    }

    #[test]
    fn the_start_is_the_path() {
        assert_eq!(LIVE_START, format!("GET {LIVE_PATH}").as_bytes());
    }

    #[test]
    fn the_answer_head_closes_the_connection() {
        let res = Response::builder()
            .status(503)
            .header("retry-after", "30")
            .header("connection", "keep-alive")
            .body(())
            .expect("response");
        let head = String::from_utf8(response_head(&res)).expect("text");
        assert_eq!(
            head,
            "HTTP/1.1 503 Service Unavailable\r\nretry-after: 30\r\nconnection: close\r\n\r\n"
        );
    }
}
