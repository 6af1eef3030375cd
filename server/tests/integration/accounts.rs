//! Citizen accounts, on every engine.

use super::support::{NOW, SECRET, TODAY, engines, report};
use app::accounts::{LoginInput, RegisterInput, authenticate, register};
use app::error::AppError;
use app::reports::{Claim, ReportInput, file_report, find_report, list_for_account};

fn citizen() -> RegisterInput {
    RegisterInput {
        name: "Budi Santoso".into(),
        email: "Budi@Example.id".into(),
        phone: String::new(),
        password: "kata-sandi-panjang".into(),
    }
}

#[tokio::test]
async fn register_then_sign_in_without_revealing_which_part_was_wrong() {
    for t in engines().await {
        let db = &t.db;
        let id = register(db, &citizen(), NOW).await.expect("registered");
        let login = |email: &str, password: &str| LoginInput {
            email: email.into(),
            password: password.into(),
            ..Default::default()
        };
        assert_eq!(
            authenticate(db, &login(" budi@example.ID ", "kata-sandi-panjang"), NOW).await,
            Ok(id)
        );
        assert_eq!(
            authenticate(db, &login("budi@example.id", "salah-sandi-panjang"), NOW).await,
            Err(AppError::WrongCredentials)
        );
        assert_eq!(
            authenticate(db, &login("siapa@example.id", "kata-sandi-panjang"), NOW).await,
            Err(AppError::WrongCredentials)
        );

        // Repeated failures are slowed down: after the limit even the right password waits
        // until the window has passed.
        for i in 1..app::accounts::MAX_FAILURES {
            assert_eq!(
                authenticate(db, &login("budi@example.id", "salah"), NOW + i).await,
                Err(AppError::WrongCredentials)
            );
        }
        assert_eq!(
            authenticate(
                db,
                &login("budi@example.id", "kata-sandi-panjang"),
                NOW + 10
            )
            .await,
            Err(AppError::TooManyAttempts)
        );
        let later = NOW + app::accounts::FAILURE_WINDOW + 60;
        assert_eq!(
            authenticate(db, &login("budi@example.id", "kata-sandi-panjang"), later).await,
            Ok(id)
        );

        let again = register(db, &citizen(), NOW).await.expect_err("duplicate");
        assert!(matches!(again, AppError::Invalid(ref e) if e[0].key == "err.email_taken"));
        let weak = register(
            db,
            &RegisterInput {
                email: "lain@example.id".into(),
                password: "pendek".into(),
                ..citizen()
            },
            NOW,
        )
        .await
        .expect_err("weak password");
        assert!(matches!(weak, AppError::Invalid(ref e) if e[0].field == "password"));
        let hash: String = sqlx::query_scalar("select password_hash from accounts")
            .fetch_one(&db.pool)
            .await
            .expect("hash");
        assert!(
            hash.starts_with("$argon2id$"),
            "passwords are stored as argon2id hashes"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_signed_in_citizen_sees_all_their_reports_and_only_theirs() {
    for t in engines().await {
        let db = &t.db;
        let me = register(db, &citizen(), NOW).await.expect("me");
        let other = register(
            db,
            &RegisterInput {
                email: "ani@example.id".into(),
                ..citizen()
            },
            NOW,
        )
        .await
        .expect("other");
        let secret = ReportInput {
            confidential: Some("on".into()),
            anonymous: Some("on".into()),
            ..report("Laporan rahasia dan anonim saya")
        };
        let mine = file_report(db, SECRET, &secret, Some(me), NOW, TODAY)
            .await
            .expect("mine");
        file_report(
            db,
            SECRET,
            &report("Laporan publik saya sendiri"),
            Some(me),
            NOW + 1,
            TODAY,
        )
        .await
        .expect("mine 2");
        file_report(
            db,
            SECRET,
            &report("Laporan milik warga lain"),
            Some(other),
            NOW + 2,
            TODAY,
        )
        .await
        .expect("other");

        let list = list_for_account(db, me).await.expect("list");
        let titles: Vec<_> = list.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            vec![
                "Laporan publik saya sendiri",
                "Laporan rahasia dan anonim saya"
            ]
        );

        let by_account = find_report(
            db,
            &mine.tracking_id,
            Claim {
                code: None,
                account_id: Some(me),
            },
        )
        .await
        .expect("own");
        assert!(by_account.is_reporter);
        let by_other = find_report(
            db,
            &mine.tracking_id,
            Claim {
                code: None,
                account_id: Some(other),
            },
        )
        .await;
        assert_eq!(by_other, Err(AppError::NotFound));
        t.finish().await;
    }
}
