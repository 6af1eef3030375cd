//! What the Open311 API reads and writes. Every read takes only published, non-confidential
//! reports in their public version, and never touches `reporters`; the one write files a
//! report through the same function as the web form.

use super::*;
use crate::change::Store;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::reports::{Channel, FiledReport, Intake};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The government a `jurisdiction_id` names, if there is one: its Kemendagri area code
/// (`63.71`) or its organisation code (`banjarmasin`).
pub async fn jurisdiction(db: &Db, code: &str) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "select id from organizations where (area_code = $1 or code = $1) and kind <> 'opd' \
         order by case when area_code = $1 then 0 else 1 end limit 1",
    )
    .bind(code.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await?)
}

/// The `jurisdiction_id` parameter read: `Ok(None)` when absent (the whole deployment), a
/// 404 when it names no government.
pub async fn jurisdiction_of(
    db: &Db,
    params: &[(String, String)],
) -> Result<Option<i64>, Vec<ApiError>> {
    let Some(code) = param(params, "jurisdiction_id") else {
        return Ok(None);
    };
    match jurisdiction(db, code).await {
        Ok(Some(id)) => Ok(Some(id)),
        Ok(None) => Err(vec![ApiError::not_found("jurisdiction_id not found")]),
        Err(e) => Err(vec![internal(e)]),
    }
}

/// An error of ours, logged, and told to the client without its text.
pub fn internal(e: AppError) -> ApiError {
    tracing::error!(error = %e, "open311");
    ApiError::new(500, "internal error")
}

fn service_of(row: &AnyRow) -> Result<Service, sqlx::Error> {
    Ok(Service {
        code: row.try_get("code")?,
        name_id: row.try_get("name_id")?,
        name_en: row.try_get("name_en")?,
    })
}

/// Every category as a service, by name.
pub async fn services(db: &Db) -> AppResult<Vec<Service>> {
    let rows = sqlx::query("select code, name_id, name_en from categories order by name_id")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(service_of).collect::<Result<_, _>>()?)
}

/// A category by its code, with its id.
pub async fn service(db: &Db, code: &str) -> AppResult<Option<(i64, Service)>> {
    let row = sqlx::query("select id, code, name_id, name_en from categories where code = $1")
        .bind(code.trim())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| -> Result<(i64, Service), sqlx::Error> { Ok((r.try_get("id")?, service_of(&r)?)) })
        .transpose()?)
}

/// The columns of a request: the public version of a report, and where it is handled.
fn request_sql(conditions: &str) -> String {
    format!(
        "select r.tracking_id, r.status, c.code as service_code, c.name_id as service_name, \
         coalesce(r.public_title, r.title) as title, coalesce(r.public_body, r.body) as body, \
         zo.name as agency, r.received_at, r.updated_at, r.resolve_due_at, r.location, \
         r.latitude, r.longitude, r.place_code, zo.zone \
         from reports r join categories c on c.id = r.category_id{} \
         where r.confidential = 0 and r.published_at is not null and {conditions}",
        crate::orgs::REPORT_ZONE_JOIN
    )
}

