//! Possible duplicates in the database: candidates proposed by the search index, supports.

use super::*;
use crate::change::Store;
use crate::db::{Db, Engine};
use crate::error::{AppError, AppResult, FieldError};
use crate::lifecycle::Status;
use sqlx::Row;

/// How many people reported `r`, as SQL: its reporter, its supporters, the reporters of its
/// duplicates.
pub const REPORTERS_SQL: &str = "(1 + (select count(*) from report_supports s \
     where s.report_id = r.id) + (select count(*) from reports d where d.duplicate_of = r.id))";

/// The statuses of an open report the public can read.
const OPEN_PUBLIC: &str = "r.status in ('verified', 'disposed', 'in_progress', 'on_hold')";

/// How many candidates the index proposes before the rule ([`likeness`]) decides.
const CANDIDATES: i64 = 40;

/// Which text of a report is compared, and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// The published, redacted version (the public's).
    Public,
    /// The original (officials').
    Original,
}

/// The open public reports most like a report being written: same category and same area
/// (the government answering for the chosen agency) when they are given. Never a
/// confidential, unpublished, closed or duplicate report.
pub async fn similar_public(db: &Db, probe: &Probe) -> AppResult<Vec<Similar>> {
    let target = probe.target_org_id.trim().parse::<i64>().ok();
    // A place that cannot be read is no reason to refuse: it just does not help.
    let place = crate::wilayah::place_for(db, &probe.place, target)
        .await
        .ok()
        .flatten();
    let words = Words::of(
        &probe.title,
        &format!("{}\n{}", probe.body, probe.location),
        place.as_deref(),
    );
    let mut conditions = vec![
        "r.published_at is not null".to_owned(),
        "r.confidential = 0".to_owned(),
        OPEN_PUBLIC.to_owned(),
        "r.duplicate_of is null".to_owned(),
    ];
    let mut binds = Vec::new();
    if let Ok(category) = probe.category_id.trim().parse::<i64>() {
        binds.push(category);
        conditions.push(format!("r.category_id = ${}", binds.len() + 1));
    }
    if let Some(org) = target {
        binds.push(org);
        let area = AREA_OF.replace("{}", &format!("${}", binds.len() + 1));
        conditions.push(format!("r.owner_org_id = {area}"));
    }
    candidates(db, Version::Public, &words, &conditions, binds).await
}

/// The government answering for agency `{}`: itself, or the government above an OPD.
const AREA_OF: &str = "(select case when o.kind = 'opd' then o.parent_id else o.id end from organizations o \
     where o.id = {})";

/// The open reports in an official's scope most like report `id` (the coordinator's page):
/// same category and same government, not already a duplicate, not itself. `scope` binds its
/// organisation as `$2` (see [`crate::staff::scope`]).
pub async fn similar_in_scope(
    db: &Db,
    scope: &crate::staff::Scope,
    id: i64,
) -> AppResult<Vec<Similar>> {
    let Some(row) = sqlx::query(
        "select title, body, location, place_code, category_id, owner_org_id from reports \
         where id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(Vec::new());
    };
    let body: String = row.try_get("body")?;
    let location: String = row.try_get("location")?;
    let words = Words::of(
        &row.try_get::<String, _>("title")?,
        &format!("{body}\n{location}"),
        row.try_get::<Option<String>, _>("place_code")?.as_deref(),
    );
    let conditions = vec![
        // `$2`: the scope's organisation (the first bind after the probe's text).
        scope.condition.clone(),
        "r.status not in ('resolved', 'archived')".to_owned(),
        "r.duplicate_of is null".to_owned(),
        format!("r.id <> {id}"),
        "r.category_id = $3".to_owned(),
        "coalesce(r.owner_org_id, 0) = $4".to_owned(),
    ];
    let binds = vec![
        scope.org_id,
        row.try_get("category_id")?,
        row.try_get::<Option<i64>, _>("owner_org_id")?.unwrap_or(0),
    ];
    let with = &scope.with;
    let mut found =
        candidates_with(db, with, Version::Original, &words, &conditions, binds).await?;
    found.truncate(SHOWN);
    Ok(found)
}

async fn candidates(
    db: &Db,
    version: Version,
    words: &Words,
    conditions: &[String],
    binds: Vec<i64>,
) -> AppResult<Vec<Similar>> {
    candidates_with(db, "", version, words, conditions, binds).await
}

