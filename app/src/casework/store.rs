//! Casework in the database: plain functions over [`Db`] that the server functions, the form
//! handlers and the integration tests call alike.

use super::*;
use crate::calendar::WorkCalendar;
use crate::db::Db;
use crate::deadlines::{ClockKind, deadline_from_columns, load_calendar};
use crate::desk::View;
use crate::error::{AppError, AppResult, FieldError};
use crate::lifecycle::tighten;
use crate::staff::{Staff, scope};
use crate::threads::{self, EventKind, NewEvent, validate_message};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What the checks need to know about a report an official opened.
#[derive(Debug, Clone)]
struct CaseRow {
    id: i64,
    status: Status,
    before_hold: Option<Status>,
    owner_org_id: Option<i64>,
    opd_id: Option<i64>,
    anonymous: bool,
    confidential: bool,
    kind: String,
    category_id: i64,
    status_changed_at: i64,
    title: String,
    body: String,
    public_title: Option<String>,
    public_body: Option<String>,
    assignee_id: Option<i64>,
}

fn decode_status(code: &str) -> Result<Status, sqlx::Error> {
    Status::from_code(code)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {code}").into()))
}

/// The report with this tracking ID if it is in the official's scope; otherwise, whether it
/// exists or not, [`AppError::NotFound`].
async fn case_row(db: &Db, staff: &Staff, tracking_id: &str) -> AppResult<CaseRow> {
    let row = crate::staff::report_in_scope(
        db,
        staff,
        tracking_id,
        "r.id, r.status, r.before_hold, r.owner_org_id, r.opd_id, r.anonymous, \
         r.confidential, r.kind, r.category_id, r.status_changed_at, r.title, r.body, \
         r.public_title, r.public_body, r.assignee_id",
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let before: Option<String> = row.try_get("before_hold")?;
    Ok(CaseRow {
        id: row.try_get("id")?,
        status: decode_status(&row.try_get::<String, _>("status")?)?,
        before_hold: before.as_deref().and_then(Status::from_code),
        owner_org_id: row.try_get("owner_org_id")?,
        opd_id: row.try_get("opd_id")?,
        anonymous: row.try_get::<i64, _>("anonymous")? != 0,
        confidential: row.try_get::<i64, _>("confidential")? != 0,
        kind: row.try_get("kind")?,
        category_id: row.try_get("category_id")?,
        status_changed_at: row.try_get("status_changed_at")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        public_title: row.try_get("public_title")?,
        public_body: row.try_get("public_body")?,
        assignee_id: row.try_get("assignee_id")?,
    })
}

/// The public version an official typed: `None` when empty or the same as the original (the
/// original is public), else the text within the same bounds as the citizen's.
fn public_version(
    field: &str,
    typed: &str,
    original: &str,
    min: usize,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let typed = typed.trim();
    if typed.is_empty() || typed == original.trim() {
        return Ok(None);
    }
    let n = typed.chars().count();
    if n < min || n > max {
        return Err(FieldError::new(field, "err.redaction_length"));
    }
    Ok(Some(typed.to_owned()))
}

/// Which of the public texts a redaction changes: `title`, `body` or `title,body`.
fn redacted_fields(case: &CaseRow, title: &Option<String>, body: &Option<String>) -> String {
    let mut fields = Vec::new();
    if *title != case.public_title {
        fields.push("title");
    }
    if *body != case.public_body {
        fields.push("body");
    }
    fields.join(",")
}

/// The columns and joins of a case summary ([`case_summary`]), with `columns` and `joins`
/// added.
fn summary_sql(columns: &str, joins: &str) -> String {
    format!(
        "select r.tracking_id, r.title, r.kind, c.name_id as category_name_id, \
         c.name_en as category_name_en, r.status, r.received_at, r.status_changed_at, \
         ow.name as owner_name, op.name as opd_name, opp.name as opd_parent, r.anonymous, \
         r.confidential, r.channel, r.verify_due_at, r.follow_up_due_at, r.resolve_due_at, \
         r.contest_until, zo.zone{columns} from reports r \
         join categories c on c.id = r.category_id \
         left join organizations ow on ow.id = r.owner_org_id \
         left join organizations op on op.id = r.opd_id \
         left join organizations opp on opp.id = op.parent_id{zone}{joins}",
        zone = crate::orgs::REPORT_ZONE_JOIN
    )
}

/// What an inbox adds to a summary for the official `$3`: who handles the report, whether
/// the citizen waits, what is new to this official, and the rank of what needs action
/// (`need`: 0 overdue, 1 a citizen waiting, 2 new to this official, 3 the rest).
const DESK_COLUMNS: &str = ", asg.name as assignee_name, r.awaiting_answer, \
     (select count(*) from report_events e where e.report_id = r.id and e.kind = 'message' \
      and e.id > coalesce(cr.seen_event_id, 0) and coalesce(e.author_account_id, 0) <> $3) \
      as unread, \
     case when cr.seen_event_id is null or cr.seen_event_id < \
      (select max(e.id) from report_events e where e.report_id = r.id) then 1 else 0 end \
      as unseen, \
     case when r.due_at < $2 and r.status <> 'resolved' then 0 \
      when r.awaiting_answer = 1 then 1 \
      when cr.seen_event_id is null or cr.seen_event_id < \
       (select max(e.id) from report_events e where e.report_id = r.id) then 2 \
      else 3 end as need";

const DESK_JOINS: &str = " left join accounts asg on asg.id = r.assignee_id \
     left join case_reads cr on cr.account_id = $3 and cr.report_id = r.id";

const DAY: i64 = 86_400;

fn opd_label(row: &AnyRow) -> Result<Option<String>, sqlx::Error> {
    let name: Option<String> = row.try_get("opd_name")?;
    let parent: Option<String> = row.try_get("opd_parent")?;
    Ok(name.map(|n| match parent {
        Some(p) => format!("{n} — {p}"),
        None => n,
    }))
}

fn case_summary(row: &AnyRow, now: i64, cal: &WorkCalendar) -> Result<CaseSummary, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let received_at: i64 = row.try_get("received_at")?;
    let changed: i64 = row.try_get("status_changed_at")?;
    let status = decode_status(&row.try_get::<String, _>("status")?)?;
    let deadline = deadline_from_columns(
        &crate::deadlines::in_report_zone(cal, row)?,
        now,
        status,
        [
            (ClockKind::Verify, row.try_get("verify_due_at")?),
            (ClockKind::FollowUp, row.try_get("follow_up_due_at")?),
            (ClockKind::Resolve, row.try_get("resolve_due_at")?),
            (ClockKind::Contest, row.try_get("contest_until")?),
        ],
    );
    Ok(CaseSummary {
        deadline,
        tracking_id: row.try_get("tracking_id")?,
        title: row.try_get("title")?,
        kind: ReportKind::from_code(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown kind {kind}").into()))?,
        category_name_id: row.try_get("category_name_id")?,
        category_name_en: row.try_get("category_name_en")?,
        status,
        received_at,
        age_days: (now - received_at).max(0) / DAY,
        waited_days: (now - changed).max(0) / DAY,
        owner: row.try_get("owner_name")?,
        opd: opd_label(row)?,
        anonymous: row.try_get::<i64, _>("anonymous")? != 0,
        confidential: row.try_get::<i64, _>("confidential")? != 0,
        channel: crate::reports::Channel::from_code(&row.try_get::<String, _>("channel")?)
            .unwrap_or(crate::reports::Channel::Web),
        assignee: None,
        awaiting: false,
        unseen: false,
        unread: 0,
    })
}

/// A summary with what an inbox adds ([`DESK_COLUMNS`]).
fn desk_summary(row: &AnyRow, now: i64, cal: &WorkCalendar) -> Result<CaseSummary, sqlx::Error> {
    Ok(CaseSummary {
        assignee: row.try_get("assignee_name")?,
        awaiting: row.try_get::<i64, _>("awaiting_answer")? != 0,
        unseen: row.try_get::<i64, _>("unseen")? != 0,
        unread: row.try_get("unread")?,
        ..case_summary(row, now, cal)?
    })
}

/// What waits for this official's organisation in `view` (see [`Inbox`] for the order). The
/// coordinator's inbox holds the reports its own government answers for; the national
/// admin's those that name no agency; the OPD's those forwarded to it.
pub async fn inbox(db: &Db, staff: &Staff, view: View, now: i64) -> AppResult<Inbox> {
    inbox_labelled(db, staff, view, None, now).await
}

/// The inbox in `view`, only the reports with the organisation's label `label` when given
/// (the counts per view stay those of the whole inbox).
pub async fn inbox_labelled(
    db: &Db,
    staff: &Staff,
    view: View,
    label: Option<i64>,
    now: i64,
) -> AppResult<Inbox> {
    // `$1` is the official's organisation, `$2` now, `$3` the official; every section binds
    // all three.
    let routing = |whose: &'static str| {
        [
            (
                "staff.to_verify",
                format!("{whose} and r.status = 'submitted'"),
                "r.received_at",
            ),
            (
                "staff.to_forward",
                format!("{whose} and r.status = 'verified'"),
                "r.status_changed_at",
            ),
            (
                "staff.on_hold",
                format!(
                    "{whose} and r.status = 'on_hold' and r.before_hold in ('submitted', 'verified')"
                ),
                "r.status_changed_at",
            ),
        ]
    };
    let mut sections: Vec<(&str, String, &str)> = match (staff.role, staff.org_id) {
        (Role::NationalAdmin, Some(_)) => {
            // Late verification anywhere in the country reaches the national admin.
            let mut s = vec![(
                "staff.late_verification",
                "$1 = $1 and r.status = 'submitted' and r.verify_due_at < $2".to_owned(),
                "r.verify_due_at",
            )];
            s.extend(routing("r.owner_org_id is null and $1 = $1 and $2 = $2"));
            s
        }
        (Role::Coordinator, Some(_)) => {
            // Overdue reports of its government, wherever they wait (also at its OPDs).
            let mut s = vec![(
                "staff.overdue",
                format!("r.owner_org_id = $1 and {OVERDUE}"),
                "r.due_at",
            )];
            s.extend(routing("r.owner_org_id = $1 and $2 = $2"));
            s
        }
        (Role::OpdAdmin, Some(_)) => vec![
            (
                "staff.overdue",
                format!("r.opd_id = $1 and {OVERDUE}"),
                "r.due_at",
            ),
            (
                "staff.forwarded",
                "r.opd_id = $1 and $2 = $2 and r.status = 'disposed'".to_owned(),
                "r.status_changed_at",
            ),
            (
                "staff.in_progress",
                "r.opd_id = $1 and $2 = $2 and r.status = 'in_progress'".to_owned(),
                "r.status_changed_at",
            ),
            (
                "staff.on_hold",
                "r.opd_id = $1 and $2 = $2 and r.status = 'on_hold' \
                 and r.before_hold in ('disposed', 'in_progress')"
                    .to_owned(),
                "r.status_changed_at",
            ),
        ],
        (Role::Overseer, _) => Vec::new(),
        _ => return Err(AppError::Refused(Refusal::NotYourRole)),
    };
    let cal = load_calendar(db, &db.pool).await?;
    let org = staff.org_id.unwrap_or_default();
    let counts = view_counts(db, staff, &sections, now).await?;
    let only = match view {
        View::Mine => " and r.assignee_id = $3",
        View::Unassigned => " and r.assignee_id is null and $3 = $3",
        View::All => " and $3 = $3",
    };
    let labelled = label
        .map(crate::labels::inbox_condition)
        .unwrap_or_default();
    let select = summary_sql(DESK_COLUMNS, DESK_JOINS);
    let mut out = Vec::new();
    for (key, condition, order) in sections.drain(..) {
        let sql = format!(
            "{select} where {condition}{only}{labelled} order by need, {order}, r.id limit {INBOX_ROWS}"
        );
        let rows = sqlx::query(&sql)
            .bind(org)
            .bind(now)
            .bind(staff.account_id)
            .fetch_all(&db.pool)
            .await?;
        out.push(InboxSection {
            key: key.to_owned(),
            items: rows
                .iter()
                .map(|r| desk_summary(r, now, &cal))
                .collect::<Result<_, _>>()?,
        });
    }
    // A coordinator forwards many at once to the OPDs under its government.
    let opds = match (staff.role, staff.org_id) {
        (Role::Coordinator, Some(org)) => opds_under(db, org).await?,
        _ => Vec::new(),
    };
    let labels = match staff.org_id {
        Some(org) => crate::labels::of_org(db, org).await?,
        None => Vec::new(),
    };
    Ok(Inbox {
        org_name: staff.org_name.clone(),
        view,
        counts,
        sections: out,
        opds,
        label: label.filter(|l| labels.iter().any(|x| x.id == *l)),
        labels,
        mentions: crate::desk::my_mentions(db, staff).await?,
        filters: crate::desk::saved_filters(db, staff.account_id).await?,
    })
}

