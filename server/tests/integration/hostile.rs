//! Hostile input against every route the router answers, signed out and as every role, on
//! both engines: empty and huge bodies, NUL and right-to-left characters, SQL-ish and markup
//! strings, numbers out of range, impossible dates, invalid UTF-8 and broken JSON. The list
//! of routes comes from the router itself (`server::routes`), so a new route is tried too.
//!
//! What must hold: never a 5xx (a request the client got wrong is a 4xx), never the markup
//! echoed unescaped, and the server still answers afterwards.

use super::support::{
    NOW, SECRET, STAFF_PASSWORD, TODAY, TestDb, engines, national, official_with_password, orgs,
    report,
};
use app::lifecycle::Role;
use app::state::{AppState, Config};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use server::limits::{Limiters, Limits};
use std::sync::Arc;
use tower::ServiceExt;

/// The marker of injected markup: it must never appear in a response as markup.
const MARKUP: &str = "</textarea><b id=\"hostile\">x</b><script>alert(1)</script>";

/// The values every field and path parameter is tried with.
fn values() -> Vec<String> {
    vec![
        String::new(),
        MARKUP.to_owned(),
        "' or 1=1; drop table reports; --".to_owned(),
        "\u{0}\u{202e}\u{200f}تقرير\u{0}".to_owned(),
        "-99999999999999999999999".to_owned(),
        "9223372036854775807".to_owned(),
        "2026-02-30".to_owned(),
        "x".repeat(200_000),
    ]
}

/// Field names our forms and server functions read (any other name is ignored by them).
const FIELDS: &[&str] = &[
    "submission_key",
    "channel",
    "received_date",
    "received_time",
    "notify_phone",
    "kind",
    "title",
    "body",
    "category_id",
    "incident_date",
    "location",
    "target_org_id",
    "anonymous",
    "confidential",
    "name",
    "email",
    "phone",
    "password",
    "ke",
    "draf",
    "kode",
    "semua",
    "rating",
    "comment",
    "reason",
    "action",
    "message",
    "note",
    "opd_id",
    "org_id",
    "public_title",
    "public_body",
    "internal",
    "role",
    "active",
    "parent_id",
    "code",
    "name_id",
    "name_en",
    "date",
    "verify_days",
    "follow_up_days",
    "resolve_days",
    "contest_days",
    "tracking_id",
    "input",
    "filter",
    "instansi",
    "dari",
    "sampai",
    "status",
    "kategori",
    "halaman",
    "laporan",
    "notify_email",
    "akun",
    "link",
    "forwarded",
    "digest",
    "id",
    "List-Unsubscribe",
    "key",
    "from",
    "text",
    "time",
    "charset",
];

