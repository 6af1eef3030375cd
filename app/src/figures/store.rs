//! Figures in the database: aggregates over the clock columns of `reports`, for a subtree
//! (the same recursive CTE as staff scope) and a period of received-at.

use super::*;
use crate::calendar::DAY;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// Unix time at which a month begins in the deployment's time zone.
fn month_start(db: &Db, (y, m): Month) -> i64 {
    let month = time::Month::try_from(m).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(y, month, 1)
        .map(|d| {
            d.midnight()
                .assume_offset(db.time_zone.offset())
                .unix_timestamp()
        })
        .unwrap_or(0)
}

/// The month (in the deployment's time zone) a moment falls in.
pub fn month_of(db: &Db, at: i64) -> Month {
    let local = time::OffsetDateTime::from_unix_timestamp(at)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(db.time_zone.offset());
    (local.year(), local.month() as u8)
}

/// `count of reports where cond`, as a bigint on both engines.
fn count_if(cond: &str) -> String {
    format!("cast(coalesce(sum(case when {cond} then 1 else 0 end), 0) as bigint)")
}

fn sum_of(column: &str) -> String {
    format!("cast(coalesce(sum({column}), 0) as bigint)")
}

const FINISHED: &str = "r.status = 'resolved'";
const FOLLOWED_UP: &str =
    "(r.follow_up_secs is not null or r.status in ('in_progress', 'resolved'))";
const OVERDUE_NOW: &str = "(r.due_at < $4 and r.status <> 'resolved')";

/// The parts of every figures query: `$1` the organisation (0 for the whole country), `$2`
/// and `$3` the period's bounds, `$4` now. Every query binds all four.
struct Query {
    with: String,
    subtree: String,
    org: i64,
    from: i64,
    to: i64,
    now: i64,
}

impl Query {
    fn new(db: &Db, org: Option<i64>, from: Month, to: Month, now: i64) -> Query {
        let (with, subtree) = match org {
            Some(_) => (
                crate::orgs::subtree_cte("sub", 1),
                "(r.owner_org_id in (select id from sub) or r.opd_id in (select id from sub))"
                    .to_owned(),
            ),
            None => (String::new(), "$1 = $1".to_owned()),
        };
        Query {
            with,
            subtree,
            org: org.unwrap_or(0),
            from: month_start(db, from),
            to: month_start(db, next_month(to)),
            now,
        }
    }

    /// Reports of the subtree received in the period.
    fn base(&self) -> String {
        format!(
            "{} and r.received_at >= $2 and r.received_at < $3 and $4 = $4",
            self.subtree
        )
    }

    async fn rows(&self, db: &Db, sql: &str) -> Result<Vec<AnyRow>, sqlx::Error> {
        sqlx::query(sql)
            .bind(self.org)
            .bind(self.from)
            .bind(self.to)
            .bind(self.now)
            .fetch_all(&db.pool)
            .await
    }
}