/// The most rows an inbox section shows.
const INBOX_ROWS: i64 = 200;

/// How many reports of the inbox (every section, each report once) each view holds.
async fn view_counts(
    db: &Db,
    staff: &Staff,
    sections: &[(&str, String, &str)],
    now: i64,
) -> AppResult<crate::desk::ViewCounts> {
    if sections.is_empty() {
        return Ok(Default::default());
    }
    let any = sections
        .iter()
        .map(|(_, condition, _)| format!("({condition})"))
        .collect::<Vec<_>>()
        .join(" or ");
    let sql = format!(
        "select count(*) as n, \
         coalesce(sum(case when r.assignee_id = $3 then 1 else 0 end), 0) as mine, \
         coalesce(sum(case when r.assignee_id is null then 1 else 0 end), 0) as unassigned \
         from reports r where ({any})"
    );
    let row = sqlx::query(&sql)
        .bind(staff.org_id.unwrap_or_default())
        .bind(now)
        .bind(staff.account_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(crate::desk::ViewCounts {
        all: row.try_get("n")?,
        mine: row.try_get("mine")?,
        unassigned: row.try_get("unassigned")?,
    })
}

/// A report whose running deadline has passed (a resolved report's contest window running
/// out is not lateness: the report just closes).
const OVERDUE: &str = "r.due_at < $2 and r.status <> 'resolved'";

/// The reports in the official's scope that `filter` asks for: its words searched in
/// everything officials read (the original text, the thread, internal notes), ranked and
/// marked; else every report in scope, newest first.
pub async fn search_reports(
    db: &Db,
    staff: &Staff,
    filter: &crate::reports::ListFilter,
) -> AppResult<crate::reports::PublicPage> {
    let Some(scope) = scope(staff, 1) else {
        return Err(AppError::Refused(Refusal::NotYourRole));
    };
    crate::reports::list_in_scope(db, scope, filter).await
}

/// Every report in the official's scope by OPD and status, and the open ones, longest
/// waiting first.
pub async fn watch(db: &Db, staff: &Staff, now: i64) -> AppResult<Watch> {
    let Some(scope) = scope(staff, 1) else {
        return Err(AppError::Refused(Refusal::NotYourRole));
    };
    let counts_sql = format!(
        "{} select r.opd_id, op.name as opd_name, opp.name as opd_parent, r.status, \
         count(*) as n, min(case when r.status in ('resolved', 'archived') then null \
         else r.status_changed_at end) as oldest, \
         sum(case when {OVERDUE} then 1 else 0 end) as late, \
         sum(case when r.assignee_id is null and r.status not in ('resolved', 'archived') \
         then 1 else 0 end) as free \
         from reports r left join organizations op on op.id = r.opd_id \
         left join organizations opp on opp.id = op.parent_id \
         where {} group by r.opd_id, op.name, opp.name, r.status \
         order by op.name, opp.name",
        scope.with, scope.condition
    );
    let rows = sqlx::query(&counts_sql)
        .bind(scope.org_id)
        .bind(now)
        .fetch_all(&db.pool)
        .await?;
    let cal = load_calendar(db, &db.pool).await?;
    let mut table: Vec<(Option<i64>, WatchRow)> = Vec::new();
    for row in &rows {
        let opd_id: Option<i64> = row.try_get("opd_id")?;
        let status = decode_status(&row.try_get::<String, _>("status")?)?;
        let n: i64 = row.try_get("n")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        let late: i64 = row.try_get("late")?;
        let free: i64 = row.try_get("free")?;
        let index = match table.iter().position(|(id, _)| *id == opd_id) {
            Some(i) => i,
            None => {
                table.push((
                    opd_id,
                    WatchRow {
                        opd: opd_label(row)?,
                        counts: vec![0; Status::ALL.len()],
                        oldest_waiting_days: 0,
                        overdue: 0,
                        unassigned: 0,
                    },
                ));
                table.len() - 1
            }
        };
        let entry = &mut table[index].1;
        if let Some(i) = Status::ALL.iter().position(|s| *s == status) {
            entry.counts[i] += n;
        }
        entry.overdue += late;
        entry.unassigned += free;
        if let Some(oldest) = oldest {
            entry.oldest_waiting_days = entry.oldest_waiting_days.max((now - oldest).max(0) / DAY);
        }
    }
    // Reports not yet with an OPD first: they are the coordinator's own work.
    table.sort_by_key(|(id, _)| id.is_some());
    let items_sql = format!(
        "{} {} where {} and r.status not in ('resolved', 'archived') \
         and $2 = $2 order by r.status_changed_at, r.id limit 200",
        scope.with,
        summary_sql("", ""),
        scope.condition
    );
    let items = sqlx::query(&items_sql)
        .bind(scope.org_id)
        .bind(now)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| case_summary(r, now, &cal))
        .collect::<Result<_, _>>()?;
    Ok(Watch {
        org_name: staff.org_name.clone(),
        rows: table.into_iter().map(|(_, row)| row).collect(),
        items,
    })
}

