//! Open311 GeoReport v2 on every engine: every endpoint in JSON and XML, the API-key rules of
//! a POST, and the privacy rules (a confidential or unverified report is absent and its ID
//! answers 404, no reporter's identity is ever in an answer, an internal note never is).

use super::http::{Answer, app, form, get, send};
use super::staff_http::{get_as, sign_in};
use super::support::{
    SECRET, action, engines, official, official_with_password, orgs, publish, report,
};
use app::casework::{StaffMessageInput, act, add_staff_message};
use app::lifecycle::Role;
use app::reports::file_report;
use axum::Router;
use axum::http::StatusCode;

const BASE: &str = "/open311/v2";

fn json(res: &Answer) -> serde_json::Value {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

async fn get_json(app: &Router, path: &str) -> (StatusCode, serde_json::Value) {
    let res = send(app, get(&format!("{BASE}/{path}"))).await;
    assert!(
        res.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("application/json"),
        "{path}"
    );
    (res.status, json(&res))
}

async fn get_xml(app: &Router, path: &str) -> (StatusCode, String) {
    let res = send(app, get(&format!("{BASE}/{path}"))).await;
    assert!(
        res.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("text/xml"),
        "{path}"
    );
    assert!(
        res.body
            .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
    );
    (res.status, res.body)
}

fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|r| r["service_request_id"].as_str().expect("id").to_owned())
        .collect()
}

/// The reporter fixture's identity, which no answer may carry.
const IDENTITY: [&str; 3] = ["Siti Rahmah", "siti.rahmah@example.id", "3456 7890"];

