//! Operations on every engine: `/readyz` follows the database (down when it cannot be
//! reached, up again when it can, without saying why to the caller), `/metrics` answers only
//! the configured addresses, and the backup command copies a live SQLite database that is
//! being written to.

use super::http::{app, app_on, app_with, send};
use super::support::{SECRET, TODAY, engines, report, sqlite};
use app::change::Store;
use app::db::Engine;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

async fn readyz(app: &axum::Router) -> (StatusCode, String) {
    let res = send(
        app,
        Request::get("/readyz")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    (res.status, res.body)
}

/// A TCP relay to the database server: the network between a server and its database,
/// which the test can cut (every connection and the port) and mend.
async fn relay(listen: SocketAddr, to: String) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind(listen).await.expect("bind relay");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let mut links = tokio::task::JoinSet::new();
        while let Ok((mut inbound, _)) = listener.accept().await {
            let to = to.clone();
            links.spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(&to).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    // Aborting the task drops the listener and the set, which aborts every link.
    (addr, task)
}

/// `postgres://user@host:port/db` with `host:port` replaced.
fn through(url: &str, addr: SocketAddr) -> (String, String) {
    let (scheme_user, rest) = url.split_once('@').expect("user@host in the URL");
    let (host, db) = rest.split_once('/').expect("a database in the URL");
    (format!("{scheme_user}@{addr}/{db}"), host.to_owned())
}

#[tokio::test]
async fn readyz_follows_the_database_and_never_says_why() {
    for t in engines().await {
        let app_direct = app(&t);
        assert_eq!(readyz(&app_direct).await, (StatusCode::OK, "ok".into()));
        match t.db.engine {
            Engine::Postgres => {
                let (_, host) = through(&t.url, "127.0.0.1:1".parse().expect("addr"));
                let (addr, cut) = relay("127.0.0.1:0".parse().expect("addr"), host.clone()).await;
                let (url, _) = through(&t.url, addr);
                let relayed = Store::connect(&url).await.expect("through the relay");
                let server = app_on(relayed.clone());
                assert_eq!(readyz(&server).await.0, StatusCode::OK);
                // The network to the database is cut: not ready, and nothing of the error.
                cut.abort();
                let _ = cut.await;
                let (status, body) = readyz(&server).await;
                assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(body, "database unavailable");
                // Mended: ready again, on fresh connections.
                let (_, mend) = relay(addr, host).await;
                let mut status = StatusCode::SERVICE_UNAVAILABLE;
                for _ in 0..50 {
                    status = readyz(&server).await.0;
                    if status == StatusCode::OK {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                assert_eq!(
                    status,
                    StatusCode::OK,
                    "ready again once the network is back"
                );
                relayed.pool.close().await;
                mend.abort();
            }
            Engine::Sqlite => {
                // A database this process can no longer use.
                let closed = Store::connect(&t.url).await.expect("second connection");
                let server = app_on(closed.clone());
                closed.pool.close().await;
                let (status, body) = readyz(&server).await;
                assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(body, "database unavailable");
            }
        }
        // The other servers' connections were never touched.
        assert_eq!(readyz(&app_direct).await.0, StatusCode::OK);
        t.finish().await;
    }
}

#[tokio::test]
async fn the_backup_of_a_database_being_written_holds_every_acknowledged_report() {
    let t = sqlite().await;
    let db = t.db.clone();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, acknowledged, stop) = (db.clone(), acknowledged.clone(), stop.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                i += 1;
                let filed = app::reports::file_report(
                    &db,
                    SECRET,
                    &report(&format!("Laporan saat pencadangan {i}")),
                    None,
                    app::db::now(),
                    TODAY,
                )
                .await
                .expect("filed");
                acknowledged.lock().expect("lock").push(filed.tracking_id);
            }
        })
    };
    // Some reports in, then the copy while the writer goes on.
    while acknowledged.lock().expect("lock").len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before: Vec<String> = acknowledged.lock().expect("lock").clone();
    let copy = std::env::temp_dir().join(format!("lapor-backup-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&copy);
    server::ops::backup(&db, &copy).await.expect("backup");
    let copied = acknowledged.lock().expect("lock").len();
    // A copy is never written over.
    assert!(server::ops::backup(&db, &copy).await.is_err());
    while acknowledged.lock().expect("lock").len() < before.len() + 20 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.await.expect("writer");

    let opened = Store::connect(&format!("sqlite://{}", copy.display()))
        .await
        .expect("the copy opens");
    let check: String = sqlx::query_scalar("pragma integrity_check")
        .fetch_one(&opened.pool)
        .await
        .expect("check");
    assert_eq!(check, "ok");
    let in_copy: Vec<String> = sqlx::query_scalar("select tracking_id from reports")
        .fetch_all(&opened.pool)
        .await
        .expect("reports");
    for id in &before {
        assert!(
            in_copy.contains(id),
            "{id} was acknowledged before the backup"
        );
    }
    // A copy of one moment: what was filed after the copy was made (the report being filed
    // while it was made may be in it or not) is not.
    let all = acknowledged.lock().expect("lock").clone();
    for id in &all[copied + 1..] {
        assert!(!in_copy.contains(id), "{id} was filed after the backup");
    }
    opened.pool.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    let _ = std::fs::remove_dir_all(app::attachments::blobs::default_dir(&format!(
        "sqlite://{}",
        copy.display()
    )));
    t.finish().await;

    // PostgreSQL is copied with pg_dump: the command says so.
    if let Some(pg) = super::support::postgres().await {
        let e = server::ops::backup(&pg.db, &std::env::temp_dir().join("never.db"))
            .await
            .expect_err("refused");
        assert!(e.to_string().contains("pg_dump"), "{e}");
        pg.finish().await;
    }
}

/// A request to `path` from `peer`, through a proxy naming `forwarded` when given.
fn from(path: &str, peer: [u8; 4], forwarded: Option<&str>) -> Request<Body> {
    let mut req = Request::get(path);
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::empty()).expect("request");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(SocketAddr::from((peer, 40_000))));
    req
}