/// Every figure for the subtree of `org` (`None`: the whole country) and the months `from`
/// to `to`, as of `now`.
pub async fn figures(
    db: &Db,
    org: Option<i64>,
    from: Month,
    to: Month,
    now: i64,
) -> AppResult<Figures> {
    let org_name = match org {
        Some(id) => Some(
            sqlx::query_scalar::<_, String>("select name from organizations where id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let q = Query::new(db, org, from, to, now);
    let mut columns = vec![
        "count(*) as received".to_owned(),
        format!("{} as finished", count_if(FINISHED)),
        format!("{} as archived", count_if("r.status = 'archived'")),
        format!("{} as followed", count_if(FOLLOWED_UP)),
        "count(r.rating) as ratings".to_owned(),
        format!("{} as rating_sum", sum_of("r.rating")),
    ];
    for (name, late) in [
        ("verify", "r.verify_due_at < $4"),
        ("follow_up", "r.follow_up_due_at < $4"),
        ("resolve", "r.resolve_due_at < $4"),
    ] {
        columns.push(format!("count(r.{name}_secs) as {name}_n"));
        columns.push(format!(
            "{} as {name}_sum",
            sum_of(&format!("r.{name}_secs"))
        ));
        columns.push(format!(
            "{} as {name}_ok",
            count_if(&format!("r.{name}_ok = 1"))
        ));
        columns.push(format!("{} as {name}_late", count_if(late)));
    }
    let sql = format!(
        "{} select {} from reports r where {}",
        q.with,
        columns.join(", "),
        q.base()
    );
    let rows = q.rows(db, &sql).await?;
    let row = rows.first().ok_or(AppError::Internal)?;
    let received: i64 = row.try_get("received")?;
    let finished: i64 = row.try_get("finished")?;
    let mut speeds = Vec::new();
    for name in ["verify", "follow_up", "resolve"] {
        let n: i64 = row.try_get(format!("{name}_n").as_str())?;
        let sum: i64 = row.try_get(format!("{name}_sum").as_str())?;
        let ok: i64 = row.try_get(format!("{name}_ok").as_str())?;
        let late: i64 = row.try_get(format!("{name}_late").as_str())?;
        speeds.push(Speed {
            measured: n,
            average_days: (n > 0).then(|| sum as f64 / n as f64 / DAY as f64),
            median_days: median(db, &q, name, n).await?,
            within_share: share(ok, n + late),
            overdue_now: late,
        });
    }
    let ratings: i64 = row.try_get("ratings")?;
    let rating_sum: i64 = row.try_get("rating_sum")?;
    let overdue_sql = format!(
        "{} select count(*) as n from reports r where {} and $2 = $2 and $3 = $3 and {OVERDUE_NOW}",
        q.with, q.subtree
    );
    let overdue_now: i64 = q
        .rows(db, &overdue_sql)
        .await?
        .first()
        .map(|r| r.try_get("n"))
        .transpose()?
        .unwrap_or(0);
    Ok(Figures {
        org_id: org,
        org_name,
        from: month_code(from),
        to: month_code(to),
        received,
        verify: speeds[0],
        follow_up: speeds[1],
        resolve: speeds[2],
        followed_up_share: share(row.try_get("followed")?, received),
        finished_share: share(finished, received),
        finished,
        archived: row.try_get("archived")?,
        overdue_now,
        rating_average: (ratings > 0).then(|| rating_sum as f64 / ratings as f64),
        ratings,
        by_month: by_month(db, &q, from, to).await?,
        by_category: breakdown(
            db,
            &q,
            "c.code as key, c.name_id as label_id, c.name_en as label_en",
            "join categories c on c.id = r.category_id",
            "c.code, c.name_id, c.name_en",
        )
        .await?,
        by_opd: breakdown(
            db,
            &q,
            "op.id as key, op.name as label_id, p.name as parent",
            "join organizations op on op.id = r.opd_id \
             left join organizations p on p.id = op.parent_id",
            "op.id, op.name, p.name",
        )
        .await?,
    })
}

/// The median of a measured duration, in working days: the middle one or two values.
async fn median(db: &Db, q: &Query, name: &str, n: i64) -> Result<Option<f64>, sqlx::Error> {
    if n == 0 {
        return Ok(None);
    }
    let sql = format!(
        "{} select r.{name}_secs as v from reports r where {} and r.{name}_secs is not null \
         order by r.{name}_secs limit {} offset {}",
        q.with,
        q.base(),
        if n % 2 == 0 { 2 } else { 1 },
        (n - 1) / 2
    );
    let values: Vec<f64> = q
        .rows(db, &sql)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("v").map(|v| v as f64 / DAY as f64))
        .collect::<Result<_, _>>()?;
    Ok(median_sorted(&values))
}

/// Counts grouped by something joined to the report.
async fn breakdown(
    db: &Db,
    q: &Query,
    select: &str,
    join: &str,
    group: &str,
) -> Result<Vec<Breakdown>, sqlx::Error> {
    let sql = format!(
        "{} select {select}, count(*) as received, {} as finished, {} as overdue \
         from reports r {join} where {} group by {group} order by received desc, {group}",
        q.with,
        count_if(FINISHED),
        count_if(OVERDUE_NOW),
        q.base()
    );
    q.rows(db, &sql)
        .await?
        .iter()
        .map(|r| {
            let key = match r.try_get::<String, _>("key") {
                Ok(k) => k,
                Err(_) => r.try_get::<i64, _>("key")?.to_string(),
            };
            let (label_id, label_en) = match r.try_get::<Option<String>, _>("label_en") {
                Ok(Some(en)) => (r.try_get("label_id")?, en),
                _ => {
                    let name: String = r.try_get("label_id")?;
                    let label = match r.try_get::<Option<String>, _>("parent")? {
                        Some(p) => format!("{name} — {p}"),
                        None => name,
                    };
                    (label.clone(), label)
                }
            };
            Ok(Breakdown {
                key,
                label_id,
                label_en,
                received: r.try_get("received")?,
                finished: r.try_get("finished")?,
                overdue_now: r.try_get("overdue")?,
            })
        })
        .collect()
}

/// Received and finished per month of the period (every month, also empty ones).
async fn by_month(
    db: &Db,
    q: &Query,
    from: Month,
    to: Month,
) -> Result<Vec<Breakdown>, sqlx::Error> {
    // Grouped by local day (an expression both engines compute alike), folded into months
    // here.
    let offset = i64::from(db.time_zone.offset().whole_seconds());
    let sql = format!(
        "{} select (r.received_at + {offset}) / {DAY} as day, count(*) as received, \
         {} as finished, {} as overdue from reports r where {} group by 1",
        q.with,
        count_if(FINISHED),
        count_if(OVERDUE_NOW),
        q.base()
    );
    let mut per_month: HashMap<Month, (i64, i64, i64)> = HashMap::new();
    for row in q.rows(db, &sql).await? {
        let day: i64 = row.try_get("day")?;
        let month = month_of(db, day * DAY - offset);
        let entry = per_month.entry(month).or_default();
        entry.0 += row.try_get::<i64, _>("received")?;
        entry.1 += row.try_get::<i64, _>("finished")?;
        entry.2 += row.try_get::<i64, _>("overdue")?;
    }
    Ok(months(from, to)
        .into_iter()
        .map(|m| {
            let (received, finished, overdue_now) = per_month.get(&m).copied().unwrap_or_default();
            Breakdown {
                key: month_code(m),
                label_id: month_code(m),
                label_en: month_code(m),
                received,
                finished,
                overdue_now,
            }
        })
        .collect())
}

/// Sums of one group (a government or an OPD) for the ranking.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    received: i64,
    finished: i64,
    verify_n: i64,
    verify_sum: i64,
    follow_n: i64,
    follow_sum: i64,
    overdue: i64,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.received += o.received;
        self.finished += o.finished;
        self.verify_n += o.verify_n;
        self.verify_sum += o.verify_sum;
        self.follow_n += o.follow_n;
        self.follow_sum += o.follow_sum;
        self.overdue += o.overdue;
    }

    fn row(&self, org_id: i64, name: String, parent: Option<String>, months: usize) -> RankRow {
        let per_year = self.received as f64 * 12.0 / months.max(1) as f64;
        let verify =
            (self.verify_n > 0).then(|| self.verify_sum as f64 / self.verify_n as f64 / DAY as f64);
        RankRow {
            org_id,
            name,
            parent,
            received: self.received,
            received_per_year: per_year,
            finished_share: share(self.finished, self.received),
            verify_average_days: verify,
            follow_up_average_days: (self.follow_n > 0)
                .then(|| self.follow_sum as f64 / self.follow_n as f64 / DAY as f64),
            overdue_now: self.overdue,
            few_reports: per_year < FEW_REPORTS_PER_YEAR,
            slow_verification: verify.is_some_and(|v| v > SLOW_VERIFICATION_DAYS),
        }
    }
}

