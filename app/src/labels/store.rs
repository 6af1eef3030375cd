//! Labels and areas in the database.

use super::*;
use crate::db::{Db, is_unique_violation};
use crate::error::{AppError, AppResult, Refusal};
use crate::staff::Staff;
use sqlx::Row;

/// The report (its id) with this tracking ID, if `staff` sees it and may label it.
async fn labelled_report(db: &Db, staff: &Staff, tracking_id: &str) -> AppResult<(i64, i64)> {
    let org = staff
        .org_id
        .filter(|_| staff.writes())
        .ok_or(Refusal::NotYourRole)?;
    let row = crate::staff::report_in_scope(db, staff, tracking_id, "r.id")
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((row.try_get("id")?, org))
}

/// The labels of `org` on report `report_id`, its area, and what to suggest.
pub async fn for_report(db: &Db, staff: &Staff, report_id: i64) -> AppResult<ReportLabels> {
    let Some(org) = staff.org_id.filter(|_| staff.works_reports()) else {
        return Ok(ReportLabels::default());
    };
    let all = of_org(db, org).await?;
    let on: Vec<i64> = sqlx::query_scalar(
        "select rl.label_id from report_labels rl join labels l on l.id = rl.label_id \
         where rl.report_id = $1 and l.org_id = $2",
    )
    .bind(report_id)
    .bind(org)
    .fetch_all(&db.pool)
    .await?;
    let (labels, others): (Vec<Label>, Vec<Label>) =
        all.into_iter().partition(|l| on.contains(&l.id));
    let area: String = sqlx::query_scalar("select area from reports where id = $1")
        .bind(report_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(ReportLabels {
        labels,
        area,
        suggested: others.into_iter().map(|l| l.name).collect(),
        areas: areas_seen(db, staff).await?,
        can_edit: staff.writes(),
    })
}

/// An organisation's labels, most used first.
pub async fn of_org(db: &Db, org: i64) -> AppResult<Vec<Label>> {
    let rows = sqlx::query(
        "select l.id, l.name, count(rl.report_id) as n from labels l \
         left join report_labels rl on rl.label_id = l.id where l.org_id = $1 \
         group by l.id, l.name order by n desc, l.name",
    )
    .bind(org)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Label {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                reports: r.try_get("n")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Areas noted on reports `staff` sees, most used first (the suggestions).
async fn areas_seen(db: &Db, staff: &Staff) -> AppResult<Vec<String>> {
    let Some(scope) = crate::staff::scope(staff, 1) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "{} select r.area from reports r where r.area <> '' and {} \
         group by r.area order by count(*) desc, r.area limit 50",
        scope.with, scope.condition
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(scope.org_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Puts a label of the official's organisation on a report, making the label when it is new.
pub async fn add(
    db: &Db,
    staff: &Staff,
    tracking_id: &str,
    input: &LabelInput,
    now: i64,
) -> AppResult<()> {
    let (report, org) = labelled_report(db, staff, tracking_id).await?;
    let name = clean(&input.nama, true).ok_or_else(|| AppError::invalid("nama", "err.label"))?;
    let label = match label_id(db, org, &name).await? {
        Some(id) => id,
        None => create(db, org, &name, now).await?,
    };
    let on: i64 = sqlx::query_scalar(
        "select count(*) from report_labels rl join labels l on l.id = rl.label_id \
         where rl.report_id = $1 and l.org_id = $2",
    )
    .bind(report)
    .bind(org)
    .fetch_one(&db.pool)
    .await?;
    if on >= REPORT_MAX {
        return Err(AppError::invalid("nama", "err.label_too_many"));
    }
    sqlx::query(
        "insert into report_labels (report_id, label_id, added_by, added_at) \
         values ($1, $2, $3, $4) on conflict (report_id, label_id) do nothing",
    )
    .bind(report)
    .bind(label)
    .bind(staff.account_id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

async fn label_id(db: &Db, org: i64, name: &str) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("select id from labels where org_id = $1 and name = $2")
            .bind(org)
            .bind(name)
            .fetch_optional(&db.pool)
            .await?,
    )
}

async fn create(db: &Db, org: i64, name: &str, now: i64) -> AppResult<i64> {
    let kept: i64 = sqlx::query_scalar("select count(*) from labels where org_id = $1")
        .bind(org)
        .fetch_one(&db.pool)
        .await?;
    if kept >= ORG_MAX {
        return Err(AppError::invalid("nama", "err.label_too_many"));
    }
    let made = sqlx::query_scalar::<_, i64>(
        "insert into labels (org_id, name, created_at) values ($1, $2, $3) returning id",
    )
    .bind(org)
    .bind(name)
    .bind(now)
    .fetch_one(&db.pool)
    .await;
    match made {
        Ok(id) => Ok(id),
        // Made by a colleague a moment ago.
        Err(e) if is_unique_violation(&e) => label_id(db, org, name)
            .await?
            .ok_or_else(|| AppError::internal("label", e)),
        Err(e) => Err(e.into()),
    }
}

/// Takes a label of the official's organisation off a report.
pub async fn remove(db: &Db, staff: &Staff, tracking_id: &str, label: i64) -> AppResult<()> {
    let (report, org) = labelled_report(db, staff, tracking_id).await?;
    sqlx::query(
        "delete from report_labels where report_id = $1 and label_id = \
         (select id from labels where id = $2 and org_id = $3)",
    )
    .bind(report)
    .bind(label)
    .bind(org)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Notes the kelurahan/kecamatan of a report (empty: forgets it).
pub async fn set_area(
    db: &Db,
    staff: &Staff,
    tracking_id: &str,
    input: &AreaInput,
) -> AppResult<()> {
    let (report, _) = labelled_report(db, staff, tracking_id).await?;
    let area = if input.wilayah.trim().is_empty() {
        String::new()
    } else {
        clean(&input.wilayah, false).ok_or_else(|| AppError::invalid("wilayah", "err.area"))?
    };
    sqlx::query("update reports set area = $1 where id = $2")
        .bind(area)
        .bind(report)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The condition an inbox adds to show only reports with label `label` of organisation `$1`.
pub fn inbox_condition(label: i64) -> String {
    format!(
        " and exists (select 1 from report_labels rl join labels l on l.id = rl.label_id \
         where rl.report_id = r.id and l.id = {label} and l.org_id = $1)"
    )
}

/// The most frequent labels and areas of reports received in `[from, until)` whose
/// government lies in `region`'s subtree (the whole country when `None`); confidential
/// reports are left out, and so is anything fewer than [`MIN_REPORTS`] reports share.
pub async fn map_of_complaints(
    db: &Db,
    region: Option<i64>,
    from: i64,
    until: i64,
) -> AppResult<MapOfComplaints> {
    let (with, within) = match region {
        Some(_) => (
            crate::orgs::subtree_cte("region", 3),
            "and (r.owner_org_id in (select id from region) or r.opd_id in (select id from region))",
        ),
        None => (String::new(), "and $3 = $3"),
    };
    let top = |sql: String| {
        let with = with.clone();
        async move {
            let rows = sqlx::query(&format!("{with} {sql}"))
                .bind(from)
                .bind(until)
                .bind(region.unwrap_or(0))
                .fetch_all(&db.pool)
                .await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<String, _>("name")?, r.try_get::<i64, _>("n")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()
        }
    };
    let labels = top(format!(
        "select l.name as name, count(distinct r.id) as n from report_labels rl \
         join labels l on l.id = rl.label_id join reports r on r.id = rl.report_id \
         where r.received_at >= $1 and r.received_at < $2 and r.confidential = 0 {within} \
         group by l.name having count(distinct r.id) >= {MIN_REPORTS} \
         order by n desc, l.name limit {TOP}"
    ))
    .await?;
    // SQLite's planner, left to itself, walks every report of the period by the public
    // listing's index (seconds at a million reports); this one holds only those with an area.
    let index = match db.engine {
        crate::db::Engine::Sqlite => " indexed by reports_area_received",
        crate::db::Engine::Postgres => "",
    };
    let areas = top(format!(
        "select r.area as name, count(*) as n from reports r{index} \
         where r.area <> '' and r.received_at >= $1 and r.received_at < $2 \
         and r.confidential = 0 {within} \
         group by r.area having count(*) >= {MIN_REPORTS} order by n desc, r.area limit {TOP}"
    ))
    .await?;
    Ok(MapOfComplaints { labels, areas })
}
