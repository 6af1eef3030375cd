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
pub const DEMO_STAFF: [(&str, &str, Role, &str); 7] = [
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
pub async fn load(db: &Db, server_secret: &str, now: i64, today: &str) -> anyhow::Result<bool> {
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
            submission_key: format!("{:032x}", i + 1),
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            category_id: category.to_string(),
            incident_date: today.into(),
            location: "Banjarmasin".into(),
            target_org_id: first_opd.map(|id| id.to_string()).unwrap_or_default(),
            anonymous: (i % 2 == 1).then(|| "on".into()),
            confidential: confidential.then(|| "on".into()),
            name: "Warga Demo".into(),
            email: DEMO_EMAIL.into(),
            phone: String::new(),
        };
        let at = now - 3600 * (4 - i as i64);
        file_report(db, server_secret, &input, Some(citizen), at, today)
            .await
            .map_err(|e| anyhow::anyhow!("demo report: {e}"))?;
    }
    Ok(true)
}
