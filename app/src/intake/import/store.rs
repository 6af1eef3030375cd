//! Imports in the database: [`upload`] keeps the file and checks it, [`view`] is the preview,
//! progress and result, [`start`] and [`run`] import the rows through the one door of every
//! report ([`crate::reports::file`]).

use super::*;
use crate::change::Store;
use crate::db::Db;
use crate::error::{AppError, AppResult, Refusal};
use crate::reports::{Channel, Intake};
use crate::staff::Staff;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// Seconds without progress after which a running import counts as stalled (its server
/// stopped) and may be resumed.
pub const STALL_SECS: i64 = 60;

/// Whether `staff` imports backlogs: a coordinator or the national admin.
pub fn may_import(staff: &Staff) -> bool {
    importing_org(staff).is_ok()
}

/// The organisation of an official who imports backlogs: a coordinator or the national admin.
fn importing_org(staff: &Staff) -> AppResult<i64> {
    match staff.org_id {
        Some(org) if staff.role.routes() => Ok(org),
        _ => Err(AppError::Refused(Refusal::NotYourRole)),
    }
}

/// Keeps an uploaded file for its preview, once it reads as a backlog file; returns the
/// import's id. Nothing is imported yet.
pub async fn upload(
    db: &Db,
    staff: &Staff,
    file_name: &str,
    bytes: &[u8],
    now: i64,
) -> AppResult<i64> {
    let org = importing_org(staff)?;
    if bytes.len() > MAX_BYTES {
        return Err(AppError::invalid("file", "err.file_too_big"));
    }
    let text = text_of(bytes).map_err(|e| AppError::Invalid(vec![e]))?;
    let text = without_nul(text);
    let text = text.as_ref();
    let rows = read_rows(text).map_err(|e| AppError::Invalid(vec![e]))?;
    let lookups = lookups(db, staff, "", now).await?;
    let valid = rows
        .iter()
        .filter(|r| check_row(r, &lookups).is_ok())
        .count();
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes));
    let id: i64 = sqlx::query_scalar(
        "insert into imports (org_id, account_id, file_name, file_sha, content, rows_total, \
         rows_valid, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(org)
    .bind(staff.account_id)
    .bind(if name.trim().is_empty() {
        "laporan.csv"
    } else {
        name.trim()
    })
    .bind(sha)
    .bind(text)
    .bind(rows.len() as i64)
    .bind(valid as i64)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

/// What rows are checked against for an importer of `staff`'s organisation.
async fn lookups(db: &Db, staff: &Staff, secret: &str, now: i64) -> AppResult<Lookups> {
    let org = importing_org(staff)?;
    let mut categories = HashMap::new();
    for c in crate::orgs::categories(db).await? {
        for name in [&c.code, &c.name_id, &c.name_en] {
            categories.insert(name.to_lowercase(), c.id);
        }
    }
    let mut agencies = HashMap::new();
    let codes: Vec<(i64, String)> = sqlx::query_as("select id, code from organizations")
        .fetch_all(&db.pool)
        .await?;
    let codes: HashMap<i64, String> = codes.into_iter().collect();
    for a in crate::intake::agencies_in_scope(db, org).await? {
        if let Some(code) = codes.get(&a.id) {
            agencies.insert(code.to_lowercase(), a.id);
        }
        agencies.insert(a.label().to_lowercase(), a.id);
        // A bare name only where it is unambiguous ("Dinas PUPR" exists in every city).
        agencies.entry(a.name.to_lowercase()).or_insert(a.id);
    }
    Ok(Lookups {
        categories,
        agencies,
        default_agency: Some(org).filter(|_| !staff.org_is_root),
        org_id: org,
        zone: db.time_zone,
        now,
        server_secret: secret.to_owned(),
    })
}

struct ImportRow {
    org_id: i64,
    account_id: i64,
    file_name: String,
    content: String,
    state: ImportState,
    created_at: i64,
    rows_total: i64,
    rows_valid: i64,
    rows_done: i64,
    progressed_at: Option<i64>,
}

async fn load(db: &Db, id: i64) -> AppResult<ImportRow> {
    let r = sqlx::query(
        "select org_id, account_id, file_name, content, state, created_at, rows_total, \
         rows_valid, rows_done, progressed_at from imports where id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let state: String = r.try_get("state")?;
    Ok(ImportRow {
        org_id: r.try_get("org_id")?,
        account_id: r.try_get("account_id")?,
        file_name: r.try_get("file_name")?,
        content: r.try_get("content")?,
        state: ImportState::from_code(&state).ok_or(AppError::NotFound)?,
        created_at: r.try_get("created_at")?,
        rows_total: r.try_get("rows_total")?,
        rows_valid: r.try_get("rows_valid")?,
        rows_done: r.try_get("rows_done")?,
        progressed_at: r.try_get("progressed_at")?,
    })
}

/// The import `id` of `staff`'s organisation (another's does not exist for them).
async fn own(db: &Db, staff: &Staff, id: i64) -> AppResult<ImportRow> {
    let org = importing_org(staff)?;
    let row = load(db, id).await?;
    if row.org_id != org {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// Which of `keys` are submission keys of reports already in lapor.
async fn existing_keys(db: &Db, keys: &[&str]) -> AppResult<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in keys.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "select submission_key from reports where submission_key in ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_scalar::<_, String>(&sql);
        for k in chunk {
            q = q.bind(*k);
        }
        found.extend(q.fetch_all(&db.pool).await?);
    }
    Ok(found)
}

/// The import as its page shows it, in `loc`: while it waits for confirmation, every row's
/// problems and which rows are in lapor already; while it runs, its progress; once done, the
/// tracking IDs.
pub async fn view(
    db: &Db,
    secret: &str,
    staff: &Staff,
    id: i64,
    now: i64,
    loc: crate::i18n::Locale,
) -> AppResult<ImportView> {
    let row = own(db, staff, id).await?;
    let mut out = ImportView {
        id,
        file_name: row.file_name.clone(),
        state: row.state,
        created_at: row.created_at,
        rows_total: row.rows_total,
        rows_valid: row.rows_valid,
        rows_done: row.rows_done,
        rows_already: 0,
        problems: Vec::new(),
        sample: Vec::new(),
        imported: Vec::new(),
        stalled: row.state == ImportState::Running
            && row.progressed_at.unwrap_or(0) < now - STALL_SECS,
    };
    match row.state {
        ImportState::Preview => {
            let lookups = lookups(db, staff, secret, now).await?;
            let rows = read_rows(&row.content).map_err(|e| AppError::Invalid(vec![e]))?;
            let mut valid = Vec::new();
            for r in &rows {
                match check_row(r, &lookups) {
                    Ok(checked) => valid.push((r, checked)),
                    Err(errors) => out.problems.push(RowProblem {
                        line: r.line,
                        title: row_title(r),
                        problems: errors
                            .iter()
                            .map(|e| (e.field.clone(), crate::tr!(loc, e.key.as_str())))
                            .collect(),
                    }),
                }
            }
            let keys: Vec<&str> = valid
                .iter()
                .map(|(_, c)| c.input.submission_key.as_str())
                .collect();
            let already = existing_keys(db, &keys).await?;
            out.rows_valid = valid.len() as i64;
            out.rows_already = valid
                .iter()
                .filter(|(_, c)| already.contains(&c.input.submission_key))
                .count() as i64;
            out.sample = valid
                .iter()
                .take(SAMPLE_ROWS)
                .map(|(r, c)| RowLine {
                    line: c.line,
                    received_at: c.received_at,
                    title: row_title(r),
                    already: already.contains(&c.input.submission_key),
                })
                .collect();
        }
        ImportState::Running => {}
        ImportState::Done => {
            let rows = sqlx::query(
                "select i.line, r.tracking_id, i.created from import_rows i \
                 join reports r on r.id = i.report_id where i.import_id = $1 order by i.line",
            )
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
            for r in rows {
                out.imported.push(Imported {
                    line: r.try_get("line")?,
                    tracking_id: r.try_get("tracking_id")?,
                    created: r.try_get::<i64, _>("created")? != 0,
                });
            }
        }
    }
    Ok(out)
}

/// The recent imports of `staff`'s organisation, newest first.
pub async fn recent(db: &Db, staff: &Staff) -> AppResult<Vec<ImportSummary>> {
    let org = importing_org(staff)?;
    let rows = sqlx::query(
        "select id, file_name, state, created_at, rows_total, rows_done from imports \
         where org_id = $1 order by id desc limit 20",
    )
    .bind(org)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let state: String = r.try_get("state")?;
            Ok(ImportSummary {
                id: r.try_get("id")?,
                file_name: r.try_get("file_name")?,
                state: ImportState::from_code(&state).ok_or(AppError::NotFound)?,
                created_at: r.try_get("created_at")?,
                rows_total: r.try_get("rows_total")?,
                rows_done: r.try_get("rows_done")?,
            })
        })
        .collect()
}

