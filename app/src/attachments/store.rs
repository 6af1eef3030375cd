//! Attachments in the database and the file store: staging what arrives, attaching it in the
//! unit of work of its report or message, listing what a viewer may see, signing the links,
//! serving a file to a link, and sweeping what was never attached.

use super::blobs::Blobs;
use super::process::{FIELD, Processed, process};
use super::*;
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldError};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// Staged files never attached are removed after this long (a form left open for hours can
/// still be sent; one abandoned costs its space for a few hours).
pub const ORPHAN_SECS: i64 = 6 * 3600;

/// How many files a server processes at once.
static PROCESSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Processes and stores the files of one form; returns their tokens, which the form sends
/// back with the report or message. A file that is refused is named with the reason; the
/// others are staged all the same, so that what was fine is not lost.
pub async fn stage(
    db: &Db,
    blobs: &Blobs,
    files: Vec<Incoming>,
    now: i64,
) -> (Vec<String>, Vec<FieldError>) {
    let (mut tokens, mut errors) = (Vec::new(), Vec::new());
    if files.len() > MAX_FILES {
        errors.push(FieldError::new(FIELD, "err.attach_many"));
    }
    for file in files.into_iter().take(MAX_FILES) {
        // Decoding a photo takes a core and up to a few hundred MB: two at a time per server,
        // whatever arrives at once.
        let Ok(_permit) = PROCESSING.acquire().await else {
            errors.push(FieldError::new(FIELD, "err.attach_store"));
            continue;
        };
        let processed = match tokio::task::spawn_blocking(move || process(&file)).await {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                errors.push(e);
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "attachment processing panicked");
                errors.push(FieldError::new(FIELD, "err.attach_broken"));
                continue;
            }
        };
        match keep(db, blobs, processed, now).await {
            Ok(token) => tokens.push(token),
            Err(e) => {
                tracing::error!(error = %e, "attachment could not be stored");
                errors.push(FieldError::new(FIELD, "err.attach_store"));
            }
        }
    }
    (tokens, errors)
}

/// Records a processed file as staged, then puts it in the store (a row whose file never
/// arrived is swept like any other orphan).
async fn keep(db: &Db, blobs: &Blobs, p: Processed, now: i64) -> anyhow::Result<String> {
    let token = crate::secrets::new_submission_key();
    let file_key = format!("lampiran/{token}");
    let thumb_key = p.thumb.as_ref().map(|_| format!("lampiran/{token}-kecil"));
    sqlx::query(
        "insert into attachments (token, kind, name, bytes, file_key, thumb_key, staged_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&token)
    .bind(p.kind.code())
    .bind(&p.name)
    .bind(p.file.len() as i64)
    .bind(&file_key)
    .bind(thumb_key.as_deref())
    .bind(now)
    .execute(&db.pool)
    .await?;
    blobs.put(&file_key, p.file).await?;
    if let (Some(key), Some(thumb)) = (thumb_key, p.thumb) {
        blobs.put(&key, thumb).await?;
    }
    Ok(token)
}

/// The staged, not yet attached files among `tokens`, as the form shows them again.
pub async fn staged(db: &Db, tokens: &[String]) -> AppResult<Vec<AttachmentView>> {
    let mut out = Vec::new();
    for t in tokens {
        let row = sqlx::query(
            "select id, kind, name, bytes from attachments \
             where token = $1 and attached_at is null",
        )
        .bind(t)
        .fetch_optional(&db.pool)
        .await?;
        if let Some(r) = row {
            out.push(view_of(&r)?);
        }
    }
    Ok(out)
}

/// Checks, before a report or message is written, that every token names a file still
/// staged (one swept meanwhile must be chosen again).
pub async fn check_staged(db: &Db, tokens: &[String]) -> AppResult<()> {
    if tokens.len() > MAX_FILES {
        return Err(AppError::invalid(FIELD, "err.attach_many"));
    }
    if staged(db, tokens).await?.len() != tokens.len() {
        return Err(AppError::invalid(FIELD, "err.attach_expired"));
    }
    Ok(())
}

/// Attaches staged files to a report (`event` `None`) or to one of its thread entries,
/// inside the transaction that writes them: the files count as stored only if it commits.
pub async fn attach(
    conn: &mut AnyConnection,
    tokens: &[String],
    report_id: i64,
    event: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    for t in tokens {
        let done = sqlx::query(
            "update attachments set report_id = $1, event_id = $2, attached_at = $3 \
             where token = $4 and attached_at is null",
        )
        .bind(report_id)
        .bind(event)
        .bind(now)
        .bind(t)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            // Swept or attached elsewhere since it was checked: the whole change rolls back
            // rather than commit without the file.
            return Err(sqlx::Error::RowNotFound);
        }
    }
    Ok(())
}

fn view_of(r: &sqlx::any::AnyRow) -> Result<AttachmentView, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    Ok(AttachmentView {
        id: r.try_get("id")?,
        kind: FileKind::from_code(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown kind {kind}").into()))?,
        name: r.try_get("name")?,
        bytes: r.try_get("bytes")?,
        url: String::new(),
        thumb_url: String::new(),
    })
}

