//! The desk in the database: plain functions the server functions, the form handlers and the
//! tests call alike.

use super::*;
use crate::change::Store;
use crate::db::Db;
use crate::error::{AppError, AppResult, Refusal};
use crate::staff::Staff;
use crate::threads::{EventKind, NewEvent};
use sqlx::Row;

/// The roles that work an organisation's inbox, and so may be assigned a report.
const DESK_ROLES: &str = "('admin_nasional', 'admin_instansi', 'admin_pelaksana')";

/// What the desk needs of a report in the official's scope.
struct Held {
    id: i64,
    tracking_id: String,
    owner_org_id: Option<i64>,
    opd_id: Option<i64>,
    /// The organisation whose inbox holds the report.
    holder: i64,
    assignee: Option<i64>,
    archived: bool,
}

/// The root of the tree: the national organisation, whose inbox holds the reports that name
/// no agency.
async fn root_org(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("select id from organizations where parent_id is null order by id limit 1")
        .fetch_optional(&db.pool)
        .await
}

/// The organisation whose inbox holds a report: the OPD it is forwarded to, else the
/// government answering for it, else the national organisation.
pub async fn holder(
    db: &Db,
    opd: Option<i64>,
    owner: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    match opd.or(owner) {
        Some(org) => Ok(Some(org)),
        None => root_org(db).await,
    }
}

