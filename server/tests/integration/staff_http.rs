//! The officials' HTTP surface, on every engine: sign-in, every staff page and server
//! function, privacy per role, refusals outside scope, the no-JavaScript forms, and the admin.

use super::http::{Answer, app, form, get, send};
use super::support::{
    NOW, SECRET, STAFF_PASSWORD, TODAY, count, engines, national, official_with_password, orgs,
    report,
};
use app::lifecycle::Role;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// Signs in and returns the session cookie (`name=value`).
pub async fn sign_in(app: &Router, email: &str) -> String {
    let res = send(
        app,
        form(
            "/masuk",
            &[("email", email), ("password", STAFF_PASSWORD)],
            None,
        ),
    )
    .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "login {email}: {}",
        res.body
    );
    session_of(&res)
}

/// The session cookie an answer set, if it set one (a new session id after signing in).
pub fn new_session(res: &Answer) -> Option<String> {
    res.headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

fn session_of(res: &Answer) -> String {
    res.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned()
}

/// A page visit as a browser makes it (browsers ask for HTML, which is what makes a signed-out
/// visit redirect to the login page).
pub fn get_as(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .expect("request")
}

/// A server function call with url-encoded arguments, as the browser sends it.
pub fn call(name: &str, args: &[(&str, &str)], cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post(format!("/api/{name}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(
        serde_urlencoded::to_string(args).expect("encode"),
    ))
    .expect("request")
}

/// Every staff page and server function that takes no report, and those that take one.
fn every_staff_request(tracking: &str, cookie: &str) -> Vec<(String, Request<Body>)> {
    let case = format!("/petugas/laporan/{tracking}");
    let mut all: Vec<(String, Request<Body>)> = [
        "/petugas",
        "/petugas/pantau",
        "/petugas/admin",
        "/petugas/admin/kiriman",
        "/petugas/admin/kiriman?status=waiting",
        "/petugas/email",
        "/petugas/templat",
        "/petugas?lihat=saya",
        "/petugas?lihat=belum",
        "/petugas?lihat=semua&label=1",
        "/statistik",
        "/petugas?massal=verify&ok=1&tolak=AAAA-BBBB.status",
        "/petugas/catat",
        "/petugas/impor",
        "/petugas/audit",
        "/akun/dua-langkah",
        "/data/laporan.csv",
        "/data/laporan.json",
        "/statistik/unduh.csv",
        "/statistik/unduh.json",
        &case,
        &format!("{case}?templat=1"),
    ]
    .iter()
    .map(|p| (p.to_string(), get_as(p, cookie)))
    .collect();
    let t = ("tracking_id", tracking);
    for (name, args) in [
        ("staff_inbox", vec![]),
        ("staff_watch", vec![]),
        ("admin_overview", vec![]),
        ("admin_outbox", vec![("state", "")]),
        ("staff_email_prefs", vec![]),
        ("staff_case", vec![t]),
        ("reply_templates", vec![]),
        ("audit_log", vec![]),
        ("second_factor_status", vec![]),
        // Each official opens the page: the next sees them on it, by name only.
        ("staff_presence", vec![t, ("activity", "lihat")]),
        ("staff_inbox", vec![("view", "belum")]),
        // Refused without a change: nobody handles it after the OPD took it.
        (
            "staff_assign",
            vec![t, ("input[kepada]", ""), ("input[dari]", "")],
        ),
        // Harmless calls: an unknown action and an empty note are refused without changing
        // anything, but go through the same checks and answers.
        ("staff_act", vec![t, ("input[action]", "unknown")]),
        (
            "staff_message",
            vec![t, ("input[body]", ""), ("input[internal]", "on")],
        ),
    ] {
        all.push((format!("/api/{name}"), call(name, &args, Some(cookie))));
    }
    all
}

#[tokio::test]
async fn no_official_ever_receives_an_anonymous_reporters_identity() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        // A signed-in citizen files anonymously: the account links them to the report.
        let citizen = app::accounts::register(
            db,
            &app::accounts::RegisterInput {
                name: "Rahmat Identitas".into(),
                email: "rahmat.identitas@example.id".into(),
                phone: "0812 9999 0001".into(),
                password: "kata-sandi-rahmat".into(),
            },
            NOW,
        )
        .await
        .expect("citizen");
        let mut input = report("Pungli di loket KTP kecamatan");
        input.anonymous = Some("on".into());
        input.name = "Rahmat Identitas".into();
        input.email = "rahmat.identitas@example.id".into();
        input.phone = "0812 9999 0001".into();
        // An email only for notifications, allowed for an anonymous report: no official
        // may ever see it either.
        input.notify_email = "kabari.rahmat@example.id".into();
        input.target_org_id = o.pupr.to_string();
        let filed = app::reports::file_report(db, SECRET, &input, Some(citizen), NOW, TODAY)
            .await
            .expect("filed");
        // And an anonymous report by SMS: its number is the conversation's address only.
        let by_sms = app::sms_inbox::receive(
            db,
            SECRET,
            &app::sms::SmsPolicy {
                intake_org: Some(o.banjarmasin),
                per_hour: 20,
            },
            &app::sms_inbox::Incoming {
                gateway_id: "privacy-1",
                from: "0812 9999 0002",
                text: "LAPOR ANONIM pungli di loket KTP kecamatan setiap hari Senin pagi",
                received_at: NOW,
            },
            NOW,
            TODAY,
        )
        .await
        .expect("sms report");
        let app::sms_inbox::Outcome::Filed(sms_filed) = by_sms else {
            panic!("filed by sms: {by_sms:?}");
        };
        let staff = [
            (
                "nasional@x.id",
                Role::NationalAdmin,
                Some(national(db).await),
            ),
            ("induk@x.id", Role::Coordinator, Some(o.banjarmasin)),
            ("provinsi@x.id", Role::Coordinator, Some(o.kalsel)),
            ("pupr@x.id", Role::OpdAdmin, Some(o.pupr)),
            ("dinkes@x.id", Role::OpdAdmin, Some(o.dinkes)),
            ("pengawas@x.id", Role::Overseer, Some(o.kalsel)),
            ("sistem@x.id", Role::SystemAdmin, None),
        ];
        let mut pupr_id = 0;
        for (email, role, org) in staff {
            let id = official_with_password(db, email, role, org).await;
            if email == "pupr@x.id" {
                pupr_id = id;
            }
        }
        // Move it along so that the OPD holds it and the thread has officials' entries.
        let induk = sign_in(&app, "induk@x.id").await;
        for fields in [
            vec![("action", "verify")],
            vec![
                ("action", "dispose"),
                ("opd_id", &o.pupr.to_string()),
                ("note", "Segera."),
            ],
        ] {
            let res = send(
                &app,
                form(
                    &format!("/petugas/laporan/{}/aksi", filed.tracking_id),
                    &fields,
                    Some(&induk),
                ),
            )
            .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
        // The OPD takes it (its history and the inbox name the official who handles it) and
        // keeps a template with every placeholder.
        let pupr = sign_in(&app, "pupr@x.id").await;
        let pupr_id = pupr_id.to_string();
        let res = send(
            &app,
            form(
                &format!("/petugas/laporan/{}/tugas", filed.tracking_id),
                &[("kepada", pupr_id.as_str()), ("dari", "")],
                Some(&pupr),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let template = [
            ("title", "Semua penanda"),
            (
                "body",
                "{nomor} {instansi} {petugas} {tenggat} {nama} {pelapor} {email}",
            ),
        ];
        let res = send(&app, form("/petugas/templat", &template, Some(&pupr))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        // And labels it, and notes where.
        for (path, fields) in [
            ("label", [("nama", "pungli")]),
            ("wilayah", [("wilayah", "Kec. Banjarmasin Utara")]),
        ] {
            let res = send(
                &app,
                form(
                    &format!("/petugas/laporan/{}/{path}", filed.tracking_id),
                    &fields,
                    Some(&pupr),
                ),
            )
            .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
        // And asks the coordinator in an internal note (a mention: their inbox and an email),
        // and keeps a filter.
        let res = send(
            &app,
            form(
                &format!("/petugas/laporan/{}/pesan", filed.tracking_id),
                &[
                    ("body", "@Petugas induk@x.id mohon dicek bersama"),
                    ("internal", "on"),
                ],
                Some(&pupr),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = send(
            &app,
            form(
                "/petugas/filter",
                &[("nama", "Pungli saya"), ("lihat", "saya"), ("label", "")],
                Some(&pupr),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(count(db, "select count(*) from mentions").await, 1);
        let mut saw_the_report = 0;
        let secrets = [
            "Rahmat",
            "rahmat.identitas@example.id",
            "kabari.rahmat",
            "0812 9999 0001",
            "81299990002",
            "account_id",
        ];
        // What the live streams carry of every event.
        let streamed = serde_json::to_string(&app::live::since(db, 0, 1000).await.expect("events"))
            .expect("json");
        for secret in secrets {
            assert!(!streamed.contains(secret), "the stream carries {secret}");
        }
        for (email, _, _) in staff {
            let cookie = sign_in(&app, email).await;
            let mut requests = every_staff_request(&filed.tracking_id, &cookie);
            requests.extend(every_staff_request(&sms_filed.tracking_id, &cookie));
            for (what, req) in requests {
                let res = send(&app, req).await;
                for secret in secrets {
                    assert!(
                        !res.body.contains(secret),
                        "{email} received {secret} from {what}"
                    );
                }
                if res.body.contains("Pungli di loket KTP") {
                    saw_the_report += 1;
                }
            }
        }
        // The mention's email names no reporter either.
        let links = app::notify::Links {
            public_url: "https://lapor.example.id",
            server_secret: "x",
        };
        let mut mentions = 0;
        for row in app::notify::claim(db, i64::MAX / 4, 1000)
            .await
            .expect("claim")
        {
            if row.purpose != app::notify::Purpose::Mention {
                continue;
            }
            mentions += 1;
            let mail = app::notify::compose(db, &links, &row)
                .await
                .expect("compose")
                .expect("a mail");
            for secret in secrets {
                assert!(
                    !mail.text.contains(secret) && !mail.subject.contains(secret),
                    "the mention's email holds {secret}"
                );
            }
        }
        assert_eq!(mentions, 1, "the coordinator is told by email");
        // The audit log names no reporter: the anonymous reports' contact was never opened.
        let log: Vec<(String, String, String)> =
            sqlx::query_as("select actor_name, subject, detail from audit_log")
                .fetch_all(&db.pool)
                .await
                .expect("log");
        for secret in secrets {
            assert!(
                !format!("{log:?}").contains(secret),
                "the audit log holds {secret}"
            );
        }
        assert_eq!(
            count(
                db,
                "select count(*) from audit_log where action = 'contact_viewed'"
            )
            .await,
            0
        );
        // The test is only worth something if officials did see the report itself.
        assert!(
            saw_the_report >= 10,
            "officials saw the report {saw_the_report} times"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn server_functions_refuse_officials_outside_their_scope_and_visitors() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let mut input = report("Trotoar rusak di depan sekolah");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        official_with_password(db, "samarinda@x.id", Role::Coordinator, Some(o.samarinda)).await;
        official_with_password(db, "dinkes@x.id", Role::OpdAdmin, Some(o.dinkes)).await;
        let id = filed.tracking_id.as_str();
        let t_arg = ("tracking_id", id);
        for email in ["samarinda@x.id", "dinkes@x.id"] {
            let cookie = sign_in(&app, email).await;
            for (name, args) in [
                ("staff_case", vec![t_arg]),
                ("staff_act", vec![t_arg, ("input[action]", "verify")]),
                (
                    "staff_message",
                    vec![t_arg, ("input[body]", "Halo"), ("input[internal]", "on")],
                ),
            ] {
                let res = send(&app, call(name, &args, Some(&cookie))).await;
                assert_eq!(
                    res.status,
                    StatusCode::NOT_FOUND,
                    "{email} {name}: {}",
                    res.body
                );
                assert!(!res.body.contains("Trotoar"));
            }
            for (name, args) in [
                ("admin_overview", vec![]),
                (
                    "admin_create_org",
                    vec![
                        ("input[kind]", "city"),
                        ("input[code]", "x-city"),
                        ("input[name]", "Kota X"),
                    ],
                ),
                (
                    "admin_set_active",
                    vec![("account_id", "1"), ("active", "false")],
                ),
                ("admin_create_category", vec![("input[code]", "baru")]),
                (
                    "admin_reset_password",
                    vec![("account_id", "1"), ("password", "kata-sandi-baru-sekali")],
                ),
                ("admin_create_staff", vec![("input[email]", "a@b.id")]),
            ] {
                let res = send(&app, call(name, &args, Some(&cookie))).await;
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{email} {name}: {}",
                    res.body
                );
            }
            let page = send(&app, get_as(&format!("/petugas/laporan/{id}"), &cookie)).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND);
            let post = send(
                &app,
                form(
                    &format!("/petugas/laporan/{id}/aksi"),
                    &[("action", "verify")],
                    Some(&cookie),
                ),
            )
            .await;
            assert_eq!(post.status, StatusCode::NOT_FOUND);
        }
        // A visitor (or a citizen) is no official at all.
        for name in ["staff_inbox", "staff_watch", "staff_case", "admin_overview"] {
            let res = send(&app, call(name, &[t_arg], None)).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{name}");
        }
        let page = send(&app, get_as("/petugas", "lang=id")).await;
        assert_eq!(page.status, StatusCode::FOUND, "sent to the login page");
        assert_eq!(page.headers[header::LOCATION], "/masuk?ke=/petugas");
        assert_eq!(
            count(db, "select count(*) from report_events").await,
            1,
            "nothing was stored"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn confidential_reports_stay_out_of_every_public_route() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let mut input = report("Rahasia: pungutan di sekolah negeri");
        input.confidential = Some("on".into());
        input.target_org_id = o.pupr.to_string();
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let id = filed.tracking_id.as_str();
        let public = [
            get("/"),
            get("/laporan"),
            get("/laporan?status=submitted"),
            get(&format!("/laporan?instansi={}", o.kalsel)),
            get(&format!("/laporan/{id}")),
            get(&format!("/laporan/{id}?kode=AAAA-BBBB-CCCC")),
            call("public_reports", &[], None),
            call("get_report", &[("tracking_id", id)], None),
            get("/data/laporan.csv?dari=2026-11&sampai=2026-11"),
            get("/data/laporan.json?dari=2026-11&sampai=2026-11"),
            get("/statistik?dari=2026-11&sampai=2026-11"),
            get("/statistik/unduh.csv?dari=2026-11&sampai=2026-11"),
            get("/statistik/unduh.json?dari=2026-11&sampai=2026-11"),
            get("/statistik/peringkat?dari=2026-11&sampai=2026-11"),
        ];
        for req in public {
            let uri = req.uri().to_string();
            let res = send(&app, req).await;
            assert!(!res.body.contains("pungutan di sekolah"), "{uri} shows it");
        }
        // Its reporter and the officials in scope do see it.
        let own = send(
            &app,
            get(&format!("/laporan/{id}?kode={}", filed.access_code)),
        )
        .await;
        assert!(own.body.contains("pungutan di sekolah"));
        official_with_password(db, "induk@x.id", Role::Coordinator, Some(o.banjarmasin)).await;
        let cookie = sign_in(&app, "induk@x.id").await;
        let inbox = send(&app, get_as("/petugas", &cookie)).await;
        assert!(inbox.body.contains("pungutan di sekolah"));
        t.finish().await;
    }
}

#[tokio::test]
async fn staff_sign_in_is_slowed_after_failures_and_sessions_end_everywhere() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let id = official_with_password(db, "pupr@x.id", Role::OpdAdmin, Some(o.pupr)).await;
        let login = send(
            &app,
            form(
                "/masuk",
                &[("email", "pupr@x.id"), ("password", STAFF_PASSWORD)],
                None,
            ),
        )
        .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER);
        assert_eq!(
            login.headers[header::LOCATION],
            "/petugas",
            "officials start at their inbox"
        );
        let cookie = login.headers[header::SET_COOKIE].to_str().expect("cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        let phone = session_of(&login);
        let laptop = sign_in(&app, "pupr@x.id").await;
        assert_ne!(phone, laptop);

        // Wrong passwords: the same answer as an unknown email, then refused altogether.
        for _ in 0..app::accounts::MAX_FAILURES {
            let wrong = send(
                &app,
                form(
                    "/masuk",
                    &[("email", "pupr@x.id"), ("password", "salah-sekali")],
                    None,
                ),
            )
            .await;
            assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
            assert!(wrong.body.contains("Email atau kata sandi salah"));
        }
        let blocked = send(
            &app,
            form(
                "/masuk",
                &[("email", "pupr@x.id"), ("password", STAFF_PASSWORD)],
                None,
            ),
        )
        .await;
        assert_eq!(
            blocked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits"
        );
        let unknown = send(
            &app,
            form(
                "/masuk",
                &[("email", "siapa@x.id"), ("password", "salah-sekali")],
                None,
            ),
        )
        .await;
        assert!(unknown.body.contains("Email atau kata sandi salah"));

        // "Sign out everywhere" from the laptop ends the phone's session too.
        assert_eq!(
            send(&app, get_as("/petugas", &phone)).await.status,
            StatusCode::OK
        );
        let out = send(&app, form("/keluar", &[("semua", "1")], Some(&laptop))).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(
            send(&app, get_as("/petugas", &phone)).await.status,
            StatusCode::FOUND
        );
        assert_eq!(
            count(
                db,
                &format!("select count(*) from sessions where account_id = {id}")
            )
            .await,
            0
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn an_expired_session_keeps_the_typed_reply_through_the_login() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let mut input = report("Air PDAM keruh sejak seminggu");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        official_with_password(db, "induk@x.id", Role::Coordinator, Some(o.banjarmasin)).await;
        let page = format!("/petugas/laporan/{}", filed.tracking_id);
        let draft = "Sudah kami teruskan ke PDAM, mohon ditunggu.";
        let expired = send(
            &app,
            form(
                &format!("{page}/pesan"),
                &[("body", draft), ("internal", "on")],
                Some("lapor_session=kedaluwarsa"),
            ),
        )
        .await;
        assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
        assert!(expired.body.contains("Sesi Anda telah berakhir"));
        assert!(
            expired.body.contains(draft),
            "the reply is in the login form"
        );
        assert!(expired.body.contains(&format!("value=\"{page}\"")));

        let login = send(
            &app,
            form(
                "/masuk",
                &[
                    ("email", "induk@x.id"),
                    ("password", STAFF_PASSWORD),
                    ("ke", &page),
                    ("draf", draft),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER);
        assert_eq!(login.headers[header::LOCATION], page.as_str());
        let cookie = session_of(&login);
        let back = send(&app, get_as(&page, &cookie)).await;
        assert!(
            back.body.contains(&format!(">{draft}</textarea>")),
            "the draft is back"
        );
        let again = send(&app, get_as(&page, &cookie)).await;
        assert!(!again.body.contains(draft), "handed back once");
        // The login page refuses to send anyone off-site afterwards.
        let off = send(
            &app,
            form(
                "/masuk",
                &[
                    ("email", "induk@x.id"),
                    ("password", STAFF_PASSWORD),
                    ("ke", "//evil.example"),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(off.headers[header::LOCATION], "/petugas");
        t.finish().await;
    }
}

#[tokio::test]
async fn staff_forms_work_without_javascript_and_keep_what_was_typed() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let mut input = report("Genangan air di underpass");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        official_with_password(db, "induk@x.id", Role::Coordinator, Some(o.banjarmasin)).await;
        official_with_password(db, "pupr@x.id", Role::OpdAdmin, Some(o.pupr)).await;
        let induk = sign_in(&app, "induk@x.id").await;
        let page = format!("/petugas/laporan/{}", filed.tracking_id);
        let inbox = send(&app, get_as("/petugas", &induk)).await;
        assert!(inbox.body.contains("Perlu verifikasi") && inbox.body.contains(&page));

        let shown = send(&app, get_as(&page, &induk)).await;
        assert!(
            shown.body.contains("Siti Rahmah"),
            "a named reporter's contact, for officials"
        );
        assert!(shown.body.contains("name=\"action\" value=\"verify\""));
        assert!(
            !shown.body.contains("value=\"resolve\""),
            "only actions the role may take"
        );
        assert!(
            !shown.body.contains("__RESOLVED_RESOURCES[0]"),
            "a page that is never hydrated carries no serialised copy of its data"
        );

        let verify = send(
            &app,
            form(
                &format!("{page}/aksi"),
                &[("action", "verify")],
                Some(&induk),
            ),
        )
        .await;
        assert_eq!(verify.status, StatusCode::SEE_OTHER);
        let bad = send(
            &app,
            form(
                &format!("{page}/aksi"),
                &[
                    ("action", "dispose"),
                    ("opd_id", ""),
                    ("note", "Catatan yang tidak boleh hilang"),
                ],
                Some(&induk),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("Catatan yang tidak boleh hilang"),
            "the note is kept"
        );
        let dispose = send(
            &app,
            form(
                &format!("{page}/aksi"),
                &[("action", "dispose"), ("opd_id", &o.pupr.to_string())],
                Some(&induk),
            ),
        )
        .await;
        assert_eq!(dispose.status, StatusCode::SEE_OTHER);
        // The coordinator reads the thread but the conversation is the OPD's.
        let refused = send(
            &app,
            form(
                &format!("{page}/pesan"),
                &[("body", "Halo pelapor")],
                Some(&induk),
            ),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("Peran Anda tidak dapat"));
        assert!(
            refused.body.contains("Halo pelapor"),
            "the typed text is kept"
        );

        let pupr = sign_in(&app, "pupr@x.id").await;
        let answer = send(
            &app,
            form(
                &format!("{page}/pesan"),
                &[("body", "<script>alert(1)</script> Segera kami cek.")],
                Some(&pupr),
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        let long = "a".repeat(app::threads::MESSAGE_MAX + 1);
        let too_long = send(
            &app,
            form(&format!("{page}/pesan"), &[("body", &long)], Some(&pupr)),
        )
        .await;
        assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
        let public = send(&app, get(&format!("/laporan/{}", filed.tracking_id))).await;
        assert!(
            public
                .body
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; Segera kami cek.")
        );
        assert!(!public.body.contains("<script>alert(1)"));
        assert!(public.body.contains("Sedang Diproses"));
        assert!(!public.body.contains("__RESOLVED_RESOURCES[0]"));
        let unknown = send(&app, get_as("/petugas/laporan/ZZZZ-ZZZZ", &pupr)).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let watch = send(&app, get_as("/petugas/pantau", &induk)).await;
        assert!(watch.body.contains("Dinas PUPR — Kota Banjarmasin"));
        t.finish().await;
    }
}

#[tokio::test]
async fn the_system_admin_manages_accounts_organisations_and_categories() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        server::cli::create_admin(db, "root@x.id", "Admin Pertama", STAFF_PASSWORD)
            .await
            .expect("first admin");
        assert!(
            server::cli::create_admin(db, "root2@x.id", "Admin", "pendek")
                .await
                .is_err(),
            "a short password is refused"
        );
        let admin = sign_in(&app, "root@x.id").await;
        let page = send(&app, get_as("/petugas/admin", &admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Kota Banjarmasin") && page.body.contains("Admin Pertama"));

        let bad_org = send(
            &app,
            form(
                "/petugas/admin/instansi",
                &[
                    ("parent_id", &national(db).await.to_string()),
                    ("kind", "city"),
                    ("code", "kota-x"),
                    ("name", "Kota X"),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(bad_org.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_org.body.contains("value=\"Kota X\""));
        let org = send(
            &app,
            form(
                "/petugas/admin/instansi",
                &[
                    ("parent_id", &o.banjarmasin.to_string()),
                    ("kind", "opd"),
                    ("code", "bjm-dishub"),
                    ("name", "Dinas Perhubungan"),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(org.status, StatusCode::SEE_OTHER, "{}", org.body);
        let dishub: i64 =
            sqlx::query_scalar("select id from organizations where code = 'bjm-dishub'")
                .fetch_one(&db.pool)
                .await
                .expect("created");

        let mismatch = send(
            &app,
            form(
                "/petugas/admin/akun",
                &[
                    ("name", "Admin Dishub"),
                    ("email", "dishub@x.id"),
                    ("role", "admin_instansi"),
                    ("org_id", &dishub.to_string()),
                    ("password", STAFF_PASSWORD),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(
            mismatch.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a coordinator cannot belong to an OPD"
        );
        let created = send(
            &app,
            form(
                "/petugas/admin/akun",
                &[
                    ("name", "Admin Dishub"),
                    ("email", "dishub@x.id"),
                    ("role", "admin_pelaksana"),
                    ("org_id", &dishub.to_string()),
                    ("password", STAFF_PASSWORD),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let dishub_session = sign_in(&app, "dishub@x.id").await;
        assert_eq!(
            send(&app, get_as("/petugas", &dishub_session)).await.status,
            StatusCode::OK
        );

        let category = send(
            &app,
            form(
                "/petugas/admin/kategori",
                &[
                    ("code", "air_bersih"),
                    ("name_id", "Air Bersih"),
                    ("name_en", "Clean water"),
                ],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(category.status, StatusCode::SEE_OTHER);
        assert!(
            send(&app, get("/lapor")).await.body.contains("Air Bersih"),
            "citizens can choose it"
        );

        // A new password: too short is refused in words; a good one ends the old sessions.
        let account: i64 =
            sqlx::query_scalar("select id from accounts where email = 'dishub@x.id'")
                .fetch_one(&db.pool)
                .await
                .expect("account");
        let short = send(
            &app,
            form(
                &format!("/petugas/admin/akun/{account}/sandi"),
                &[("password", "pendek")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("Perubahan tidak tersimpan"));
        let reset = send(
            &app,
            form(
                &format!("/petugas/admin/akun/{account}/sandi"),
                &[("password", "sandi-baru-dishub-2026")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(reset.status, StatusCode::SEE_OTHER);
        assert_eq!(
            send(&app, get_as("/petugas", &dishub_session)).await.status,
            StatusCode::FOUND
        );
        let fresh = send(
            &app,
            form(
                "/masuk",
                &[
                    ("email", "dishub@x.id"),
                    ("password", "sandi-baru-dishub-2026"),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(fresh.status, StatusCode::SEE_OTHER);
        let dishub_session = session_of(&fresh);

        // Disabling an account ends its sessions and its sign-in.
        let off = send(
            &app,
            form(
                &format!("/petugas/admin/akun/{account}/status"),
                &[("active", "0")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        assert_eq!(
            send(&app, get_as("/petugas", &dishub_session)).await.status,
            StatusCode::FOUND
        );
        let again = send(
            &app,
            form(
                "/masuk",
                &[
                    ("email", "dishub@x.id"),
                    ("password", "sandi-baru-dishub-2026"),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        t.finish().await;
    }
}