#[tokio::test]
async fn every_endpoint_answers_in_json_and_xml_and_keeps_every_privacy_rule() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let app = app(&t);
        // A little in the past, so that every entry falls in the default window (up to now).
        let now = app::db::now() - 100;
        let today = &db.time_zone.date_at(now);
        let file = |title: &'static str, edit: fn(&mut app::reports::ReportInput)| {
            let mut input = report(title);
            input.target_org_id = o.pupr.to_string();
            edit(&mut input);
            async move {
                file_report(db, SECRET, &input, None, now, today)
                    .await
                    .expect("filed")
                    .tracking_id
            }
        };
        let public = file("Jembatan kayu di Sungai Miai patah", |_| {}).await;
        let anonymous = file("Lampu jalan Jl. Veteran padam", |i| {
            i.anonymous = Some("1".into())
        })
        .await;
        let secret = file("Pungutan liar di kantor kelurahan", |i| {
            i.confidential = Some("1".into())
        })
        .await;
        let unverified = file("Sampah menumpuk di Pasar Lama", |_| {}).await;
        for id in [&public, &anonymous, &secret] {
            publish(db, id, now + 1).await;
        }
        // The OPD answers in the public thread and leaves an internal note.
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let dispose = app::casework::ActInput {
            opd_id: o.pupr.to_string(),
            ..action("dispose")
        };
        act(db, &coordinator, &public, &dispose, now + 2)
            .await
            .expect("forwarded");
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        for (body, internal) in [
            ("Tim kami meninjau jembatan besok pagi.", None),
            (
                "Catatan internal: anggaran darurat habis.",
                Some("1".into()),
            ),
        ] {
            let message = StaffMessageInput {
                body: body.into(),
                internal,
                ..Default::default()
            };
            add_staff_message(db, &opd, &public, &message, now + 3)
                .await
                .expect("message");
        }

        // Discovery.
        let (status, d) = get_json(&app, "discovery.json").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            d["endpoints"][0]["specification"],
            "http://wiki.open311.org/GeoReport_v2"
        );
        assert_eq!(
            d["endpoints"][0]["formats"],
            serde_json::json!(["text/xml", "application/json"])
        );
        let (_, xml) = get_xml(&app, "discovery.xml").await;
        assert!(
            xml.contains("<discovery><changeset>")
                && xml.contains("<endpoints><endpoint><specification>")
                && xml.contains(
                    "<formats><format>text/xml</format><format>application/json</format></formats>"
                ),
            "{xml}"
        );

        // Services, per jurisdiction; an unknown one is 404.
        let (status, services) = get_json(&app, "services.json?jurisdiction_id=kalsel").await;
        assert_eq!(status, StatusCode::OK);
        let codes: Vec<&str> = services
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["service_code"].as_str().expect("code"))
            .collect();
        assert!(
            codes.contains(&"infrastruktur") && codes.len() == 9,
            "{codes:?}"
        );
        assert_eq!(services[0]["metadata"], true);
        let (_, xml) = get_xml(&app, "services.xml").await;
        assert!(xml.contains("<services><service><service_code>"), "{xml}");
        let (status, e) = get_json(&app, "services.json?jurisdiction_id=atlantis").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(e[0]["code"], 404);
        assert!(e[0]["description"].as_str().is_some());
        // A service's definition.
        let (status, def) = get_json(&app, "services/infrastruktur.json").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(def["service_code"], "infrastruktur");
        assert!(
            def["attributes"]
                .as_array()
                .expect("attributes")
                .iter()
                .any(|a| a["code"] == "anonim")
        );
        let (_, xml) = get_xml(&app, "services/infrastruktur.xml").await;
        assert!(xml.contains("<service_definition><service_code>infrastruktur</service_code><attributes><attribute><variable>true</variable>"), "{xml}");
        assert!(xml.contains("<values><value><key>pengaduan</key>"), "{xml}");
        assert_eq!(
            get_json(&app, "services/tidak-ada.json").await.0,
            StatusCode::NOT_FOUND
        );

        // Requests: only the verified, non-confidential ones.
        let (status, list) = get_json(&app, "requests.json").await;
        assert_eq!(status, StatusCode::OK);
        let listed = ids(&list);
        assert!(
            listed.contains(&public) && listed.contains(&anonymous),
            "{listed:?}"
        );
        assert!(
            !listed.contains(&secret) && !listed.contains(&unverified),
            "{listed:?}"
        );
        let text = list.to_string();
        for who in IDENTITY {
            assert!(!text.contains(who), "{who} leaked: {text}");
        }
        let (status, one) = get_json(&app, &format!("requests/{public}.json")).await;
        assert_eq!(status, StatusCode::OK);
        let r = &one[0];
        assert_eq!(r["service_request_id"], public.as_str());
        assert_eq!(r["status"], "open");
        // The OPD's first answer started the follow-up.
        assert_eq!(r["status_notes"], "Sedang Diproses");
        assert_eq!(r["service_code"], "infrastruktur");
        assert_eq!(r["agency_responsible"], "Dinas PUPR");
        assert!(
            r["description"]
                .as_str()
                .expect("text")
                .starts_with("Jembatan kayu")
        );
        assert_eq!(r["address"], "Jl. Ahmad Yani km 5");
        // Times in the report's zone (the deployment's WIB here), with the offset.
        for field in [
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
        ] {
            assert!(
                r[field].as_str().expect(field).ends_with("+07:00"),
                "{field}: {r}"
            );
        }
        for field in [
            "lat",
            "long",
            "media_url",
            "zipcode",
            "address_id",
            "service_notice",
        ] {
            assert!(r.get(field).is_some_and(|v| v.is_null()), "{field}: {r}");
        }
        // The same record in XML, every field an element (empty ones empty).
        let (_, xml) = get_xml(&app, &format!("requests/{public}.xml")).await;
        assert!(xml.contains(&format!("<service_requests><request><service_request_id>{public}</service_request_id><status>open</status>")), "{xml}");
        assert!(
            xml.contains(
                "<lat></lat><long></long><media_url></media_url></request></service_requests>"
            ),
            "{xml}"
        );
        // Confidential, unverified, unknown: all the same 404, in both formats.
        for id in [&secret, &unverified, &"ZZZZ-ZZZZ".to_owned()] {
            let (status, e) = get_json(&app, &format!("requests/{id}.json")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
            assert_eq!(e[0]["code"], 404);
            let (status, xml) = get_xml(&app, &format!("requests/{id}.xml")).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert!(
                xml.contains("<errors><error><code>404</code><description>"),
                "{xml}"
            );
        }
        let (_, by_id) = get_json(
            &app,
            &format!(
                "requests.json?service_request_id={},{secret}",
                public.to_lowercase()
            ),
        )
        .await;
        assert_eq!(ids(&by_id), vec![public.clone()]);

        // Filters.
        let (_, closed) = get_json(&app, "requests.json?status=closed").await;
        assert!(ids(&closed).is_empty());
        let (_, open) =
            get_json(&app, "requests.json?status=open&service_code=infrastruktur").await;
        assert_eq!(ids(&open).len(), 2);
        let (_, kaltim) = get_json(&app, "requests.json?jurisdiction_id=kaltim").await;
        assert!(ids(&kaltim).is_empty());
        let (_, kalsel) = get_json(&app, "requests.json?jurisdiction_id=kalsel").await;
        assert_eq!(ids(&kalsel).len(), 2);
        let (status, e) = get_json(
            &app,
            "requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            e[0]["description"]
                .as_str()
                .expect("why")
                .contains("90 days")
        );
        assert_eq!(
            get_json(&app, "requests.json?status=pending").await.0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            get_json(&app, "requests.json?service_code=tidak-ada")
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let (_, old) = get_json(&app, "requests.json?end_date=2020-01-01").await;
        assert!(ids(&old).is_empty());

        // Updates: the public thread, never the internal note nor a confidential report's.
        let (status, updates) = get_json(&app, "servicerequestupdates.json").await;
        assert_eq!(status, StatusCode::OK);
        let text = updates.to_string();
        assert!(
            text.contains("Tim kami meninjau jembatan besok pagi."),
            "{text}"
        );
        assert!(!text.contains("anggaran darurat"), "{text}");
        let of = |id: &str| {
            updates
                .as_array()
                .expect("list")
                .iter()
                .filter(|u| u["service_request_id"] == id)
                .count()
        };
        assert_eq!(of(&secret), 0);
        assert_eq!(of(&unverified), 0);
        let reply = updates
            .as_array()
            .expect("list")
            .iter()
            .find(|u| u["description"] == "Tim kami meninjau jembatan besok pagi.")
            .expect("the reply");
        assert_eq!(reply["service_request_id"], public.as_str());
        assert_eq!(reply["status"], "open");
        assert_eq!(reply["external_status_code"], "in_progress");
        assert!(reply["update_id"].as_str().is_some());
        let (_, xml) = get_xml(&app, "servicerequestupdates.xml").await;
        assert!(
            xml.contains("<service_request_updates><request_update><update_id>"),
            "{xml}"
        );
        assert!(!xml.contains("anggaran darurat"));

        // Tokens are never handed out; unknown names and formats are 404 too.
        assert_eq!(
            get_json(&app, "tokens/abc.json").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get_json(&app, "nothing.json").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            send(&app, get(&format!("{BASE}/requests.html")))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        t.finish().await;
    }
}

async fn post(app: &Router, format: &str, fields: &[(&str, &str)]) -> Answer {
    send(
        app,
        form(&format!("{BASE}/requests.{format}"), fields, None),
    )
    .await
}

#[tokio::test]
async fn a_post_needs_a_live_key_and_files_the_report_as_the_form_would() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let app = app(&t);
        let admin = official(db, Role::SystemAdmin, None).await;
        let input = app::api_keys::ApiKeyInput {
            name: "Aplikasi Banjarmasin Pintar".into(),
        };
        let now = app::db::now();
        let (key_id, key) = app::api_keys::issue(db, &input, admin.account_id, now)
            .await
            .expect("key");
        let (revoked_id, revoked) = app::api_keys::issue(db, &input, admin.account_id, now)
            .await
            .expect("key");
        app::api_keys::revoke(db, revoked_id, now)
            .await
            .expect("revoked");
        let fields = |key: &'static str| -> Vec<(&'static str, &'static str)> {
            vec![
                ("api_key", key),
                ("jurisdiction_id", "banjarmasin"),
                ("service_code", "infrastruktur"),
                ("lat", "-3.3194"),
                ("long", "114.5908"),
                ("address_string", "Jl. Sungai Miai Dalam"),
                (
                    "description",
                    "Jembatan kayu di Sungai Miai patah\nPapan jembatan penghubung RT 12 patah sejak Senin.",
                ),
                ("first_name", "Rahmat"),
                ("last_name", "Hidayat"),
                ("email", "rahmat@example.id"),
                ("phone", "081298765432"),
                ("attribute[anonim]", "ya"),
            ]
        };
        let key: &'static str = Box::leak(key.into_boxed_str());
        let revoked: &'static str = Box::leak(revoked.into_boxed_str());
        // No key, a wrong one, a revoked one: 403 in the error format, nothing filed.
        let before = super::support::count(db, "select count(*) from reports").await;
        for bad in ["", "lapor_0000", revoked] {
            let mut f = fields(bad);
            f.retain(|(k, v)| *k != "api_key" || !v.is_empty());
            let res = post(&app, "json", &f).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{bad}: {}", res.body);
            assert_eq!(json(&res)[0]["code"], 403);
        }
        let res = post(&app, "xml", &fields(revoked)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(
            res.body.contains("<errors><error><code>403</code>"),
            "{}",
            res.body
        );
        assert_eq!(
            super::support::count(db, "select count(*) from reports").await,
            before
        );

        // A good one is filed at once and answered with its ID.
        let res = post(&app, "json", &fields(key)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let created = json(&res);
        let id = created[0]["service_request_id"]
            .as_str()
            .expect("id")
            .to_owned();
        assert!(
            created[0]["service_notice"]
                .as_str()
                .is_some_and(|n| n.contains("diverifikasi"))
        );
        assert!(created[0].get("token").is_none());
        let stored: (
            String,
            Option<i64>,
            i64,
            Option<f64>,
            Option<f64>,
            Option<i64>,
        ) = sqlx::query_as(
            "select channel, api_key_id, anonymous, latitude, longitude, target_org_id \
             from reports where tracking_id = $1",
        )
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .expect("stored");
        assert_eq!(
            stored,
            (
                "api".into(),
                Some(key_id),
                1,
                Some(-3.3194),
                Some(114.5908),
                Some(o.banjarmasin)
            )
        );
        // Anonymous: no name, email or phone kept with the report; the email only as where
        // news goes, as on the form.
        let who: (String, String, String) = sqlx::query_as(
            "select p.name, p.email, p.phone from reporters p join reports r on r.id = p.report_id \
             where r.tracking_id = $1",
        )
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .expect("reporter");
        assert_eq!(who, (String::new(), String::new(), String::new()));
        assert_eq!(
            super::support::count(
                db,
                "select count(*) from subscriptions where address = 'rahmat@example.id'"
            )
            .await,
            1
        );
        // Not public before an official verified it.
        let (status, _) = get_json(&app, &format!("requests/{id}.json")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        publish(db, &id, now + 5).await;
        let (status, one) = get_json(&app, &format!("requests/{id}.json")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one[0]["lat"], -3.3194);
        assert_eq!(one[0]["long"], 114.5908);
        assert!(!one.to_string().contains("Rahmat"));

        // A retry with the client's key is the same report; without it, a new one.
        let mut retried = fields(key);
        retried.push(("attribute[kunci]", "retry-0001"));
        let first = json(&post(&app, "json", &retried).await)[0]["service_request_id"].clone();
        let second = post(&app, "json", &retried).await;
        assert_eq!(json(&second)[0]["service_request_id"], first);
        let xml = post(&app, "xml", &retried).await;
        assert!(
            xml.body.contains(&format!(
                "<service_request_id>{}</service_request_id>",
                first.as_str().expect("id")
            )),
            "{}",
            xml.body
        );

        // Bad requests: the specification's codes, every problem named, in Indonesian.
        let mut unknown = fields(key);
        unknown.retain(|(k, _)| *k != "service_code");
        unknown.push(("service_code", "tidak-ada"));
        assert_eq!(
            post(&app, "json", &unknown).await.status,
            StatusCode::NOT_FOUND
        );
        let mut nowhere = fields(key);
        nowhere.retain(|(k, _)| !["lat", "long", "address_string"].contains(k));
        assert_eq!(
            post(&app, "json", &nowhere).await.status,
            StatusCode::BAD_REQUEST
        );
        let mut short = fields(key);
        short.retain(|(k, _)| *k != "description");
        short.push(("description", "Rusak"));
        let res = post(&app, "json", &short).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        let problems = json(&res).to_string();
        assert!(
            problems.contains("description: ") && problems.contains("attribute[judul]: "),
            "{problems}"
        );
        let mut off_globe = fields(key);
        off_globe.retain(|(k, _)| *k != "lat");
        off_globe.push(("lat", "91"));
        let res = post(&app, "json", &off_globe).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("lat: Koordinat"), "{}", res.body);
        let mut nation = fields(key);
        nation.retain(|(k, _)| *k != "jurisdiction_id");
        nation.push(("jurisdiction_id", "atlantis"));
        assert_eq!(
            post(&app, "json", &nation).await.status,
            StatusCode::NOT_FOUND
        );
        // Markup is kept as text and written escaped.
        let mut markup = fields(key);
        markup.retain(|(k, _)| *k != "description");
        markup.push((
            "description",
            "<script>alert(1)</script> jembatan & jalan rusak parah di RT 12",
        ));
        markup.push(("attribute[judul]", "Jembatan <b>rusak</b> & berbahaya"));
        let res = post(&app, "json", &markup).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let marked = json(&res)[0]["service_request_id"]
            .as_str()
            .expect("id")
            .to_owned();
        publish(db, &marked, now + 6).await;
        let (_, xml) = get_xml(&app, &format!("requests/{marked}.xml")).await;
        assert!(
            xml.contains("Jembatan &lt;b&gt;rusak&lt;/b&gt; &amp; berbahaya"),
            "{xml}"
        );
        assert!(!xml.contains("<script>"));
        // A confidential report filed through the API stays out of it.
        let mut confidential = fields(key);
        confidential.push(("attribute[rahasia]", "ya"));
        let res = post(&app, "json", &confidential).await;
        let hidden = json(&res)[0]["service_request_id"]
            .as_str()
            .expect("id")
            .to_owned();
        publish(db, &hidden, now + 7).await;
        assert_eq!(
            get_json(&app, &format!("requests/{hidden}.json")).await.0,
            StatusCode::NOT_FOUND
        );
        // The admin sees what each key filed and when it was last used.
        let keys = app::api_keys::list(db).await.expect("keys");
        let used = keys.iter().find(|k| k.id == key_id).expect("key");
        assert!(used.last_used_at.is_some() && used.reports >= 4, "{used:?}");
        assert!(
            keys.iter()
                .find(|k| k.id == revoked_id)
                .expect("revoked")
                .revoked_at
                .is_some()
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn only_the_system_admin_issues_and_revokes_keys_and_a_key_is_shown_once() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let app = app(&t);
        official_with_password(db, "admin@lapor.example", Role::SystemAdmin, None).await;
        official_with_password(
            db,
            "koordinator@lapor.example",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let admin = sign_in(&app, "admin@lapor.example").await;
        let coordinator = sign_in(&app, "koordinator@lapor.example").await;
        // Another role is refused and nothing is issued.
        let res = send(
            &app,
            form(
                "/petugas/admin/kunci-api",
                &[("name", "Aplikasi A")],
                Some(&coordinator),
            ),
        )
        .await;
        assert_ne!(res.status, StatusCode::SEE_OTHER);
        assert!(app::api_keys::list(db).await.expect("keys").is_empty());
        // A name too short keeps what was typed and says why.
        let res = send(
            &app,
            form("/petugas/admin/kunci-api", &[("name", "A")], Some(&admin)),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("value=\"A\""), "{}", res.body);
        // Issued: the next page shows the key, the one after does not.
        let res = send(
            &app,
            form(
                "/petugas/admin/kunci-api",
                &[("name", "Aplikasi <Banjarmasin>")],
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = send(&app, get_as("/petugas/admin", &admin)).await.body;
        let start = page
            .find("data-testid=\"fresh-api-key\">")
            .expect("key shown")
            + 28;
        let key = &page[start..start + 70];
        assert!(key.starts_with("lapor_"), "{key}");
        assert!(page.contains("Aplikasi &lt;Banjarmasin&gt;"));
        assert!(
            app::api_keys::authenticate(db, key, app::db::now())
                .await
                .expect("auth")
                .is_some()
        );
        let again = send(&app, get_as("/petugas/admin", &admin)).await.body;
        assert!(!again.contains(key) && !again.contains("fresh-api-key"));
        // Revoked by the admin only; then refused by the API.
        let id = app::api_keys::list(db).await.expect("keys")[0].id;
        let path = format!("/petugas/admin/kunci-api/{id}/cabut");
        send(&app, form(&path, &[], Some(&coordinator))).await;
        assert!(
            app::api_keys::authenticate(db, key, app::db::now())
                .await
                .expect("auth")
                .is_some()
        );
        let res = send(&app, form(&path, &[], Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(
            app::api_keys::authenticate(db, key, app::db::now())
                .await
                .expect("auth")
                .is_none()
        );
        // Both are in the audit log.
        assert_eq!(
            super::support::count(db, "select count(*) from audit_log where action in ('api_key_issued', 'api_key_revoked')").await,
            2
        );
        t.finish().await;
    }
}
