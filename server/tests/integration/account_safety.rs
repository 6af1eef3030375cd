//! Officials' accounts kept safe, on every engine: two-step sign-in (enrolment, a code that
//! works once, recovery codes, wrong codes counted, the system admin's requirement) and the
//! audit log (written for every admin action and contact view, read by the right people,
//! filtered, and impossible to change).

use super::http::{app, form, location, send};
use super::staff_http::{call, get_as, sign_in};
use super::support::{
    NOW, SECRET, STAFF_PASSWORD, TODAY, count, engines, national, official, official_with_password,
    orgs, report, verify_and_forward,
};
use app::audit::{Action, AuditFilter};
use app::casework::open_case;
use app::change::Store;
use app::error::{AppError, Refusal};
use app::lifecycle::Role;
use axum::Router;
use axum::http::StatusCode;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// The app's code for `account`'s secret, `ahead` seconds from now.
async fn app_code(db: &Store, account: i64, ahead: u64) -> String {
    let secret: String =
        sqlx::query_scalar("select secret from second_factors where account_id = $1")
            .bind(account)
            .fetch_one(&db.pool)
            .await
            .expect("secret");
    app::second_factor::code_at(&secret, unix_now() + ahead).expect("code")
}

/// The password step: the session cookie and where it was sent.
async fn password_step(app: &Router, email: &str) -> (String, String) {
    let res = send(
        app,
        form(
            "/masuk",
            &[("email", email), ("password", STAFF_PASSWORD)],
            None,
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let cookie = super::staff_http::new_session(&res).expect("cookie");
    (cookie, location(&res))
}

/// Recovery codes as the set-up page lists them once.
fn recovery_codes(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .filter_map(|rest| rest.split("</code>").next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn two_step_sign_in_takes_each_code_once_and_recovery_codes_once() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let budi = official_with_password(db, "budi@x.id", Role::OpdAdmin, Some(o.pupr)).await;
        let before = sign_in(&app, "budi@x.id").await;

        // Setting up: a secret shown as a QR code and as text, waiting for the app's code.
        let res = send(&app, form("/akun/dua-langkah/mulai", &[], Some(&before))).await;
        assert_eq!(location(&res), "/akun/dua-langkah");
        let page = send(&app, get_as("/akun/dua-langkah", &before)).await;
        assert!(page.body.contains("<svg") && page.body.contains("one-time-code"));
        assert_eq!(
            count(
                db,
                "select count(*) from second_factors where confirmed_at is null"
            )
            .await,
            1
        );
        // A wrong code sets nothing up and says why.
        let res = send(
            &app,
            form(
                "/akun/dua-langkah/pasang",
                &[("kode", "000000")],
                Some(&before),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Kode salah"), "{}", res.body);
        let first = app_code(db, budi, 0).await;
        let res = send(
            &app,
            form(
                "/akun/dua-langkah/pasang",
                &[("kode", &first)],
                Some(&before),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let after = super::staff_http::new_session(&res).unwrap_or(before.clone());
        // Ten recovery codes, shown once.
        let page = send(&app, get_as("/akun/dua-langkah", &after)).await;
        let codes = recovery_codes(&page.body);
        assert_eq!(codes.len(), 10, "{}", page.body);
        let again = send(&app, get_as("/akun/dua-langkah", &after)).await;
        assert!(recovery_codes(&again.body).is_empty());
        assert!(again.body.contains("Sisa kode pemulihan: 10"));
        assert_eq!(
            count(
                db,
                "select count(*) from recovery_codes where code_hash like '%-%'"
            )
            .await,
            0,
            "only hashes are kept"
        );
        // The session opened before setting up has ended.
        let res = send(&app, call("staff_inbox", &[], Some(&before))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);

        // The password alone only reaches the code's page; nothing of the official's work.
        let (halfway, next) = password_step(&app, "budi@x.id").await;
        assert_eq!(next, "/masuk/kode");
        let res = send(&app, call("staff_inbox", &[], Some(&halfway))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        // The code used to set up is not accepted a second time.
        let res = send(
            &app,
            form("/masuk/kode", &[("kode", &first)], Some(&halfway)),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        // The next one is (a phone's clock a step ahead), and signs in.
        let next_code = app_code(db, budi, 30).await;
        let res = send(
            &app,
            form("/masuk/kode", &[("kode", &next_code)], Some(&halfway)),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(location(&res), "/petugas");
        let signed_in = super::staff_http::new_session(&res).expect("new session id");
        let res = send(&app, call("staff_inbox", &[], Some(&signed_in))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);

        // A recovery code, typed carelessly, works once.
        let careless = codes[0].to_lowercase().replace('-', " ");
        let (halfway, _) = password_step(&app, "budi@x.id").await;
        let res = send(
            &app,
            form("/masuk/kode", &[("kode", &careless)], Some(&halfway)),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let (halfway, _) = password_step(&app, "budi@x.id").await;
        let res = send(
            &app,
            form("/masuk/kode", &[("kode", &codes[0])], Some(&halfway)),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            count(
                db,
                "select count(*) from audit_log where action = 'recovery_code_used'"
            )
            .await,
            1
        );
        // Wrong codes are counted: after five, even a right one waits for the window.
        for _ in 0..4 {
            let res = send(
                &app,
                form("/masuk/kode", &[("kode", "123456")], Some(&halfway)),
            )
            .await;
            assert_ne!(res.status, StatusCode::SEE_OTHER);
        }
        let res = send(
            &app,
            form("/masuk/kode", &[("kode", &codes[1])], Some(&halfway)),
        )
        .await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
        // Without a password first, the code's form leads back to the login form.
        let res = send(&app, form("/masuk/kode", &[("kode", &codes[2])], None)).await;
        assert_ne!(res.status, StatusCode::SEE_OTHER);
        assert!(res.body.contains("name=\"password\""));

        // Phone and codes lost: the system admin resets it (recorded), every session of the
        // account ends, and the password alone signs in again until a new one is set up.
        official_with_password(db, "sistem@x.id", Role::SystemAdmin, None).await;
        let admin = sign_in(&app, "sistem@x.id").await;
        let reset = format!("/petugas/admin/akun/{budi}/dua-langkah");
        let res = send(&app, form(&reset, &[], Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = send(&app, call("staff_inbox", &[], Some(&signed_in))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(!app::second_factor::enabled(db, budi).await.expect("state"));
        assert_eq!(count(db, "select count(*) from recovery_codes").await, 0);
        let res = send(&app, form(&reset, &[], Some(&admin))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "nothing left to reset");
        let (_, next) = password_step(&app, "budi@x.id").await;
        assert_eq!(next, "/petugas");
        assert_eq!(
            count(
                db,
                "select count(*) from audit_log where action = 'second_factor_reset'"
            )
            .await,
            1
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_system_admin_can_require_two_step_sign_in_of_every_official() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        official_with_password(db, "sistem@x.id", Role::SystemAdmin, None).await;
        let sari = official_with_password(db, "sari@x.id", Role::OpdAdmin, Some(o.pupr)).await;
        let admin = sign_in(&app, "sistem@x.id").await;
        let res = send(
            &app,
            form(
                "/petugas/admin/dua-langkah",
                &[("wajib", "1")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        // The admin's own session has not passed a second step either: it may only set one up.
        let res = send(&app, call("admin_overview", &[], Some(&admin))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);

        // Sari, without one, signs in to set it up and for nothing else.
        let cookie = sign_in(&app, "sari@x.id").await;
        let res = send(&app, call("staff_inbox", &[], Some(&cookie))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        let res = send(&app, get_as("/petugas", &cookie)).await;
        assert_eq!(location(&res), "/akun/dua-langkah");
        let page = send(&app, get_as("/akun/dua-langkah", &cookie)).await;
        assert!(page.body.contains("second-factor-due"), "{}", page.body);
        send(&app, form("/akun/dua-langkah/mulai", &[], Some(&cookie))).await;
        let code = app_code(db, sari, 0).await;
        let res = send(
            &app,
            form(
                "/akun/dua-langkah/pasang",
                &[("kode", &code)],
                Some(&cookie),
            ),
        )
        .await;
        let cookie = super::staff_http::new_session(&res).unwrap_or(cookie);
        let res = send(&app, call("staff_inbox", &[], Some(&cookie))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        // While it is required, it cannot be turned off.
        let later = app_code(db, sari, 30).await;
        let res = send(
            &app,
            form(
                "/akun/dua-langkah/matikan",
                &[("kode", &later)],
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(app::second_factor::enabled(db, sari).await.expect("state"));
        let actions: Vec<String> = sqlx::query_scalar("select action from audit_log order by id")
            .fetch_all(&db.pool)
            .await
            .expect("log");
        assert_eq!(
            actions,
            ["second_factor_required", "second_factor_enrolled"]
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn every_admin_action_and_contact_view_is_logged_for_good() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        official_with_password(db, "sistem@x.id", Role::SystemAdmin, None).await;
        let admin = sign_in(&app, "sistem@x.id").await;
        let category: i64 = sqlx::query_scalar("select min(id) from categories")
            .fetch_one(&db.pool)
            .await
            .expect("category");
        let (pupr, bjm) = (o.pupr.to_string(), o.banjarmasin.to_string());
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/petugas/admin/akun".into(),
                vec![
                    ("email", "Baru@X.id"),
                    ("name", "Petugas Baru"),
                    ("role", "admin_pelaksana"),
                    ("org_id", &pupr),
                    ("password", STAFF_PASSWORD),
                ],
            ),
            (
                "/petugas/admin/instansi".into(),
                vec![
                    ("parent_id", &bjm),
                    ("kind", "opd"),
                    ("code", "bjm-dishub"),
                    ("name", "Dinas Perhubungan"),
                ],
            ),
            (
                "/petugas/admin/kategori".into(),
                vec![
                    ("code", "air"),
                    ("name_id", "Air bersih"),
                    ("name_en", "Water"),
                ],
            ),
            (
                format!("/petugas/admin/kategori/{category}/tenggat"),
                vec![("resolve_days", "10")],
            ),
            (
                "/petugas/admin/libur".into(),
                vec![
                    ("date", "2026-12-24"),
                    ("name", "Cuti bersama"),
                    ("kind", "cuti_bersama"),
                ],
            ),
            ("/petugas/admin/libur/2026-12-24/hapus".into(), vec![]),
            (
                "/petugas/admin/tenggat".into(),
                vec![
                    ("verify_days", "3"),
                    ("follow_up_days", "5"),
                    ("resolve_days", "14"),
                    ("contest_days", "10"),
                ],
            ),
        ];
        for (path, fields) in &posts {
            let res = send(&app, form(path, fields, Some(&admin))).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}: {}", res.body);
        }
        let baru: i64 = sqlx::query_scalar("select id from accounts where email = 'baru@x.id'")
            .fetch_one(&db.pool)
            .await
            .expect("new account");
        for (path, fields) in [
            (
                format!("/petugas/admin/akun/{baru}/status"),
                vec![("active", "0")],
            ),
            (
                format!("/petugas/admin/akun/{baru}/status"),
                vec![("active", "1")],
            ),
            (
                format!("/petugas/admin/akun/{baru}/sandi"),
                vec![("password", "sandi-baru-yang-panjang")],
            ),
        ] {
            let res = send(&app, form(&path, &fields, Some(&admin))).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}: {}", res.body);
        }
        // A refused action writes nothing.
        let res = send(
            &app,
            form(
                "/petugas/admin/instansi",
                &[("kind", "opd"), ("code", "x")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Contact views: a named report's contact, opened by the OPD, is logged each time;
        // an anonymous report's is never read, so never logged.
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let mut named = report("Jembatan kayu lapuk");
        named.target_org_id = o.pupr.to_string();
        let mut hidden = report("Pungli di kantor kelurahan");
        hidden.target_org_id = o.pupr.to_string();
        hidden.anonymous = Some("on".into());
        let mut ids = Vec::new();
        for input in [named, hidden] {
            let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
                .await
                .expect("filed");
            verify_and_forward(db, &coordinator, &filed.tracking_id, o.pupr, NOW + 1).await;
            ids.push(filed.tracking_id);
        }
        for id in [&ids[0], &ids[0], &ids[1]] {
            open_case(db, &opd, id, NOW + 3).await.expect("opened");
        }

        let logged: Vec<(String, String, String)> =
            sqlx::query_as("select action, actor_name, subject from audit_log order by id")
                .fetch_all(&db.pool)
                .await
                .expect("log");
        let actions: Vec<&str> = logged.iter().map(|(a, _, _)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "account_created",
                "org_created",
                "category_created",
                "category_deadline_changed",
                "holiday_saved",
                "holiday_removed",
                "deadlines_changed",
                "account_deactivated",
                "account_activated",
                "password_reset",
                "contact_viewed",
                "contact_viewed",
            ]
        );
        assert!(
            logged[..10]
                .iter()
                .all(|(_, who, _)| who == "Petugas sistem@x.id")
        );
        assert_eq!(logged[0].2, "baru@x.id");
        assert_eq!(logged[1].2, "bjm-dishub");
        assert!(
            logged[10..]
                .iter()
                .all(|(_, who, subject)| who == &opd.name && subject == &ids[0])
        );

        // Who reads it: the system admin all of it; an overseer what concerns their part of
        // the tree (a national one, all); nobody else.
        let sistem = app::staff::load(db, admin_id(db).await)
            .await
            .expect("load")
            .expect("staff");
        let all = app::audit::entries(db, &sistem, &AuditFilter::default())
            .await
            .expect("read");
        assert_eq!(all.entries.len(), 12);
        assert_eq!(
            all.entries[0].action,
            Some(Action::ContactViewed),
            "newest first"
        );
        let kalsel = official(db, Role::Overseer, Some(o.kalsel)).await;
        let kaltim = official(db, Role::Overseer, Some(o.samarinda)).await;
        let whole = official(db, Role::Overseer, Some(national(db).await)).await;
        let of = |page: app::audit::AuditPage| {
            page.entries
                .iter()
                .filter_map(|e| e.action)
                .map(Action::code)
                .collect::<Vec<_>>()
        };
        let seen = of(app::audit::entries(db, &kalsel, &AuditFilter::default())
            .await
            .expect("read"));
        assert_eq!(
            seen,
            [
                "contact_viewed",
                "contact_viewed",
                "password_reset",
                "account_activated",
                "account_deactivated",
                "org_created",
                "account_created"
            ]
        );
        assert!(
            of(app::audit::entries(db, &kaltim, &AuditFilter::default())
                .await
                .expect("read"))
            .is_empty()
        );
        assert_eq!(
            app::audit::entries(db, &whole, &AuditFilter::default())
                .await
                .expect("read")
                .entries
                .len(),
            12
        );
        assert_eq!(
            app::audit::entries(db, &opd, &AuditFilter::default()).await,
            Err(AppError::Refused(Refusal::NotYourRole))
        );
        // Filters: what, who, about what, which days.
        let filter = |f: AuditFilter| {
            let sistem = sistem.clone();
            async move {
                app::audit::entries(db, &sistem, &f)
                    .await
                    .expect("read")
                    .entries
                    .len()
            }
        };
        let what = |code: &str| AuditFilter {
            tindakan: code.into(),
            ..AuditFilter::default()
        };
        assert_eq!(filter(what("contact_viewed")).await, 2);
        assert_eq!(
            filter(what("nonsense")).await,
            12,
            "an unknown action is no filter"
        );
        assert_eq!(
            filter(AuditFilter {
                oleh: "SISTEM".into(),
                ..AuditFilter::default()
            })
            .await,
            10
        );
        assert_eq!(
            filter(AuditFilter {
                tentang: "dishub".into(),
                ..AuditFilter::default()
            })
            .await,
            1
        );
        assert_eq!(
            filter(AuditFilter {
                tentang: "%".into(),
                ..AuditFilter::default()
            })
            .await,
            12,
            "a typed wildcard is taken literally (and dropped)"
        );
        let today = db.time_zone.date_at(app::db::now());
        let page_of = |dari: &str, sampai: &str| AuditFilter {
            dari: dari.into(),
            sampai: sampai.into(),
            ..AuditFilter::default()
        };
        assert_eq!(
            filter(page_of(&today, &today)).await,
            10,
            "the admin acted today"
        );
        assert_eq!(filter(page_of("2099-01-01", "")).await, 0);
        // The page, for the admin, with a filter in its address; not for an OPD.
        let page = send(&app, get_as("/petugas/audit?tindakan=org_created", &admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("bjm-dishub") && !page.body.contains("baru@x.id"));

        // Nobody can change or remove an entry, not even with the database's own tools.
        for sql in [
            "update audit_log set actor_name = 'orang lain'",
            "delete from audit_log",
            "delete from audit_log where action = 'contact_viewed'",
        ] {
            let changed = sqlx::query(sql).execute(&db.pool).await;
            assert!(changed.is_err(), "{sql} went through");
        }
        if db.engine == app::db::Engine::Postgres {
            assert!(
                sqlx::query("truncate audit_log")
                    .execute(&db.pool)
                    .await
                    .is_err()
            );
        }
        assert_eq!(count(db, "select count(*) from audit_log").await, 12);
        t.finish().await;
    }
}

async fn admin_id(db: &Store) -> i64 {
    sqlx::query_scalar("select id from accounts where email = 'sistem@x.id'")
        .fetch_one(&db.pool)
        .await
        .expect("admin")
}

#[tokio::test]
async fn a_locked_out_sole_system_admin_is_let_back_in_from_the_command_line() {
    for t in engines().await {
        let db = &t.db;
        let admin = official_with_password(db, "satu@x.id", Role::SystemAdmin, None).await;
        sqlx::query(
            "insert into second_factors (account_id, secret, confirmed_at, last_step, created_at) \
             values ($1, 'JBSWY3DPEHPK3PXP', $2, 0, $2)",
        )
        .bind(admin)
        .bind(NOW)
        .execute(&db.pool)
        .await
        .expect("enrolled");
        sqlx::query("insert into recovery_codes (account_id, code_hash) values ($1, 'x')")
            .bind(admin)
            .execute(&db.pool)
            .await
            .expect("codes");
        assert!(app::second_factor::enabled(db, admin).await.expect("state"));

        assert!(
            server::cli::reset_second_factor(db, " SATU@x.id ")
                .await
                .expect("reset")
        );
        assert!(!app::second_factor::enabled(db, admin).await.expect("state"));
        assert_eq!(count(db, "select count(*) from recovery_codes").await, 0);
        let logged: (String, String) = sqlx::query_as(
            "select action, subject from audit_log where action = 'second_factor_reset'",
        )
        .fetch_one(&db.pool)
        .await
        .expect("logged");
        assert_eq!(logged.1, "satu@x.id");
        // Nothing left to reset; nobody of that name.
        assert!(
            !server::cli::reset_second_factor(db, "satu@x.id")
                .await
                .expect("nothing")
        );
        assert!(
            server::cli::reset_second_factor(db, "tidak@ada.id")
                .await
                .is_err()
        );
        t.finish().await;
    }
}