async fn totals_by(db: &Db, q: &Query, column: &str) -> Result<HashMap<i64, Totals>, sqlx::Error> {
    let sql = format!(
        "select {column} as id, count(*) as received, {} as finished, \
         count(r.verify_secs) as verify_n, {} as verify_sum, \
         count(r.follow_up_secs) as follow_n, {} as follow_sum, {} as overdue \
         from reports r where {column} is not null and {} group by {column}",
        count_if(FINISHED),
        sum_of("r.verify_secs"),
        sum_of("r.follow_up_secs"),
        count_if(OVERDUE_NOW),
        q.base()
    );
    let mut out = HashMap::new();
    for r in q.rows(db, &sql).await? {
        out.insert(
            r.try_get::<i64, _>("id")?,
            Totals {
                received: r.try_get("received")?,
                finished: r.try_get("finished")?,
                verify_n: r.try_get("verify_n")?,
                verify_sum: r.try_get("verify_sum")?,
                follow_n: r.try_get("follow_n")?,
                follow_sum: r.try_get("follow_sum")?,
                overdue: r.try_get("overdue")?,
            },
        );
    }
    Ok(out)
}

/// Every region (province, ministry, regency, city: each with everything below it) and every
/// OPD, ranked, for the months `from` to `to`.
pub async fn ranking(db: &Db, from: Month, to: Month, now: i64) -> AppResult<Ranking> {
    let q = Query::new(db, None, from, to, now);
    let by_owner = totals_by(db, &q, "r.owner_org_id").await?;
    let by_opd = totals_by(db, &q, "r.opd_id").await?;
    let orgs: Vec<(i64, Option<i64>, String, String)> =
        sqlx::query_as("select id, parent_id, kind, name from organizations order by id")
            .fetch_all(&db.pool)
            .await?;
    let names: HashMap<i64, &str> = orgs.iter().map(|(id, _, _, n)| (*id, n.as_str())).collect();
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, parent, _, _) in &orgs {
        if let Some(p) = parent {
            children.entry(*p).or_default().push(*id);
        }
    }
    let span = months(from, to).len();
    let mut regions = Vec::new();
    let mut opds = Vec::new();
    for (id, parent, kind, name) in &orgs {
        match kind.as_str() {
            "province" | "ministry" | "regency" | "city" => {
                let mut total = Totals::default();
                let mut stack = vec![*id];
                while let Some(o) = stack.pop() {
                    if let Some(t) = by_owner.get(&o) {
                        total.add(t);
                    }
                    stack.extend(children.get(&o).into_iter().flatten());
                }
                let parent = parent.and_then(|p| names.get(&p)).map(|n| (*n).to_owned());
                regions.push(total.row(*id, name.clone(), parent, span));
            }
            "opd" => {
                let total = by_opd.get(id).copied().unwrap_or_default();
                let parent = parent.and_then(|p| names.get(&p)).map(|n| (*n).to_owned());
                opds.push(total.row(*id, name.clone(), parent, span));
            }
            _ => {}
        }
    }
    rank(&mut regions);
    rank(&mut opds);
    Ok(Ranking {
        from: month_code(from),
        to: month_code(to),
        regions,
        opds,
    })
}

