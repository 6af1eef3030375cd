//! Keys for other systems: an integrated channel (a ministry's app, a city's 311 service, a
//! FixMyStreet) files reports through the Open311 API with a key the system admin issued, and
//! stops the moment the admin revokes it. A key is shown once when issued; only its SHA-256
//! is kept (a key is 32 random bytes, so a plain hash cannot be reversed), with a short hint
//! that tells keys apart on the admin page.

use serde::{Deserialize, Serialize};

/// What every key starts with, so that a leaked one is recognisable (secret scanners).
pub const KEY_PREFIX: &str = "lapor_";

/// The form that issues a key: whom it is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiKeyInput {
    pub name: String,
}

/// A key as the admin page lists it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// The key's first characters.
    pub hint: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    /// Reports filed with it.
    pub reports: i64,
}

/// A name for a key: 2 to 100 characters after trimming.
pub fn name_is_valid(name: &str) -> bool {
    (2..=100).contains(&name.trim().chars().count())
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use crate::error::{AppError, AppResult};
    use rand::Rng;
    use sha2::{Digest, Sha256};
    use sqlx::Row;

    /// How long a key's "last used" may lag: it is written at most this often per key.
    const LAST_USED_STEP: i64 = 60;

    /// A new key: the prefix and 32 random bytes in hex.
    pub fn new_key() -> String {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill(&mut bytes);
        format!("{KEY_PREFIX}{}", hex::encode(bytes))
    }

    /// What is stored of a key.
    pub fn key_hash(key: &str) -> String {
        hex::encode(Sha256::digest(key.as_bytes()))
    }

    /// Issues a key for `input.name`; returns its id and the key, which is never shown again.
    pub async fn issue(
        db: &Db,
        input: &ApiKeyInput,
        by: i64,
        now: i64,
    ) -> AppResult<(i64, String)> {
        let name = input.name.trim();
        if !name_is_valid(name) {
            return Err(AppError::invalid("name", "err.name"));
        }
        let key = new_key();
        let hint: String = key.chars().take(KEY_PREFIX.len() + 6).collect();
        let id = sqlx::query_scalar::<_, i64>(
            "insert into api_keys (name, key_hash, hint, created_by, created_at) \
             values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(name)
        .bind(key_hash(&key))
        .bind(&hint)
        .bind(by)
        .bind(now)
        .fetch_one(&db.pool)
        .await?;
        Ok((id, key))
    }

    /// Revokes a key; returns its name. Revoking one already revoked changes nothing.
    pub async fn revoke(db: &Db, id: i64, now: i64) -> AppResult<String> {
        sqlx::query("update api_keys set revoked_at = $1 where id = $2 and revoked_at is null")
            .bind(now)
            .bind(id)
            .execute(&db.pool)
            .await?;
        sqlx::query_scalar("select name from api_keys where id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Every key, newest first.
    pub async fn list(db: &Db) -> AppResult<Vec<ApiKeyRow>> {
        let rows = sqlx::query(
            "select k.id, k.name, k.hint, k.created_at, k.revoked_at, k.last_used_at, \
             (select count(*) from reports r where r.api_key_id = k.id) as reports \
             from api_keys k order by k.id desc",
        )
        .fetch_all(&db.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| -> Result<ApiKeyRow, sqlx::Error> {
                Ok(ApiKeyRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    hint: r.try_get("hint")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    reports: r.try_get("reports")?,
                })
            })
            .collect::<Result<_, _>>()?)
    }

    /// The id of the key `key` if it was issued and is not revoked (and notes its use).
    pub async fn authenticate(db: &Db, key: &str, now: i64) -> AppResult<Option<i64>> {
        let key = key.trim();
        if !key.starts_with(KEY_PREFIX) || key.len() > 200 {
            return Ok(None);
        }
        let id: Option<i64> = sqlx::query_scalar(
            "select id from api_keys where key_hash = $1 and revoked_at is null",
        )
        .bind(key_hash(key))
        .fetch_optional(&db.pool)
        .await?;
        if let Some(id) = id {
            sqlx::query(
                "update api_keys set last_used_at = $1 where id = $2 \
                 and (last_used_at is null or last_used_at < $3)",
            )
            .bind(now)
            .bind(id)
            .bind(now - LAST_USED_STEP)
            .execute(&db.pool)
            .await?;
        }
        Ok(id)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn keys_are_long_random_and_hashed() {
            let (a, b) = (new_key(), new_key());
            assert_ne!(a, b);
            assert!(a.starts_with(KEY_PREFIX));
            assert_eq!(a.len(), KEY_PREFIX.len() + 64);
            assert_eq!(key_hash(&a).len(), 64);
            assert_ne!(key_hash(&a), key_hash(&b));
            assert!(!key_hash(&a).contains(&a[KEY_PREFIX.len()..]));
        }

        #[test]
        fn a_key_needs_a_name() {
            assert!(!name_is_valid(" "));
            assert!(!name_is_valid("x"));
            assert!(name_is_valid("Aplikasi Kota Samarinda"));
            assert!(!name_is_valid(&"x".repeat(101)));
        }
    }
}