/// `path` with every parameter replaced by `value` (percent-encoded).
fn fill_path(path: &str, value: &str) -> String {
    // An address is at most a few kilobytes in any client; the huge value goes in bodies.
    let value: String = value.chars().take(2_000).collect();
    let encoded = app::pages::url_encode(&value).replace('/', "%2F");
    path.split('/')
        .map(|segment| {
            if segment.starts_with(':') || (segment.starts_with('{') && segment.ends_with('}')) {
                if encoded.is_empty() {
                    "x".to_owned()
                } else {
                    encoded.clone()
                }
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn form_body(value: &str) -> String {
    let pairs: Vec<(&str, &str)> = FIELDS.iter().map(|f| (*f, value)).collect();
    serde_urlencoded::to_string(pairs).expect("encode")
}

/// The requests tried on one route: forms, JSON, raw bytes, queries.
fn requests(method: &Method, path: &str) -> Vec<Request<Body>> {
    let mut all = Vec::new();
    for value in values() {
        let uri = fill_path(path, &value);
        let query = if value.len() > 10_000 {
            String::new()
        } else {
            format!("?{}", form_body(&value))
        };
        let build = |uri: String, content_type: &str, body: Vec<u8>| {
            Request::builder()
                .method(method.clone())
                .uri(uri)
                .header(header::CONTENT_TYPE, content_type)
                .header(header::ACCEPT, "text/html")
                .body(Body::from(body))
                .expect("request")
        };
        if *method == Method::GET {
            all.push(build(format!("{uri}{query}"), "text/plain", Vec::new()));
        } else {
            all.push(build(
                uri.clone(),
                "application/x-www-form-urlencoded",
                form_body(&value).into_bytes(),
            ));
        }
    }
    let base = fill_path(path, "LPR-0000");
    if *method != Method::GET {
        for (content_type, body) in [
            (
                "application/x-www-form-urlencoded",
                vec![0xff, 0xfe, b'=', 0xc3, 0x28],
            ),
            ("application/x-www-form-urlencoded", b"%ZZ=%%&&==".to_vec()),
            ("application/json", b"{\"input\": [1, 2".to_vec()),
            (
                "application/json",
                b"\"a string where an object belongs\"".to_vec(),
            ),
            ("multipart/form-data; boundary=x", b"--x\r\nbroken".to_vec()),
            ("application/x-www-form-urlencoded", Vec::new()),
        ] {
            all.push(
                Request::builder()
                    .method(method.clone())
                    .uri(base.clone())
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .expect("request"),
            );
        }
    }
    all
}

fn router(t: &TestDb) -> Router {
    let state = AppState {
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("lapor")
            .build(),
        db: t.db.clone(),
        config: Arc::new(Config {
            server_secret: SECRET.into(),
            time_zone: app::i18n::TimeZone::Wita,
            secure_cookies: false,
            channels: app::state::Channels::default(),
        }),
        shutdown: Default::default(),
    };
    // Limits would answer most of this flood with 429, which hides what the handlers do.
    let limits = Limits {
        burst_factor: 1_000_000,
        ..Limits::default()
    };
    server::router_with(state, Limiters::new(&limits, Vec::new()))
}

async fn sign_in(app: &Router, email: &str, password: &str) -> String {
    let form =
        serde_urlencoded::to_string([("email", email), ("password", password)]).expect("form");
    let res = app
        .clone()
        .oneshot(
            Request::post("/masuk")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .expect("request"),
        )
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {email}");
    res.headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_owned()
}

#[tokio::test]
async fn every_route_answers_hostile_input_without_5xx_or_markup() {
    let routes = server::routes();
    for must in [
        "/lapor",
        "/api/submit_report",
        "/petugas/laporan/{id}/aksi",
        "/laporan/{id}",
    ] {
        assert!(
            routes.iter().any(|(_, p)| p == must),
            "the route list comes from the router: {must} missing from {routes:?}"
        );
    }
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let root = national(db).await;
        for (email, role, org) in [
            ("nasional@x.id", Role::NationalAdmin, Some(root)),
            ("induk@x.id", Role::Coordinator, Some(o.banjarmasin)),
            ("pupr@x.id", Role::OpdAdmin, Some(o.pupr)),
            ("pengawas@x.id", Role::Overseer, Some(o.kalsel)),
            ("admin@x.id", Role::SystemAdmin, Some(root)),
        ] {
            official_with_password(db, email, role, org).await;
        }
        let citizen = app::accounts::register(
            db,
            &app::accounts::RegisterInput {
                name: "Warga".into(),
                email: "warga@x.id".into(),
                password: STAFF_PASSWORD.into(),
                ..Default::default()
            },
            NOW,
        )
        .await
        .expect("citizen");
        let mut input = report("Laporan yang diserang");
        input.target_org_id = o.banjarmasin.to_string();
        app::reports::file_report(db, SECRET, &input, Some(citizen), NOW, TODAY)
            .await
            .expect("filed");

        let app = router(&t);
        let mut viewers = vec![None];
        for email in [
            "warga@x.id",
            "nasional@x.id",
            "induk@x.id",
            "pupr@x.id",
            "pengawas@x.id",
            "admin@x.id",
        ] {
            viewers.push(Some(sign_in(&app, email, STAFF_PASSWORD).await));
        }
        let mut sent = 0;
        let mut failures = Vec::new();
        for cookie in &viewers {
            for (method, path) in &routes {
                // A live stream never ends by itself; it is tried on the wire elsewhere.
                if path == "/langsung" || path == "/keluar" {
                    continue;
                }
                for mut req in requests(method, path) {
                    if let Some(c) = cookie {
                        req.headers_mut()
                            .insert(header::COOKIE, c.parse().expect("cookie"));
                    }
                    let uri = req.uri().to_string();
                    let res = app.clone().oneshot(req).await.expect("an answer");
                    let status = res.status();
                    let bytes = res.into_body().collect().await.expect("body").to_bytes();
                    let body = String::from_utf8_lossy(&bytes);
                    sent += 1;
                    let short: String = uri.chars().take(120).collect();
                    if status.is_server_error() {
                        failures.push(format!(
                            "{status} {method} {short}: {}",
                            &body[..body.len().min(200)]
                        ));
                    }
                    if body.contains("<b id=\"hostile\">") || body.contains("<script>alert(1)") {
                        failures.push(format!("markup echoed: {method} {short}"));
                    }
                }
            }
        }
        assert!(sent > 1_000, "{sent} requests");
        assert!(
            failures.is_empty(),
            "{} of {sent} failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        let health = app
            .clone()
            .oneshot(
                Request::get("/healthz")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("health");
        assert_eq!(health.status(), StatusCode::OK, "still answering");
        t.finish().await;
    }
}