/// The official's confirmation: marks the import running (from its preview, or a stalled
/// run); returns whether this call did, so that exactly one worker [`run`]s it. Confirming
/// an import that runs or is done does nothing.
pub async fn start(db: &Db, staff: &Staff, id: i64, now: i64) -> AppResult<bool> {
    own(db, staff, id).await?;
    let done = sqlx::query(
        "update imports set state = 'running', started_at = coalesce(started_at, $2), \
         progressed_at = $2 where id = $1 and (state = 'preview' \
         or (state = 'running' and coalesce(progressed_at, 0) < $3))",
    )
    .bind(id)
    .bind(now)
    .bind(now - STALL_SECS)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many rows the worker files between two progress updates.
const PROGRESS_EVERY: usize = 100;

/// Imports every valid row of a started import, each through [`crate::reports::file`] with
/// the channel `import`, its received-at and the importing official as who entered it; a
/// row already in lapor is recorded as that report. Safe to run again after a stop: rows
/// keep their keys, so nothing is filed twice.
pub async fn run(store: &Store, secret: &str, id: i64, now: i64) -> AppResult<usize> {
    let row = load(store, id).await?;
    let staff = crate::staff::load(store, row.account_id)
        .await?
        .ok_or(AppError::Refused(Refusal::NotYourRole))?;
    let lookups = lookups(store, &staff, secret, now).await?;
    let rows = read_rows(&row.content).map_err(|e| AppError::Invalid(vec![e]))?;
    let done_lines: HashSet<i64> =
        sqlx::query_scalar::<_, i64>("select line from import_rows where import_id = $1")
            .bind(id)
            .fetch_all(&store.pool)
            .await?
            .into_iter()
            .collect();
    let today = store.time_zone.date_at(now);
    let todo: Vec<CheckedRow> = rows
        .iter()
        .filter_map(|raw| check_row(raw, &lookups).ok())
        .filter(|c| !done_lines.contains(&c.line))
        .collect();
    let keys: Vec<&str> = todo
        .iter()
        .map(|c| c.input.submission_key.as_str())
        .collect();
    let before = existing_keys(store, &keys).await?;
    let mut done = done_lines.len();
    let mut created = 0;
    for checked in &todo {
        let existed = before.contains(&checked.input.submission_key);
        let intake = Intake {
            channel: Channel::Import,
            received_at: checked.received_at,
            sms_from: crate::sms::normalize_number(&checked.input.phone)
                .filter(|_| !checked.input.is_anonymous()),
            entered_by: Some(row.account_id),
            api_key_id: None,
            offers_help: false,
            ..Intake::web(now)
        };
        let filed =
            match crate::reports::file(store, secret, &checked.input, None, intake, now, &today)
                .await
            {
                Ok(filed) => filed,
                // Changed since the preview (its agency removed): the row is left out.
                Err(AppError::Invalid(_)) => continue,
                Err(e) => return Err(e),
            };
        sqlx::query(
            "insert into import_rows (import_id, line, report_id, created) \
             select $1, $2, id, $3 from reports where tracking_id = $4 \
             on conflict (import_id, line) do nothing",
        )
        .bind(id)
        .bind(checked.line)
        .bind(i64::from(!existed))
        .bind(&filed.tracking_id)
        .execute(&store.pool)
        .await?;
        created += usize::from(!existed);
        done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(store, id, done, crate::db::now()).await?;
        }
    }
    progress(store, id, done, crate::db::now()).await?;
    // The file itself is let go once imported: it holds the names and numbers of rows marked
    // anonymous, which their reports never kept.
    sqlx::query("update imports set state = 'done', finished_at = $2, content = '' where id = $1")
        .bind(id)
        .bind(crate::db::now())
        .execute(&store.pool)
        .await?;
    Ok(created)
}

async fn progress(db: &Db, id: i64, done: usize, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update imports set rows_done = $2, progressed_at = $3 where id = $1")
        .bind(id)
        .bind(done as i64)
        .bind(now)
        .execute(&db.pool)
        .await
        .map(|_| ())
}