/// One public report as open data: what the public listing shows, without the body (a bulk
/// copy of every citizen's account invites mining it) and never a confidential report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenReport {
    pub tracking_id: String,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub government: Option<String>,
    pub opd: Option<String>,
    pub status: String,
    pub received_at: i64,
    pub verify_days: Option<f64>,
    pub follow_up_days: Option<f64>,
    pub resolve_days: Option<f64>,
    pub rating: Option<i64>,
}

/// The public reports received in the months `from` to `to`, oldest first, at most `limit`.
pub async fn open_reports(
    db: &Db,
    from: Month,
    to: Month,
    limit: i64,
) -> AppResult<Vec<OpenReport>> {
    let rows = sqlx::query(
        "select r.tracking_id, r.kind, c.code as category, r.title, ow.name as government, \
         op.name as opd, r.status, r.received_at, r.verify_secs, r.follow_up_secs, \
         r.resolve_secs, r.rating from reports r join categories c on c.id = r.category_id \
         left join organizations ow on ow.id = r.owner_org_id \
         left join organizations op on op.id = r.opd_id \
         where r.confidential = $1 and r.received_at >= $2 and r.received_at < $3 \
         order by r.received_at, r.id limit $4",
    )
    .bind(0_i64)
    .bind(month_start(db, from))
    .bind(month_start(db, next_month(to)))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let days = |v: Option<i64>| v.map(crate::calendar::days_tenths);
    rows.iter()
        .map(|r| -> Result<OpenReport, sqlx::Error> {
            Ok(OpenReport {
                tracking_id: r.try_get("tracking_id")?,
                kind: r.try_get("kind")?,
                category: r.try_get("category")?,
                title: r.try_get("title")?,
                government: r.try_get("government")?,
                opd: r.try_get("opd")?,
                status: r.try_get("status")?,
                received_at: r.try_get("received_at")?,
                verify_days: days(r.try_get("verify_secs")?),
                follow_up_days: days(r.try_get("follow_up_secs")?),
                resolve_days: days(r.try_get("resolve_secs")?),
                rating: r.try_get("rating")?,
            })
        })
        .collect::<Result<_, _>>()
        .map_err(AppError::from)
}
