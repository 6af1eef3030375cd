//! Search by words on every engine: Indonesian stems ("perbaikan" finds "diperbaiki"),
//! ranking, highlight, and every privacy rule: a confidential or unpublished report is never
//! found publicly, an internal note never by the public, a redacted word never publicly, a
//! report outside an official's scope never by that official.

use super::http::{app, get, send};
use super::staff_http::{get_as, sign_in};
use super::support::{
    NOW, SECRET, TODAY, engines, official, official_with_password, orgs, publish, report,
};
use app::casework::{ActInput, StaffMessageInput};
use app::lifecycle::Role;
use app::reports::{ListFilter, ReportInput, file_report, list_public};
use axum::http::StatusCode;

fn filed(title: &str, body: &str, org: i64) -> ReportInput {
    ReportInput {
        body: body.into(),
        target_org_id: org.to_string(),
        ..report(title)
    }
}

fn titles(page: &app::reports::PublicPage) -> Vec<String> {
    page.items.iter().map(|r| r.title.clone()).collect()
}

fn public(q: &str) -> ListFilter {
    ListFilter {
        q: q.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn words_find_reports_by_their_stems_ranked_marked_and_within_every_rule() {
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let file = |input: ReportInput| async move {
            file_report(db, SECRET, &input, None, NOW, TODAY)
                .await
                .expect("filed")
                .tracking_id
        };
        let bridge = file(filed(
            "Jembatan Sungai Miai rusak parah",
            "Papan jembatan patah dan belum diperbaiki sejak banjir bulan lalu.",
            o.pupr,
        ))
        .await;
        let lamp = file(filed(
            "Lampu jalan mati di Jl. Pramuka",
            "Warga meminta perbaikan lampu penerangan jalan yang mati sebulan.",
            o.samarinda_pupr,
        ))
        .await;
        let secret = file(ReportInput {
            confidential: Some("on".into()),
            ..filed(
                "Jembatan kayu roboh",
                "Jembatan kayu di belakang sekolah roboh dan belum diperbaiki.",
                o.pupr,
            )
        })
        .await;
        let unpublished = file(filed(
            "Jembatan gantung miring",
            "Tali jembatan gantung kendur, perlu diperbaiki sebelum ada korban.",
            o.pupr,
        ))
        .await;
        let redacted = file(filed(
            "Pak Budi memungut biaya jembatan timbang",
            "Petugas bernama Budi meminta uang di jembatan timbang tanpa karcis resmi.",
            o.pupr,
        ))
        .await;
        for id in [&bridge, &lamp, &secret] {
            publish(db, id, NOW + 60).await;
        }
        let national = super::support::national(db).await;
        let admin = official(db, Role::NationalAdmin, Some(national)).await;
        let verify = ActInput {
            public_title: "Dugaan pungutan di jembatan timbang".into(),
            public_body: "Seorang petugas diduga meminta uang di jembatan timbang tanpa karcis."
                .into(),
            ..super::support::action("verify")
        };
        app::casework::act(db, &admin, &redacted, &verify, NOW + 60)
            .await
            .expect("verified with a public version");
        // The thread, at the OPD the bridge is forwarded to: a reply everyone reads, and an
        // internal note.
        let bjm = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let dispose = ActInput {
            opd_id: o.pupr.to_string(),
            ..super::support::action("dispose")
        };
        app::casework::act(db, &bjm, &bridge, &dispose, NOW + 90)
            .await
            .expect("forwarded");
        let pupr = official(db, Role::OpdAdmin, Some(o.pupr)).await;
        let message = |body: &str, internal: bool| StaffMessageInput {
            body: body.into(),
            internal: internal.then(|| "on".into()),
            kunci: app::secrets::new_submission_key(),
            ..Default::default()
        };
        app::casework::add_staff_message(
            db,
            &pupr,
            &bridge,
            &message(
                "Tim pemeliharaan menjadwalkan pengecoran minggu depan.",
                false,
            ),
            NOW + 120,
        )
        .await
        .expect("reply");
        app::casework::add_staff_message(
            db,
            &pupr,
            &bridge,
            &message("Catatan: kontraktor lama pernah wanprestasi.", true),
            NOW + 130,
        )
        .await
        .expect("note");

        // The public: stems, only published and not confidential, in the public version.
        let page = list_public(db, &public("perbaikan")).await.expect("search");
        let mut found = titles(&page);
        found.sort();
        assert_eq!(
            found,
            [
                "Jembatan Sungai Miai rusak parah",
                "Lampu jalan mati di Jl. Pramuka"
            ],
            "diperbaiki and perbaikan; never the confidential or the unpublished one"
        );
        // Ranked: the report with both words, one of them in its title, first.
        let page = list_public(db, &public("jembatan diperbaiki"))
            .await
            .expect("search");
        assert_eq!(titles(&page)[0], "Jembatan Sungai Miai rusak parah");
        // Marked: every form of the words, in the title and the excerpt.
        let marked = page.items[0].marked.clone().expect("marked");
        let words: Vec<&str> = marked
            .title
            .iter()
            .chain(marked.excerpt.iter())
            .filter(|p| p.marked)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(words, ["Jembatan", "jembatan", "diperbaiki"]);
        // Redacted words, thread messages and notes are not public text.
        for hidden in ["Budi", "kontraktor", "pengecoran", "roboh", "gantung"] {
            assert!(
                list_public(db, &public(hidden))
                    .await
                    .expect("search")
                    .items
                    .is_empty(),
                "{hidden} found publicly"
            );
        }
        assert_eq!(
            titles(
                &list_public(db, &public("pungutan timbang"))
                    .await
                    .expect("search")
            ),
            ["Dugaan pungutan di jembatan timbang"]
        );
        // A tracking ID finds its report; the filters still apply.
        assert_eq!(
            titles(
                &list_public(db, &public(&lamp.to_lowercase()))
                    .await
                    .expect("search")
            ),
            ["Lampu jalan mati di Jl. Pramuka"]
        );
        let in_banjarmasin = ListFilter {
            instansi: o.banjarmasin.to_string(),
            ..public("perbaikan")
        };
        assert_eq!(
            titles(&list_public(db, &in_banjarmasin).await.expect("search")),
            ["Jembatan Sungai Miai rusak parah"]
        );

        // Officials: their scope, everything in it, internal notes too.
        let search = |who: &app::staff::Staff, q: &str| {
            let who = who.clone();
            let q = q.to_owned();
            async move {
                let page = app::casework::search_reports(db, &who, &public(&q))
                    .await
                    .expect("staff search");
                let mut t = titles(&page);
                t.sort();
                t
            }
        };
        assert_eq!(
            search(&bjm, "perbaikan").await,
            [
                "Jembatan Sungai Miai rusak parah",
                "Jembatan gantung miring",
                "Jembatan kayu roboh"
            ],
            "confidential and unpublished in scope; Samarinda's lamp is not"
        );
        assert_eq!(
            search(&bjm, "kontraktor").await,
            ["Jembatan Sungai Miai rusak parah"]
        );
        assert_eq!(
            search(&bjm, "pengecoran").await,
            ["Jembatan Sungai Miai rusak parah"]
        );
        assert_eq!(
            search(&bjm, "Budi").await,
            ["Pak Budi memungut biaya jembatan timbang"],
            "officials read the original"
        );
        assert_eq!(
            search(&bjm, &unpublished).await,
            ["Jembatan gantung miring"],
            "its tracking ID"
        );
        let smd = official(db, Role::Coordinator, Some(o.samarinda)).await;
        assert!(
            search(&smd, "kontraktor").await.is_empty(),
            "another region's note"
        );
        assert!(search(&smd, "jembatan").await.is_empty());
        assert_eq!(
            search(&smd, "lampu").await,
            ["Lampu jalan mati di Jl. Pramuka"]
        );

        // Over HTTP: the public listing marks the words; officials search on their page.
        let app = app(&t);
        let res = send(&app, get("/laporan?q=diperbaiki")).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("<mark>diperbaiki</mark>"), "{}", res.body);
        assert!(!res.body.contains("Jembatan kayu roboh"));
        let res = send(&app, get("/laporan?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(!res.body.contains("<script>alert"), "{}", res.body);
        official_with_password(
            db,
            "induk@bjm.example",
            Role::Coordinator,
            Some(o.banjarmasin),
        )
        .await;
        let cookie = sign_in(&app, "induk@bjm.example").await;
        let res = send(&app, get_as("/petugas/cari?q=kontraktor", &cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(
            res.body.contains("Jembatan Sungai Miai rusak parah"),
            "{}",
            res.body
        );
        let res = send(&app, get_as("/petugas/cari?q=kontraktor", "")).await;
        assert_ne!(res.status, StatusCode::OK, "officials only");
        t.finish().await;
    }
}

/// Inserts `n` published reports about a blocked drain, to `opd` of `owner`, received at
/// `from`, `from + 1`…: as many as a province has in years, quickly (then indexed the way a
/// server does at start).
async fn drains(db: &app::db::Db, n: usize, owner: i64, opd: i64, from: i64, prefix: &str) {
    for i in 0..n {
        let at = from + i as i64;
        sqlx::query(
            "insert into reports (tracking_id, access_hash, kind, title, body, category_id, \
             location, target_org_id, anonymous, confidential, channel, status, received_at, \
             created_at, updated_at, status_changed_at, owner_org_id, opd_id, published_at) \
             values ($1, 'x', 'pengaduan', $2, $3, 1, '', $4, 0, 0, 'web', 'in_progress', $5, \
             $5, $5, $5, $6, $4, $5)",
        )
        .bind(format!("{prefix}{i:06}"))
        .bind(format!("Drainase tersumbat nomor {i}"))
        .bind("Saluran drainase tersumbat sampah sehingga air meluap ke jalan.")
        .bind(opd)
        .bind(at)
        .bind(owner)
        .execute(&db.pool)
        .await
        .expect("insert");
    }
}

#[tokio::test]
async fn a_search_that_finds_more_than_it_ranks_says_so_and_cuts_after_scope_and_filters() {
    use app::search::CANDIDATES;
    for t in engines().await {
        let db = &t.db;
        let o = orgs(db).await;
        let many = CANDIDATES as usize + 30;
        // The oldest 40 in Banjarmasin, then more than a search ranks in Samarinda.
        drains(db, 40, o.banjarmasin, o.pupr, NOW - 100_000, "B").await;
        drains(db, many, o.samarinda, o.samarinda_pupr, NOW - 50_000, "S").await;
        app::search::index_missing(db).await.expect("indexed");

        let page = list_public(db, &public("drainase tersumbat"))
            .await
            .expect("list");
        assert_eq!(page.total, CANDIDATES);
        assert!(page.capped);
        assert_eq!(page.pages, CANDIDATES / app::reports::PAGE_SIZE);
        let listing = send(&app(&t), get("/laporan?q=drainase")).await;
        assert!(
            listing
                .body
                .contains(&format!("Setidaknya {CANDIDATES} laporan cocok")),
            "the page says the search found more than it shows"
        );

        // The scope is applied before the cut: Banjarmasin's official finds all of theirs,
        // although a thousand newer reports elsewhere match too.
        let who = official(db, Role::Coordinator, Some(o.banjarmasin)).await;
        let page = app::casework::search_reports(db, &who, &public("drainase"))
            .await
            .expect("search");
        assert_eq!((page.total, page.capped), (40, false));
        // So are the listing's filters.
        let filter = ListFilter {
            instansi: o.pupr.to_string(),
            ..public("drainase")
        };
        let page = list_public(db, &filter).await.expect("list");
        assert_eq!((page.total, page.capped), (40, false));

        // PostgreSQL's two ways of reading the matches find the same reports.
        let q = app::search::Query::parse("drainase tersumbat").expect("query");
        let mut found = Vec::new();
        for reading in [app::search::Reading::Walk, app::search::Reading::Index] {
            let source = app::search::found_source(
                db.engine,
                app::search::Audience::Public,
                2,
                3,
                "r.confidential = $1 and r.published_at is not null",
                reading,
            );
            let ids: Vec<i64> =
                sqlx::query_scalar(&format!("select sid from {source} order by sid"))
                    .bind(0_i64)
                    .bind(app::search::bound_text(
                        db.engine,
                        app::search::Audience::Public,
                        &q,
                    ))
                    .bind("")
                    .fetch_all(&db.pool)
                    .await
                    .expect("found");
            assert_eq!(ids.len(), CANDIDATES as usize);
            found.push(ids);
        }
        assert_eq!(found[0], found[1]);
        t.finish().await;
    }
}