/// The report with this tracking ID if it is in the official's scope, else
/// [`AppError::NotFound`] (whether it exists or not).
async fn held(db: &Db, staff: &Staff, tracking_id: &str) -> AppResult<Held> {
    let row = crate::staff::report_in_scope(
        db,
        staff,
        tracking_id,
        "r.id, r.tracking_id, r.opd_id, r.owner_org_id, r.assignee_id, r.status",
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let (owner_org_id, opd_id) = (row.try_get("owner_org_id")?, row.try_get("opd_id")?);
    let holder = holder(db, opd_id, owner_org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Held {
        id: row.try_get("id")?,
        tracking_id: row.try_get("tracking_id")?,
        owner_org_id,
        opd_id,
        holder,
        assignee: row.try_get("assignee_id")?,
        archived: row.try_get::<String, _>("status")? == "archived",
    })
}

/// The active officials of organisation `org` who work its inbox, by name.
pub async fn colleagues(db: &Db, org: i64) -> Result<Vec<Colleague>, sqlx::Error> {
    let sql = format!(
        "select id, name from accounts where org_id = $1 and active = 1 and role in {DESK_ROLES} \
         order by name, id"
    );
    sqlx::query(&sql)
        .bind(org)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Colleague {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// Who handles report `report_id` (held by organisation `holder`), and whom `staff` may hand
/// it to: only an official of that organisation who writes assigns its reports.
pub async fn assignment(
    db: &Db,
    staff: &Staff,
    holder: Option<i64>,
    assignee: Option<i64>,
) -> AppResult<Assignment> {
    let assignee = match assignee {
        Some(id) => sqlx::query_scalar::<_, String>("select name from accounts where id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .map(|name| Colleague { id, name }),
        None => None,
    };
    let colleagues = match holder {
        Some(org) if staff.writes() && staff.org_id == Some(org) => colleagues(db, org).await?,
        _ => Vec::new(),
    };
    Ok(Assignment {
        assignee,
        colleagues,
        me: staff.account_id,
    })
}

/// An account id typed in a form: empty is nobody; anything else that is not a number is
/// refused on `field`.
fn account_field(field: &str, typed: &str) -> AppResult<Option<i64>> {
    match typed.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, "err.assignee")),
    }
}

/// Takes, assigns or releases a report: `input.kepada` handles it from now on (nobody when
/// empty). Only an official of the organisation holding the report, to an active colleague
/// there; refused when someone else changed the assignment since the official looked
/// (`input.dari`), so that two officials acting at once see each other instead of silently
/// undoing each other. Recorded in the report's history.
pub async fn assign(
    db: &Store,
    staff: &Staff,
    tracking_id: &str,
    input: &AssignInput,
    now: i64,
) -> AppResult<()> {
    if !staff.writes() {
        return Err(AppError::Refused(Refusal::NotYourRole));
    }
    let report = held(db, staff, tracking_id).await?;
    if staff.org_id != Some(report.holder) {
        return Err(AppError::Refused(Refusal::NotYourRole));
    }
    if report.archived {
        return Err(AppError::Refused(Refusal::WrongStatus));
    }
    let target = account_field("kepada", &input.kepada)?;
    let seen = account_field("kepada", &input.dari)?;
    if let Some(t) = target
        && !colleagues(db, report.holder)
            .await?
            .iter()
            .any(|c| c.id == t)
    {
        return Err(AppError::invalid("kepada", "err.assignee"));
    }
    if seen != report.assignee {
        return Err(AppError::invalid("kepada", "desk.assignee_changed"));
    }
    if target == report.assignee {
        return Err(AppError::invalid("kepada", "err.nothing_to_change"));
    }
    let mut change = db.change(now).await?;
    let moved = sqlx::query(
        "update reports set assignee_id = $1 where id = $2 and coalesce(assignee_id, 0) = $3",
    )
    .bind(target)
    .bind(report.id)
    .bind(seen.unwrap_or(0))
    .execute(change.conn())
    .await?
    .rows_affected();
    if moved == 0 {
        return Err(AppError::invalid("kepada", "desk.assignee_changed"));
    }
    change
        .record(NewEvent {
            internal: true,
            assignee_id: target,
            ..NewEvent::new(
                report.id,
                now,
                EventKind::Assigned,
                staff.role.code(),
                Some(staff.account_id),
            )
        })
        .await?;
    change.commit().await?;
    Ok(())
}

/// Leaves every report `account_id` handled unassigned, each with an entry saying their
/// account was closed: what happens when an official is deactivated. Their organisation's
/// inbox shows the reports under "unassigned" again.
pub async fn release_all(db: &Store, account_id: i64, now: i64) -> AppResult<usize> {
    let reports: Vec<i64> =
        sqlx::query_scalar("select id from reports where assignee_id = $1 order by id")
            .bind(account_id)
            .fetch_all(&db.pool)
            .await?;
    if reports.is_empty() {
        return Ok(0);
    }
    let mut change = db.change(now).await?;
    sqlx::query("update reports set assignee_id = null where assignee_id = $1")
        .bind(account_id)
        .execute(change.conn())
        .await?;
    for &report in &reports {
        change
            .record(NewEvent {
                internal: true,
                reason: Some("deactivated"),
                ..NewEvent::new(report, now, EventKind::Assigned, "system", None)
            })
            .await?;
    }
    change.commit().await?;
    Ok(reports.len())
}

/// Notes that `account_id` has seen report `report_id` up to entry `seen_event_id` (never
/// moving back: an older page loaded late does not mark newer entries unread again).
pub async fn mark_read(
    db: &Db,
    account_id: i64,
    report_id: i64,
    seen_event_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into case_reads (account_id, report_id, seen_event_id) values ($1, $2, $3) \
         on conflict (account_id, report_id) do update set seen_event_id = excluded.seen_event_id \
         where case_reads.seen_event_id < excluded.seen_event_id",
    )
    .bind(account_id)
    .bind(report_id)
    .bind(seen_event_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Whether someone else wrote in report `report_id` after entry `seen` (a message or an
/// internal note): an official about to send should read it first.
pub async fn written_since(
    db: &Db,
    report_id: i64,
    seen: i64,
    me: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from report_events where report_id = $1 and id > $2 \
         and kind = 'message' and coalesce(author_account_id, 0) <> $3",
    )
    .bind(report_id)
    .bind(seen)
    .bind(me)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// The most templates one organisation keeps.
pub const TEMPLATES_MAX: i64 = 200;

/// The organisation's reply templates, by title.
pub async fn templates(db: &Db, org: i64) -> Result<Vec<ReplyTemplate>, sqlx::Error> {
    sqlx::query("select id, title, body from reply_templates where org_id = $1 order by title, id")
        .bind(org)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(ReplyTemplate {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                body: r.try_get("body")?,
            })
        })
        .collect()
}

/// The organisation of an official who writes: whose templates they keep.
fn template_org(staff: &Staff) -> AppResult<i64> {
    match staff.org_id {
        Some(org) if staff.writes() => Ok(org),
        _ => Err(AppError::Refused(Refusal::NotYourRole)),
    }
}

/// The signed-in official's organisation's templates.
pub async fn my_templates(db: &Db, staff: &Staff) -> AppResult<Vec<ReplyTemplate>> {
    Ok(templates(db, template_org(staff)?).await?)
}

/// Adds a template to the official's organisation (`id` `None`) or changes one of its own;
/// returns its id. Another organisation's template is not found.
pub async fn save_template(
    db: &Db,
    staff: &Staff,
    id: Option<i64>,
    input: &TemplateInput,
    now: i64,
) -> AppResult<i64> {
    let org = template_org(staff)?;
    let (title, body) = validate_template(input).map_err(AppError::Invalid)?;
    match id {
        Some(id) => {
            let done = sqlx::query(
                "update reply_templates set title = $1, body = $2, updated_at = $3 \
                 where id = $4 and org_id = $5",
            )
            .bind(&title)
            .bind(&body)
            .bind(now)
            .bind(id)
            .bind(org)
            .execute(&db.pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            Ok(id)
        }
        None => {
            let n: i64 =
                sqlx::query_scalar("select count(*) from reply_templates where org_id = $1")
                    .bind(org)
                    .fetch_one(&db.pool)
                    .await?;
            if n >= TEMPLATES_MAX {
                return Err(AppError::invalid("title", "desk.templates_full"));
            }
            Ok(sqlx::query_scalar(
                "insert into reply_templates (org_id, title, body, updated_at) \
                 values ($1, $2, $3, $4) returning id",
            )
            .bind(org)
            .bind(&title)
            .bind(&body)
            .bind(now)
            .fetch_one(&db.pool)
            .await?)
        }
    }
}

/// Removes one of the organisation's templates.
pub async fn delete_template(db: &Db, staff: &Staff, id: i64) -> AppResult<()> {
    let org = template_org(staff)?;
    let done = sqlx::query("delete from reply_templates where id = $1 and org_id = $2")
        .bind(id)
        .bind(org)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// `staff`'s presence on report `tracking_id`'s page (see [`crate::live::Activity`]), for the
/// other officials on it: by name only, to officials in scope only.
pub async fn announce_presence(
    db: &Store,
    staff: &Staff,
    tracking_id: &str,
    activity: &str,
    now: i64,
) -> AppResult<()> {
    let activity = crate::live::Activity::from_code(activity)
        .ok_or_else(|| AppError::invalid("activity", "err.invalid"))?;
    let report = held(db, staff, tracking_id).await?;
    let note = crate::live::PresenceNote {
        tracking_id: report.tracking_id,
        owner_org_id: report.owner_org_id,
        opd_id: report.opd_id,
        account_id: staff.account_id,
        name: staff.name.clone(),
        activity,
        at: now,
        server: 0,
    };
    db.hub.present(&db.db, note).await;
    Ok(())
}