/// The reports among `conditions` (over `reports r`, its binds from `$2`) that the index
/// proposes for `words` (bound as `$1`), decided and ordered by [`likeness`].
async fn candidates_with(
    db: &Db,
    with: &str,
    version: Version,
    words: &Words,
    conditions: &[String],
    binds: Vec<i64>,
) -> AppResult<Vec<Similar>> {
    let terms = words.probe_terms();
    if terms.len() < MIN_SHARED {
        return Ok(Vec::new());
    }
    let (title, body) = match version {
        Version::Public => (
            "coalesce(r.public_title, r.title)",
            "coalesce(r.public_body, r.body)",
        ),
        Version::Original => ("r.title", "r.body"),
    };
    let (source, text) = match (db.engine, version) {
        (Engine::Sqlite, _) => {
            let columns = match version {
                Version::Public => "public_title public_body",
                Version::Original => "title body",
            };
            let quoted: Vec<String> = terms
                .iter()
                .map(|(stem, _)| format!("\"{stem}\""))
                .collect();
            (
                "(select rowid as sid, -rank as score from report_search \
                 where report_search match $1) found"
                    .to_owned(),
                format!("{{{columns}}} : ({})", quoted.join(" OR ")),
            )
        }
        (Engine::Postgres, _) => {
            // Words as spelled (PostgreSQL stems them itself); only letters and digits.
            let (column, weights) = match version {
                Version::Public => ("public", ""),
                Version::Original => ("staff", ":AB"),
            };
            let spelled: Vec<String> = terms.iter().map(|(_, w)| format!("{w}{weights}")).collect();
            (
                format!(
                    "(select report_id as sid, ts_rank_cd({column}, to_tsquery('indonesian', $1)) \
                     as score from report_search where {column} @@ to_tsquery('indonesian', $1)) \
                     found"
                ),
                spelled.join(" | "),
            )
        }
    };
    let sql = format!(
        "{with} select r.tracking_id, {title} as title, {body} as body, r.location, r.place_code, \
         r.status, r.received_at, {REPORTERS_SQL} as reporters from {source} \
         cross join reports r where r.id = found.sid and {} \
         order by found.score desc, r.received_at desc limit {CANDIDATES}",
        conditions.join(" and ")
    );
    let mut q = sqlx::query(&sql).bind(text);
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&db.pool).await?;
    let mut scored = Vec::new();
    for row in rows {
        let title: String = row.try_get("title")?;
        let body: String = row.try_get("body")?;
        let location: String = row.try_get("location")?;
        let theirs = Words::of(
            &title,
            &format!("{body}\n{location}"),
            row.try_get::<Option<String>, _>("place_code")?.as_deref(),
        );
        let Some((score, shared)) = likeness(words, &theirs) else {
            continue;
        };
        let status: String = row.try_get("status")?;
        let received_at: i64 = row.try_get("received_at")?;
        scored.push((
            score,
            received_at,
            Similar {
                tracking_id: row.try_get("tracking_id")?,
                title,
                status: Status::from_code(&status).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown status {status}").into())
                })?,
                received_at,
                reporters: row.try_get("reporters")?,
                shared: shared.iter().map(|s| words.spelled(s)).collect(),
            },
        ));
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    Ok(scored.into_iter().take(SHOWN).map(|(_, _, s)| s).collect())
}

/// Who supports a report: a signed-in account, else an email address or a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Supporter {
    Account(i64),
    Email(String),
    Phone(String),
}

impl Supporter {
    /// The supporter a form names: the signed-in account, else the email typed, else the
    /// phone number typed.
    pub fn from_form(
        account: Option<i64>,
        email: &str,
        phone: &str,
    ) -> Result<Supporter, FieldError> {
        if let Some(id) = account {
            return Ok(Supporter::Account(id));
        }
        let (email, phone) = (email.trim().to_lowercase(), phone.trim());
        if !email.is_empty() {
            return match crate::accounts::email_is_plausible(&email) {
                true => Ok(Supporter::Email(email)),
                false => Err(FieldError::new("email", "err.email")),
            };
        }
        if !phone.is_empty() {
            return match crate::accounts::phone_is_plausible(phone) {
                true => Ok(Supporter::Phone(
                    crate::sms::normalize_number(phone)
                        .unwrap_or_else(|| phone.chars().filter(char::is_ascii_digit).collect()),
                )),
                false => Err(FieldError::new("phone", "err.phone")),
            };
        }
        Err(FieldError::new("email", "err.support_contact"))
    }

    /// What is stored: the account, or a keyed hash of the address (a support keeps no
    /// contact details, only what tells one person from another).
    pub fn key(&self, server_secret: &str) -> String {
        let hashed = |kind: &str, address: &str| {
            let h = crate::secrets::keyed(server_secret, "support", address);
            format!("{kind}:{}", hex::encode(h))
        };
        match self {
            Supporter::Account(id) => format!("akun:{id}"),
            Supporter::Email(e) => hashed("email", e),
            Supporter::Phone(p) => hashed("hp", p),
        }
    }
}

/// `who` reports the same as public report `tracking_id` ("saya juga mengalami ini"): counted
/// once per person. A report the public cannot read does not exist here; an archived one
/// takes no support; its own reporter's account is counted already.
pub async fn support(
    db: &Store,
    server_secret: &str,
    tracking_id: &str,
    who: &Supporter,
    now: i64,
) -> AppResult<Supported> {
    let tracking_id = crate::secrets::normalize_code(tracking_id);
    let row = sqlx::query(
        "select r.id, r.status, r.published_at, r.confidential, rp.account_id from reports r \
         left join reporters rp on rp.report_id = r.id where r.tracking_id = $1",
    )
    .bind(&tracking_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let id: i64 = row.try_get("id")?;
    let public = row.try_get::<Option<i64>, _>("published_at")?.is_some()
        && row.try_get::<i64, _>("confidential")? == 0;
    if !public {
        return Err(AppError::NotFound);
    }
    if row.try_get::<String, _>("status")? == Status::Archived.code() {
        return Err(AppError::invalid("support", "err.support_archived"));
    }
    let own = matches!(who, Supporter::Account(a) if Some(*a) == row.try_get::<Option<i64>, _>("account_id")?);
    let mut new = false;
    if !own {
        let mut change = db.change(now).await?;
        new = sqlx::query(
            "insert into report_supports (report_id, supporter, created_at) values ($1, $2, $3) \
             on conflict (report_id, supporter) do nothing",
        )
        .bind(id)
        .bind(who.key(server_secret))
        .bind(now)
        .execute(change.conn())
        .await?
        .rows_affected()
            == 1;
        change.commit().await?;
    }
    Ok(Supported {
        new,
        reporters: reporters(db, id).await?,
    })
}

/// How many people reported report `id` (see [`REPORTERS_SQL`]).
pub async fn reporters(db: &Db, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "select {REPORTERS_SQL} from reports r where r.id = $1"
    ))
    .bind(id)
    .fetch_one(&db.pool)
    .await
}
