//! Reports in the database. Plain functions over [`Db`]: the server functions call them, and
//! so do the integration tests, on both engines.

use super::*;
use crate::change::Store;
use crate::db::{Db, is_unique_violation};
use crate::error::{AppError, AppResult};
use crate::i18n::TimeZone;
use crate::secrets;
use crate::threads::{self, EventKind};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Who is asking to see a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Claim<'a> {
    /// The access code from the private link or typed by the citizen.
    pub code: Option<&'a str>,
    /// The signed-in citizen's account.
    pub account_id: Option<i64>,
}

/// Files a report typed on the web form at `now`; see [`file`].
pub async fn file_report(
    db: &Store,
    server_secret: &str,
    input: &ReportInput,
    account_id: Option<i64>,
    now: i64,
    today: &str,
) -> AppResult<FiledReport> {
    file(
        db,
        server_secret,
        input,
        account_id,
        Intake::web(now),
        now,
        today,
    )
    .await
}

/// Files a report that reached us through `intake` (its channel, and when the citizen really
/// complained, which starts its clocks), entered at `now`. A second call with the same
/// submission key returns the first report (with the same access code) instead of creating
/// another one.
pub async fn file(
    db: &Store,
    server_secret: &str,
    input: &ReportInput,
    account_id: Option<i64>,
    intake: Intake,
    now: i64,
    today: &str,
) -> AppResult<FiledReport> {
    let key = input.submission_key.trim();
    if !secrets::is_submission_key(key) {
        // Not something a user typed: the form was tampered with or is too old.
        return Err(AppError::invalid("form", "err.form_expired"));
    }
    if let Some(filed) = already_filed(db, server_secret, key).await? {
        return Ok(filed);
    }
    let valid = match validate_for(input, today, intake.channel) {
        Ok(valid) => valid,
        Err(mut errors) => {
            // The place is checked now too, so that every mistake is shown at once.
            if !errors.iter().any(|e| e.field == "place") {
                let target = input.target_org_id.trim().parse().ok();
                if let Err(AppError::Invalid(more)) =
                    crate::wilayah::place_for(db, &input.place, target).await
                {
                    errors.extend(more);
                }
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let mut errors = Vec::new();
    if intake.received_at > now {
        errors.push(crate::error::FieldError::new(
            "received_at",
            "err.date_future",
        ));
    }
    if !crate::orgs::category_exists(db, valid.category_id).await? {
        errors.push(crate::error::FieldError::new("category_id", "err.category"));
    }
    if let Some(org) = valid.target_org_id
        && !crate::orgs::agency_exists(db, org).await?
    {
        errors.push(crate::error::FieldError::new("target_org_id", "err.agency"));
    }
    let files = crate::attachments::tokens(&input.attachments);
    match crate::attachments::check_staged(db, &files).await {
        Err(AppError::Invalid(more)) => errors.extend(more),
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    let place_code = match crate::wilayah::place_for(db, &input.place, valid.target_org_id).await {
        Err(AppError::Invalid(more)) => {
            errors.extend(more);
            None
        }
        other => other?,
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // Valid, but with advice: like open public reports (the citizen may support one instead),
    // lacking a place, a time or specifics, or read as another category or agency. Shown once;
    // sent again, it is filed as it is.
    if intake.offers_help && input.mirip.trim().is_empty() {
        if !crate::duplicates::similar_public(db, &input.probe().bounded())
            .await?
            .is_empty()
        {
            return Err(AppError::invalid("mirip", "err.similar_first"));
        }
        let gaps = crate::completeness::gaps(&input.draft());
        let advice = crate::completeness::advice(
            db,
            &valid.title,
            &valid.body,
            Some(valid.category_id),
            valid.target_org_id,
        )
        .await?;
        if !gaps.is_empty() || !advice.is_empty() {
            return Err(AppError::invalid("mirip", "err.form_help"));
        }
    }
    let code = secrets::access_code(server_secret, key);
    for _ in 0..5 {
        let tracking_id = secrets::new_tracking_id();
        let row = NewReport {
            valid: &valid,
            key,
            tracking_id: &tracking_id,
            code: &code,
            account_id,
            intake: &intake,
            files: &files,
            place_code: place_code.as_deref(),
        };
        match insert(db, row, now).await {
            Ok(()) => {
                return Ok(FiledReport {
                    tracking_id,
                    access_code: code,
                });
            }
            Err(e) if is_unique_violation(&e) => {
                // Either the same submission arrived twice at once, or a tracking ID collided.
                if let Some(filed) = already_filed(db, server_secret, key).await? {
                    return Ok(filed);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::internal(
        "file report",
        "no free tracking id after 5 tries",
    ))
}

async fn already_filed(db: &Db, secret: &str, key: &str) -> AppResult<Option<FiledReport>> {
    let tracking: Option<String> =
        sqlx::query_scalar("select tracking_id from reports where submission_key = $1")
            .bind(key)
            .fetch_optional(&db.pool)
            .await?;
    Ok(tracking.map(|tracking_id| FiledReport {
        tracking_id,
        access_code: secrets::access_code(secret, key),
    }))
}

/// What one filing stores.
struct NewReport<'a> {
    valid: &'a ValidReport,
    key: &'a str,
    tracking_id: &'a str,
    code: &'a str,
    account_id: Option<i64>,
    intake: &'a Intake,
    files: &'a [String],
    /// The kecamatan or kelurahan the report names, checked against the country's data.
    place_code: Option<&'a str>,
}

async fn insert(db: &Store, r: NewReport<'_>, now: i64) -> Result<(), sqlx::Error> {
    let NewReport {
        valid: v,
        key,
        tracking_id,
        code,
        account_id,
        intake,
        files,
        place_code,
    } = r;
    let mut change = db.change(now).await?;
    let id: i64 = sqlx::query_scalar(
        "insert into reports (tracking_id, access_hash, submission_key, kind, title, body, \
         category_id, incident_date, location, target_org_id, anonymous, confidential, channel, \
         status, received_at, created_at, updated_at, status_changed_at, owner_org_id, \
         latitude, longitude, api_key_id, place_code) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'submitted', $14, $15, \
         $15, $14, (select case when o.kind = 'opd' then o.parent_id else o.id end \
         from organizations o where o.id = $10), $16, $17, $18, $19) \
         returning id",
    )
    .bind(tracking_id)
    .bind(secrets::hash_code(code))
    .bind(key)
    .bind(v.kind.code())
    .bind(&v.title)
    .bind(&v.body)
    .bind(v.category_id)
    .bind(v.incident_date.as_deref())
    .bind(&v.location)
    .bind(v.target_org_id)
    .bind(i64::from(v.anonymous))
    .bind(i64::from(v.confidential))
    .bind(intake.channel.code())
    .bind(intake.received_at)
    .bind(now)
    .bind(v.coordinates.map(|c| c.0))
    .bind(v.coordinates.map(|c| c.1))
    .bind(intake.api_key_id)
    .bind(place_code)
    .fetch_one(change.conn())
    .await?;
    sqlx::query("insert into reporters (report_id, account_id, name, email, phone) values ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(account_id)
        .bind(&v.name)
        .bind(&v.email)
        .bind(&v.phone)
        .execute(change.conn())
        .await?;
    subscribe_reporter(&mut change, id, v, account_id, intake, now).await?;
    crate::attachments::attach(change.conn(), files, id, None, now).await?;
    // The receipt is dated when the citizen complained; typing it in came later.
    change
        .record(threads::NewEvent {
            to_status: Some(Status::Submitted),
            ..threads::NewEvent::new(
                id,
                intake.received_at,
                EventKind::Status,
                "pelapor",
                account_id,
            )
        })
        .await?;
    if let Some(official) = intake.entered_by {
        let role: String = sqlx::query_scalar("select role from accounts where id = $1")
            .bind(official)
            .fetch_one(change.conn())
            .await?;
        change
            .record(threads::NewEvent {
                reason: Some(intake.channel.code()),
                ..threads::NewEvent::new(id, now, EventKind::Entered, &role, Some(official))
            })
            .await?;
    }
    change.commit().await?;
    Ok(())
}

/// Where the reporter will be told of the report's progress (see `notify`): the email typed
/// for it, else the contact email, else the signed-in account's; and the number a report by
/// SMS came from. Kept apart from the reporter's contact details, so also for an anonymous
/// report.
async fn subscribe_reporter(
    change: &mut crate::change::Change<'_>,
    report_id: i64,
    v: &ValidReport,
    account_id: Option<i64>,
    intake: &Intake,
    now: i64,
) -> Result<(), sqlx::Error> {
    use crate::notify::{Via, subscribe};
    let mut email = [&v.notify_email, &v.email]
        .into_iter()
        .find(|e| !e.is_empty())
        .cloned();
    if email.is_none()
        && let Some(account) = account_id
    {
        email = sqlx::query_scalar("select email from accounts where id = $1 and email <> ''")
            .bind(account)
            .fetch_optional(change.conn())
            .await?;
    }
    if let Some(email) = email {
        subscribe(
            change.conn(),
            report_id,
            Via::Email,
            &email,
            intake.locale,
            now,
        )
        .await?;
    }
    if let Some(number) = &intake.sms_from {
        subscribe(
            change.conn(),
            report_id,
            Via::Sms,
            number,
            intake.locale,
            now,
        )
        .await?;
    }
    Ok(())
}

/// A report row with what it takes to decide who may see it.
struct Found {
    id: i64,
    view: ReportView,
    access_hash: String,
    owner_account: Option<i64>,
}

impl Found {
    /// Whether the claim's access code matches: `None` when it carries no code.
    fn code_proof(&self, claim: Claim<'_>) -> Option<bool> {
        claim
            .code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|code| secrets::code_matches(code, &self.access_hash))
    }

    /// Whether the claim's signed-in account filed this report.
    fn owned_by(&self, claim: Claim<'_>) -> bool {
        claim.account_id.is_some() && claim.account_id == self.owner_account
    }
}

/// The report with this tracking ID (typed in any case, with or without dashes).
async fn load_existing(db: &Db, tracking_id: &str) -> AppResult<Found> {
    load(db, &secrets::normalize_code(tracking_id))
        .await?
        .ok_or(AppError::NotFound)
}

/// A report by tracking ID, with nothing decided about who may see what: only for callers
/// that checked the viewer's right to it already (officials in scope). The thread is empty.
pub async fn load_view(db: &Db, tracking_id: &str) -> AppResult<(i64, ReportView)> {
    let found = load_existing(db, tracking_id).await?;
    Ok((found.id, found.view))
}

/// Opens a report for a viewer. A confidential report is only shown to its reporter; to
/// anyone else it does not exist. A claim that fails (a wrong access code) is refused even
/// for a public report, so that a citizen who mistyped is told so instead of silently
/// getting the public view.
pub async fn find_report(db: &Db, tracking_id: &str, claim: Claim<'_>) -> AppResult<ReportView> {
    find_report_inner(db, tracking_id, claim)
        .await
        .map(|(_, v)| v)
}

/// [`find_report`] with the report's deadline clocks as of `now`.
pub async fn find_report_at(
    db: &Db,
    tracking_id: &str,
    claim: Claim<'_>,
    now: i64,
) -> AppResult<ReportView> {
    let (id, mut view) = find_report_inner(db, tracking_id, claim).await?;
    view.clocks = Some(crate::deadlines::report_clocks(db, id, now).await?);
    Ok(view)
}

async fn find_report_inner(
    db: &Db,
    tracking_id: &str,
    claim: Claim<'_>,
) -> AppResult<(i64, ReportView)> {
    let found = load_existing(db, tracking_id).await?;
    let is_reporter = match found.code_proof(claim) {
        Some(true) => true,
        Some(false) => return Err(AppError::NotFound),
        None => found.owned_by(claim),
    };
    // Before verification only the reporter (and officials in scope, elsewhere) may know
    // the report exists; afterwards the public reads its public version.
    if (found.view.confidential || !found.view.published) && !is_reporter {
        return Err(AppError::NotFound);
    }
    let mut view = found.view;
    view.is_reporter = is_reporter;
    if !is_reporter {
        if let Some(title) = view.public_title.take() {
            view.title = title;
        }
        if let Some(body) = view.public_body.take() {
            view.body = body;
        }
    }
    if is_reporter && !view.anonymous {
        view.reporter = reporter(db, found.id).await?;
    }
    view.thread = threads::public_thread(db, found.id).await?;
    let audience = if is_reporter {
        crate::attachments::Audience::Reporter
    } else {
        crate::attachments::Audience::Public
    };
    let mut files = crate::attachments::of_report(db, found.id, audience).await?;
    view.attachments = files.remove(&None).unwrap_or_default();
    threads::with_attachments(&mut view.thread, files);
    Ok((found.id, view))
}

/// The id of a report whose reporter `claim` proves to be; the gate for citizen actions.
pub async fn reporter_report_id(
    db: &Db,
    tracking_id: &str,
    claim: Claim<'_>,
) -> AppResult<(i64, Status)> {
    let found = load_existing(db, tracking_id).await?;
    if found.code_proof(claim) == Some(true) || found.owned_by(claim) {
        Ok((found.id, found.view.status))
    } else {
        Err(AppError::NotFound)
    }
}

const SUMMARY_COLUMNS: &str = "r.tracking_id, r.kind, r.title, substr(r.body, 1, 400) as body, \
     c.name_id as category_name_id, c.name_en as category_name_en, o.name as agency_name, \
     o.kind as agency_kind, p.name as agency_parent, r.status, r.received_at, r.confidential, \
     zo.zone";

/// The tables [`SUMMARY_COLUMNS`] reads, the report's zone ([`crate::orgs::REPORT_ZONE_JOIN`])
/// among them.
fn summary_joins() -> String {
    format!(
        "from reports r join categories c on c.id = r.category_id \
         left join organizations o on o.id = r.target_org_id \
         left join organizations p on p.id = o.parent_id{}",
        crate::orgs::REPORT_ZONE_JOIN
    )
}

fn agency_label(row: &AnyRow) -> Result<Option<String>, sqlx::Error> {
    let name: Option<String> = row.try_get("agency_name")?;
    let kind: Option<String> = row.try_get("agency_kind")?;
    let parent: Option<String> = row.try_get("agency_parent")?;
    Ok(name.map(|name| match (kind.as_deref(), parent) {
        (Some("opd"), Some(parent)) => format!("{name} — {parent}"),
        _ => name,
    }))
}

fn decode_kind(code: &str) -> Result<ReportKind, sqlx::Error> {
    ReportKind::from_code(code)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown kind {code}").into()))
}

fn decode_status(code: &str) -> Result<Status, sqlx::Error> {
    Status::from_code(code)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {code}").into()))
}

/// A listing's line; `deployment` is the zone of a report whose organisations have none.
fn summary(row: &AnyRow, deployment: TimeZone) -> Result<ReportSummary, sqlx::Error> {
    let body: String = row.try_get("body")?;
    let zone: Option<String> = row.try_get("zone")?;
    Ok(ReportSummary {
        tracking_id: row.try_get("tracking_id")?,
        kind: decode_kind(&row.try_get::<String, _>("kind")?)?,
        title: row.try_get("title")?,
        excerpt: excerpt(&body, 180),
        category_name_id: row.try_get("category_name_id")?,
        category_name_en: row.try_get("category_name_en")?,
        agency: agency_label(row)?,
        status: decode_status(&row.try_get::<String, _>("status")?)?,
        received_at: row.try_get("received_at")?,
        confidential: row.try_get::<i64, _>("confidential")? != 0,
        zone: crate::orgs::zone_or(zone.as_deref(), deployment),
        marked: None,
    })
}

async fn load(db: &Db, tracking_id: &str) -> AppResult<Option<Found>> {
    let sql = format!(
        "select r.id, {SUMMARY_COLUMNS}, r.body as full_body, r.incident_date, r.location, \
         r.place_code, r.anonymous, r.access_hash, rp.account_id as owner_account, r.closed_at, r.rating, \
         r.published_at, r.public_title, r.public_body, \
         (select d.tracking_id from reports d where d.id = r.duplicate_of) as duplicate_of, \
         {reporters} as reporters \
         {joins} left join reporters rp on rp.report_id = r.id \
         where r.tracking_id = $1",
        reporters = crate::duplicates::REPORTERS_SQL,
        joins = summary_joins()
    );
    let Some(row) = sqlx::query(&sql)
        .bind(tracking_id)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let s = summary(&row, db.time_zone)?;
    Ok(Some(Found {
        id: row.try_get("id")?,
        access_hash: row.try_get("access_hash")?,
        owner_account: row.try_get("owner_account")?,
        view: ReportView {
            tracking_id: s.tracking_id,
            kind: s.kind,
            title: s.title,
            body: row.try_get("full_body")?,
            category_name_id: s.category_name_id,
            category_name_en: s.category_name_en,
            incident_date: row.try_get("incident_date")?,
            location: row.try_get("location")?,
            place: row
                .try_get::<Option<String>, _>("place_code")?
                .map(|code| crate::wilayah::country().describe(&code)),
            agency: s.agency,
            anonymous: row.try_get::<i64, _>("anonymous")? != 0,
            confidential: s.confidential,
            status: s.status,
            received_at: s.received_at,
            zone: s.zone,
            is_reporter: false,
            reporter: None,
            thread: Vec::new(),
            closed: row.try_get::<Option<i64>, _>("closed_at")?.is_some(),
            rating: row.try_get("rating")?,
            clocks: None,
            published: row.try_get::<Option<i64>, _>("published_at")?.is_some(),
            public_title: row.try_get("public_title")?,
            public_body: row.try_get("public_body")?,
            attachments: Vec::new(),
            reporters: row.try_get("reporters")?,
            duplicate_of: row.try_get("duplicate_of")?,
        },
    }))
}

/// The reporter's contact details. Callers decide whether the viewer may have them.
pub async fn reporter(db: &Db, report_id: i64) -> AppResult<Option<ReporterView>> {
    let row = sqlx::query("select name, email, phone from reporters where report_id = $1")
        .bind(report_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| -> Result<ReporterView, sqlx::Error> {
            Ok(ReporterView {
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                phone: r.try_get("phone")?,
            })
        })
        .transpose()?)
}

/// One value bound to a dynamically built query.
pub enum Bind {
    Int(i64),
    Text(String),
}

/// What the public reads of a report in a listing: its public (redacted) version.
const PUBLIC_SUMMARY_COLUMNS: &str = "r.tracking_id, r.kind, \
     coalesce(r.public_title, r.title) as title, \
     substr(coalesce(r.public_body, r.body), 1, 400) as body, \
     c.name_id as category_name_id, c.name_en as category_name_en, o.name as agency_name, \
     o.kind as agency_kind, p.name as agency_parent, r.status, r.received_at, r.confidential, \
     zo.zone";

/// The public listing: only verified reports, never a confidential one, in their public
/// version; newest first; filtered and paginated.
pub async fn list_public(db: &Db, filter: &ListFilter) -> AppResult<PublicPage> {
    let listing = Listing {
        with: String::new(),
        conditions: vec![
            "r.confidential = $1".to_owned(),
            "r.published_at is not null".to_owned(),
        ],
        binds: vec![Bind::Int(0)],
    };
    listing
        .filtered(filter)
        .page(
            db,
            PUBLIC_SUMMARY_COLUMNS,
            "coalesce(r.public_body, r.body)",
            crate::search::Audience::Public,
            filter,
        )
        .await
}

/// What an official's search lists: every report in their scope (`with` and `condition` of
/// `staff::scope`, its organisation bound as `$1`), in the original version.
pub async fn list_in_scope(
    db: &Db,
    scope: crate::staff::Scope,
    filter: &ListFilter,
) -> AppResult<PublicPage> {
    let listing = Listing {
        with: format!("{} ", scope.with),
        conditions: vec![scope.condition],
        binds: vec![Bind::Int(scope.org_id)],
    };
    listing
        .filtered(filter)
        .page(
            db,
            SUMMARY_COLUMNS,
            "r.body",
            crate::search::Audience::Staff,
            filter,
        )
        .await
}

/// A listing's conditions on `reports r`, with the values they bind (`$1`…) and the `with`
/// clause they need: what the public listing and an official's search share.
pub struct Listing {
    pub with: String,
    pub conditions: Vec<String>,
    pub binds: Vec<Bind>,
}

impl Listing {
    /// The listing narrowed by the filter's status, category and agency (an agency's reports
    /// include those of every organisation below it: a province's filter takes in its
    /// regencies and their OPDs).
    pub fn filtered(mut self, filter: &ListFilter) -> Listing {
        if let Some(status) = Status::from_code(filter.status.trim()) {
            self.binds.push(Bind::Text(status.code().to_owned()));
            self.conditions
                .push(format!("r.status = ${}", self.binds.len()));
        }
        if let Ok(category) = filter.kategori.trim().parse::<i64>() {
            self.binds.push(Bind::Int(category));
            self.conditions
                .push(format!("r.category_id = ${}", self.binds.len()));
        }
        if let Ok(agency) = filter.instansi.trim().parse::<i64>() {
            self.binds.push(Bind::Int(agency));
            let cte = crate::orgs::subtree_cte("subtree", self.binds.len());
            self.with = match self.with.trim() {
                "" => format!("{cte} "),
                with => format!("{with}, {} ", cte.trim_start_matches("with recursive ")),
            };
            self.conditions
                .push("r.target_org_id in (select id from subtree)".to_owned());
        }
        self
    }

    /// The page `filter` asks for, its `q` searched in `audience`'s documents (then ranked by
    /// relevance, the words marked), else newest first. `columns` are the summary's, `full`
    /// the body the words are marked in.
    pub async fn page(
        self,
        db: &Db,
        columns: &str,
        full: &str,
        audience: crate::search::Audience,
        filter: &ListFilter,
    ) -> AppResult<PublicPage> {
        match crate::search::Query::parse(&filter.q) {
            Some(q) => self.searched(db, columns, full, audience, filter, &q).await,
            None => self.newest(db, columns, filter).await,
        }
    }

    /// Binds the first `count` values to `sql` (a statement that uses more or fewer is refused
    /// by both engines).
    fn bound<'q>(
        &'q self,
        sql: &'q str,
        count: usize,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        self.binds
            .iter()
            .take(count)
            .fold(sqlx::query(sql), |q, b| match b {
                Bind::Int(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.as_str()),
            })
    }

    /// Newest first, counted.
    async fn newest(self, db: &Db, columns: &str, filter: &ListFilter) -> AppResult<PublicPage> {
        let with = &self.with;
        let filter_sql = self.conditions.join(" and ");
        let count_sql = format!("{with}select count(*) from reports r where {filter_sql}");
        let total: i64 = self
            .bound(&count_sql, self.binds.len())
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = filter.page().min(pages);
        let list_sql = format!(
            "{with}select {columns} {joins} where {filter_sql} order by r.received_at desc, \
             r.id desc limit {PAGE_SIZE} offset {}",
            (page - 1) * PAGE_SIZE,
            joins = summary_joins()
        );
        let rows = self
            .bound(&list_sql, self.binds.len())
            .fetch_all(&db.pool)
            .await?;
        let items = rows
            .iter()
            .map(|r| summary(r, db.time_zone))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(PublicPage {
            items,
            page,
            pages,
            total,
            capped: false,
        })
    }

    /// The reports `q` finds (the newest [`crate::search::CANDIDATES`] matches the conditions
    /// allow, walked once), ranked by relevance; then the page's summaries, words marked.
    async fn searched(
        mut self,
        db: &Db,
        columns: &str,
        full: &str,
        audience: crate::search::Audience,
        filter: &ListFilter,
        q: &crate::search::Query,
    ) -> AppResult<PublicPage> {
        let conditions = self.conditions.join(" and ");
        self.binds.push(Bind::Text(crate::search::bound_text(
            db.engine, audience, q,
        )));
        self.binds
            .push(Bind::Text(q.tracking_id.clone().unwrap_or_default()));
        let n = self.binds.len();
        let reading = crate::search::reading(db, audience, q).await;
        let found =
            crate::search::found_source(db.engine, audience, n - 1, n, &conditions, reading);
        // (`cross join`: SQLite then reads the few reports found, not every report.)
        let with = &self.with;
        let ranked_sql = format!(
            "{with}select r.id from {found} cross join reports r where r.id = found.sid \
             order by found.score desc, r.received_at desc, r.id desc"
        );
        let ranked: Vec<i64> = self
            .bound(&ranked_sql, n)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        let total = ranked.len() as i64;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = filter.page().min(pages);
        let shown: Vec<i64> = ranked
            .iter()
            .skip(((page - 1) * PAGE_SIZE) as usize)
            .take(PAGE_SIZE as usize)
            .copied()
            .collect();
        let mut items = Vec::with_capacity(shown.len());
        if !shown.is_empty() {
            // The ids are the database's own integers, written into the statement as numbers,
            // found under the listing's conditions (asking them again here made SQLite walk
            // an index of every published report instead of reading twenty).
            let ids = shown
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let list_sql = format!(
                "select r.id as shown_id, {columns}, {full} as full_body {joins} \
                 where r.id in ({ids})",
                joins = summary_joins(),
            );
            let mut rows = sqlx::query(&list_sql).fetch_all(&db.pool).await?;
            rows.sort_by_key(|r| {
                let id = r.try_get::<i64, _>("shown_id").unwrap_or_default();
                shown.iter().position(|s| *s == id)
            });
            for r in &rows {
                let mut s = summary(r, db.time_zone)?;
                let body: String = r.try_get("full_body")?;
                s.marked = Some(q.marked(&s.title, &body));
                items.push(s);
            }
        }
        Ok(PublicPage {
            items,
            page,
            pages,
            total,
            capped: total >= crate::search::CANDIDATES,
        })
    }
}

/// A signed-in citizen's own reports, confidential ones included, newest first.
pub async fn list_for_account(db: &Db, account_id: i64) -> AppResult<Vec<ReportSummary>> {
    let sql = format!(
        "select {SUMMARY_COLUMNS} {joins} join reporters rp on rp.report_id = r.id \
         where rp.account_id = $1 order by r.received_at desc, r.id desc limit 200",
        joins = summary_joins()
    );
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| summary(r, db.time_zone))
        .collect::<Result<Vec<_>, _>>()?)
}

/// The reporter adds a message to their report's thread.
pub async fn add_citizen_message(
    db: &Store,
    tracking_id: &str,
    claim: Claim<'_>,
    body: &str,
    now: i64,
) -> AppResult<i64> {
    add_citizen_message_with(db, tracking_id, claim, body, &[], None, now).await
}

/// [`add_citizen_message`] with the staged files `files` attached to it.
pub async fn add_citizen_message_with(
    db: &Store,
    tracking_id: &str,
    claim: Claim<'_>,
    body: &str,
    files: &[String],
    key: Option<&str>,
    now: i64,
) -> AppResult<i64> {
    let (report_id, status) = reporter_report_id(db, tracking_id, claim).await?;
    let key = key.and_then(threads::message_key);
    if let Some(key) = key
        && let Some(id) = threads::message_by_key(&db.db, report_id, key).await?
    {
        return Ok(id);
    }
    let body = threads::validate_message(body).map_err(|e| AppError::Invalid(vec![e]))?;
    crate::attachments::check_staged(db, files).await?;
    let closed: Option<i64> = sqlx::query_scalar("select closed_at from reports where id = $1")
        .bind(report_id)
        .fetch_one(&db.pool)
        .await?;
    if !status.accepts_messages() || closed.is_some() {
        return Err(AppError::invalid("body", "err.thread_closed"));
    }
    let mut change = db.change(now).await?;
    let recorded = change
        .record(threads::NewEvent {
            body: &body,
            client_key: key,
            ..threads::NewEvent::new(
                report_id,
                now,
                EventKind::Message,
                "pelapor",
                claim.account_id,
            )
        })
        .await;
    let id = match (recorded, key) {
        (Ok(id), _) => id,
        // The same message, stored meanwhile by a copy of this request that came first.
        (Err(e), Some(key)) if is_unique_violation(&e) => {
            drop(change);
            return threads::message_by_key(&db.db, report_id, key)
                .await?
                .ok_or(AppError::Internal);
        }
        (Err(e), _) => return Err(e.into()),
    };
    crate::attachments::attach(change.conn(), files, report_id, Some(id), now).await?;
    sqlx::query("update reports set updated_at = $1 where id = $2")
        .bind(now)
        .bind(report_id)
        .execute(change.conn())
        .await?;
    change.commit().await?;
    Ok(id)
}
