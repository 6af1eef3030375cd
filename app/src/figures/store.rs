//! Figures in the database: aggregates over the clock columns of `reports`, for a subtree
//! (the same recursive CTE as staff scope) and a period of received-at.

use super::*;
use crate::calendar::DAY;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use sqlx::Row;
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

mod rollup;
use rollup::CELL_COUNTERS;
pub use rollup::{ensure as ensure_rollups, rebuild as rebuild_rollups, sync};

/// `yyyymm`.
fn month_number((y, m): Month) -> i64 {
    i64::from(y) * 100 + i64::from(m)
}

/// Which rows of the sums a subtree covers. Every report counts at the government that
/// answers for it (and, once forwarded, at one of that government's OPDs), so a government's
/// subtree is a set of governments and an OPD's subtree is the OPD.
enum Subtree {
    Country,
    Governments(Vec<i64>),
    Opd(i64),
}

impl Subtree {
    async fn of(db: &Db, org: Option<i64>) -> AppResult<Subtree> {
        let Some(org) = org else {
            return Ok(Subtree::Country);
        };
        let orgs: Vec<(i64, Option<i64>, String)> =
            sqlx::query_as("select id, parent_id, kind from organizations")
                .fetch_all(&db.pool)
                .await?;
        let (_, parent, kind) = orgs
            .iter()
            .find(|(id, _, _)| *id == org)
            .ok_or(AppError::NotFound)?;
        if kind == "opd" {
            return Ok(Subtree::Opd(org));
        }
        let mut ids = vec![org];
        let mut i = 0;
        while i < ids.len() {
            let at = ids[i];
            ids.extend(
                orgs.iter()
                    .filter(|(_, p, _)| *p == Some(at))
                    .map(|(id, _, _)| *id),
            );
            i += 1;
        }
        if parent.is_none() {
            // The root also answers for reports that name no agency yet.
            ids.push(0);
        }
        Ok(Subtree::Governments(ids))
    }

    fn list(ids: &[i64]) -> String {
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A condition on `figure_cells`.
    fn cells(&self) -> String {
        match self {
            Subtree::Country => "1 = 1".to_owned(),
            Subtree::Governments(ids) => format!("owner_id in ({})", Self::list(ids)),
            Subtree::Opd(id) => format!("opd_id = {id}"),
        }
    }

    /// A condition on `figure_durations`.
    fn durations(&self) -> String {
        match self {
            Subtree::Country => "level = 0".to_owned(),
            Subtree::Governments(ids) => format!("level = 0 and org_id in ({})", Self::list(ids)),
            Subtree::Opd(id) => format!("level = 1 and org_id = {id}"),
        }
    }

    /// A condition on `reports r`.
    fn reports(&self) -> String {
        match self {
            Subtree::Country => "1 = 1".to_owned(),
            Subtree::Governments(ids) => {
                format!("coalesce(r.owner_org_id, 0) in ({})", Self::list(ids))
            }
            Subtree::Opd(id) => format!("r.opd_id = {id}"),
        }
    }
}

fn sum(column: &str) -> String {
    format!("cast(coalesce(sum({column}), 0) as bigint) as {column}")
}

/// Sums of cells, grouped by `group` (an expression on `figure_cells`, or none).
async fn cell_sums(
    db: &Db,
    subtree: &Subtree,
    from: Month,
    to: Month,
    group: Option<&str>,
) -> Result<Vec<(i64, HashMap<&'static str, i64>)>, sqlx::Error> {
    let sums: Vec<String> = CELL_COUNTERS.iter().map(|c| sum(c)).collect();
    let (select_group, group_by) = match group {
        Some(g) => (format!("{g} as g, "), format!(" group by {g}")),
        None => (String::new(), String::new()),
    };
    let sql = format!(
        "select {select_group}{} from figure_cells where {} and month >= {} and month <= {}{group_by}",
        sums.join(", "),
        subtree.cells(),
        month_number(from),
        month_number(to),
    );
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            let g = if group.is_some() { r.try_get("g")? } else { 0 };
            let mut m = HashMap::new();
            for c in CELL_COUNTERS {
                m.insert(c, r.try_get::<i64, _>(c)?);
            }
            Ok((g, m))
        })
        .collect()
}

/// An open report past a deadline now: where it counts, and which clocks are late.
struct Late {
    received_at: i64,
    category: i64,
    owner: i64,
    opd: i64,
    channel: String,
    /// verify, follow-up, resolve.
    clocks: [bool; 3],
}

