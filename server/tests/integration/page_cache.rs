//! The page cache on every engine: an anonymous visitor's public pages are served from it,
//! never a private variant, and never a page from before a change once a stream heard of it.

use super::http::{Answer, app, get, send};
use super::support::{NOW, SECRET, TODAY, action, engines, official, orgs, report};
use app::casework::act;
use app::lifecycle::Role;
use app::reports::{Claim, add_citizen_message, file_report};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

fn cache(res: &Answer) -> &str {
    res.headers
        .get("x-lapor-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn public_pages_are_kept_until_a_change_and_private_ones_never() {
    use tower::ServiceExt;
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let mut input = report("Pohon tumbang menutup Jl. Kinibalu");
        input.target_org_id = o.banjarmasin.to_string();
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let page = format!("/laporan/{}", filed.tracking_id);

        // Not yet verified: not public, and a 404 is never kept.
        let hidden = send(&app, get(&page)).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        assert_eq!(cache(&hidden), "");
        act(db, &coordinator, &filed.tracking_id, &action("verify"), NOW)
            .await
            .expect("verify");

        let first = send(&app, get(&page)).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(cache(&first), "miss");
        let second = send(&app, get(&page)).await;
        assert_eq!(cache(&second), "hit");
        assert_eq!(second.body, first.body, "the same page");
        assert!(second.headers.contains_key("content-security-policy"));
        // Each language is its own page.
        let english = send(&app, with_cookie(&page, "lang=en")).await;
        assert_eq!(cache(&english), "miss");
        assert!(english.body.contains("lang=\"en\""));
        assert_eq!(
            cache(&send(&app, with_cookie(&page, "lang=en")).await),
            "hit"
        );

        // The reporter's page (its code), a signed-in visitor's and a notice's are never kept.
        let own = format!("{page}?kode={}", filed.access_code);
        for private in [
            get(&own),
            get(&own),
            with_cookie(&page, "lapor_session=abc"),
            get(&format!("{page}?terkirim=1")),
        ] {
            let res = send(&app, private).await;
            assert_eq!(cache(&res), "", "{}", res.status);
        }

        // A message: the stream that tells of it sends the browser to fetch the page again,
        // and the page it gets has the message (on PostgreSQL the event comes back through
        // the listener; the page's version moves on before the stream hears of it).
        let stream = app
            .clone()
            .oneshot(get(&format!("/langsung?laporan={}", filed.tracking_id)))
            .await
            .expect("stream");
        let mut stream = stream.into_body();
        let claim = Claim {
            code: Some(&filed.access_code),
            account_id: None,
        };
        add_citizen_message(
            db,
            &filed.tracking_id,
            claim,
            "Sudah dua hari belum diangkut.",
            NOW + 60,
        )
        .await
        .expect("message");
        let mut seen = String::new();
        super::live::read_until(&mut stream, &mut seen, "event: laporan").await;
        let after = send(&app, get(&page)).await;
        assert_eq!(cache(&after), "miss");
        assert!(after.body.contains("Sudah dua hari belum diangkut."));

        // The listing is kept too, per filter.
        let listing = send(&app, get("/laporan?hal=1")).await;
        assert_eq!((listing.status, cache(&listing)), (StatusCode::OK, "miss"));
        assert_eq!(cache(&send(&app, get("/laporan?hal=1")).await), "hit");
        assert_eq!(cache(&send(&app, get("/laporan")).await), "miss");
        t.finish().await;
    }
}
