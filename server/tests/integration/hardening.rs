//! The door holds: malformed requests are the client's mistake (4xx), typed markup comes back
//! as text, downloads carry no formulas, foreign sites cannot post through a visitor's
//! browser, floods are limited, private pages are not cached, and expired sessions go.

use super::http::{Answer, app, form, get, send};
use super::support::{NOW, SECRET, TODAY, TestDb, engines, official, orgs, report};
use app::lifecycle::Role;
use app::state::{AppState, Config};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use leptos::prelude::LeptosOptions;
use server::limits::{Limiters, Limits, Rule};
use std::sync::Arc;
use std::time::Duration;

fn state(t: &TestDb, https: bool) -> AppState {
    AppState {
        leptos_options: LeptosOptions::builder().output_name("lapor").build(),
        db: t.db.clone(),
        config: Arc::new(Config {
            server_secret: SECRET.into(),
            time_zone: app::i18n::TimeZone::Wita,
            secure_cookies: https,
            channels: app::state::Channels::default(),
        }),
        shutdown: Default::default(),
    }
}

fn post_json(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

fn post_raw(uri: &str, content_type: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request")
}

fn with_header(mut req: Request<Body>, name: &'static str, value: &str) -> Request<Body> {
    req.headers_mut()
        .insert(name, value.parse().expect("header value"));
    req
}

#[tokio::test]
async fn server_functions_answer_undecodable_arguments_with_400() {
    for t in engines().await {
        let app = app(&t);
        for (uri, content_type, body) in [
            (
                "/api/figures",
                "application/x-www-form-urlencoded",
                b"foo=bar".to_vec(),
            ),
            (
                "/api/submit_report",
                "application/x-www-form-urlencoded",
                b"input=%FF%FE".to_vec(),
            ),
            ("/api/get_report", "application/json", b"{broken".to_vec()),
            (
                "/api/staff_act",
                "application/x-www-form-urlencoded",
                vec![0xff, 0xfe, 0x00, b'='],
            ),
        ] {
            let answer = send(&app, post_raw(uri, content_type, body)).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{uri}: {}",
                answer.body
            );
            assert!(
                answer.body.contains("Malformed"),
                "{uri}: in the server functions' error format: {}",
                answer.body
            );
        }
        let unknown = send(&app, post_json("/api/nothing_here", "{}")).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert!(
            !unknown.body.contains("server function"),
            "no hints about our internals: {}",
            unknown.body
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn typed_markup_comes_back_as_text_in_the_textarea() {
    for t in engines().await {
        let app = app(&t);
        let key = app::secrets::new_submission_key();
        let body = "</textarea><b>x</b><meta http-equiv=\"refresh\" content=\"0\">";
        let fields = [
            ("submission_key", key.as_str()),
            ("kind", "pengaduan"),
            ("title", "x"),
            ("body", body),
            ("category_id", "3"),
        ];
        let page = send(&app, form("/lapor", &fields, None)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!page.body.contains("<b>x</b>"), "markup escaped");
        assert!(!page.body.contains("<meta http-equiv"), "markup escaped");
        assert!(
            page.body
                .contains("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;&lt;meta http-equiv=&quot;refresh"),
            "the typed text is in the field, as text"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn open_data_cannot_carry_spreadsheet_formulas() {
    assert_eq!(
        server::open_data::neutralise_cell("=HYPERLINK(\"http://x\",\"klik\")"),
        "'=HYPERLINK(\"http://x\",\"klik\")"
    );
    for bad in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
        assert!(
            server::open_data::neutralise_cell(bad).starts_with('\''),
            "{bad:?}"
        );
    }
    assert_eq!(
        server::open_data::neutralise_cell("Jalan rusak"),
        "Jalan rusak"
    );
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let mut input = report("=HYPERLINK(\"http://jahat.example\",\"klik\")");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        app::casework::act(
            db,
            &coordinator,
            &filed.tracking_id,
            &super::support::action("verify"),
            NOW + 60,
        )
        .await
        .expect("verified");
        let app = app(&t);
        let csv = send(&app, get("/data/laporan.csv?dari=2026-11&sampai=2026-11")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body.contains("'=HYPERLINK("),
            "the formula is neutralised: {}",
            csv.body
        );
        assert!(!csv.body.contains(",=HYPERLINK("), "{}", csv.body);
        t.finish().await;
    }
}

/// A report form as a browser sends it, with the headers that say where the page was.
fn report_post(site: Option<&str>, origin: Option<&str>) -> Request<Body> {
    let key = app::secrets::new_submission_key();
    let fields = [
        ("submission_key", key.as_str()),
        ("kind", "pengaduan"),
        ("title", "Lampu jalan padam sebulan"),
        (
            "body",
            "Lampu jalan di depan sekolah padam sejak sebulan lalu, anak-anak pulang gelap.",
        ),
        ("category_id", "3"),
        ("anonymous", "on"),
        ("mirip", "1"),
    ];
    let mut req = form("/lapor", &fields, None);
    req.headers_mut()
        .insert(header::HOST, "lapor.example.id".parse().expect("host"));
    if let Some(site) = site {
        req = with_header(req, "sec-fetch-site", site);
    }
    if let Some(origin) = origin {
        req = with_header(req, "origin", origin);
    }
    req
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_same_site_posts_accepted() {
    for t in engines().await {
        let app = app(&t);
        for (site, origin) in [
            (Some("cross-site"), Some("https://jahat.example")),
            (Some("same-site"), Some("https://sub.lapor.example.id")),
            (None, Some("https://jahat.example")),
            (None, Some("null")),
        ] {
            let refused = send(&app, report_post(site, origin)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{site:?} {origin:?}");
            assert!(
                refused.body.contains("dikirim dari situs lain"),
                "said in Indonesian: {}",
                refused.body
            );
        }
        let api = send(
            &app,
            with_header(
                post_json("/api/submit_report", "{}"),
                "sec-fetch-site",
                "cross-site",
            ),
        )
        .await;
        assert_eq!(api.status, StatusCode::FORBIDDEN);
        assert!(api.body.contains("CrossSite"), "{}", api.body);
        for (site, origin) in [
            (Some("same-origin"), Some("https://lapor.example.id")),
            (None, Some("https://lapor.example.id")),
            // Not a browser (curl, a gateway): no visitor's cookies can be abused.
            (None, None),
        ] {
            let accepted = send(&app, report_post(site, origin)).await;
            assert_eq!(
                accepted.status,
                StatusCode::SEE_OTHER,
                "{site:?} {origin:?}"
            );
        }
        let reports = super::support::count(&t.db, "select count(*) from reports").await;
        assert_eq!(reports, 3, "only the accepted posts filed");
        t.finish().await;
    }
}

fn limited_app(t: &TestDb) -> Router {
    let limits = Limits {
        by_address: |_| Rule {
            burst: 2,
            per: Duration::from_millis(1500),
        },
        by_account: |_| None,
        burst_factor: 1,
        ..Limits::default()
    };
    server::router_with(state(t, false), Limiters::new(&limits, Vec::new()))
}

fn login_post(email: &str, lang: &str) -> Request<Body> {
    form(
        "/masuk",
        &[("email", email), ("password", "salah-sekali")],
        Some(&format!("lang={lang}")),
    )
}

fn retry_after(a: &Answer) -> u64 {
    a.headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After")
}

#[tokio::test]
async fn floods_are_limited_with_429_retry_after_and_a_message() {
    for t in engines().await {
        let app = limited_app(&t);
        for _ in 0..2 {
            let answer = send(&app, login_post("siti@example.id", "id")).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "wrong password");
        }
        let limited = send(&app, login_post("siti@example.id", "id")).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert!((1..=2).contains(&retry_after(&limited)));
        assert!(
            limited.body.contains("Terlalu banyak percobaan"),
            "in Indonesian"
        );
        assert!(
            limited.body.contains("value=\"siti@example.id\""),
            "the form comes back with what was typed"
        );
        let en = send(&app, login_post("siti@example.id", "en")).await;
        assert_eq!(en.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(en.body.contains("Too many attempts"), "in English");

        // Server functions of the same kind share the limit and answer in their format.
        for _ in 0..2 {
            let filed = send(&app, post_json("/api/submit_report", "{}")).await;
            assert_ne!(filed.status, StatusCode::TOO_MANY_REQUESTS);
        }
        let api = send(&app, post_json("/api/submit_report", "{}")).await;
        assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(api.body.contains("TooManyAttempts"), "{}", api.body);
        assert!(retry_after(&api) >= 1);

        // The next window is accepted.
        tokio::time::sleep(Duration::from_millis(1600)).await;
        let again = send(&app, login_post("siti@example.id", "id")).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED, "accepted again");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
    let limits = Limits {
        by_address: |_| Rule {
            burst: 1,
            per: Duration::from_secs(3600),
        },
        by_account: |_| None,
        burst_factor: 1,
        ..Limits::default()
    };
    let proxy: std::net::IpAddr = [10, 0, 0, 9].into();
    let limiters = Limiters::new(&limits, vec![proxy]);
    let from = |peer: [u8; 4], forwarded: &str| {
        let mut req = Request::post("/masuk")
            .header("x-forwarded-for", forwarded)
            .body(Body::empty())
            .expect("request");
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                peer, 443,
            ))));
        req
    };
    assert_eq!(
        limiters.client_address(&from([10, 0, 0, 9], "1.1.1.1, 203.0.113.7")),
        std::net::IpAddr::from([203, 0, 113, 7]),
        "the proxy's own entry names the client"
    );
    assert_eq!(
        limiters.client_address(&from([198, 51, 100, 1], "203.0.113.7")),
        std::net::IpAddr::from([198, 51, 100, 1]),
        "anyone else's header is ignored"
    );
}

#[tokio::test]
async fn private_pages_are_not_stored_and_https_sends_hsts() {
    for t in engines().await {
        let db = &t.db;
        let filed = app::reports::file_report(
            db,
            SECRET,
            &report("Sampah menumpuk di pasar"),
            None,
            NOW,
            TODAY,
        )
        .await
        .expect("filed");
        let plain = server::router(state(&t, false));
        let private = send(
            &plain,
            get(&format!(
                "/laporan/{}?kode={}",
                filed.tracking_id, filed.access_code
            )),
        )
        .await;
        assert_eq!(private.status, StatusCode::OK);
        assert_eq!(
            private
                .headers
                .get(header::CACHE_CONTROL)
                .map(|v| v.as_bytes()),
            Some(&b"no-store"[..])
        );
        for path in ["/petugas", "/masuk", "/laporan-saya"] {
            let page = send(&plain, get(path)).await;
            assert_eq!(
                page.headers
                    .get(header::CACHE_CONTROL)
                    .map(|v| v.as_bytes()),
                Some(&b"no-store"[..]),
                "{path}"
            );
        }
        let public = send(&plain, get("/laporan")).await;
        assert!(public.headers.get(header::CACHE_CONTROL).is_none());
        assert!(
            public
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none()
        );
        let https = server::router(state(&t, true));
        let public = send(&https, get("/laporan")).await;
        assert_eq!(
            public
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .map(|v| v.as_bytes()),
            Some(&b"max-age=31536000; includeSubDomains"[..])
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_scheduled_job_purges_expired_sessions() {
    for t in engines().await {
        let db = &t.db;
        for (id, expires) in [("old", NOW - 1), ("live", NOW + 3600)] {
            sqlx::query("insert into sessions (id, data, expires_at) values ($1, '{}', $2)")
                .bind(id)
                .bind(expires)
                .execute(&db.pool)
                .await
                .expect("session");
        }
        server::scheduled(db, NOW).await;
        let left: Vec<String> = sqlx::query_scalar("select id from sessions order by id")
            .fetch_all(&db.pool)
            .await
            .expect("sessions");
        assert_eq!(left, vec!["live".to_owned()]);
        t.finish().await;
    }
}
