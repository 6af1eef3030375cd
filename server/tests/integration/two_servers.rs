//! Two server processes sharing one PostgreSQL: an event produced through one reaches the
//! live streams held by the other, and only the streams that may know of it.

use super::processes::{request, start, subscribe};
use super::support::{
    NOW, SECRET, STAFF_PASSWORD, TODAY, official_with_password, orgs, postgres, report,
};
use app::lifecycle::Role;
use std::time::Duration;

/// Signs in through a server and returns the session cookie.
async fn sign_in(port: u16, email: &str) -> String {
    let form = serde_urlencoded::to_string([("email", email), ("password", STAFF_PASSWORD)])
        .expect("form");
    let (status, head, _) = request(
        port,
        "POST /masuk HTTP/1.1",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form,
    )
    .await
    .expect("login");
    assert_eq!(status, 303, "login {email}");
    head.lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned()
}

#[tokio::test]
async fn an_event_made_on_one_server_reaches_the_streams_of_another() {
    // The suite runs on PostgreSQL whenever it is configured (always in CI); several servers
    // on one SQLite file is not a supported deployment.
    let Some(t) = postgres().await else { return };
    let db = &t.db;
    let o = orgs(db).await;
    official_with_password(db, "induk@x.id", Role::Coordinator, Some(o.banjarmasin)).await;
    official_with_password(db, "dinkes@x.id", Role::OpdAdmin, Some(o.dinkes)).await;
    let mut input = report("Banjir rob di Jl. Sutoyo S");
    input.target_org_id = o.banjarmasin.to_string();
    let filed = app::reports::file_report(db, SECRET, &input, None, NOW, TODAY)
        .await
        .expect("filed");

    let a = start(&t.url).await;
    let b = start(&t.url).await;
    let mut public = subscribe(
        a.port,
        &format!("/langsung?laporan={}", filed.tracking_id),
        None,
    )
    .await;
    let dinkes = sign_in(a.port, "dinkes@x.id").await;
    let mut outsider = subscribe(a.port, "/langsung", Some(&dinkes)).await;

    let induk = sign_in(b.port, "induk@x.id").await;
    let (status, _, _) = request(
        b.port,
        &format!("POST /petugas/laporan/{}/aksi HTTP/1.1", filed.tracking_id),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &induk),
        ],
        "action=verify",
    )
    .await
    .expect("verify through b");
    assert_eq!(status, 303);

    assert!(
        public
            .receives(&filed.tracking_id, Duration::from_secs(10))
            .await,
        "the viewer on server a learns of the change made on server b"
    );
    assert!(
        !outsider
            .receives(&filed.tracking_id, Duration::from_secs(2))
            .await,
        "an OPD outside the report's scope receives nothing"
    );
    drop((a, b));
    t.finish().await;
}
