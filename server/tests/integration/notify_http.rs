//! The HTTP surface of notifications, on every engine: the SMS help page, a forgotten
//! password, the unsubscribe page and its one-click post, the officials' email choices, the
//! outbox for the system admin, and the SMS gateway's door.

use super::http::{Answer, form, get, send};
use super::staff_http::{get_as, sign_in};
use super::support::{
    NOW, SECRET, TODAY, TestDb, count, engines, official_with_password, orgs, report,
};
use app::i18n::TimeZone;
use app::lifecycle::Role;
use app::state::{AppState, Channels, Config};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

const KEY: &str = "kunci-uji";

/// The router with an SMS gateway configured (key [`KEY`], reports to Kota Banjarmasin).
async fn app_with_gateway(t: &TestDb) -> Router {
    let state = AppState {
        leptos_options: LeptosOptions::builder().output_name("lapor").build(),
        db: t.db.clone(),
        config: Arc::new(Config {
            server_secret: SECRET.into(),
            time_zone: TimeZone::Wita,
            secure_cookies: false,
            channels: Channels {
                sms_key: Some(KEY.into()),
                sms: app::sms::SmsPolicy {
                    intake_org: Some(orgs(&t.db).await.banjarmasin),
                    per_hour: 20,
                },
                ..Channels::default()
            },
        }),
        shutdown: Default::default(),
    };
    server::router(state)
}

