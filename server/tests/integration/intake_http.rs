//! The intake pages over HTTP, on every engine, as a browser without JavaScript uses them:
//! the walk-in form and its receipt, the backlog upload (multipart), its preview, the
//! confirmation and the result, and what comes back for a file that is no backlog.

use super::http::{Answer, app, form, get, location, send};
use super::staff_http::{get_as, sign_in};
use super::support::{SECRET, count, engines, official_with_password, orgs};
use app::lifecycle::Role;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// The backlog upload form with `bytes` in its field `field`.
fn upload(cookie: &str, field: &str, file_name: &str, bytes: &[u8]) -> Request<Body> {
    super::http::multipart(
        "/petugas/impor",
        &[],
        &[(field, file_name, "text/csv", bytes.to_vec())],
        Some(cookie),
    )
}

async fn page(app: &Router, uri: &str, cookie: &str) -> Answer {
    send(app, get_as(uri, cookie)).await
}

#[tokio::test]
async fn a_walk_in_typed_without_javascript_gets_a_printable_receipt() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        official_with_password(
            db,
            "loket@bjm.go.id",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let cookie = sign_in(&app, "loket@bjm.go.id").await;
        let form_page = page(&app, "/petugas/catat", &cookie).await;
        assert_eq!(form_page.status, StatusCode::OK);
        assert!(form_page.body.contains("name=\"received_date\""));
        assert!(
            form_page.body.contains("href=\"/petugas/catat\""),
            "in the menu"
        );

        let key = app::secrets::new_submission_key();
        let category = "3".to_owned();
        let markup = "Lampu mati </textarea><b id=\"x\">tebal</b>";
        let mut fields = vec![
            ("submission_key", key.as_str()),
            ("channel", "phone"),
            ("received_date", "2026-11-23"),
            ("received_time", "08:00"),
            ("kind", "pengaduan"),
            ("title", "x"),
            ("body", markup),
            ("category_id", category.as_str()),
            ("name", "Ibu Sari"),
            ("phone", "0812 5555 6666"),
        ];
        // Mistakes come back with everything typed, markup as text.
        let wrong = send(&app, form("/petugas/catat", &fields, Some(&cookie))).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("Ibu Sari"));
        assert!(!wrong.body.contains("<b id=\"x\">"), "markup stays text");
        assert!(wrong.body.contains("&lt;b id="));
        assert_eq!(count(db, "select count(*) from reports").await, 0);

        fields[5] = ("title", "Lampu jalan mati di Gang Mawar");
        fields[6] = (
            "body",
            "Ibu Sari menelepon: lampu jalan di gang mati sejak sebulan, gelap.",
        );
        let done = send(&app, form("/petugas/catat", &fields, Some(&cookie))).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let target = location(&done);
        assert!(target.starts_with("/petugas/catat/"), "{target}");
        let tracking = target.trim_start_matches("/petugas/catat/").to_owned();
        let receipt = page(&app, &target, &cookie).await;
        assert_eq!(receipt.status, StatusCode::OK);
        assert!(receipt.body.contains(&tracking));
        assert!(
            receipt
                .body
                .contains(&app::secrets::access_code(SECRET, &key))
        );
        assert!(receipt.body.contains("SMS"), "the receipt also goes by SMS");
        let channel: String =
            sqlx::query_scalar("select channel from reports where tracking_id = $1")
                .bind(&tracking)
                .fetch_one(&db.pool)
                .await
                .expect("channel");
        assert_eq!(channel, "phone");

        // Signed out: the form is behind the sign-in; a citizen's session has no receipt.
        let out = send(
            &app,
            Request::get("/petugas/catat")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert!(out.status.is_redirection(), "{}", out.status);
        assert!(location(&out).starts_with("/masuk"));
        let mut again = fields.clone();
        let fresh_key = app::secrets::new_submission_key();
        again[0] = ("submission_key", fresh_key.as_str());
        let signed_out = send(&app, form("/petugas/catat", &again, None)).await;
        assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
        assert!(signed_out.body.contains("action=\"/masuk\""));
        assert_eq!(count(db, "select count(*) from reports").await, 1);
        t.finish().await;
    }
}