/// A report's attachments that `audience` may see: those of the report itself (`None`) and
/// those of each thread entry, by entry id. Files of internal notes are only for officials.
pub async fn of_report(
    db: &Db,
    report_id: i64,
    audience: Audience,
) -> AppResult<HashMap<Option<i64>, Vec<AttachmentView>>> {
    let only_public = if audience == Audience::Staff {
        ""
    } else {
        " and (a.event_id is null or e.internal = 0)"
    };
    let sql = format!(
        "select a.id, a.kind, a.name, a.bytes, a.event_id from attachments a \
         left join report_events e on e.id = a.event_id \
         where a.report_id = $1 and a.attached_at is not null{only_public} order by a.id"
    );
    let rows = sqlx::query(&sql)
        .bind(report_id)
        .fetch_all(&db.pool)
        .await?;
    let mut out: HashMap<Option<i64>, Vec<AttachmentView>> = HashMap::new();
    for r in rows {
        out.entry(r.try_get("event_id")?)
            .or_default()
            .push(view_of(&r)?);
    }
    Ok(out)
}

/// The end of the validity of links made at `now`: the end of the next whole period, so that
/// a page's links stay the same (and cached) for a day.
fn expiry(now: i64) -> i64 {
    (now / LINK_SECS + 2) * LINK_SECS
}

fn signature(secret: &str, id: i64, audience: Audience, exp: i64) -> String {
    let digest = crate::secrets::keyed(
        secret,
        "attachment-link",
        &format!("{id}:{}:{exp}", audience.code()),
    );
    hex::encode(&digest[..16])
}

/// Fills the links of `views` for `audience`, valid for a day or two.
pub fn sign(views: &mut [AttachmentView], secret: &str, audience: Audience, now: i64) {
    let exp = expiry(now);
    for v in views {
        let s = signature(secret, v.id, audience, exp);
        let base = format!("/lampiran/{}?a={}&e={exp}&s={s}", v.id, audience.code());
        v.thumb_url = match v.kind {
            FileKind::Photo => format!("{base}&v=kecil"),
            FileKind::Pdf => String::new(),
        };
        v.url = base;
    }
}

/// A link's query: audience, expiry, signature, and `v=kecil` for a thumbnail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkQuery {
    pub a: String,
    pub e: String,
    pub s: String,
    pub v: String,
}

/// A file to send: what it is, its name, its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub kind: FileKind,
    pub name: String,
    pub thumbnail: bool,
    pub bytes: Vec<u8>,
}

/// The file behind a signed link, if the link holds at `now`; for a public link, only while
/// the report is still published, not confidential, and the file is not an internal note's;
/// for an officials' link, only to a signed-in official (`staff`) with the report in scope
/// (such a link copied out of the office opens nothing). Every failure is "not found".
pub async fn open(
    db: &Db,
    blobs: &Blobs,
    secret: &str,
    id: i64,
    q: &LinkQuery,
    now: i64,
    staff: Option<&crate::staff::Staff>,
) -> AppResult<Served> {
    let audience = Audience::from_code(&q.a).ok_or(AppError::NotFound)?;
    let exp: i64 = q.e.parse().map_err(|_| AppError::NotFound)?;
    if exp < now || !crate::secrets::same(&q.s, &signature(secret, id, audience, exp)) {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query(
        "select a.kind, a.name, a.file_key, a.thumb_key, a.report_id, r.confidential, r.published_at, \
         coalesce(e.internal, 0) as internal from attachments a \
         join reports r on r.id = a.report_id left join report_events e on e.id = a.event_id \
         where a.id = $1 and a.attached_at is not null",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let internal = row.try_get::<i64, _>("internal")? != 0;
    let public_ok = row.try_get::<i64, _>("confidential")? == 0
        && row.try_get::<Option<i64>, _>("published_at")?.is_some()
        && !internal;
    let allowed = match audience {
        Audience::Public => public_ok,
        Audience::Reporter => !internal,
        Audience::Staff => match staff {
            Some(staff) => crate::staff::sees_report(db, staff, row.try_get("report_id")?).await?,
            None => false,
        },
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let kind: String = row.try_get("kind")?;
    let kind = FileKind::from_code(&kind).ok_or(AppError::NotFound)?;
    let thumbnail = q.v == "kecil";
    let key: Option<String> = if thumbnail {
        row.try_get("thumb_key")?
    } else {
        Some(row.try_get("file_key")?)
    };
    let key = key.ok_or(AppError::NotFound)?;
    let bytes = blobs
        .get(&key)
        .await
        .map_err(|e| AppError::internal("read attachment", e))?;
    Ok(Served {
        kind,
        name: row.try_get("name")?,
        thumbnail,
        bytes,
    })
}

/// Removes the files staged before `now - ORPHAN_SECS` that were never attached, from the
/// store and the database; returns how many.
pub async fn sweep(db: &Db, blobs: &Blobs, now: i64) -> AppResult<usize> {
    let rows = sqlx::query(
        "select id, file_key, thumb_key from attachments \
         where attached_at is null and staged_at < $1 order by id limit 500",
    )
    .bind(now - ORPHAN_SECS)
    .fetch_all(&db.pool)
    .await?;
    let mut removed = 0;
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let file: String = r.try_get("file_key")?;
        let thumb: Option<String> = r.try_get("thumb_key")?;
        // The row first, and only if still unattached: a form sent this very moment keeps
        // its file. A file the store fails to delete is logged, never attached again.
        let done = sqlx::query("delete from attachments where id = $1 and attached_at is null")
            .bind(id)
            .execute(&db.pool)
            .await?;
        if done.rows_affected() == 0 {
            continue;
        }
        removed += 1;
        for key in std::iter::once(file).chain(thumb) {
            if let Err(e) = blobs.delete(&key).await {
                tracing::warn!(key, error = %e, "orphan file left in the store");
            }
        }
    }
    Ok(removed)
}