/// The open reports of a subtree past a deadline at `now` (any period): few, found by the
/// index on `due_at`.
async fn late(db: &Db, subtree: &Subtree, now: i64) -> Result<Vec<Late>, sqlx::Error> {
    let sql = format!(
        "select r.received_at, r.category_id, coalesce(r.owner_org_id, 0) as owner_id, \
         coalesce(r.opd_id, 0) as opd_id, r.verify_due_at, r.follow_up_due_at, r.resolve_due_at, \
         r.channel from reports r where r.due_at < $1 and r.status <> 'resolved' and {}",
        subtree.reports()
    );
    let rows = sqlx::query(&sql).bind(now).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            let late = |c: &str| -> Result<bool, sqlx::Error> {
                Ok(r.try_get::<Option<i64>, _>(c)?.is_some_and(|d| d < now))
            };
            Ok(Late {
                received_at: r.try_get("received_at")?,
                category: r.try_get("category_id")?,
                owner: r.try_get("owner_id")?,
                opd: r.try_get("opd_id")?,
                channel: r.try_get("channel")?,
                clocks: [
                    late("verify_due_at")?,
                    late("follow_up_due_at")?,
                    late("resolve_due_at")?,
                ],
            })
        })
        .collect()
}

/// Medians per measure from the histogram of tenths of working days.
async fn medians(
    db: &Db,
    subtree: &Subtree,
    from: Month,
    to: Month,
) -> Result<HashMap<String, f64>, sqlx::Error> {
    let sql = format!(
        "select measure, tenths, cast(sum(n) as bigint) as n from figure_durations \
         where {} and month >= {} and month <= {} group by measure, tenths \
         order by measure, tenths",
        subtree.durations(),
        month_number(from),
        month_number(to)
    );
    let mut histograms: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for r in sqlx::query(&sql).fetch_all(&db.pool).await? {
        let n: i64 = r.try_get("n")?;
        if n > 0 {
            histograms
                .entry(r.try_get("measure")?)
                .or_default()
                .push((r.try_get("tenths")?, n));
        }
    }
    Ok(histograms
        .into_iter()
        .filter_map(|(m, h)| median_of_histogram(&h).map(|v| (m, v)))
        .collect())
}

/// The median of values given as `(tenths, count)` in ascending order, in days.
fn median_of_histogram(h: &[(i64, i64)]) -> Option<f64> {
    let total: i64 = h.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let at = |index: i64| {
        let mut seen = 0;
        for (t, n) in h {
            seen += n;
            if index < seen {
                return *t;
            }
        }
        h.last().map(|(t, _)| *t).unwrap_or(0)
    };
    let (a, b) = (at((total - 1) / 2), at(total / 2));
    Some((a + b) as f64 / 20.0)
}