#[tokio::test]
async fn metrics_answer_only_the_addresses_allowed() {
    for t in engines().await {
        // Unconfigured: this machine only.
        let server = app(&t);
        let res = send(&server, from("/metrics", [203, 0, 113, 9], None)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(!res.body.contains("lapor_"));
        send(&server, from("/readyz", [203, 0, 113, 9], None)).await;
        send(&server, from("/laporan/TIDAK-ADA", [203, 0, 113, 9], None)).await;
        let res = send(&server, from("/metrics", [127, 0, 0, 1], None)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(
            res.headers[axum::http::header::CONTENT_TYPE]
                .to_str()
                .expect("type")
                .starts_with("text/plain")
        );
        for expected in [
            r#"lapor_http_requests_total{method="GET",route="/readyz",status="200"}"#,
            r#"lapor_http_request_duration_seconds_bucket{method="GET",route="/readyz",le="0.001"}"#,
            r#"route="/laporan/{id}""#,
            "lapor_db_pool_connections",
            r#"lapor_outbox{state="waiting"}"#,
        ] {
            assert!(res.body.contains(expected), "{expected} in\n{}", res.body);
        }
        // A route is its pattern: no tracking ID in a label.
        assert!(!res.body.contains("TIDAK-ADA"));

        // Behind a trusted proxy: the client it names decides, not the proxy.
        let behind = app_with(
            t.db.clone(),
            server::limits::Limiters::with_metrics_from(
                &server::limits::Limits::default(),
                vec![[127, 0, 0, 1].into()],
                vec![[10, 1, 1, 1].into()],
            ),
        );
        for (forwarded, status) in [
            (Some("10.1.1.1"), StatusCode::OK),
            // A client cannot name itself allowed in front of the proxy's entry.
            (Some("10.1.1.1, 198.51.100.7"), StatusCode::FORBIDDEN),
            (Some("198.51.100.7"), StatusCode::FORBIDDEN),
            (None, StatusCode::FORBIDDEN),
        ] {
            let res = send(&behind, from("/metrics", [127, 0, 0, 1], forwarded)).await;
            assert_eq!(res.status, status, "forwarded for {forwarded:?}");
        }
        t.finish().await;
    }
}

/// What the subscriber of one test writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_request_is_logged_once_by_its_id_and_never_with_its_query() {
    let t = sqlite().await;
    let server = app(&t);
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    let _log = tracing::subscriber::set_default(subscriber);

    // The client's request id is kept and returned; without one, the server makes one.
    let res = send(
        &server,
        Request::get("/laporan/ABCD-EFGH?kode=RAHASIA-KODE-123")
            .header("x-request-id", "uji-permintaan-1")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(res.headers["x-request-id"], "uji-permintaan-1");
    let res = send(
        &server,
        Request::get("/readyz")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    let made = res.headers["x-request-id"].to_str().expect("id").to_owned();
    assert_eq!(made.len(), 36, "a UUID: {made}");

    let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("finished processing request"))
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].contains("id=uji-permintaan-1")
            && lines[0].contains("route=/laporan/{id}")
            && lines[0].contains("path=/laporan/ABCD-EFGH")
            && lines[0].contains("status=404"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains(&format!("id={made}")) && lines[1].contains("status=200"));
    assert!(
        !log.contains("RAHASIA"),
        "a query never reaches the log: {log}"
    );
    t.finish().await;
}