/// Two good rows and one naming an agency that does not exist.
fn backlog() -> String {
    "diterima_pada;jenis;judul;isi;kategori;instansi;nama\n\
     02/11/2026 08:30;pengaduan;Jembatan Sungai Miai retak;Ditampung saat sistem mati: jembatan retak dan bergoyang.;infrastruktur;bjm-pupr;Warga Satu\n\
     03/11/2026 09:45;aspirasi;Perpanjangan jam layanan puskesmas;Mohon jam layanan puskesmas diperpanjang sampai sore hari.;kesehatan;;Warga Dua\n\
     04/11/2026 10:00;pengaduan;Sampah menumpuk di pasar lama;Sampah menumpuk di pasar lama sejak seminggu dan berbau.;lingkungan_hidup;Dinas Fiktif;Warga Tiga\n"
        .to_owned()
}

#[tokio::test]
async fn a_backlog_file_is_uploaded_previewed_and_imported_without_javascript() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        official_with_password(
            db,
            "impor@bjm.go.id",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let cookie = sign_in(&app, "impor@bjm.go.id").await;
        let template = send(&app, get("/petugas/impor/templat.csv")).await;
        assert_eq!(template.status, StatusCode::OK);
        assert!(
            template.headers[header::CONTENT_TYPE]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        assert!(
            template
                .body
                .starts_with("\u{feff}diterima_pada,jenis,judul,isi,kategori")
        );

        let uploaded = send(
            &app,
            upload(&cookie, "file", "tertunda.csv", backlog().as_bytes()),
        )
        .await;
        assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
        let preview_path = location(&uploaded);
        let preview = page(&app, &preview_path, &cookie).await;
        assert_eq!(preview.status, StatusCode::OK);
        assert!(preview.body.contains("tertunda.csv"));
        assert!(
            preview.body.contains("Instansi tidak dikenal"),
            "{}",
            preview.body
        );
        assert!(preview.body.contains("Impor 2 laporan"));
        assert_eq!(count(db, "select count(*) from reports").await, 0);

        // Another government's coordinator: no such import.
        official_with_password(db, "impor@smd.go.id", Role::Coordinator, Some(o.samarinda)).await;
        let other = sign_in(&app, "impor@smd.go.id").await;
        assert_eq!(
            page(&app, &preview_path, &other).await.status,
            StatusCode::NOT_FOUND
        );
        let start = format!("{preview_path}/mulai");
        let refused = send(&app, form(&start, &[], Some(&other))).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);

        let started = send(&app, form(&start, &[], Some(&cookie))).await;
        assert_eq!(started.status, StatusCode::SEE_OTHER);
        assert_eq!(location(&started), format!("{preview_path}?mulai=1"));
        // The rows are imported in the background; the page follows its progress.
        let mut body = String::new();
        for _ in 0..200 {
            body = page(&app, &format!("{preview_path}?mulai=1"), &cookie)
                .await
                .body;
            if body.contains("Impor selesai") {
                break;
            }
            assert!(
                body.contains("http-equiv=\"refresh\"") && body.contains("<progress"),
                "{body}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(body.contains("Impor selesai: 2 laporan baru"), "{body}");
        let ids: Vec<String> =
            sqlx::query_scalar("select tracking_id from reports order by received_at")
                .fetch_all(&db.pool)
                .await
                .expect("ids");
        assert_eq!(ids.len(), 2);
        assert!(ids.iter().all(|id| body.contains(id.as_str())));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_file_that_is_no_backlog_comes_back_with_what_is_wrong() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        official_with_password(
            db,
            "salah@bjm.go.id",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let cookie = sign_in(&app, "salah@bjm.go.id").await;
        let cases: Vec<(Vec<u8>, &str, &str)> = vec![
            (b"judul\xe9;isi\n".to_vec(), "file", "CSV UTF-8"),
            (
                b"judul,isi\nJalan,Rusak\n".to_vec(),
                "file",
                "Kolom wajib tidak ada",
            ),
            (backlog().into_bytes(), "lain", "Pilih berkas CSV"),
            // 50 MB: refused once the first 16 MB are read, not stored, not a crash.
            (vec![b'a'; 50 << 20], "file", "terlalu besar"),
        ];
        for (bytes, field, message) in cases {
            let res = send(&app, upload(&cookie, field, "x.csv", &bytes)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
            assert!(res.body.contains(message), "{message}: {}", res.body);
            assert!(
                res.body.contains("enctype=\"multipart/form-data\""),
                "the form again"
            );
        }
        assert_eq!(count(db, "select count(*) from imports").await, 0);
        // Signed out, the upload goes to the sign-in.
        let res = send(
            &app,
            Request::post("/petugas/impor")
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .body(Body::from("x"))
                .expect("request"),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/masuk"));
        t.finish().await;
    }
}