fn speed(m: &HashMap<&'static str, i64>, name: &str, median: Option<f64>, late: i64) -> Speed {
    let get = |suffix: &str| {
        m.get(format!("{name}_{suffix}").as_str())
            .copied()
            .unwrap_or(0)
    };
    let n = get("n");
    Speed {
        measured: n,
        average_days: (n > 0).then(|| get("sum") as f64 / n as f64 / DAY as f64),
        median_days: median,
        within_share: share(get("ok"), n + late),
        overdue_now: late,
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
    let (org_name, org_area_code) = match org {
        Some(id) => {
            let (name, code) = sqlx::query_as::<_, (String, Option<String>)>(
                "select name, area_code from organizations where id = $1",
            )
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(AppError::NotFound)?;
            (Some(name), code)
        }
        None => (None, None),
    };
    let subtree = Subtree::of(db, org).await?;
    let (start, end) = (month_start(db, from), month_start(db, next_month(to)));
    let totals = cell_sums(db, &subtree, from, to, None)
        .await?
        .pop()
        .map(|(_, m)| m)
        .unwrap_or_default();
    let get = |c: &str| totals.get(c).copied().unwrap_or(0);
    let late = late(db, &subtree, now).await?;
    let in_period: Vec<&Late> = late
        .iter()
        .filter(|l| l.received_at >= start && l.received_at < end)
        .collect();
    let late_count = |i: usize| in_period.iter().filter(|l| l.clocks[i]).count() as i64;
    let medians = medians(db, &subtree, from, to).await?;
    let received = get("received");
    let finished = get("finished");
    let ratings = get("rated");

    let categories: Vec<(i64, String, String, String)> =
        sqlx::query_as("select id, code, name_id, name_en from categories")
            .fetch_all(&db.pool)
            .await?;
    let orgs: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "select o.id, o.name, p.name from organizations o left join organizations p on p.id = o.parent_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut by_category: Vec<Breakdown> = cell_sums(db, &subtree, from, to, Some("category_id"))
        .await?
        .into_iter()
        .filter(|(_, m)| m["received"] > 0)
        .map(|(id, m)| {
            let (code, name_id, name_en) = categories
                .iter()
                .find(|c| c.0 == id)
                .map(|c| (c.1.clone(), c.2.clone(), c.3.clone()))
                .unwrap_or_default();
            Breakdown {
                key: code,
                label_id: name_id,
                label_en: name_en,
                received: m["received"],
                finished: m["finished"],
                overdue_now: in_period.iter().filter(|l| l.category == id).count() as i64,
            }
        })
        .collect();
    by_category.sort_by(|a, b| b.received.cmp(&a.received).then(a.key.cmp(&b.key)));
    let mut by_opd: Vec<Breakdown> = cell_sums(db, &subtree, from, to, Some("opd_id"))
        .await?
        .into_iter()
        .filter(|(id, m)| *id != 0 && m["received"] > 0)
        .map(|(id, m)| {
            let label = orgs
                .iter()
                .find(|o| o.0 == id)
                .map(|(_, name, parent)| match parent {
                    Some(p) => format!("{name} — {p}"),
                    None => name.clone(),
                })
                .unwrap_or_default();
            Breakdown {
                key: id.to_string(),
                label_id: label.clone(),
                label_en: label,
                received: m["received"],
                finished: m["finished"],
                overdue_now: in_period.iter().filter(|l| l.opd == id).count() as i64,
            }
        })
        .collect();
    by_opd.sort_by(|a, b| {
        b.received
            .cmp(&a.received)
            .then(a.label_id.cmp(&b.label_id))
    });
    let by_channel = channel_sums(db, &subtree, from, to)
        .await?
        .into_iter()
        .map(|(channel, received, finished)| {
            // The channels' names are the reports' (`channel.web`, …).
            let key = format!("channel.{channel}");
            Breakdown {
                label_id: crate::tr!(crate::i18n::Locale::Id, key.as_str()),
                label_en: crate::tr!(crate::i18n::Locale::En, key.as_str()),
                overdue_now: in_period.iter().filter(|l| l.channel == channel).count() as i64,
                key: channel,
                received,
                finished,
            }
        })
        .collect();
    let per_month: HashMap<i64, HashMap<&'static str, i64>> =
        cell_sums(db, &subtree, from, to, Some("month"))
            .await?
            .into_iter()
            .collect();
    let by_month = months(from, to)
        .into_iter()
        .map(|m| {
            let sums = per_month.get(&month_number(m));
            let count = |c: &str| sums.and_then(|s| s.get(c)).copied().unwrap_or(0);
            Breakdown {
                key: month_code(m),
                label_id: crate::i18n::Locale::Id.month(m.0, m.1),
                label_en: crate::i18n::Locale::En.month(m.0, m.1),
                received: count("received"),
                finished: count("finished"),
                overdue_now: in_period
                    .iter()
                    .filter(|l| month_of(db, l.received_at) == m)
                    .count() as i64,
            }
        })
        .collect();
    Ok(Figures {
        org_id: org,
        org_name,
        org_area_code,
        from: month_code(from),
        to: month_code(to),
        received,
        verify: speed(
            &totals,
            "verify",
            medians.get("verify").copied(),
            late_count(0),
        ),
        follow_up: speed(
            &totals,
            "follow_up",
            medians.get("follow_up").copied(),
            late_count(1),
        ),
        resolve: speed(
            &totals,
            "resolve",
            medians.get("resolve").copied(),
            late_count(2),
        ),
        followed_up_share: share(get("followed"), received),
        finished_share: share(finished, received),
        finished,
        archived: get("archived"),
        overdue_now: late.len() as i64,
        rating_average: (ratings > 0).then(|| get("rating_sum") as f64 / ratings as f64),
        ratings,
        by_month,
        by_category,
        by_opd,
        by_channel,
        map: crate::labels::map_of_complaints(db, org, start, end).await?,
        links: crate::connectedness::links(db, now).await?.within(org),
    })
}

/// Reports received and finished per channel (its code) in a subtree and period, most used
/// first; channels no report came through are left out.
async fn channel_sums(
    db: &Db,
    subtree: &Subtree,
    from: Month,
    to: Month,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let sql = format!(
        "select channel, {}, {} \
         from figure_channels where {} and month >= {} and month <= {} group by channel \
         having sum(received) > 0 order by received desc, channel",
        sum("received"),
        sum("finished"),
        subtree.cells(),
        month_number(from),
        month_number(to),
    );
    sqlx::query_as(&sql).fetch_all(&db.pool).await
}

/// Sums of one group (a government or an OPD) for the ranking.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    received: i64,
    finished: i64,
    verify_n: i64,
    verify_sum: i64,
    verify_ok: i64,
    verify_late: i64,
    follow_n: i64,
    follow_sum: i64,
    follow_ok: i64,
    follow_late: i64,
    overdue: i64,
}