/// A report as the official sees it, with what they may do now. Opening it marks what it
/// shows as seen by this official (their inbox stops calling it new).
pub async fn open_case(db: &Db, staff: &Staff, tracking_id: &str, now: i64) -> AppResult<CaseView> {
    let case = case_row(db, staff, tracking_id).await?;
    let (_, mut report) = crate::reports::load_view(db, tracking_id).await?;
    // The reporter's contact, for the officials who must reach a named reporter; an
    // anonymous report's is never read. Each reading is written to the audit log.
    if !case.anonymous {
        report.reporter = crate::reports::reporter(db, case.id).await?;
        if report.reporter.is_some() {
            let what =
                crate::audit::What::new(crate::audit::Action::ContactViewed, &report.tracking_id);
            let actor = crate::audit::Actor::official(staff);
            crate::audit::record(&db.pool, &actor, what.org(staff.org_id), now).await?;
        }
    }
    report.thread = threads::staff_thread(db, case.id).await?;
    let mut files =
        crate::attachments::of_report(db, case.id, crate::attachments::Audience::Staff).await?;
    report.attachments = files.remove(&None).unwrap_or_default();
    threads::with_attachments(&mut report.thread, files);
    report.clocks = Some(crate::deadlines::report_clocks(db, case.id, now).await?);
    let names = sqlx::query(
        "select (select name from organizations where id = $1) as owner, \
         (select name from organizations where id = $2) as opd",
    )
    .bind(case.owner_org_id)
    .bind(case.opd_id)
    .fetch_one(&db.pool)
    .await?;
    let opds = match case.owner_org_id {
        Some(owner) => opds_under(db, owner).await?,
        None => Vec::new(),
    };
    let governments = if staff.role == Role::NationalAdmin {
        governments(db).await?
    } else {
        Vec::new()
    };
    let actions: Vec<StaffAction> = StaffAction::ALL
        .into_iter()
        .filter(|a| check(*a, staff.role, case.status, case.before_hold).is_ok())
        .filter(|a| *a != StaffAction::Dispose || !opds.is_empty())
        .filter(|a| *a != StaffAction::Tighten || !(case.anonymous && case.confidential))
        .collect();
    let holder = crate::desk::holder(db, case.opd_id, case.owner_org_id).await?;
    let assignment = crate::desk::assignment(db, staff, holder, case.assignee_id).await?;
    // The organisation's templates, filled later in the viewer's language
    // ([`fill_templates`]).
    let templates = match staff.org_id {
        Some(org) if staff.writes() => crate::desk::templates(db, org)
            .await?
            .into_iter()
            .map(|t| crate::desk::FilledTemplate {
                id: t.id,
                title: t.title,
                text: t.body,
            })
            .collect(),
        _ => Vec::new(),
    };
    let last_event_id = report.thread.iter().map(|e| e.id).max().unwrap_or(0);
    let similar = match scope(staff, 2) {
        Some(scope) if actions.contains(&StaffAction::Archive) => {
            crate::duplicates::similar_in_scope(db, &scope, case.id).await?
        }
        _ => Vec::new(),
    };
    // Opened: what it shows is no longer new to this official.
    crate::desk::mark_read(db, staff.account_id, case.id, last_event_id).await?;
    crate::desk::mentions_seen(db, staff.account_id, case.id, now).await?;
    Ok(CaseView {
        labels: crate::labels::for_report(db, staff, case.id).await?,
        assignment,
        templates,
        last_event_id,
        presence: Vec::new(),
        report,
        owner: names.try_get("owner")?,
        opd: names.try_get("opd")?,
        waited_days: (now - case.status_changed_at).max(0) / DAY,
        actions,
        can_reply: check_reply(staff.role, case.status).is_ok(),
        can_note: staff.writes(),
        opds,
        governments,
        categories: crate::orgs::categories(db).await?,
        kind_code: case.kind,
        category_id: case.category_id,
        draft: None,
        similar,
    })
}

