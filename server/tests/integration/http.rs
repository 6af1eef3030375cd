//! The HTTP surface, on every engine: pages, plain form posts (the no-JavaScript path), server
//! functions (the island's path), headers and compression.

use super::support::{SECRET, TestDb, engines, report};
use app::i18n::TimeZone;
use app::state::{AppState, Config};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;
use tower::ServiceExt;

pub fn app(t: &TestDb) -> Router {
    app_on(t.db.clone())
}

/// The router over another connection to a test's database.
pub fn app_on(db: app::change::Store) -> Router {
    app_with(
        db,
        server::limits::Limiters::new(&server::limits::Limits::default(), Vec::new()),
    )
}

/// The router over `db`, counting abuse (and admitting to `/metrics`) with `limiters`.
pub fn app_with(
    db: app::change::Store,
    limiters: std::sync::Arc<server::limits::Limiters>,
) -> Router {
    let state = AppState {
        leptos_options: LeptosOptions::builder().output_name("lapor").build(),
        db,
        config: Arc::new(Config {
            server_secret: SECRET.into(),
            time_zone: TimeZone::Wita,
            secure_cookies: false,
            channels: app::state::Channels::default(),
        }),
        shutdown: Default::default(),
    };
    server::router_with(state, limiters)
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

pub async fn send(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Where a redirect points.
pub fn location(res: &Answer) -> String {
    res.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned()
}

const BOUNDARY: &str = "----lapor-test-boundary";

/// A multipart form as a browser posts it: text fields, then files `(field, file name, type,
/// bytes)`.
pub fn multipart(
    uri: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str, Vec<u8>)],
    cookie: Option<&str>,
) -> Request<Body> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .into_bytes(),
        );
    }
    for (field, name, kind, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; \
                 filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n"
            )
            .into_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
    let mut req = Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::ACCEPT, "text/html");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body)).expect("request")
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

pub fn form(uri: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Request<Body> {
    let mut req =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(
        serde_urlencoded::to_string(fields).expect("encode"),
    ))
    .expect("request")
}

fn report_fields<'a>(key: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("submission_key", key),
        ("kind", "pengaduan"),
        ("title", title),
        (
            "body",
            "Sudah tiga minggu jalan ini berlubang dan membahayakan pengendara motor.",
        ),
        ("category_id", "3"),
        ("incident_date", "2026-11-20"),
        ("location", "Banjarmasin"),
        ("target_org_id", ""),
        ("name", "Siti Rahmah"),
        ("email", "siti.rahmah@example.id"),
        ("phone", "081234567890"),
        // The form's advice was shown (the advice itself: duplicates.rs, completeness.rs).
        ("mirip", "1"),
    ]
}