impl Totals {
    fn from_sums(m: &HashMap<&'static str, i64>) -> Totals {
        Totals {
            received: m["received"],
            finished: m["finished"],
            verify_n: m["verify_n"],
            verify_sum: m["verify_sum"],
            verify_ok: m["verify_ok"],
            verify_late: 0,
            follow_n: m["follow_up_n"],
            follow_sum: m["follow_up_sum"],
            follow_ok: m["follow_up_ok"],
            follow_late: 0,
            overdue: 0,
        }
    }

    fn add(&mut self, o: &Totals) {
        self.received += o.received;
        self.finished += o.finished;
        self.verify_n += o.verify_n;
        self.verify_sum += o.verify_sum;
        self.verify_ok += o.verify_ok;
        self.verify_late += o.verify_late;
        self.follow_n += o.follow_n;
        self.follow_sum += o.follow_sum;
        self.follow_ok += o.follow_ok;
        self.follow_late += o.follow_late;
        self.overdue += o.overdue;
    }

    /// Share of the first actions within their deadline: verification for a government
    /// (`opd` false), the first follow-up for an OPD; the late ones still waiting count.
    fn first_action_within(&self, opd: bool) -> Option<f64> {
        if opd {
            share(self.follow_ok, self.follow_n + self.follow_late)
        } else {
            share(self.verify_ok, self.verify_n + self.verify_late)
        }
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
            area_code: None,
            connected: None,
            officials: 0,
            active_officials: 0,
            first_action_within_share: None,
            incomplete_before: None,
            incomplete_after: None,
        }
    }
}