/// The original a report is marked a duplicate of: a report in the official's scope, not the
/// report itself, not archived; when it is itself a duplicate, its own original.
async fn original_of(
    db: &Db,
    staff: &Staff,
    case: &CaseRow,
    typed: &str,
) -> AppResult<Result<(i64, String), FieldError>> {
    let wrong = |key: &str| -> AppResult<Result<(i64, String), FieldError>> {
        Ok(Err(FieldError::new("duplicate_of", key)))
    };
    let tracking = crate::secrets::normalize_code(typed);
    if tracking.is_empty() {
        return wrong("err.duplicate_of");
    }
    let mut original = match case_row(db, staff, &tracking).await {
        Ok(row) => row,
        Err(AppError::NotFound) => return wrong("err.duplicate_of"),
        Err(e) => return Err(e),
    };
    let mut tracking = tracking;
    let earlier: Option<(i64, String)> = sqlx::query_as(
        "select o.id, o.tracking_id from reports r join reports o on o.id = r.duplicate_of \
         where r.id = $1",
    )
    .bind(original.id)
    .fetch_optional(&db.pool)
    .await?;
    if let Some((_, t)) = earlier {
        original = match case_row(db, staff, &t).await {
            Ok(row) => row,
            Err(AppError::NotFound) => return wrong("err.duplicate_of"),
            Err(e) => return Err(e),
        };
        tracking = t;
    }
    if original.id == case.id {
        return wrong("err.duplicate_self");
    }
    if original.status == Status::Archived {
        return wrong("err.duplicate_archived");
    }
    Ok(Ok((original.id, tracking)))
}