/// A report's address: where the citizen said, then the kecamatan or kelurahan it names.
fn address(location: String, place: Option<String>) -> String {
    let place = place.map(|code| crate::wilayah::country().describe(&code));
    [Some(location), place]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn request_of(row: &AnyRow, fallback: TimeZone) -> Result<ServiceRequest, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let zone: Option<String> = row.try_get("zone")?;
    let lat: Option<f64> = row.try_get("latitude")?;
    let long: Option<f64> = row.try_get("longitude")?;
    Ok(ServiceRequest {
        tracking_id: row.try_get("tracking_id")?,
        status: Status::from_code(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {status}").into()))?,
        service_code: row.try_get("service_code")?,
        service_name: row.try_get("service_name")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        agency: row.try_get("agency")?,
        received_at: row.try_get("received_at")?,
        updated_at: row.try_get("updated_at")?,
        resolve_due_at: row.try_get("resolve_due_at")?,
        location: address(
            row.try_get("location")?,
            row.try_get::<Option<String>, _>("place_code")?,
        ),
        coordinates: lat.zip(long),
        zone: crate::orgs::zone_or(zone.as_deref(), fallback),
    })
}

/// Where a report is: the OPD handling it, else the government holding it, else the one it
/// was addressed to (the same organisation its time zone comes from).
const REPORT_PLACE: &str = "coalesce(r.opd_id, r.owner_org_id, r.target_org_id)";

/// The requests `query` asks for in `jurisdiction` (`None`: everywhere), newest first, at
/// most [`MAX_RESULTS`].
pub async fn requests(
    db: &Db,
    query: &RequestQuery,
    jurisdiction: Option<i64>,
) -> AppResult<Vec<ServiceRequest>> {
    let mut conditions = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    // Parameters are numbered in order: first the jurisdiction, then the integers, then
    // the texts.
    let mut cte = String::new();
    if let Some(id) = jurisdiction {
        ints.push(id);
        cte = format!("{} ", crate::orgs::subtree_cte("subtree", 1));
        conditions.push(format!("{REPORT_PLACE} in (select id from subtree)"));
    }
    match query {
        RequestQuery::Ids(ids) => texts.extend(ids.iter().cloned()),
        RequestQuery::Filter { from, to, .. } => {
            ints.push(*from);
            conditions.push(format!("r.received_at >= ${}", ints.len()));
            ints.push(*to);
            conditions.push(format!("r.received_at <= ${}", ints.len()));
        }
    }
    let first_text = ints.len() + 1;
    let placeholders = |n: usize, from: usize| {
        (from..from + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match query {
        RequestQuery::Ids(ids) => {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            conditions.push(format!(
                "r.tracking_id in ({})",
                placeholders(ids.len(), first_text)
            ));
        }
        RequestQuery::Filter {
            service_codes,
            statuses,
            ..
        } => {
            if !service_codes.is_empty() {
                conditions.push(format!(
                    "c.code in ({})",
                    placeholders(service_codes.len(), first_text)
                ));
                texts.extend(service_codes.iter().cloned());
            }
            match statuses.as_slice() {
                ["open"] => conditions.push("r.status not in ('resolved', 'archived')".into()),
                ["closed"] => conditions.push("r.status in ('resolved', 'archived')".into()),
                _ => {}
            }
        }
    }
    let sql = format!(
        "{cte}{} order by r.received_at desc, r.id desc limit {MAX_RESULTS}",
        request_sql(&conditions.join(" and "))
    );
    let mut q = sqlx::query(&sql);
    for i in ints {
        q = q.bind(i);
    }
    for t in texts {
        q = q.bind(t);
    }
    let rows = q.fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(|r| request_of(r, db.time_zone))
        .collect::<Result<_, _>>()?)
}

/// One request by its ID, if the public may read it.
pub async fn request(db: &Db, tracking_id: &str) -> AppResult<Option<ServiceRequest>> {
    let row = sqlx::query(&request_sql("r.tracking_id = $1"))
        .bind(tracking_id.trim().to_uppercase())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| request_of(&r, db.time_zone)).transpose()?)
}

