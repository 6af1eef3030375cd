//! Attachments over HTTP, on every engine, as a browser without JavaScript sends them (the
//! hydrated report form sends the same multipart form when files are chosen): with a report,
//! with the reporter's and an official's replies, refused files, a 50 MB upload, and the
//! headers files are served with.

use super::attachments::{has_gps, photo_with_gps};
use super::http::{app, location, send};
use super::staff_http::{get_as, sign_in};
use super::support::{count, engines, official_with_password, orgs};
use app::lifecycle::Role;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// A multipart form whose files `(name, type, bytes)` are in the field `lampiran`.
fn multipart(
    uri: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>)],
    cookie: Option<&str>,
) -> Request<Body> {
    let files: Vec<(&str, &str, &str, Vec<u8>)> = files
        .iter()
        .map(|(name, kind, bytes)| ("lampiran", *name, *kind, bytes.clone()))
        .collect();
    super::http::multipart(uri, fields, &files, cookie)
}

fn report_fields<'a>(key: &'a str, title: &'a str, agency: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("submission_key", key),
        ("kind", "pengaduan"),
        ("title", title),
        (
            "body",
            "Jalan di depan sekolah berlubang besar dan membahayakan anak-anak yang lewat.",
        ),
        ("category_id", "3"),
        ("target_org_id", agency),
        ("name", "Siti Rahmah"),
        ("email", "siti@example.id"),
        // The form's advice was shown (the advice itself: duplicates.rs, completeness.rs).
        ("mirip", "1"),
    ]
}

/// The links to files (`/lampiran/…`) in a page, in order, HTML entities undone.
fn file_links(html: &str) -> Vec<String> {
    html.match_indices("\"/lampiran/")
        .map(|(i, _)| {
            let rest = &html[i + 1..];
            rest[..rest.find('"').expect("end")].replace("&amp;", "&")
        })
        .collect()
}

#[tokio::test]
async fn a_photo_goes_with_the_report_and_is_served_harmless() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let key = app::secrets::new_submission_key();
        let agency = o.banjarmasin.to_string();
        let fields = report_fields(&key, "Jalan berlubang di depan SD 3", &agency);
        let res = send(
            &app,
            multipart(
                "/lapor",
                &fields,
                &[("IMG_0001.JPG", "image/jpeg", photo_with_gps())],
                None,
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = send(&app, get_as(&location(&res), "")).await;
        let links = file_links(&page.body);
        assert_eq!(
            links.len(),
            2,
            "the full photo and its thumbnail: {links:?}"
        );
        let file = send(&app, get_as(&links[0], "")).await;
        assert_eq!(file.status, StatusCode::OK);
        let h = &file.headers;
        assert_eq!(h[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(
            h[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .expect("csp")
                .contains("sandbox")
        );
        let raw = raw_body(&app, get_as(&links[0], "")).await;
        assert!(!has_gps(&raw), "no GPS in the served photo");
        // Before verification, the public has no link; a forged public one finds nothing.
        let public = links[0].replace("a=r", "a=p");
        assert_eq!(
            send(&app, get_as(&public, "")).await.status,
            StatusCode::NOT_FOUND
        );
        t.finish().await;
    }
}

/// Sends a request and returns the raw body bytes.
async fn raw_body(app: &axum::Router, req: Request<Body>) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = app.clone().oneshot(req).await.expect("response");
    res.into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

#[tokio::test]
async fn a_refused_file_comes_back_with_everything_typed_and_the_good_files_kept() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let key = app::secrets::new_submission_key();
        let agency = o.banjarmasin.to_string();
        let fields = report_fields(&key, "Drainase tersumbat di Gang Melati", &agency);
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 This program cannot be run".to_vec();
        let res = send(
            &app,
            multipart(
                "/lapor",
                &fields,
                &[
                    ("surat.pdf", "application/pdf", exe),
                    ("foto.jpg", "image/jpeg", photo_with_gps()),
                ],
                None,
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("Isi berkas tidak sesuai dengan namanya"),
            "{}",
            res.body
        );
        assert!(
            res.body.contains("Drainase tersumbat di Gang Melati"),
            "typed title kept"
        );
        assert!(res.body.contains("1 berkas sudah terlampir"));
        assert_eq!(count(db, "select count(*) from reports").await, 0);
        let kept = app::attachments::tokens(
            res.body
                .split("name=\"attachments\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("the kept tokens"),
        );
        assert_eq!(kept.len(), 1);
        // Sent again, without choosing the file again: filed with it.
        let mut again = fields.clone();
        let kept_text = kept.join(",");
        again.push(("attachments", &kept_text));
        let res = send(&app, multipart("/lapor", &again, &[], None)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(
            count(
                db,
                "select count(*) from attachments where report_id is not null"
            )
            .await,
            1
        );

        // 50 MB: refused once 12 MB are read, with a clear message, nothing filed.
        let key2 = app::secrets::new_submission_key();
        let big_fields = report_fields(&key2, "Laporan dengan video sangat besar", &agency);
        let res = send(
            &app,
            multipart(
                "/lapor",
                &big_fields,
                &[("video.jpg", "image/jpeg", vec![0xFF; 50 << 20])],
                None,
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Berkas terlalu besar"), "{}", res.body);
        assert_eq!(count(db, "select count(*) from reports").await, 1);
        t.finish().await;
    }
}

#[tokio::test]
async fn replies_carry_files_and_an_internal_notes_files_stay_inside() {
    for t in engines().await {
        let db = &t.db;
        let app = app(&t);
        let o = orgs(db).await;
        let key = app::secrets::new_submission_key();
        let agency = o.banjarmasin.to_string();
        let res = send(
            &app,
            multipart(
                "/lapor",
                &report_fields(&key, "Sampah menumpuk di pasar", &agency),
                &[],
                None,
            ),
        )
        .await;
        let private = location(&res);
        let tracking = private
            .trim_start_matches("/laporan/")
            .split('?')
            .next()
            .expect("id")
            .to_owned();
        let code = app::secrets::access_code(super::support::SECRET, &key);
        let reply = send(
            &app,
            multipart(
                &format!("/laporan/{tracking}/pesan"),
                &[("kode", &code), ("body", "Ini fotonya pagi tadi.")],
                &[("pagi.jpg", "image/jpeg", photo_with_gps())],
                None,
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        official_with_password(
            db,
            "induk@bjm.go.id",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let cookie = sign_in(&app, "induk@bjm.go.id").await;
        let note = send(
            &app,
            multipart(
                &format!("/petugas/laporan/{tracking}/pesan"),
                &[
                    ("body", "Foto petugas lapangan, internal."),
                    ("internal", "on"),
                ],
                &[("lapangan.png", "image/png", png())],
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.body);
        let case = send(
            &app,
            get_as(&format!("/petugas/laporan/{tracking}"), &cookie),
        )
        .await;
        assert_eq!(
            file_links(&case.body).len(),
            4,
            "the official sees both photos"
        );
        let mine = send(&app, get_as(&private, "")).await;
        let links = file_links(&mine.body);
        assert_eq!(links.len(), 2, "the reporter sees their own photo only");
        assert!(send(&app, get_as(&links[0], "")).await.status.is_success());
        t.finish().await;
    }
}

fn png() -> Vec<u8> {
    let img = image::DynamicImage::new_rgb8(30, 30);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}
