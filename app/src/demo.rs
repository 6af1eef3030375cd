//! Demo data: the organisations of DOMAIN.md, a demo citizen and a few reports, loaded only
//! when the server is started with `--demo`. A production start never creates accounts.

use crate::accounts::{RegisterInput, register};
use crate::db::Db;
use crate::lifecycle::Role;
use crate::orgs::{OrgKind, create_org};
use crate::reports::{ReportInput, file_report};
use anyhow::Context;

/// The categories every deployment starts with (DOMAIN.md, "frequent categories").
pub const DEFAULT_CATEGORIES: [(&str, &str, &str); 9] = [
    ("fasilitas_umum", "Fasilitas Umum", "Public facilities"),
    ("perhubungan", "Perhubungan", "Transport"),
    ("infrastruktur", "Infrastruktur", "Infrastructure"),
    ("lingkungan_hidup", "Lingkungan Hidup", "Environment"),
    ("pendidikan", "Pendidikan", "Education"),
    ("kesehatan", "Kesehatan", "Health"),
    ("kependudukan", "Kependudukan", "Civil registration"),
    (
        "kinerja_asn",
        "Kinerja ASN / Pelayanan Publik",
        "Civil servants / public service",
    ),
    ("lainnya", "Lainnya", "Other"),
];

/// Adds the default categories when there are none yet.
pub async fn ensure_default_categories(db: &Db) -> anyhow::Result<()> {
    let n: i64 = sqlx::query_scalar("select count(*) from categories")
        .fetch_one(&db.pool)
        .await?;
    if n == 0 {
        for (code, id, en) in DEFAULT_CATEGORIES {
            crate::orgs::create_category(db, code, id, en)
                .await
                .context("create category")?;
        }
    }
    Ok(())
}

