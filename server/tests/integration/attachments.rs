//! Attachments, on every engine and both file stores: a photo's metadata (GPS included) is
//! gone from what is served and its orientation applied; files follow their report's privacy
//! through signed links; a file counts only once its report or message is stored; orphans are
//! swept. The S3-compatible store is a real server the test starts (moto).

use super::support::{NOW, SECRET, TODAY, by_code, count, engines, official, orgs, report};
use app::attachments::blobs::{BlobConfig, Blobs};
use app::attachments::{self, Audience, Incoming, LinkQuery};
use app::change::Store;
use app::error::AppError;
use app::lifecycle::Role;
use app::reports::{Claim, file_report, find_report};
use std::io::Cursor;

/// A JPEG of 40 × 20 pixels whose EXIF says: taken at 3°19′ S (GPS), to be shown turned a
/// quarter clockwise (orientation 6), by a camera with a serial number.
pub fn photo_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 20, |x, y| {
        image::Rgb([(x * 6) as u8, (y * 12) as u8, 90])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .expect("jpeg");
    let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    let entry = |tag: u16, kind: u16, n: u32, value: [u8; 4]| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend(kind.to_le_bytes());
        e.extend(n.to_le_bytes());
        e.extend(value);
        e
    };
    // IFD0 at 8: orientation, the GPS IFD's offset (38).
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, [6, 0, 0, 0]));
    tiff.extend(entry(0x8825, 4, 1, 38u32.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    // GPS IFD at 38: latitude reference S, latitude at 68.
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, *b"S\0\0\0"));
    tiff.extend(entry(0x0002, 5, 3, 68u32.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    for (num, den) in [(3u32, 1u32), (19, 1), (0, 1)] {
        tiff.extend(num.to_le_bytes());
        tiff.extend(den.to_le_bytes());
    }
    assert_eq!(tiff.len(), 92);
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// Whether `bytes` carry a GPS latitude, read with an EXIF reader.
pub fn has_gps(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
        .is_some_and(|e| {
            e.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                .is_some()
        })
}

fn upload(name: &str, bytes: Vec<u8>) -> Incoming {
    Incoming {
        name: name.into(),
        content_type: "image/jpeg".into(),
        bytes,
    }
}

async fn stage_one(db: &Store, file: Incoming) -> String {
    let (tokens, errors) = attachments::stage(db, &db.blobs, vec![file], NOW).await;
    assert!(errors.is_empty(), "{errors:?}");
    tokens.into_iter().next().expect("a token")
}

/// The query of a signed link.
fn query(url: &str) -> (i64, LinkQuery) {
    let (path, q) = url.split_once('?').expect("query");
    let id = path.trim_start_matches("/lampiran/").parse().expect("id");
    (id, serde_urlencoded::from_str(q).expect("link query"))
}

async fn fetch(db: &Store, url: &str, at: i64) -> Result<attachments::Served, AppError> {
    fetch_as(db, url, at, None).await
}

/// [`fetch`] by a signed-in official.
async fn fetch_as(
    db: &Store,
    url: &str,
    at: i64,
    staff: Option<&app::staff::Staff>,
) -> Result<attachments::Served, AppError> {
    let (id, q) = query(url);
    attachments::open(db, &db.blobs, SECRET, id, &q, at, staff).await
}

/// The report as `claim` sees it, its file links signed for `audience`.
async fn seen(
    db: &Store,
    tracking: &str,
    claim: Claim<'_>,
    audience: Audience,
) -> app::reports::ReportView {
    let mut view = find_report(db, tracking, claim).await.expect("view");
    app::reports::sign_files(&mut view, SECRET, audience, NOW);
    view
}

#[tokio::test]
async fn a_served_photo_keeps_no_metadata_and_stands_upright() {
    for t in engines().await {
        let db = &t.db;
        let original = photo_with_gps();
        assert!(has_gps(&original), "the fixture carries a GPS position");
        let token = stage_one(db, upload("IMG_0001.JPG", original)).await;
        let mut input = report("Jalan berlubang di depan sekolah");
        input.anonymous = Some("on".into());
        input.attachments = token.clone();
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let view = seen(db, &filed.tracking_id, by_code(&filed), Audience::Reporter).await;
        assert_eq!(view.attachments.len(), 1);
        let file = &view.attachments[0];
        assert_eq!(file.name, "IMG_0001.jpg");
        let served = fetch(db, &file.url, NOW).await.expect("served");
        assert_eq!(served.kind, attachments::FileKind::Photo);
        assert!(!has_gps(&served.bytes), "no GPS position in what is served");
        assert!(
            exif::Reader::new()
                .read_from_container(&mut Cursor::new(&served.bytes))
                .is_err(),
            "no EXIF at all"
        );
        let img = image::load_from_memory(&served.bytes).expect("a photo");
        assert_eq!(
            (img.width(), img.height()),
            (20, 40),
            "turned as the camera said"
        );
        let thumb = fetch(db, &file.thumb_url, NOW).await.expect("thumbnail");
        assert!(thumb.thumbnail && !has_gps(&thumb.bytes));
        // The same token cannot be attached twice.
        let mut again = report("Laporan kedua dengan lampiran yang sama");
        again.attachments = token;
        let refused = file_report(db, SECRET, &again, None, NOW, TODAY).await;
        assert!(
            matches!(&refused, Err(AppError::Invalid(e)) if e.iter().any(|f| f.key == "err.attach_expired")),
            "{refused:?}"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn files_follow_the_privacy_of_their_report_and_entry() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        // A confidential report's photo: never served on a public link.
        let mut secret = report("Pungli di kantor kelurahan");
        secret.confidential = Some("on".into());
        secret.target_org_id = o.banjarmasin.to_string();
        secret.attachments = stage_one(db, upload("bukti.jpg", photo_with_gps())).await;
        let hidden = file_report(db, SECRET, &secret, None, NOW, TODAY)
            .await
            .expect("filed");
        super::support::publish(db, &hidden.tracking_id, NOW + 60).await;
        let mine = seen(
            db,
            &hidden.tracking_id,
            by_code(&hidden),
            Audience::Reporter,
        )
        .await;
        let id = mine.attachments[0].id;
        let mut forged = mine.attachments.clone();
        attachments::sign(&mut forged, SECRET, Audience::Public, NOW);
        assert_eq!(
            fetch(db, &forged[0].url, NOW).await,
            Err(AppError::NotFound)
        );
        assert!(fetch(db, &mine.attachments[0].url, NOW).await.is_ok());
        // Tampered, expired, or for another file: not found.
        let url = &mine.attachments[0].url;
        let tampered = url.replace(
            &format!("/lampiran/{id}?"),
            &format!("/lampiran/{}?", id + 1),
        );
        assert_eq!(fetch(db, &tampered, NOW).await, Err(AppError::NotFound));
        let expired_at = NOW + 3 * attachments::LINK_SECS;
        assert_eq!(fetch(db, url, expired_at).await, Err(AppError::NotFound));
        assert_eq!(
            fetch(db, &url.replace("a=r", "a=s"), NOW).await,
            Err(AppError::NotFound),
            "the audience is signed"
        );

        // A public report: its file is public; an internal note's file is for officials only.
        let mut open = report("Lampu jalan mati di Jl. Sudirman");
        open.target_org_id = o.banjarmasin.to_string();
        open.attachments = stage_one(db, upload("lampu.jpg", photo_with_gps())).await;
        let filed = file_report(db, SECRET, &open, None, NOW, TODAY)
            .await
            .expect("filed");
        super::support::publish(db, &filed.tracking_id, NOW + 60).await;
        let coordinator = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let note = app::casework::StaffMessageInput {
            terakhir: String::new(),
            kunci: String::new(),
            body: "Foto lokasi dari petugas lapangan (internal).".into(),
            internal: Some("on".into()),
            attachments: stage_one(db, upload("internal.jpg", photo_with_gps())).await,
        };
        app::casework::add_staff_message(db, &coordinator, &filed.tracking_id, &note, NOW + 120)
            .await
            .expect("note");
        let public = seen(db, &filed.tracking_id, Claim::default(), Audience::Public).await;
        assert_eq!(public.attachments.len(), 1);
        assert!(fetch(db, &public.attachments[0].url, NOW).await.is_ok());
        let files_in_thread = |v: &app::reports::ReportView| {
            v.thread.iter().map(|e| e.attachments.len()).sum::<usize>()
        };
        assert_eq!(
            files_in_thread(&public),
            0,
            "the public never sees the note's file"
        );
        let reporter = seen(db, &filed.tracking_id, by_code(&filed), Audience::Reporter).await;
        assert_eq!(files_in_thread(&reporter), 0, "nor does the reporter");
        let mut case = app::casework::open_case(db, &coordinator, &filed.tracking_id, NOW)
            .await
            .expect("case");
        app::reports::sign_files(&mut case.report, SECRET, Audience::Staff, NOW);
        let internal: Vec<_> = case
            .report
            .thread
            .iter()
            .flat_map(|e| e.attachments.clone())
            .collect();
        assert_eq!(internal.len(), 1);
        assert!(
            fetch_as(db, &internal[0].url, NOW, Some(&coordinator))
                .await
                .is_ok()
        );
        // An officials' link opens nothing without an official in scope behind it.
        assert_eq!(
            fetch(db, &internal[0].url, NOW).await,
            Err(AppError::NotFound)
        );
        let elsewhere = official(db, Role::Coordinator, Some(o.samarinda)).await;
        assert_eq!(
            fetch_as(db, &internal[0].url, NOW, Some(&elsewhere)).await,
            Err(AppError::NotFound)
        );
        let mut leaked = internal.clone();
        attachments::sign(&mut leaked, SECRET, Audience::Reporter, NOW);
        assert_eq!(
            fetch(db, &leaked[0].url, NOW).await,
            Err(AppError::NotFound)
        );
        attachments::sign(&mut leaked, SECRET, Audience::Public, NOW);
        assert_eq!(
            fetch(db, &leaked[0].url, NOW).await,
            Err(AppError::NotFound)
        );

        // Made confidential later: its public links stop at once.
        let public_url = public.attachments[0].url.clone();
        app::casework::act(
            db,
            &coordinator,
            &filed.tracking_id,
            &app::casework::ActInput {
                confidential: Some("on".into()),
                ..super::support::action("tighten")
            },
            NOW + 180,
        )
        .await
        .expect("tightened");
        assert_eq!(fetch(db, &public_url, NOW).await, Err(AppError::NotFound));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_file_counts_only_once_its_report_is_stored() {
    for t in engines().await {
        let db = &t.db;
        let token = stage_one(db, upload("foto.jpg", photo_with_gps())).await;
        // A report with a mistake keeps the staged file for the next try.
        let mut input = report("x");
        input.attachments = token.clone();
        assert!(
            file_report(db, SECRET, &input, None, NOW, TODAY)
                .await
                .is_err()
        );
        assert_eq!(attachments::sweep(db, &db.blobs, NOW + 60).await, Ok(0));
        input.title = "Saluran air tersumbat di Gang Melati".into();
        file_report(db, SECRET, &input, None, NOW + 120, TODAY)
            .await
            .expect("filed");
        // One staged and abandoned: swept once old enough, its file gone from the store.
        let abandoned = stage_one(db, upload("lupa.jpg", photo_with_gps())).await;
        let key: String = sqlx::query_scalar("select file_key from attachments where token = $1")
            .bind(&abandoned)
            .fetch_one(&db.pool)
            .await
            .expect("staged");
        assert!(db.blobs.get(&key).await.is_ok());
        let later = NOW + attachments::ORPHAN_SECS + 1;
        assert_eq!(attachments::sweep(db, &db.blobs, later).await, Ok(1));
        assert!(db.blobs.get(&key).await.is_err(), "removed from the store");
        assert_eq!(
            count(db, "select count(*) from attachments").await,
            1,
            "the attached one stays"
        );
        // More than five files at once: the first five are staged, the rest named.
        let many = (0..7)
            .map(|i| upload(&format!("f{i}.jpg"), photo_with_gps()))
            .collect();
        let (tokens, errors) = attachments::stage(db, &db.blobs, many, NOW).await;
        assert_eq!(tokens.len(), 5);
        assert_eq!(errors[0].key, "err.attach_many");
        t.finish().await;
    }
}

/// A moto S3 server on a free port, stopped when dropped.
struct Moto {
    child: std::process::Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn moto() -> Moto {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let python = std::env::var("LAPOR_MOTO_PYTHON").unwrap_or_else(|_| "python3".into());
    let child = std::process::Command::new(python)
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("moto (pip install 'moto[server]'; .ci/tools installs it)");
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&url).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let created = client
        .put(format!("{url}/lapor-lampiran"))
        .send()
        .await
        .expect("create bucket");
    assert!(created.status().is_success(), "{}", created.status());
    Moto { child, url }
}

#[tokio::test]
async fn s3_compatible_storage_keeps_and_serves_the_same() {
    let server = moto().await;
    for t in engines().await {
        let blobs = Blobs::open(&BlobConfig::S3 {
            bucket: "lapor-lampiran".into(),
            endpoint: server.url.clone(),
            region: "us-east-1".into(),
            keys: Some(("testing".into(), "testing".into())),
        })
        .expect("s3");
        let db = &t.db.clone().with_blobs(blobs);
        let token = stage_one(db, upload("jalan.jpg", photo_with_gps())).await;
        let mut input = report("Foto jalan rusak disimpan di S3");
        input.attachments = token;
        let filed = file_report(db, SECRET, &input, None, NOW, TODAY)
            .await
            .expect("filed");
        let view = seen(db, &filed.tracking_id, by_code(&filed), Audience::Reporter).await;
        let served = fetch(db, &view.attachments[0].url, NOW)
            .await
            .expect("from S3");
        assert!(!has_gps(&served.bytes));
        assert_eq!(
            image::load_from_memory(&served.bytes)
                .expect("photo")
                .width(),
            20
        );
        // The object is in the bucket, under its key.
        let key: String = sqlx::query_scalar("select file_key from attachments limit 1")
            .fetch_one(&db.pool)
            .await
            .expect("key");
        // moto's own view of its buckets (its state endpoint) lists the object.
        let state = reqwest::get(format!("{}/moto-api/data.json", server.url))
            .await
            .expect("moto state")
            .text()
            .await
            .expect("text");
        assert!(state.contains(&key), "{key} not in the bucket");
        let abandoned = stage_one(db, upload("lupa.jpg", photo_with_gps())).await;
        let gone: String = sqlx::query_scalar("select file_key from attachments where token = $1")
            .bind(&abandoned)
            .fetch_one(&db.pool)
            .await
            .expect("key");
        assert_eq!(
            attachments::sweep(db, &db.blobs, NOW + attachments::ORPHAN_SECS + 1).await,
            Ok(1)
        );
        assert!(db.blobs.get(&gone).await.is_err());
        t.finish().await;
    }
}