#[tokio::test]
async fn the_form_page_renders_in_indonesian_and_english() {
    for t in engines().await {
        let app = app(&t);
        let page = send(&app, get("/lapor")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<html lang=\"id\""));
        assert!(page.body.contains("Kirim laporan"));
        assert!(page.body.contains("name=\"submission_key\""));
        assert!(page.body.contains("Dinas PUPR"), "agencies are offered");
        let en = send(
            &app,
            Request::get("/lapor")
                .header(header::COOKIE, "lang=en")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert!(en.body.contains("<html lang=\"en\"") && en.body.contains("Send report"));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_plain_form_post_with_mistakes_comes_back_with_everything_typed() {
    for t in engines().await {
        let app = app(&t);
        let key = app::secrets::new_submission_key();
        let mut fields = report_fields(&key, "Pendek");
        fields.push(("anonymous", "on"));
        let page = send(&app, form("/lapor", &fields, None)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.body.contains("Judul terlalu pendek"),
            "the error is next to the field, in Indonesian"
        );
        assert!(
            page.body.contains("value=\"Pendek\""),
            "the typed title is kept"
        );
        assert!(
            page.body.contains("Sudah tiga minggu jalan ini berlubang"),
            "the typed body is kept"
        );
        assert!(
            page.body.contains(&format!("value=\"{key}\"")),
            "the retry keeps the submission key"
        );
        assert!(page.body.contains("aria-invalid=\"true\""));
        let en = send(&app, form("/lapor", &fields, Some("lang=en"))).await;
        assert!(en.body.contains("Title too short"));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_plain_form_post_files_once_and_redirects_to_the_receipt() {
    for t in engines().await {
        let app = app(&t);
        let key = app::secrets::new_submission_key();
        let fields = report_fields(&key, "Jalan berlubang di depan pasar");
        let first = send(&app, form("/lapor", &fields, None)).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        let location = first.headers[header::LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(
            location.starts_with("/laporan/")
                && location.contains("?kode=")
                && location.ends_with("&baru=1")
        );
        let again = send(&app, form("/lapor", &fields, None)).await;
        assert_eq!(
            again.headers[header::LOCATION],
            location.as_str(),
            "a double post lands on the same report"
        );
        assert_eq!(
            super::support::count(&t.db, "select count(*) from reports").await,
            1
        );

        let receipt = send(&app, get(&location)).await;
        assert_eq!(receipt.status, StatusCode::OK);
        assert!(receipt.body.contains("Laporan Anda telah diterima"));
        assert!(receipt.body.contains("Belum Terverifikasi"));
        assert!(
            receipt.body.contains("siti.rahmah@example.id"),
            "the reporter sees their own contact details"
        );

        let public_path = location.split('?').next().expect("path");
        let unverified = send(&app, get(public_path)).await;
        assert_eq!(
            unverified.status,
            StatusCode::NOT_FOUND,
            "not public before verification"
        );
        let tracking = public_path.rsplit('/').next().expect("tracking id");
        super::support::publish(&t.db, tracking, super::support::NOW).await;
        let public = send(&app, get(public_path)).await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.body.contains("Jalan berlubang di depan pasar"));
        for secret in [
            "Siti Rahmah",
            "siti.rahmah@example.id",
            "081234567890",
            "kode=",
        ] {
            assert!(!public.body.contains(secret), "public page leaks {secret}");
        }
        t.finish().await;
    }
}

/// The island sends the same multipart form in the background and asks (`x-lapor-next`) where
/// to go after success instead of being redirected; a refusal is the same page as without
/// JavaScript, whose fields (`#isian`) it swaps in.
#[tokio::test]
async fn the_island_posts_the_same_form_and_is_told_where_to_go() {
    for t in engines().await {
        let app = app(&t);
        let key = app::secrets::new_submission_key();
        let island = |fields: &[(&str, &str)]| {
            let mut req = multipart("/lapor", fields, &[], None);
            req.headers_mut()
                .insert(app::pages::NEXT_HEADER, "1".parse().expect("header"));
            req
        };
        let refused = send(&app, island(&report_fields(&key, "Pendek"))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.headers.get(app::pages::NEXT_HEADER).is_none());
        let fields = refused
            .body
            .split("id=\"isian\"")
            .nth(1)
            .expect("the fields");
        assert!(fields.contains("Judul terlalu pendek") && fields.contains("value=\"Pendek\""));
        assert!(fields.contains(&format!("value=\"{key}\"")), "the same key");

        let title = "Lampu jalan padam di Jalan Sutoyo";
        let filed = send(&app, island(&report_fields(&key, title))).await;
        assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.body);
        let next = filed.headers[app::pages::NEXT_HEADER]
            .to_str()
            .expect("next")
            .to_owned();
        assert!(
            next.starts_with("/laporan/") && next.contains("?kode=") && next.ends_with("&baru=1")
        );
        let receipt = send(&app, get(&next)).await;
        assert!(
            receipt.body.contains("Laporan Anda telah diterima") && receipt.body.contains(title)
        );
        // Sent again (a lost answer) it is the same report; without the header, a redirect.
        let again = send(&app, island(&report_fields(&key, title))).await;
        assert_eq!(again.headers[app::pages::NEXT_HEADER], next.as_str());
        let plain = send(
            &app,
            multipart("/lapor", &report_fields(&key, title), &[], None),
        )
        .await;
        assert_eq!(
            (plain.status, location(&plain)),
            (StatusCode::SEE_OTHER, next)
        );
        assert_eq!(
            super::support::count(&t.db, "select count(*) from reports").await,
            1
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn messages_post_as_the_reporter_and_markup_stays_text() {
    for t in engines().await {
        let app = app(&t);
        let filed = app::reports::file_report(
            &t.db,
            SECRET,
            &report("Pohon tumbang menutup jalan"),
            None,
            super::support::NOW,
            super::support::TODAY,
        )
        .await
        .expect("filed");
        let path = format!("/laporan/{}/pesan", filed.tracking_id);
        let sent = send(
            &app,
            form(
                &path,
                &[
                    ("kode", &filed.access_code),
                    ("body", "<script>alert(1)</script> masih ada"),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        let page = send(
            &app,
            get(sent.headers[header::LOCATION].to_str().expect("loc")),
        )
        .await;
        assert!(
            page.body
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; masih ada")
        );
        assert!(!page.body.contains("<script>alert(1)"));

        let refused = send(
            &app,
            form(&path, &[("kode", "AAAA-BBBB-CCCC"), ("body", "Halo")], None),
        )
        .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let empty = send(
            &app,
            form(&path, &[("kode", &filed.access_code), ("body", "  ")], None),
        )
        .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Wajib diisi."));
        t.finish().await;
    }
}

#[tokio::test]
async fn server_functions_answer_the_island_and_hide_what_they_must() {
    for t in engines().await {
        let app = app(&t);
        let key = app::secrets::new_submission_key();
        let mut fields: Vec<(String, String)> = report_fields(&key, "Saluran air tersumbat sampah")
            .into_iter()
            .map(|(k, v)| (format!("input[{k}]"), v.to_owned()))
            .collect();
        fields.push(("input[confidential]".into(), "on".into()));
        let req = Request::post("/api/submit_report")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(
                serde_urlencoded::to_string(&fields).expect("encode"),
            ))
            .expect("req");
        let filed = send(&app, req).await;
        assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
        let filed: app::reports::FiledReport = serde_json::from_str(&filed.body).expect("json");

        let ask = |code: Option<&str>| {
            let mut f = vec![("tracking_id".to_owned(), filed.tracking_id.clone())];
            if let Some(c) = code {
                f.push(("code".to_owned(), c.to_owned()));
            }
            Request::post("/api/get_report")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(serde_urlencoded::to_string(&f).expect("encode")))
                .expect("req")
        };
        let hidden = send(&app, ask(None)).await;
        assert!(hidden.status.is_client_error() || hidden.status.is_server_error());
        assert!(
            !hidden.body.contains("Saluran air"),
            "a confidential report is not served publicly"
        );
        let own = send(&app, ask(Some(&filed.access_code))).await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(own.body.contains("Saluran air tersumbat sampah"));

        let listing = send(&app, get("/laporan")).await;
        assert!(
            !listing.body.contains("Saluran air"),
            "a confidential report never appears in the listing"
        );

        let invalid = Request::post("/api/submit_report")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                "input[submission_key]=00000000000000000000000000000000&input[title]=x",
            ))
            .expect("req");
        let invalid = send(&app, invalid).await;
        assert!(
            invalid.body.contains("Judul terlalu pendek"),
            "field errors come back translated: {}",
            invalid.body
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn internal_errors_are_logged_not_shown() {
    for t in engines().await {
        let app = app(&t);
        // PostgreSQL drops what refers to it too (the mentions' key, and so on).
        let drop = match t.db.engine {
            app::db::Engine::Postgres => "drop table report_events cascade",
            app::db::Engine::Sqlite => "drop table report_events",
        };
        sqlx::query(drop)
            .execute(&t.db.pool)
            .await
            .expect("break the database");
        let key = app::secrets::new_submission_key();
        let page = send(
            &app,
            form(
                "/lapor",
                &report_fields(&key, "Laporan saat basis data rusak"),
                None,
            ),
        )
        .await;
        assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.body.contains("terjadi kesalahan di server kami"));
        assert!(
            page.body.contains("Laporan saat basis data rusak"),
            "what was typed is not lost"
        );
        assert!(
            !page.body.contains("report_events")
                && !page.body.to_lowercase().contains("no such table")
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn every_response_carries_security_headers_and_compresses() {
    for t in engines().await {
        let app = app(&t);
        let page = send(
            &app,
            Request::get("/laporan")
                .header(header::ACCEPT_ENCODING, "br")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_eq!(page.headers[header::CONTENT_ENCODING], "br");
        assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(page.headers[header::X_FRAME_OPTIONS], "DENY");
        let csp = page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("csp");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self' 'nonce-")
        );
        let missing = send(&app, get("/laporan/ZZZZ-ZZZZ")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let unknown = send(&app, get("/tidak-ada")).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        t.finish().await;
    }
}

#[tokio::test]
async fn register_sign_in_and_out_through_forms() {
    for t in engines().await {
        let app = app(&t);
        let reg = send(
            &app,
            form(
                "/daftar",
                &[
                    ("name", "Ani"),
                    ("email", "ani@example.id"),
                    ("password", "kata-sandi-ani-1"),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(reg.status, StatusCode::SEE_OTHER);
        let cookie = reg.headers[header::SET_COOKIE]
            .to_str()
            .expect("cookie")
            .to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        let session = cookie.split(';').next().expect("pair").to_owned();
        let mine = send(
            &app,
            Request::get("/laporan-saya")
                .header(header::COOKIE, &session)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_eq!(mine.status, StatusCode::OK);
        assert!(mine.body.contains("Halo, Ani"));

        let wrong = send(
            &app,
            form(
                "/masuk",
                &[("email", "ani@example.id"), ("password", "salah")],
                None,
            ),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(
            wrong.body.contains("Email atau kata sandi salah")
                && wrong.body.contains("value=\"ani@example.id\"")
        );
        let login = send(
            &app,
            form(
                "/masuk",
                &[
                    ("email", "ani@example.id"),
                    ("password", "kata-sandi-ani-1"),
                ],
                Some(&session),
            ),
        )
        .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER);
        let rotated = login.headers[header::SET_COOKIE]
            .to_str()
            .expect("cookie")
            .split(';')
            .next()
            .expect("pair")
            .to_owned();
        assert_ne!(rotated, session, "the session id changes at login");

        let out = send(&app, form("/keluar", &[], Some(&rotated))).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        let after = send(
            &app,
            Request::get("/laporan-saya")
                .header(header::COOKIE, &rotated)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert!(
            !after.body.contains("Halo, Ani"),
            "a signed-out session is gone on the server"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_refuses_open_redirects() {
    for t in engines().await {
        let app = app(&t);
        let res = send(&app, get("/bahasa/en?ke=/laporan%3Fhal%3D2")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.headers[header::LOCATION], "/laporan?hal=2");
        assert!(
            res.headers[header::SET_COOKIE]
                .to_str()
                .expect("cookie")
                .starts_with("lang=en")
        );
        let evil = send(&app, get("/bahasa/id?ke=//evil.example")).await;
        assert_eq!(evil.headers[header::LOCATION], "/");
        t.finish().await;
    }
}

#[tokio::test]
async fn the_read_server_functions_answer_and_refuse() {
    for t in engines().await {
        let app = app(&t);
        let filed = app::reports::file_report(
            &t.db,
            SECRET,
            &report("Pasar becek saat hujan"),
            None,
            super::support::NOW,
            super::support::TODAY,
        )
        .await
        .expect("filed");
        let call = |name: &str, body: String, cookie: Option<&str>| {
            let mut req = Request::post(format!("/api/{name}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            if let Some(c) = cookie {
                req = req.header(header::COOKIE, c.to_owned());
            }
            req.body(Body::from(body)).expect("req")
        };

        let listing = send(
            &app,
            call("public_reports", "filter[status]=submitted".into(), None),
        )
        .await;
        assert_eq!(listing.status, StatusCode::OK);
        let page: app::reports::PublicPage = serde_json::from_str(&listing.body).expect("json");
        assert_eq!(page.total, 0, "an unverified report is not listed");
        super::support::publish(&t.db, &filed.tracking_id, super::support::NOW).await;
        let listing = send(
            &app,
            call("public_reports", "filter[status]=verified".into(), None),
        )
        .await;
        let page: app::reports::PublicPage = serde_json::from_str(&listing.body).expect("json");
        assert_eq!(page.total, 1);

        let catalogue = send(&app, call("get_catalogue", String::new(), None)).await;
        let catalogue: app::orgs::Catalogue = serde_json::from_str(&catalogue.body).expect("json");
        assert_eq!(catalogue.categories.len(), 9);
        assert!(
            catalogue
                .agencies
                .iter()
                .any(|a| a.label() == "Dinas PUPR — Kota Banjarmasin")
        );

        let options = send(&app, call("report_form_options", String::new(), None)).await;
        let options: app::reports::FormOptions = serde_json::from_str(&options.body).expect("json");
        assert!(app::secrets::is_submission_key(&options.submission_key));
        assert_eq!(options.account, None);

        let mine = send(&app, call("my_reports", String::new(), None)).await;
        assert_eq!(
            mine.status,
            StatusCode::UNAUTHORIZED,
            "each error its own status"
        );
        let refused: app::error::AppError = serde_json::from_str(&mine.body).expect("error json");
        assert_eq!(
            refused,
            app::error::AppError::Unauthorized,
            "my reports need a signed-in citizen"
        );

        let post = |code: &str, text: &str| {
            serde_urlencoded::to_string([
                ("tracking_id", filed.tracking_id.as_str()),
                ("input[kode]", code),
                ("input[body]", text),
            ])
            .expect("encode")
        };
        let wrong = send(
            &app,
            call("post_message", post("AAAA-BBBB-CCCC", "Halo"), None),
        )
        .await;
        let wrong: app::error::AppError = serde_json::from_str(&wrong.body).expect("error json");
        assert_eq!(wrong, app::error::AppError::NotFound);
        let ok = send(
            &app,
            call(
                "post_message",
                post(&filed.access_code, "Tambahan: airnya juga bau."),
                None,
            ),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        let page = send(&app, get(&format!("/laporan/{}", filed.tracking_id))).await;
        assert!(page.body.contains("Tambahan: airnya juga bau."));
        t.finish().await;
    }
}