const OPDS: [(&str, &str); 7] = [
    ("disdik", "Dinas Pendidikan"),
    ("dinkes", "Dinas Kesehatan"),
    ("pupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("dishub", "Dinas Perhubungan"),
    ("dlh", "Dinas Lingkungan Hidup"),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("diskominfo", "Dinas Komunikasi dan Informatika"),
];

/// A province: code, name and its regencies and cities.
type Province = (
    &'static str,
    &'static str,
    &'static [(&'static str, OrgKind, &'static str)],
);

const REGIONS: [Province; 2] = [
    (
        "kalsel",
        "Provinsi Kalimantan Selatan",
        &[
            ("banjarmasin", OrgKind::City, "Kota Banjarmasin"),
            ("banjarbaru", OrgKind::City, "Kota Banjarbaru"),
            ("hss", OrgKind::Regency, "Kabupaten Hulu Sungai Selatan"),
            ("tabalong", OrgKind::Regency, "Kabupaten Tabalong"),
            ("kotabaru", OrgKind::Regency, "Kabupaten Kotabaru"),
        ],
    ),
    (
        "kaltim",
        "Provinsi Kalimantan Timur",
        &[
            ("samarinda", OrgKind::City, "Kota Samarinda"),
            ("kukar", OrgKind::Regency, "Kabupaten Kutai Kartanegara"),
            ("kutim", OrgKind::Regency, "Kabupaten Kutai Timur"),
            ("mahulu", OrgKind::Regency, "Kabupaten Mahakam Ulu"),
        ],
    ),
];

/// The demo citizen's credentials, printed at start so a tester can sign in.
pub const DEMO_EMAIL: &str = "warga@demo.lapor.id";
pub const DEMO_PASSWORD: &str = "demo-lapor-2026";

/// Demo officials (email, name, role, organisation code; empty for none), all with
/// [`DEMO_PASSWORD`].
pub const DEMO_STAFF: [(&str, &str, Role, &str); 8] = [
    (
        "nasional@demo.lapor.id",
        "Admin Nasional",
        Role::NationalAdmin,
        "id",
    ),
    (
        "induk.banjarmasin@demo.lapor.id",
        "Admin Induk Banjarmasin",
        Role::Coordinator,
        "banjarmasin",
    ),
    (
        "pupr.banjarmasin@demo.lapor.id",
        "Admin Dinas PUPR Banjarmasin",
        Role::OpdAdmin,
        "banjarmasin-pupr",
    ),
    // A second official of the same OPD: a shared inbox, taking and handing on reports.
    (
        "budi.pupr.banjarmasin@demo.lapor.id",
        "Budi Santoso",
        Role::OpdAdmin,
        "banjarmasin-pupr",
    ),
    (
        "dinkes.banjarmasin@demo.lapor.id",
        "Admin Dinas Kesehatan Banjarmasin",
        Role::OpdAdmin,
        "banjarmasin-dinkes",
    ),
    (
        "induk.kalsel@demo.lapor.id",
        "Admin Induk Kalimantan Selatan",
        Role::Coordinator,
        "kalsel",
    ),
    (
        "pengawas.kalsel@demo.lapor.id",
        "Ombudsman Kalimantan Selatan",
        Role::Overseer,
        "kalsel",
    ),
    ("admin@demo.lapor.id", "Admin Sistem", Role::SystemAdmin, ""),
];

/// Loads the demo data unless it is already there; returns whether it loaded anything.
pub async fn load(
    db: &crate::change::Store,
    server_secret: &str,
    now: i64,
    today: &str,
) -> anyhow::Result<bool> {
    let present: i64 = sqlx::query_scalar("select count(*) from organizations where code = 'id'")
        .fetch_one(&db.pool)
        .await?;
    if present > 0 {
        return Ok(false);
    }
    let national = create_org(db, None, OrgKind::National, "id", "Nasional (KemenPAN-RB)").await?;
    let mut first_opd = None;
    for (code, name, regions) in REGIONS {
        let province = create_org(db, Some(national), OrgKind::Province, code, name).await?;
        // Both Kalimantan provinces keep Central Indonesian Time; what is made below them
        // takes it.
        crate::orgs::set_time_zone(db, province, Some(crate::i18n::TimeZone::Wita)).await?;
        create_org(
            db,
            Some(province),
            OrgKind::Opd,
            &format!("{code}-diskominfo"),
            &format!("Diskominfo {}", &name[9..]),
        )
        .await?;
        for (region_code, kind, region_name) in regions {
            let region = create_org(db, Some(province), *kind, region_code, region_name).await?;
            for (opd_code, opd_name) in OPDS {
                let id = create_org(
                    db,
                    Some(region),
                    OrgKind::Opd,
                    &format!("{region_code}-{opd_code}"),
                    opd_name,
                )
                .await?;
                first_opd.get_or_insert(id);
            }
        }
    }
    // The demo's governments are the real ones: they take their Kemendagri codes (the rest of
    // the country is one click on the admin page away).
    crate::wilayah::load_country(db, false)
        .await
        .map_err(|e| anyhow::anyhow!("demo area codes: {e}"))?;
    for (email, name, role, org) in DEMO_STAFF {
        let org_id: Option<i64> =
            sqlx::query_scalar("select id from organizations where code = $1")
                .bind(org)
                .fetch_optional(&db.pool)
                .await?;
        crate::admin::create_staff(
            db,
            &crate::admin::StaffInput {
                email: email.into(),
                name: name.into(),
                role: role.code().into(),
                org_id: org_id.map(|id| id.to_string()).unwrap_or_default(),
                password: DEMO_PASSWORD.into(),
            },
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo staff {email}: {e}"))?;
    }
    demo_templates(db, now).await?;
    let citizen = register(
        db,
        &RegisterInput {
            name: "Warga Demo".into(),
            email: DEMO_EMAIL.into(),
            phone: "0812 0000 2026".into(),
            password: DEMO_PASSWORD.into(),
        },
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo account: {e}"))?;
    let samples = [
        (
            "pengaduan",
            3,
            "Jalan berlubang di Jl. Ahmad Yani km 5",
            "Lubang besar di lajur kiri sejak tiga minggu, sudah dua pengendara motor jatuh pada malam hari. Mohon segera ditambal.",
            false,
        ),
        (
            "aspirasi",
            1,
            "Usulan taman bermain di Kelurahan Sungai Miai",
            "Warga berharap lahan kosong di samping kantor kelurahan dijadikan taman bermain anak yang aman dan teduh.",
            false,
        ),
        (
            "permintaan_informasi",
            5,
            "Jadwal penerimaan peserta didik baru SMP negeri",
            "Mohon informasi jadwal dan syarat penerimaan peserta didik baru SMP negeri tahun ajaran 2027/2028.",
            false,
        ),
        (
            "pengaduan",
            6,
            "Antrian puskesmas terlalu panjang tanpa nomor urut",
            "Pasien lansia menunggu berjam-jam karena tidak ada sistem nomor antrian di puskesmas kecamatan.",
            true,
        ),
    ];
    for (i, (kind, category, title, body, confidential)) in samples.into_iter().enumerate() {
        let input = ReportInput {
            attachments: String::new(),
            latitude: String::new(),
            longitude: String::new(),
            submission_key: format!("{:032x}", i + 1),
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            category_id: category.to_string(),
            incident_date: today.into(),
            location: "Banjarmasin".into(),
            place: ["Sungai Miai", "Pekauman", "Kelayan Selatan"][i % 3].into(),
            target_org_id: first_opd.map(|id| id.to_string()).unwrap_or_default(),
            anonymous: (i % 2 == 1).then(|| "on".into()),
            confidential: confidential.then(|| "on".into()),
            name: "Warga Demo".into(),
            email: DEMO_EMAIL.into(),
            phone: String::new(),
            notify_email: String::new(),
            mirip: String::new(),
        };
        let at = now - 3600 * (4 - i as i64);
        file_report(db, server_secret, &input, Some(citizen), at, today)
            .await
            .map_err(|e| anyhow::anyhow!("demo report: {e}"))?;
    }
    history(db, server_secret, now).await?;
    Ok(true)
}

/// Reply templates of Dinas PUPR Kota Banjarmasin, with their placeholders.
const DEMO_TEMPLATES: [(&str, &str); 3] = [
    (
        "Jadwal survei lapangan",
        "Terima kasih atas laporan {nomor}. Tim {instansi} akan meninjau lokasi dalam tiga hari kerja dan melaporkan hasilnya di sini.",
    ),
    (
        "Minta lokasi lebih rinci",
        "Mohon kirimkan patokan lokasi yang lebih rinci (nama jalan, nomor rumah terdekat, atau foto) agar tim kami dapat menemukannya. Salam, {petugas}.",
    ),
    (
        "Sedang dikerjakan",
        "Perbaikan sedang dikerjakan oleh {instansi}. Kami targetkan selesai sebelum {tenggat}.",
    ),
];

async fn demo_templates(db: &crate::change::Store, now: i64) -> anyhow::Result<()> {
    let org: i64 =
        sqlx::query_scalar("select id from organizations where code = 'banjarmasin-pupr'")
            .fetch_one(&db.pool)
            .await?;
    for (title, body) in DEMO_TEMPLATES {
        sqlx::query(
            "insert into reply_templates (org_id, title, body, updated_at) values ($1, $2, $3, $4)",
        )
        .bind(org)
        .bind(title)
        .bind(body)
        .bind(now)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// A year of anonymous reports to Kota Banjarmasin taken through the real steps (verified,
/// forwarded, followed up, resolved, rated; a few archived, a few late, the newest still
/// open), so that the figures and the inboxes have something to show. The same every time.
async fn history(db: &crate::change::Store, server_secret: &str, now: i64) -> anyhow::Result<()> {
    use crate::casework::{ActInput, act};
    use crate::reports::Claim;
    use crate::resolution::{FeedbackInput, confirm};
    const HOUR: i64 = 3600;
    const DAY: i64 = 24 * HOUR;
    let id_of = |sql: &'static str, code: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(code)
                .fetch_one(&db.pool)
                .await
                .with_context(|| format!("demo history: {code}"))
        }
    };
    let staff = |email: &'static str| {
        let db = db.clone();
        async move {
            let id: i64 = sqlx::query_scalar("select id from accounts where email = $1")
                .bind(email)
                .fetch_one(&db.pool)
                .await?;
            crate::staff::load(&db, id)
                .await?
                .with_context(|| format!("demo official {email}"))
        }
    };
    let city = id_of(
        "select id from organizations where code = $1",
        "banjarmasin",
    )
    .await?;
    let coordinator = staff("induk.banjarmasin@demo.lapor.id").await?;
    let opds = [
        (
            staff("pupr.banjarmasin@demo.lapor.id").await?,
            id_of(
                "select id from organizations where code = $1",
                "banjarmasin-pupr",
            )
            .await?,
            id_of("select id from categories where code = $1", "infrastruktur").await?,
            [
                "Jalan berlubang di depan pasar",
                "Drainase tersumbat, air meluap ke jalan",
                "Jembatan kayu di gang mulai lapuk",
                "Lampu penerangan jalan padam sepekan",
            ],
        ),
        (
            staff("dinkes.banjarmasin@demo.lapor.id").await?,
            id_of(
                "select id from organizations where code = $1",
                "banjarmasin-dinkes",
            )
            .await?,
            id_of("select id from categories where code = $1", "kesehatan").await?,
            [
                "Obat di puskesmas sering kosong",
                "Petugas posyandu jarang datang",
                "Ambulans desa sulit dihubungi malam hari",
                "Antrean rujukan BPJS terlalu lama",
            ],
        ),
    ];
    let mut seed: u64 = 0x2026_1124;
    let mut roll = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n.max(1)
    };
    let act_as = |staff: &crate::staff::Staff, id: &str, input: ActInput, at: i64| {
        let (db, staff, id) = (db.clone(), staff.clone(), id.to_owned());
        async move {
            act(&db, &staff, &id, &input, at)
                .await
                .map_err(|e| anyhow::anyhow!("demo history {id}: {e}"))
        }
    };
    let action = |code: &str| ActInput {
        action: code.into(),
        ..Default::default()
    };
    let mut originals: [Option<String>; 2] = [None, None];
    for i in 0..120_i64 {
        let (opd_staff, opd, category, titles) = &opds[(i % 2) as usize];
        let mut at = now - DAY * (3 + 362 * (120 - i) / 120) - HOUR * roll(8) as i64;
        let input = ReportInput {
            submission_key: format!("{:032x}", 1000 + i),
            kind: "pengaduan".into(),
            title: titles[roll(4) as usize].into(),
            body: "Laporan contoh dari data demo: warga menyampaikan keluhan tentang layanan ini dan meminta tindak lanjut.".into(),
            category_id: category.to_string(),
            location: "Banjarmasin".into(),
            target_org_id: city.to_string(),
            anonymous: Some("on".into()),
            ..Default::default()
        };
        let filed = file_report(
            db,
            server_secret,
            &input,
            None,
            at,
            &crate::i18n::TimeZone::default().date_at(at),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo history report: {e}"))?;
        let id = filed.tracking_id.as_str();
        // Each step after a delay; a step that would fall after now has not happened yet.
        macro_rules! step {
            ($hours:expr) => {{
                at += HOUR * (1 + roll($hours) as i64);
                at < now
            }};
        }
        if !step!(if i % 7 == 0 { 120 } else { 40 }) {
            continue;
        }
        if i % 10 == 3 {
            // A duplicate of the last report of the same OPD still open, if there is one.
            let archive = match &originals[(i % 2) as usize] {
                Some(original) => ActInput {
                    reason: "duplicate".into(),
                    duplicate_of: original.clone(),
                    ..action("archive")
                },
                None => ActInput {
                    reason: "too_general".into(),
                    ..action("archive")
                },
            };
            act_as(&coordinator, id, archive, at).await?;
            continue;
        }
        act_as(&coordinator, id, action("verify"), at).await?;
        originals[(i % 2) as usize] = Some(id.to_owned());
        if !step!(12) {
            continue;
        }
        let dispose = ActInput {
            opd_id: opd.to_string(),
            ..action("dispose")
        };
        act_as(&coordinator, id, dispose, at).await?;
        if !step!(if i % 5 == 0 { 150 } else { 30 }) {
            continue;
        }
        act_as(opd_staff, id, action("start"), at).await?;
        if !step!(24 * 15) {
            continue;
        }
        let resolve = ActInput {
            message: "Sudah kami tindak lanjuti di lapangan.".into(),
            ..action("resolve")
        };
        act_as(opd_staff, id, resolve, at).await?;
        if i % 3 == 0 || !step!(24 * 5) {
            continue;
        }
        let rating = FeedbackInput {
            rating: (3 + roll(3)).to_string(),
            ..Default::default()
        };
        let claim = Claim {
            code: Some(&filed.access_code),
            account_id: None,
        };
        confirm(db, id, claim, &rating, at)
            .await
            .map_err(|e| anyhow::anyhow!("demo history {id}: {e}"))?;
    }
    crate::resolution::close_expired(db, now).await?;
    Ok(())
}