/// The public thread entries written between `from` and `to` of the reports in
/// `jurisdiction`, oldest first, at most [`MAX_RESULTS`]: messages (never an internal note),
/// status changes and closings, each with the report's status once it happened.
pub async fn updates(
    db: &Db,
    from: i64,
    to: i64,
    jurisdiction: Option<i64>,
) -> AppResult<Vec<Update>> {
    let (cte, place) = match jurisdiction {
        Some(_) => (
            format!("{} ", crate::orgs::subtree_cte("subtree", 3)),
            format!(" and {REPORT_PLACE} in (select id from subtree)"),
        ),
        None => (String::new(), String::new()),
    };
    let sql = format!(
        "{cte}select e.id, e.at, e.kind, e.to_status, e.body, r.tracking_id, zo.zone, \
         (select s.to_status from report_events s where s.report_id = e.report_id \
          and s.kind = 'status' and s.to_status is not null and s.id <= e.id \
          order by s.id desc limit 1) as status_then \
         from report_events e join reports r on r.id = e.report_id{zone_join} \
         where e.at >= $1 and e.at <= $2 and e.internal = 0 \
         and e.kind in ('status', 'message', 'closed') \
         and r.confidential = 0 and r.published_at is not null{place} \
         order by e.at, e.id limit {MAX_RESULTS}",
        zone_join = crate::orgs::REPORT_ZONE_JOIN
    );
    let mut q = sqlx::query(&sql).bind(from).bind(to);
    if let Some(id) = jurisdiction {
        q = q.bind(id);
    }
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| -> AppResult<Update> {
            let then: Option<String> = r.try_get("status_then")?;
            let status = then
                .as_deref()
                .and_then(Status::from_code)
                .unwrap_or(Status::Submitted);
            let kind: String = r.try_get("kind")?;
            let body: String = r.try_get("body")?;
            let description = if body.trim().is_empty() && kind == "status" {
                crate::tr!(Locale::Id, status.label_key())
            } else {
                body
            };
            let zone: Option<String> = r.try_get("zone")?;
            Ok(Update {
                id: r.try_get("id")?,
                tracking_id: r.try_get("tracking_id")?,
                at: r.try_get("at")?,
                status,
                description,
                zone: crate::orgs::zone_or(zone.as_deref(), db.time_zone),
            })
        })
        .collect()
}

/// The submission key of a POST: from the client's retry key, bound to its API key (so no
/// other client can reach the same report with it), or a fresh one.
pub fn submission_key(server_secret: &str, api_key_id: i64, retry_key: Option<&str>) -> String {
    match retry_key.filter(|k| (8..=64).contains(&k.len())) {
        Some(k) => {
            let digest =
                crate::secrets::keyed(server_secret, "open311", &format!("{api_key_id}:{k}"));
            hex::encode(&digest[..16])
        }
        None => crate::secrets::new_submission_key(),
    }
}

/// Files the report a POST describes, as the web form would; the errors are the
/// specification's (404 for an unknown service or jurisdiction, 400 with every field's
/// problem in Indonesian).
pub async fn file(
    db: &Store,
    server_secret: &str,
    params: &[(String, String)],
    api_key_id: i64,
    now: i64,
) -> Result<FiledReport, Vec<ApiError>> {
    check_post(params).map_err(|e| vec![e])?;
    let code = param(params, "service_code").unwrap_or("");
    let category_id = match service(db, code).await {
        Ok(Some((id, _))) => id,
        Ok(None) => return Err(vec![ApiError::not_found("service_code not found")]),
        Err(e) => return Err(vec![internal(e)]),
    };
    let target = jurisdiction_of(db, params).await?;
    let zone = db.time_zone;
    let key = submission_key(
        server_secret,
        api_key_id,
        attribute_value(params, attribute::RETRY_KEY),
    );
    let input = report_input(params, category_id, target, key, zone);
    let intake = Intake {
        channel: Channel::Api,
        api_key_id: Some(api_key_id),
        offers_help: false,
        ..Intake::web(now)
    };
    let today = zone.date_at(now);
    crate::reports::file(db, server_secret, &input, None, intake, now, &today)
        .await
        .map_err(|e| match e {
            AppError::Invalid(fields) => fields
                .iter()
                .map(|f| {
                    ApiError::bad(format!(
                        "{}: {}",
                        open311_field(&f.field),
                        crate::tr!(Locale::Id, &f.key)
                    ))
                })
                .collect(),
            e => vec![internal(e)],
        })
}

/// The Open311 name of a form field a POST filled.
fn open311_field(field: &str) -> String {
    match field {
        "title" => format!("attribute[{}]", attribute::TITLE),
        "body" => "description".into(),
        "kind" => format!("attribute[{}]", attribute::KIND),
        "incident_date" => format!("attribute[{}]", attribute::INCIDENT_DATE),
        "location" => "address_string".into(),
        "place" => format!("attribute[{}]", attribute::PLACE),
        "latitude" => "lat".into(),
        "category_id" => "service_code".into(),
        "target_org_id" => "jurisdiction_id".into(),
        "name" => "first_name".into(),
        "notify_email" => "email".into(),
        other => other.into(),
    }
}
