//! Routing of live updates (groundwork): the facts each event is routed by, and who may learn
//! of it, on every engine.

use super::support::{NOW, SECRET, TODAY, action, engines, official, orgs, report};
use app::casework::{ActInput, StaffMessageInput, act, add_staff_message};
use app::change::Store;
use app::lifecycle::Role;
use app::live::{Audience, facts, since, staff_audience};
use app::reports::file_report;

#[tokio::test]
async fn each_event_reaches_only_the_audiences_that_may_know_of_it() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let dinkes = official(db, Role::OpdAdmin, Some(o.dinkes)).await;
        let mut input = report("Lampu lalu lintas mati di perempatan");
        input.target_org_id = o.banjarmasin.to_string();
        input.confidential = Some("on".into());
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let id = filed.tracking_id.as_str();
        act(db, &coordinator, id, &action("verify"), NOW)
            .await
            .expect("verify");
        let dispose = ActInput {
            opd_id: o.pupr.to_string(),
            ..action("dispose")
        };
        act(db, &coordinator, id, &dispose, NOW + 1)
            .await
            .expect("dispose");
        let note = StaffMessageInput {
            terakhir: String::new(),
            kunci: String::new(),
            attachments: String::new(),
            body: "Cek kabel di tiang utara.".into(),
            internal: Some("on".into()),
        };
        add_staff_message(db, &pupr, id, &note, NOW + 2)
            .await
            .expect("note");

        let all = since(db, 0, 100).await.expect("events");
        assert_eq!(all.len(), 4, "filed, verified, disposed, note");
        assert!(all.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
        assert_eq!(since(db, all[1].id, 100).await.expect("rest").len(), 2);
        assert_eq!(since(db, all[0].id, 1).await.expect("one").len(), 1);
        let last = facts(db, all[3].id).await.expect("facts").expect("exists");
        assert!(last.internal && last.confidential);
        assert_eq!(
            (last.owner_org_id, last.opd_id),
            (Some(o.banjarmasin), Some(o.pupr))
        );
        assert_eq!(facts(db, 999_999).await.expect("none"), None);

        let public = Audience::Public {
            watching: [filed.tracking_id.clone()].into(),
        };
        let reporter = Audience::Reporter {
            reports: [last.report_id].into(),
        };
        let of = |staff| async move {
            staff_audience(db, staff)
                .await
                .expect("audience")
                .expect("works")
        };
        let (c, p, d) = (of(&coordinator).await, of(&pupr).await, of(&dinkes).await);
        let count = |a: &Audience| all.iter().filter(|e| a.admits(e)).count();
        assert_eq!(
            count(&public),
            0,
            "a confidential report never reaches a public page"
        );
        assert_eq!(
            count(&reporter),
            3,
            "the reporter learns of all but the internal note"
        );
        assert_eq!(count(&c), 4);
        assert_eq!(count(&p), 4, "the OPD, once the report is its own");
        assert_eq!(count(&d), 0, "another OPD learns nothing");
        let sysadmin = official(db, Role::SystemAdmin, None).await;
        assert_eq!(staff_audience(db, &sysadmin).await.expect("none"), None);
        t.finish().await;
    }
}

/// Waits for the next event of a stream (a generous bound: this is not a timing test).
async fn next(
    rx: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<app::live::EventFacts>>,
) -> app::live::EventFacts {
    let got = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("an event arrives")
        .expect("stream open");
    (*got).clone()
}

#[tokio::test]
async fn events_reach_the_streams_of_every_server_sharing_the_database() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        // Another server: on PostgreSQL its own pool, hub and listener on the same database;
        // SQLite is one process, so there the same hub serves every stream.
        let other = match db.engine {
            app::db::Engine::Postgres => Store::connect(&t.url).await.expect("second"),
            app::db::Engine::Sqlite => db.clone(),
        };
        let mut here = db.hub.subscribe(db).await;
        let mut there = other.hub.subscribe(&other).await;

        let mut input = report("Pohon tumbang di Jl. Sutoyo");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed here");
        for rx in [&mut here, &mut there] {
            let e = next(rx).await;
            assert_eq!(
                (e.tracking_id.as_str(), e.kind),
                (filed.tracking_id.as_str(), app::threads::EventKind::Status)
            );
        }
        // An official acts through the other server; both servers' streams learn of it.
        let coordinator = official(&other, Role::Coordinator, Some(o.banjarmasin)).await;
        act(
            &other,
            &coordinator,
            &filed.tracking_id,
            &action("verify"),
            NOW + 1,
        )
        .await
        .expect("verify there");
        let here_event = next(&mut here).await;
        let there_event = next(&mut there).await;
        assert_eq!(here_event, there_event);
        assert_eq!(here_event.owner_org_id, Some(o.banjarmasin));
        assert_eq!(
            since(db, 0, 10).await.expect("events").last().map(|e| e.id),
            Some(here_event.id),
            "what travels is what is stored"
        );
        if db.engine == app::db::Engine::Postgres {
            other.pool.close().await;
        }
        t.finish().await;
    }
}