/// The OPDs directly under a government: where its coordinator forwards to.
async fn opds_under(db: &Db, government: i64) -> Result<Vec<Agency>, sqlx::Error> {
    crate::orgs::agencies_where(db, "o.parent_id = $1 and o.kind = 'opd'", Some(government)).await
}

/// Every government below national level: where the national admin routes to.
async fn governments(db: &Db) -> Result<Vec<Agency>, sqlx::Error> {
    crate::orgs::agencies_where(
        db,
        "o.kind in ('ministry', 'province', 'regency', 'city')",
        None,
    )
    .await
}

/// Checks an optional text: at most [`threads::MESSAGE_MAX`] characters.
fn optional_text(field: &str, text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.chars().count() > threads::MESSAGE_MAX {
        Err(FieldError::new(field, "err.message_long"))
    } else {
        Ok(text.to_owned())
    }
}

/// A required text: present, at most [`threads::MESSAGE_MAX`] characters.
fn required_text(field: &str, text: &str) -> Result<String, FieldError> {
    validate_message(text).map_err(|e| FieldError::new(field, &e.key))
}

fn refused(r: Refusal) -> AppError {
    AppError::Refused(r)
}

/// Takes `input`'s action on a report as `staff`. Scope first (outside it the report does not
/// exist), then the lifecycle, then the action's own fields. The change and its record in the
/// thread are stored together; if another official changed the status meanwhile, nothing is
/// stored and the action is refused as coming from the wrong status.
pub async fn act(
    db: &crate::change::Store,
    staff: &Staff,
    tracking_id: &str,
    input: &ActInput,
    now: i64,
) -> AppResult<StaffAction> {
    let case = case_row(db, staff, tracking_id).await?;
    let action = StaffAction::from_code(input.action.trim())
        .ok_or_else(|| AppError::invalid("action", "err.action"))?;
    let to = check(action, staff.role, case.status, case.before_hold).map_err(refused)?;

    let status = to.unwrap_or(case.status);
    let mut before_hold = case.before_hold;
    let mut owner = case.owner_org_id;
    let mut opd = case.opd_id;
    let mut kind = case.kind.clone();
    let mut category = case.category_id;
    let mut flags = (case.anonymous, case.confidential);
    let mut duplicate_of = None;
    let mut event = NewEvent::new(
        case.id,
        now,
        EventKind::Status,
        staff.role.code(),
        Some(staff.account_id),
    );
    event.from_status = Some(case.status);
    event.to_status = to;
    let message;
    let note;
    let reason_text;
    let mut errors = Vec::new();
    let (mut public_title, mut public_body) = (case.public_title.clone(), case.public_body.clone());
    if matches!(action, StaffAction::Verify | StaffAction::Redact) {
        let t = public_version("public_title", &input.public_title, &case.title, 5, 150);
        let b = public_version("public_body", &input.public_body, &case.body, 1, 5000);
        match (t, b) {
            (Ok(t), Ok(b)) => (public_title, public_body) = (t, b),
            (t, b) => errors.extend(t.err().into_iter().chain(b.err())),
        }
    }
    let redaction = redacted_fields(&case, &public_title, &public_body);
    if action == StaffAction::Redact && redaction.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("public_title", "err.nothing_to_change"));
    }
    let mut take = |r: Result<String, FieldError>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    match action {
        StaffAction::Hold | StaffAction::Resolve => {
            // The question to the citizen, the closing message: both are for the citizen.
            message = take(required_text("message", &input.message));
            note = take(optional_text("note", &input.note));
        }
        StaffAction::HandBack => {
            message = take(optional_text("message", &input.message));
            note = take(required_text("note", &input.note));
        }
        _ => {
            message = take(optional_text("message", &input.message));
            note = take(optional_text("note", &input.note));
        }
    }
    match action {
        StaffAction::Hold => before_hold = Some(case.status),
        StaffAction::Resume => before_hold = None,
        StaffAction::HandBack => opd = None,
        StaffAction::Dispose => {
            let target = input.opd_id.trim().parse::<i64>().ok();
            let valid = match (target, case.owner_org_id) {
                (Some(t), Some(owner)) => opds_under(db, owner).await?.iter().any(|o| o.id == t),
                _ => false,
            };
            if valid {
                opd = target;
                event.org_id = target;
            } else {
                errors.push(FieldError::new("opd_id", "err.agency"));
            }
        }
        StaffAction::Archive => match ArchiveReason::from_code(input.reason.trim()) {
            Some(ArchiveReason::Duplicate) => {
                event.reason = Some(ArchiveReason::Duplicate.code());
                match original_of(db, staff, &case, &input.duplicate_of).await? {
                    Ok((id, _)) => duplicate_of = Some(id),
                    Err(e) => errors.push(e),
                }
            }
            Some(r) => event.reason = Some(r.code()),
            None => errors.push(FieldError::new("reason", "err.reason")),
        },
        StaffAction::Route => {
            let target = input.org_id.trim().parse::<i64>().ok();
            let valid = match target {
                Some(t) => governments(db).await?.iter().any(|g| g.id == t),
                None => false,
            };
            if valid {
                owner = target;
                opd = None;
                event.kind = EventKind::Routed;
                event.org_id = target;
            } else {
                errors.push(FieldError::new("org_id", "err.agency"));
            }
        }
        StaffAction::Reclassify => {
            let new_kind = ReportKind::from_code(input.kind.trim());
            let new_category = input.category_id.trim().parse::<i64>().ok();
            if new_kind.is_none() {
                errors.push(FieldError::new("kind", "err.kind"));
            }
            let category_ok = match new_category {
                Some(c) => crate::orgs::category_exists(db, c).await?,
                None => false,
            };
            if !category_ok {
                errors.push(FieldError::new("category_id", "err.category"));
            }
            if let (Some(k), Some(c), true) = (new_kind, new_category, category_ok) {
                kind = k.code().to_owned();
                category = c;
            }
            event.kind = EventKind::Reclassified;
            event.internal = true;
        }
        StaffAction::Tighten => {
            let requested = (input.anonymous.is_some(), input.confidential.is_some());
            let new = tighten(flags, requested);
            let mut set = Vec::new();
            if new.0 && !flags.0 {
                set.push("anonymous");
            }
            if new.1 && !flags.1 {
                set.push("confidential");
            }
            if set.is_empty() {
                errors.push(FieldError::new("anonymous", "err.nothing_to_tighten"));
            }
            flags = new;
            event.kind = EventKind::Tightened;
            reason_text = set.join(",");
            event.reason = Some(&reason_text);
        }
        StaffAction::Verify
        | StaffAction::StartWork
        | StaffAction::Resolve
        | StaffAction::Redact => {}
    }
    if action == StaffAction::Redact {
        event.kind = EventKind::Redacted;
        event.reason = Some(&redaction);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let reclassified;
    if action == StaffAction::Reclassify {
        if kind == case.kind && category == case.category_id {
            return Err(AppError::invalid("kind", "err.nothing_to_change"));
        }
        let names: Vec<String> = sqlx::query_scalar(
            "select name_id from categories where id = $1 or id = $2 order by id = $2",
        )
        .bind(case.category_id)
        .bind(category)
        .fetch_all(&db.pool)
        .await?;
        reclassified = format!(
            "{} / {} → {} / {}",
            case.kind,
            names.first().cloned().unwrap_or_default(),
            kind,
            names.last().cloned().unwrap_or_default()
        );
        event.body = &reclassified;
    } else {
        event.body = &message;
    }
    event.note = &note;
    let mut change = db.change(now).await?;
    // Verified is published: from now on the public may read the report (its public
    // version), never before.
    let changed = sqlx::query(
        "update reports set status = $1, before_hold = $2, owner_org_id = $3, opd_id = $4, \
         kind = $5, category_id = $6, anonymous = $7, confidential = $8, \
         status_changed_at = $9, updated_at = $10, public_title = $13, public_body = $14, \
         published_at = case when $15 = 1 then coalesce(published_at, $10) else published_at end, \
         assignee_id = case when $16 = 1 then null else assignee_id end, \
         duplicate_of = coalesce($17, duplicate_of) \
         where id = $11 and status = $12",
    )
    .bind(status.code())
    .bind(before_hold.map(Status::code))
    .bind(owner)
    .bind(opd)
    .bind(&kind)
    .bind(category)
    .bind(i64::from(flags.0))
    .bind(i64::from(flags.1))
    .bind(if status == case.status {
        case.status_changed_at
    } else {
        now
    })
    .bind(now)
    .bind(case.id)
    .bind(case.status.code())
    .bind(public_title.as_deref())
    .bind(public_body.as_deref())
    .bind(i64::from(action == StaffAction::Verify))
    // A report that moves to another organisation arrives there unassigned.
    .bind(i64::from(owner != case.owner_org_id || opd != case.opd_id))
    .bind(duplicate_of)
    .execute(change.conn())
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(refused(Refusal::WrongStatus));
    }
    // Also without a change of status the commit refreshes the clocks and sums: routing and
    // reclassifying move the report between the figures' sums.
    change.record(event).await?;
    if action == StaffAction::Verify && !redaction.is_empty() {
        // Verified with a redaction: both are in the history.
        change
            .record(NewEvent {
                reason: Some(&redaction),
                ..NewEvent::new(
                    case.id,
                    now,
                    EventKind::Redacted,
                    staff.role.code(),
                    Some(staff.account_id),
                )
            })
            .await?;
    }
    change.commit().await?;
    Ok(action)
}

