//! Open311 clients someone else wrote, unmodified, against a real `lapor` process: civicbot
//! (PyPI) lists the services, reads the service definition, posts a request with an API key
//! and reads it back with its updates after an official replied; georeport (PyPI) reads the
//! same in XML. The driver is `tests/support/open311_client.py`.

use super::processes::start;
use super::support::{engines, official, orgs, verify_and_forward};
use app::casework::{StaffMessageInput, add_staff_message};
use app::lifecycle::Role;
use std::process::Command;

fn client(args: &[&str]) -> serde_json::Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/open311_client.py"
    );
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs (civicbot and georeport come from .ci/tools)");
    assert!(
        out.status.success(),
        "open311_client.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test]
async fn third_party_clients_post_a_request_and_read_it_and_its_updates_back() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let admin = official(db, Role::SystemAdmin, None).await;
        let input = app::api_keys::ApiKeyInput {
            name: "civicbot".into(),
        };
        let (_, key) = app::api_keys::issue(db, &input, admin.account_id, app::db::now())
            .await
            .expect("key");
        let server = start(&t.url).await;
        let base = format!("http://127.0.0.1:{}/open311/v2", server.port);

        let posted = client(&["post", &base, &key, "infrastruktur"]);
        let services = posted["services"].as_array().expect("services");
        assert!(
            services
                .iter()
                .any(|s| s["service_code"] == "infrastruktur")
        );
        let id = posted["id"].as_str().expect("an id").to_owned();
        assert!(
            posted["notice"]
                .as_str()
                .is_some_and(|n| n.contains("diverifikasi"))
        );

        // The coordinator verifies and forwards; the OPD answers, and notes something inside.
        let now = app::db::now();
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        verify_and_forward(db, &coordinator, &id, o.pupr, now).await;
        let opd = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        for (body, internal) in [
            ("Jembatan diperbaiki minggu ini oleh tim PUPR.", None),
            (
                "Catatan internal: pakai kayu ulin sisa proyek.",
                Some("1".into()),
            ),
        ] {
            let message = StaffMessageInput {
                body: body.into(),
                internal,
                ..Default::default()
            };
            add_staff_message(db, &opd, &id, &message, now + 2)
                .await
                .expect("message");
        }

        let read = client(&["read", &base, &id, "infrastruktur"]);
        let request = &read["request"];
        assert_eq!(request["service_request_id"], id.as_str());
        assert_eq!(request["status"], "open");
        assert_eq!(request["agency_responsible"], "Dinas PUPR");
        assert_eq!(request["lat"], -3.3194);
        assert!(
            request["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Jembatan kayu di Sungai Miai patah"))
        );
        // Anonymous: the name the client sent is nowhere.
        assert!(!read.to_string().contains("Rahmat"), "{read}");
        assert!(
            read["listed"]
                .as_array()
                .expect("list")
                .contains(&id.as_str().into())
        );
        let updates = read["updates"].as_array().expect("updates");
        assert!(
            updates
                .iter()
                .any(|u| u["service_request_id"] == id.as_str()
                    && u["description"] == "Jembatan diperbaiki minggu ini oleh tim PUPR."),
            "{updates:?}"
        );
        assert!(!read.to_string().contains("kayu ulin"));
        // georeport read the XML: the same request, values as text.
        assert_eq!(read["xml_request"]["service_request_id"], id.as_str());
        assert_eq!(read["xml_request"]["status"], "open");
        assert_eq!(read["xml_request"]["lat"], "-3.3194");
        let xml_services = read["xml_services"].as_array().expect("services");
        assert_eq!(xml_services.len(), services.len());
        assert_eq!(read["xml_definition"]["service_code"], "infrastruktur");
        drop(server);
        t.finish().await;
    }
}