fn location(res: &Answer) -> String {
    res.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_sms_help_page_lists_every_format() {
    for t in engines().await {
        let app = super::http::app(&t);
        let res = send(&app, get("/bantuan/sms")).await;
        assert_eq!(res.status, StatusCode::OK);
        for format in [
            "LAPOR &lt;isi laporan&gt;",
            "LAPOR ANONIM",
            "CEK &lt;nomor laporan&gt;",
            "BERHENTI",
        ] {
            assert!(res.body.contains(format), "{format}: {}", res.body);
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn a_forgotten_password_never_tells_whether_the_account_exists() {
    for t in engines().await {
        let db = &t.db;
        let app = super::http::app(&t);
        official_with_password(db, "pupr@x.id", Role::OpdAdmin, Some(orgs(db).await.pupr)).await;
        for akun in ["pupr@x.id", "tidak.ada@x.id"] {
            let res = send(&app, form("/lupa-sandi", &[("akun", akun)], None)).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{akun}");
            assert_eq!(
                location(&res),
                "/lupa-sandi?terkirim=1",
                "the same answer for {akun}"
            );
        }
        assert_eq!(
            count(
                db,
                "select count(*) from outbox where kind = 'password_reset'"
            )
            .await,
            1
        );
        let page = send(&app, get("/lupa-sandi?terkirim=1")).await;
        assert!(page.body.contains("Jika akun itu ada"), "{}", page.body);
        let empty = send(&app, form("/lupa-sandi", &[("akun", " ")], None)).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The code from the email sets a new password; a wrong one is refused and the form
        // keeps the code typed (never the password).
        let code: String =
            sqlx::query_scalar("select body from outbox where kind = 'password_reset'")
                .fetch_one(&db.pool)
                .await
                .expect("code");
        let link = send(&app, get(&format!("/atur-sandi?kode={code}"))).await;
        assert!(
            link.body.contains(&format!("value=\"{code}\"")),
            "prefilled: {}",
            link.body
        );
        let wrong = send(
            &app,
            form(
                "/atur-sandi",
                &[("kode", "SALAH-KODE"), ("password", "kata-sandi-baru-123")],
                None,
            ),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("Kode tidak berlaku"), "{}", wrong.body);
        assert!(wrong.body.contains("SALAH-KODE"));
        assert!(!wrong.body.contains("kata-sandi-baru-123"));
        let right = send(
            &app,
            form(
                "/atur-sandi",
                &[("kode", &code), ("password", "kata-sandi-baru-123")],
                None,
            ),
        )
        .await;
        assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
        assert_eq!(location(&right), "/masuk?sandi=baru");
        let login = send(
            &app,
            form(
                "/masuk",
                &[("email", "pupr@x.id"), ("password", "kata-sandi-baru-123")],
                None,
            ),
        )
        .await;
        assert_eq!(
            login.status,
            StatusCode::SEE_OTHER,
            "the new password works"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_unsubscribe_page_shows_a_button_and_the_post_unsubscribes() {
    for t in engines().await {
        let db = &t.db;
        let app = super::http::app(&t);
        let mut input = report("Saluran air tersumbat di Jl. Pramuka");
        input.notify_email = "warga@example.id".into();
        app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let id: i64 = sqlx::query_scalar("select id from subscriptions")
            .fetch_one(&db.pool)
            .await
            .expect("sub");
        let path = app::notify::unsubscribe_path(SECRET, id);
        let page = send(&app, get(&path)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<button"), "{}", page.body);
        assert_eq!(
            count(
                db,
                "select count(*) from subscriptions where unsubscribed_at is null"
            )
            .await,
            1
        );
        let forged = send(&app, get(&format!("/berhenti/{id}.{}", "a".repeat(32)))).await;
        assert_eq!(forged.status, StatusCode::NOT_FOUND);
        let bad = send(
            &app,
            form(&format!("/berhenti/{id}.{}", "a".repeat(32)), &[], None),
        )
        .await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);
        let done = send(
            &app,
            form(&path, &[("List-Unsubscribe", "One-Click")], None),
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(
            count(
                db,
                "select count(*) from subscriptions where unsubscribed_at is null"
            )
            .await,
            0
        );
        let after = send(&app, get(&location(&done))).await;
        assert!(
            after
                .body
                .contains("tidak akan menerima pemberitahuan lagi"),
            "{}",
            after.body
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn officials_choose_their_emails_and_only_the_system_admin_sees_the_queue() {
    for t in engines().await {
        let db = &t.db;
        let app = super::http::app(&t);
        let o = orgs(db).await;
        official_with_password(db, "pupr@x.id", Role::OpdAdmin, Some(o.pupr)).await;
        official_with_password(db, "sistem@x.id", Role::SystemAdmin, None).await;
        let pupr = sign_in(&app, "pupr@x.id").await;
        let page = send(&app, get_as("/petugas/email", &pupr)).await;
        assert_eq!(page.status, StatusCode::OK);
        let saved = send(
            &app,
            form("/petugas/email", &[("forwarded", "on")], Some(&pupr)),
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(
            count(
                db,
                "select count(*) from accounts where notify_forwarded = 1 and notify_digest = 0"
            )
            .await,
            1
        );
        let signed_out = send(&app, form("/petugas/email", &[("digest", "on")], None)).await;
        assert_ne!(signed_out.status, StatusCode::SEE_OTHER);
        assert_eq!(
            count(db, "select count(*) from accounts where notify_digest = 1").await,
            0
        );

        // A failed notification, for the queue.
        let mut input = report("Lampu jalan mati di Jl. Veteran");
        input.notify_email = "warga@example.id".into();
        app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let rows = app::notify::claim(db, NOW, 10).await.expect("claim");
        app::notify::failed(db, &rows[0], "550 user unknown")
            .await
            .expect("failed");

        let queue = send(&app, get_as("/petugas/admin/kiriman", &pupr)).await;
        assert_eq!(
            queue.status,
            StatusCode::FORBIDDEN,
            "an OPD admin is not the system admin"
        );
        let visitor = send(
            &app,
            Request::get("/petugas/admin/kiriman")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert!(
            visitor.status.is_redirection(),
            "to the login page: {}",
            visitor.status
        );
        assert!(location(&visitor).starts_with("/masuk"));
        let admin = sign_in(&app, "sistem@x.id").await;
        let queue = send(&app, get_as("/petugas/admin/kiriman?status=failed", &admin)).await;
        assert_eq!(queue.status, StatusCode::OK);
        assert!(queue.body.contains("550 user unknown"), "{}", queue.body);
        assert!(!queue.body.contains("warga@example.id"));
        let retry = format!("/petugas/admin/kiriman/{}/ulang", rows[0].id);
        let not_yours = send(&app, form(&retry, &[], Some(&pupr))).await;
        assert_eq!(not_yours.status, StatusCode::FORBIDDEN);
        let done = send(&app, form(&retry, &[], Some(&admin))).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(
            count(db, "select count(*) from outbox where state = 'waiting'").await,
            1
        );
        let again = send(&app, form(&retry, &[], Some(&admin))).await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "a waiting row is not retried"
        );
        let unknown = send(
            &app,
            form("/petugas/admin/kiriman/99999/ulang", &[], Some(&admin)),
        )
        .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        t.finish().await;
    }
}

#[tokio::test]
async fn the_gateway_door_takes_texts_only_with_its_key() {
    for t in engines().await {
        let db = &t.db;
        let plain = super::http::app(&t);
        let text = "LAPOR+Jalan+di+depan+SDN+3+berlubang+besar+sejak+seminggu+dua+motor+jatuh";
        let unconfigured = send(
            &plain,
            get(&format!("/sms/kannel?key={KEY}&from=0812&text={text}")),
        )
        .await;
        assert_eq!(
            unconfigured.status,
            StatusCode::NOT_FOUND,
            "no gateway, no door"
        );
        let app = app_with_gateway(&t).await;
        let wrong = send(
            &app,
            get(&format!(
                "/sms/kannel?key=salah&from=081234567890&text={text}"
            )),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        assert_eq!(count(db, "select count(*) from reports").await, 0);
        let uri = format!(
            "/sms/kannel?key={KEY}&from=%2B6281234567890&time=1795395000&id=abc&charset=UTF-8&text={text}"
        );
        let taken = send(&app, get(&uri)).await;
        assert_eq!(taken.status, StatusCode::ACCEPTED);
        // Kannel's `post-url` sends the same query with a POST; a retry files nothing twice.
        let again = send(&app, Request::post(&uri).body(Body::empty()).expect("req")).await;
        assert_eq!(again.status, StatusCode::ACCEPTED);
        assert_eq!(
            count(
                db,
                "select count(*) from reports where channel = 'sms' and received_at = 1795395000"
            )
            .await,
            1
        );
        // A UCS-2 text arrives as UTF-16 bytes.
        let ucs2: String = "halo 😀"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .map(|b| format!("%{b:02X}"))
            .collect();
        let res = send(
            &app,
            get(&format!(
                "/sms/kannel?key={KEY}&from=081234567890&id=u1&charset=UTF-16BE&text={ucs2}"
            )),
        )
        .await;
        assert_eq!(res.status, StatusCode::ACCEPTED);
        assert_eq!(
            app::sms_inbox::inbox_outcomes(db, "+6281234567890")
                .await
                .expect("outcomes")[0],
            "answered",
            "an unknown text gets the formats"
        );
        // Garbage in every parameter: taken or ignored, never a 5xx.
        for q in [
            "",
            "key=",
            "text=%FF%FE",
            "from=%zz&text=%",
            "time=-5&from=081234567890&text=LAPOR",
        ] {
            let res = send(&app, get(&format!("/sms/kannel?key={KEY}&{q}"))).await;
            assert!(res.status.is_success(), "{q}: {}", res.status);
        }
        t.finish().await;
    }
}