/// An official writes in a report's thread: to the citizen (the OPD holding the report; its
/// first reply is the first follow-up and moves the report to "in progress") or an internal
/// note (any official who handles reports).
pub async fn add_staff_message(
    db: &crate::change::Store,
    staff: &Staff,
    tracking_id: &str,
    input: &StaffMessageInput,
    now: i64,
) -> AppResult<()> {
    let case = case_row(db, staff, tracking_id).await?;
    let internal = input.internal.is_some();
    if internal {
        if !staff.writes() {
            return Err(refused(Refusal::NotYourRole));
        }
    } else {
        check_reply(staff.role, case.status).map_err(refused)?;
    }
    // A second copy of a message already stored is answered before its text and files are
    // checked: its files are attached by now and would read as expired.
    let key = crate::threads::message_key(&input.kunci);
    if let Some(key) = key
        && crate::threads::message_by_key(&db.db, case.id, key)
            .await?
            .is_some()
    {
        return Ok(());
    }
    let body = validate_message(&input.body).map_err(|e| AppError::Invalid(vec![e]))?;
    // Someone wrote while the official typed: they read it first, their text kept.
    if let Ok(seen) = input.terakhir.trim().parse::<i64>()
        && crate::desk::written_since(db, case.id, seen, staff.account_id).await?
    {
        return Err(AppError::invalid("body", "desk.written_meanwhile"));
    }
    let files = crate::attachments::tokens(&input.attachments);
    crate::attachments::check_staged(db, &files).await?;
    let mut change = db.change(now).await?;
    if !internal && case.status == Status::Disposed {
        let moved = sqlx::query(
            "update reports set status = $1, status_changed_at = $2 where id = $3 and status = $4",
        )
        .bind(Status::InProgress.code())
        .bind(now)
        .bind(case.id)
        .bind(Status::Disposed.code())
        .execute(change.conn())
        .await?
        .rows_affected();
        if moved == 1 {
            change
                .record(NewEvent {
                    from_status: Some(Status::Disposed),
                    to_status: Some(Status::InProgress),
                    ..NewEvent::new(
                        case.id,
                        now,
                        EventKind::Status,
                        staff.role.code(),
                        Some(staff.account_id),
                    )
                })
                .await?;
        }
    }
    let recorded = change
        .record(NewEvent {
            body: &body,
            internal,
            client_key: key,
            ..NewEvent::new(
                case.id,
                now,
                EventKind::Message,
                staff.role.code(),
                Some(staff.account_id),
            )
        })
        .await;
    let event = match recorded {
        Ok(id) => id,
        // The same message, stored meanwhile by a copy of this request that came first.
        Err(e) if key.is_some() && crate::db::is_unique_violation(&e) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    crate::attachments::attach(change.conn(), &files, case.id, Some(event), now).await?;
    if internal {
        crate::desk::record_mentions(
            change.conn(),
            db,
            case.id,
            event,
            staff.account_id,
            &body,
            now,
        )
        .await?;
    }
    sqlx::query("update reports set updated_at = $1 where id = $2")
        .bind(now)
        .bind(case.id)
        .execute(change.conn())
        .await?;
    change.commit().await?;
    Ok(())
}