/// Every region (province, ministry, regency, city: each with everything below it) and every
/// OPD, ranked, for the months `from` to `to`; "overdue now" counts the reports received in
/// the period that wait past a deadline.
pub async fn ranking(db: &Db, from: Month, to: Month, now: i64) -> AppResult<Ranking> {
    let country = Subtree::Country;
    let mut by_owner: HashMap<i64, Totals> = cell_sums(db, &country, from, to, Some("owner_id"))
        .await?
        .iter()
        .map(|(id, m)| (*id, Totals::from_sums(m)))
        .collect();
    let mut by_opd: HashMap<i64, Totals> = cell_sums(db, &country, from, to, Some("opd_id"))
        .await?
        .iter()
        .map(|(id, m)| (*id, Totals::from_sums(m)))
        .collect();
    let (start, end) = (month_start(db, from), month_start(db, next_month(to)));
    for l in late(db, &country, now).await? {
        if l.received_at >= start && l.received_at < end {
            let owner = by_owner.entry(l.owner).or_default();
            owner.overdue += 1;
            owner.verify_late += i64::from(l.clocks[0]);
            let opd = by_opd.entry(l.opd).or_default();
            opd.overdue += 1;
            opd.follow_late += i64::from(l.clocks[1]);
        }
    }
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
    // Archived as incomplete, per region, before and since the completeness checks began.
    let since = completeness_since(db).await?;
    let country_ref = &country;
    let incomplete = |from: Month, to: Month| async move {
        let sums = cell_sums(db, country_ref, from, to, Some("owner_id")).await?;
        Ok::<_, sqlx::Error>(
            sums.into_iter()
                .map(|(id, m)| (id, (m["received"], m["incomplete"])))
                .collect::<HashMap<i64, (i64, i64)>>(),
        )
    };
    let (before, after) = match since {
        Some(m) => {
            let previous = if m.1 == 1 {
                (m.0 - 1, 12)
            } else {
                (m.0, m.1 - 1)
            };
            (
                incomplete((1970, 1), previous).await?,
                incomplete(m, month_of(db, now)).await?,
            )
        }
        None => Default::default(),
    };
    let staffing = crate::connectedness::staffing(db, now).await?;
    let links = crate::connectedness::connectedness(&staffing);
    let line: HashMap<i64, &crate::connectedness::RegionLink> =
        links.lines().map(|l| (l.org_id, l)).collect();
    let staff: HashMap<i64, &crate::connectedness::Staffing> =
        staffing.iter().map(|s| (s.id, s)).collect();
    let mut regions = Vec::new();
    let mut opds = Vec::new();
    for (id, parent, kind, name) in &orgs {
        let parent = parent.and_then(|p| names.get(&p)).map(|n| (*n).to_owned());
        match kind.as_str() {
            "province" | "ministry" | "regency" | "city" => {
                let mut total = Totals::default();
                let (mut was, mut is) = ((0, 0), (0, 0));
                let mut stack = vec![*id];
                while let Some(o) = stack.pop() {
                    if let Some(t) = by_owner.get(&o) {
                        total.add(t);
                    }
                    for (sum, part) in [(&mut was, before.get(&o)), (&mut is, after.get(&o))] {
                        if let Some((received, incomplete)) = part {
                            sum.0 += received;
                            sum.1 += incomplete;
                        }
                    }
                    stack.extend(children.get(&o).into_iter().flatten());
                }
                let mut row = total.row(*id, name.clone(), parent, span);
                if since.is_some() {
                    row.incomplete_before = share(was.1, was.0);
                    row.incomplete_after = share(is.1, is.0);
                }
                row.first_action_within_share = total.first_action_within(false);
                row.area_code = staff.get(id).and_then(|s| s.area_code.clone());
                if let Some(l) = line.get(id) {
                    row.connected = Some(l.connected);
                    row.officials = l.officials;
                    row.active_officials = l.active_officials;
                }
                regions.push(row);
            }
            "opd" => {
                let total = by_opd.get(id).copied().unwrap_or_default();
                let mut row = total.row(*id, name.clone(), parent, span);
                row.first_action_within_share = total.first_action_within(true);
                if let Some(s) = staff.get(id) {
                    row.officials = s.officials;
                    row.active_officials = s.active_officials;
                }
                opds.push(row);
            }
            _ => {}
        }
    }
    rank(&mut regions);
    rank(&mut opds);
    Ok(Ranking {
        from: month_code(from),
        to: month_code(to),
        completeness_since: since.map(month_code),
        regions,
        opds,
    })
}

/// The month from which the form checked reports for completeness (`settings`, written by
/// the migration that brought the checks).
pub async fn completeness_since(db: &Db) -> Result<Option<Month>, sqlx::Error> {
    let at: Option<String> =
        sqlx::query_scalar("select value from settings where key = 'completeness_since'")
            .fetch_optional(&db.pool)
            .await?;
    Ok(at
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|at| month_of(db, at)))
}

/// One public report as open data: what the public listing shows, without the body (a bulk
/// copy of every citizen's account invites mining it), never a confidential report, never
/// one no official has verified yet, and with the title as the public reads it (redacted).
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
        "select r.tracking_id, r.kind, c.code as category, \
         coalesce(r.public_title, r.title) as title, ow.name as government, \
         op.name as opd, r.status, r.received_at, r.verify_secs, r.follow_up_secs, \
         r.resolve_secs, r.rating from reports r join categories c on c.id = r.category_id \
         left join organizations ow on ow.id = r.owner_org_id \
         left join organizations op on op.id = r.opd_id \
         where r.confidential = $1 and r.published_at is not null \
         and r.received_at >= $2 and r.received_at < $3 \
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_from_histograms_of_tenths() {
        assert_eq!(median_of_histogram(&[(5, 1), (7, 1), (9, 1)]), Some(0.7));
        assert_eq!(median_of_histogram(&[(10, 2), (40, 2)]), Some(2.5));
        assert_eq!(median_of_histogram(&[(3, 0)]), None);
        assert_eq!(median_of_histogram(&[(0, 5), (100, 1)]), Some(0.0));
    }
}