/// Reads a live stream until `until` appears in it (or fails after a generous bound).
pub async fn read_until(body: &mut axum::body::Body, seen: &mut String, until: &str) {
    use http_body_util::BodyExt;
    let deadline = std::time::Duration::from_secs(10);
    while !seen.contains(until) {
        let frame = tokio::time::timeout(deadline, body.frame())
            .await
            .unwrap_or_else(|_| panic!("no {until} in the stream; got: {seen}"))
            .expect("stream open")
            .expect("frame");
        if let Some(data) = frame.data_ref() {
            seen.push_str(&String::from_utf8_lossy(data));
        }
    }
}

fn open(uri: &str, headers: &[(&str, &str)]) -> axum::http::Request<axum::body::Body> {
    let mut req = axum::http::Request::get(uri).header("accept-encoding", "br, gzip");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(axum::body::Body::empty()).expect("request")
}

#[tokio::test]
async fn the_stream_carries_only_what_its_viewer_may_see_and_resumes_where_it_broke() {
    use tower::ServiceExt;
    for t in engines().await {
        let db = &t.db;
        let app = super::http::app(&t);
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let mut public = report("Taman kota tidak terawat");
        public.target_org_id = o.banjarmasin.to_string();
        let public = file_report(db, SECRET, &public, None, NOW, TODAY)
            .await
            .expect("filed");
        let mut secret = report("Pungutan liar di terminal bus");
        secret.target_org_id = o.banjarmasin.to_string();
        secret.confidential = Some("on".into());
        let secret = file_report(db, SECRET, &secret, None, NOW, TODAY)
            .await
            .expect("filed");
        let both = format!(
            "/langsung?laporan={},{}",
            public.tracking_id, secret.tracking_id
        );

        let res = app
            .clone()
            .oneshot(open(&both, &[]))
            .await
            .expect("response");
        assert_eq!(res.status(), axum::http::StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        assert!(
            res.headers().get("content-encoding").is_none(),
            "a stream is never buffered for compression"
        );
        let mut body = res.into_body();
        act(
            db,
            &coordinator,
            &secret.tracking_id,
            &action("verify"),
            NOW + 1,
        )
        .await
        .expect("verify");
        act(
            db,
            &coordinator,
            &public.tracking_id,
            &action("verify"),
            NOW + 2,
        )
        .await
        .expect("verify");
        let mut seen = String::new();
        read_until(&mut body, &mut seen, &public.tracking_id).await;
        assert!(
            !seen.contains(&secret.tracking_id),
            "a confidential report's events never reach a public page: {seen}"
        );
        assert!(seen.contains("event: laporan") && seen.contains("id: "));

        // The reporter of the confidential report, with its code, does learn of it.
        let own = format!(
            "/langsung?laporan={}&kode={}",
            secret.tracking_id, secret.access_code
        );
        let first = since(db, 0, 100).await.expect("events")[0].id;
        let res = app
            .clone()
            .oneshot(open(&own, &[("last-event-id", &first.to_string())]))
            .await
            .expect("response");
        let mut body = res.into_body();
        let mut seen = String::new();
        read_until(&mut body, &mut seen, &secret.tracking_id).await;
        assert!(
            !seen.contains(&public.tracking_id),
            "only what the stream watches"
        );

        // Nothing to watch is a mistake, not an empty stream held open.
        let res = app
            .clone()
            .oneshot(open("/langsung", &[]))
            .await
            .expect("response");
        assert_eq!(res.status(), axum::http::StatusCode::BAD_REQUEST);
        t.finish().await;
    }
}

#[tokio::test]
async fn an_opd_stream_carries_its_own_reports_only() {
    use super::http::{form, send};
    use tower::ServiceExt;
    for t in engines().await {
        let db = &t.db;
        let app = super::http::app(&t);
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        super::support::official_with_password(db, "pupr@x.id", Role::OpdAdmin, Some(o.pupr)).await;
        let login = send(
            &app,
            form(
                "/masuk",
                &[
                    ("email", "pupr@x.id"),
                    ("password", super::support::STAFF_PASSWORD),
                ],
                None,
            ),
        )
        .await;
        let cookie = login.headers["set-cookie"]
            .to_str()
            .expect("cookie")
            .split(';')
            .next()
            .expect("pair")
            .to_owned();
        let mut filed = Vec::new();
        for (title, opd) in [
            ("Puskesmas kekurangan obat", o.dinkes),
            ("Jembatan kayu lapuk", o.pupr),
        ] {
            let mut input = report(title);
            input.target_org_id = o.banjarmasin.to_string();
            input.anonymous = Some("on".into());
            let f = file_report(db, SECRET, &input, None, NOW, TODAY)
                .await
                .expect("filed");
            act(db, &coordinator, &f.tracking_id, &action("verify"), NOW)
                .await
                .expect("verify");
            filed.push((f.tracking_id, opd));
        }
        let res = app
            .clone()
            .oneshot(open("/langsung", &[("cookie", &cookie)]))
            .await
            .expect("response");
        assert_eq!(res.status(), axum::http::StatusCode::OK);
        let mut body = res.into_body();
        for (tracking, opd) in &filed {
            let dispose = ActInput {
                opd_id: opd.to_string(),
                ..action("dispose")
            };
            act(db, &coordinator, tracking, &dispose, NOW + 1)
                .await
                .expect("dispose");
        }
        let mut seen = String::new();
        read_until(&mut body, &mut seen, &filed[1].0).await;
        assert!(
            !seen.contains(&filed[0].0),
            "another OPD's report never reaches this OPD: {seen}"
        );
        for identity in ["Siti", "siti.rahmah", "0812"] {
            assert!(
                !seen.contains(identity),
                "an anonymous reporter's identity on the wire"
            );
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn a_listener_that_lost_its_connection_re_reads_what_it_missed() {
    // PostgreSQL only: SQLite has no listener to lose.
    let Some(t) = super::support::postgres().await else {
        return;
    };
    let db = &t.db;
    let o = orgs(db).await;
    let mut input = report("Halte bus rusak di Jl. Lambung Mangkurat");
    input.target_org_id = o.banjarmasin.to_string();
    let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed");
    let mut rx = db.hub.subscribe(db).await;
    // An event stored without any announcement (as if its NOTIFY fell into the gap), then
    // the listener's connection is cut: on reconnecting it must find the event in the table.
    let report_id: i64 = sqlx::query_scalar("select id from reports where tracking_id = $1")
        .bind(&filed.tracking_id)
        .fetch_one(&db.pool)
        .await
        .expect("report");
    let silent: i64 = sqlx::query_scalar(
        "insert into report_events (report_id, at, kind, author_role, body) \
         values ($1, $2, 'message', 'pelapor', 'tanpa pemberitahuan') returning id",
    )
    .bind(report_id)
    .bind(NOW)
    .fetch_one(&db.pool)
    .await
    .expect("silent event");
    let cut: i64 = sqlx::query_scalar(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity \
         where datname = current_database() and query ilike 'listen%'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("terminate");
    assert_eq!(cut, 1, "the listener's connection was found and cut");
    let got = next(&mut rx).await;
    assert_eq!(got.id, silent);
    t.finish().await;
}

#[tokio::test]
async fn beyond_the_cap_a_stream_is_refused_and_those_open_keep_working() {
    use server::limits::{Limiters, Limits};
    use tower::ServiceExt;
    for t in engines().await {
        let db = &t.db;
        let limits = Limits {
            max_streams: 2,
            ..Limits::default()
        };
        let app = super::http::app_with(db.clone(), Limiters::new(&limits, Vec::new()));
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let mut input = report("Drainase tersumbat di Jl. Sutoyo");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        act(db, &coordinator, &filed.tracking_id, &action("verify"), NOW)
            .await
            .expect("verify");
        let uri = format!("/langsung?laporan={}", filed.tracking_id);
        let mut streams = Vec::new();
        for _ in 0..2 {
            let res = app
                .clone()
                .oneshot(open(&uri, &[]))
                .await
                .expect("response");
            assert_eq!(res.status(), axum::http::StatusCode::OK);
            streams.push(res.into_body());
        }

        // The third is refused cleanly, told when to come back, in the viewer's language.
        let plain = axum::http::Request::get(&uri)
            .header("cookie", "lang=en")
            .body(axum::body::Body::empty())
            .expect("request");
        let refused = app.clone().oneshot(plain).await.expect("response");
        assert_eq!(
            refused.status(),
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        );
        let retry: u64 = refused.headers()["retry-after"]
            .to_str()
            .expect("text")
            .parse()
            .expect("seconds");
        assert!((10..40).contains(&retry), "retry after {retry} s");
        let text = {
            use http_body_util::BodyExt;
            let bytes = refused
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        assert!(text.contains("The server is full"), "{text}");

        // The streams already open still carry every event.
        let mut seen = [String::new(), String::new()];
        let claim = app::reports::Claim {
            code: Some(&filed.access_code),
            account_id: None,
        };
        app::reports::add_citizen_message(
            db,
            &filed.tracking_id,
            claim,
            "Airnya sudah masuk ke rumah warga.",
            NOW + 60,
        )
        .await
        .expect("message");
        for (body, seen) in streams.iter_mut().zip(seen.iter_mut()) {
            read_until(body, seen, &filed.tracking_id).await;
        }

        // A page that closes gives its place back.
        streams.pop();
        let again = app
            .clone()
            .oneshot(open(&uri, &[]))
            .await
            .expect("response");
        assert_eq!(again.status(), axum::http::StatusCode::OK);
        t.finish().await;
    }
}
