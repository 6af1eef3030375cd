//! The figures' running sums, kept in step with `reports` inside the same transactions.
//!
//! Every report *contributes* to the figures: one received report in its month, government,
//! OPD and category; finished or not; its measured durations. [`sync`] reads the report's
//! contribution now and the one it last added (`report_figures`); when they differ, it takes
//! the old one out of the sums and adds the new. [`rebuild`] computes everything from
//! `reports` at once, with the same SQL expressions, so the incremental path and the rebuild
//! agree by construction (and a test checks they do).

use crate::db::{Db, Engine};
use sqlx::{Any, Row, Transaction};

/// `yyyymm` of a report's received-at in the deployment's time zone, as SQL.
fn month_expr(engine: Engine, offset_secs: i64) -> String {
    match engine {
        Engine::Sqlite => {
            format!("cast(strftime('%Y%m', r.received_at + {offset_secs}, 'unixepoch') as integer)")
        }
        Engine::Postgres => format!(
            "cast(to_char(to_timestamp(r.received_at + {offset_secs}) at time zone 'UTC', 'YYYYMM') as bigint)"
        ),
    }
}

/// What a report contributes, as SQL over `reports r`, in the column order of
/// `report_figures` after `report_id`.
fn contribution_sql(db: &Db) -> String {
    let offset = i64::from(db.time_zone.offset().whole_seconds());
    format!(
        "{} as month, coalesce(r.owner_org_id, 0) as owner_id, coalesce(r.opd_id, 0) as opd_id, \
         r.category_id as category_id, \
         cast(case when r.status = 'resolved' then 1 else 0 end as bigint) as finished, \
         cast(case when r.status = 'archived' then 1 else 0 end as bigint) as archived, \
         cast(case when r.status = 'archived' and exists (select 1 from report_events e \
              where e.report_id = r.id and e.to_status = 'archived' and e.reason = 'too_general') \
              then 1 else 0 end as bigint) as incomplete, \
         cast(case when r.follow_up_secs is not null or r.status in ('in_progress', 'resolved') \
              then 1 else 0 end as bigint) as followed, \
         cast(case when r.rating is not null then 1 else 0 end as bigint) as rated, \
         coalesce(r.rating, 0) as rating, \
         r.verify_secs as verify_secs, coalesce(r.verify_ok, 0) as verify_ok, \
         r.follow_up_secs as follow_up_secs, coalesce(r.follow_up_ok, 0) as follow_up_ok, \
         r.resolve_secs as resolve_secs, coalesce(r.resolve_ok, 0) as resolve_ok, \
         r.channel as channel",
        month_expr(db.engine, offset)
    )
}

/// Which reports the figures count, over `reports r`: not one marked as a duplicate (its
/// complaint is counted once, as its original).
pub const COUNTED: &str = "r.duplicate_of is null";

const FIGURE_COLUMNS: &str = "month, owner_id, opd_id, category_id, finished, archived, \
     incomplete, followed, rated, rating, verify_secs, verify_ok, follow_up_secs, follow_up_ok, \
     resolve_secs, resolve_ok, channel";

/// The three measured durations, with their names in `figure_cells` and `figure_durations`.
pub const MEASURES: [&str; 3] = ["verify", "follow_up", "resolve"];

/// Working seconds as the tenth of a working day they round to, the resolution of medians.
/// The same rounding as [`TENTHS_SQL`].
pub fn tenths(secs: i64) -> i64 {
    (secs * 10 + 43_200) / 86_400
}

/// [`tenths`] in SQL, for `{}` a column of seconds.
const TENTHS_SQL: &str = "({} * 10 + 43200) / 86400";

#[derive(Debug, Clone, PartialEq, Eq)]
struct Contribution {
    month: i64,
    owner: i64,
    opd: i64,
    category: i64,
    finished: i64,
    archived: i64,
    /// Archived as too general: incomplete.
    incomplete: i64,
    followed: i64,
    rated: i64,
    rating: i64,
    measures: [(Option<i64>, i64); 3],
    channel: String,
}

impl Contribution {
    fn read(row: &sqlx::any::AnyRow) -> Result<Contribution, sqlx::Error> {
        let mut measures = [(None, 0); 3];
        for (i, m) in MEASURES.iter().enumerate() {
            measures[i] = (
                row.try_get(format!("{m}_secs").as_str())?,
                row.try_get(format!("{m}_ok").as_str())?,
            );
        }
        Ok(Contribution {
            month: row.try_get("month")?,
            owner: row.try_get("owner_id")?,
            opd: row.try_get("opd_id")?,
            category: row.try_get("category_id")?,
            finished: row.try_get("finished")?,
            archived: row.try_get("archived")?,
            incomplete: row.try_get("incomplete")?,
            followed: row.try_get("followed")?,
            rated: row.try_get("rated")?,
            rating: row.try_get("rating")?,
            measures,
            channel: row.try_get("channel")?,
        })
    }

    fn cell_key(&self) -> (i64, i64, i64, i64) {
        (self.month, self.owner, self.opd, self.category)
    }
}

/// The columns of `figure_cells` after its key, in the order [`Contribution::cell_deltas`]
/// gives them.
pub(super) const CELL_COUNTERS: [&str; 16] = [
    "received",
    "finished",
    "archived",
    "incomplete",
    "followed",
    "rated",
    "rating_sum",
    "verify_n",
    "verify_sum",
    "verify_ok",
    "follow_up_n",
    "follow_up_sum",
    "follow_up_ok",
    "resolve_n",
    "resolve_sum",
    "resolve_ok",
];

/// A row of the sums: a cell `(month, owner, opd, category)`, a duration count
/// `(level, org, month, measure, tenths)` or a channel's count `(month, owner, opd,
/// channel)` (its deltas: received, finished).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SumRow {
    Cell(i64, i64, i64, i64),
    Duration(i64, i64, i64, &'static str, i64),
    Channel(i64, i64, i64, String),
}

impl Contribution {
    /// What this contribution adds to its cell, in the order of [`CELL_COUNTERS`].
    fn cell_deltas(&self) -> [i64; 16] {
        let mut d = [
            1,
            self.finished,
            self.archived,
            self.incomplete,
            self.followed,
            self.rated,
            self.rating,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ];
        for (i, (secs, ok)) in self.measures.iter().enumerate() {
            if let Some(secs) = secs {
                d[7 + 3 * i] = 1;
                d[8 + 3 * i] = *secs;
                d[9 + 3 * i] = *ok;
            }
        }
        d
    }

    /// Every row of the sums this contribution adds to, with what it adds.
    fn rows(&self) -> Vec<(SumRow, [i64; 16])> {
        let (month, owner, opd, category) = self.cell_key();
        let mut by_channel = [0; 16];
        (by_channel[0], by_channel[1]) = (1, self.finished);
        let mut rows = vec![
            (
                SumRow::Cell(month, owner, opd, category),
                self.cell_deltas(),
            ),
            (
                SumRow::Channel(month, owner, opd, self.channel.clone()),
                by_channel,
            ),
        ];
        for (measure, (secs, _)) in MEASURES.iter().zip(self.measures) {
            let Some(secs) = secs else { continue };
            let mut one = [0; 16];
            one[0] = 1;
            rows.push((
                SumRow::Duration(0, owner, month, measure, tenths(secs)),
                one,
            ));
            if opd != 0 {
                rows.push((SumRow::Duration(1, opd, month, measure, tenths(secs)), one));
            }
        }
        rows
    }
}

/// The net change `old` → `new` makes to the sums, row by row, in one fixed order: rows that
/// come out even are left alone, and two transactions on PostgreSQL lock the rows they share
/// in the same order, so they cannot deadlock.
fn changes(old: Option<&Contribution>, new: Option<&Contribution>) -> Vec<(SumRow, [i64; 16])> {
    let mut net: std::collections::BTreeMap<SumRow, [i64; 16]> = Default::default();
    for (c, sign) in [(old, -1), (new, 1)] {
        for (row, deltas) in c.map(Contribution::rows).unwrap_or_default() {
            let entry = net.entry(row).or_insert([0; 16]);
            for (e, d) in entry.iter_mut().zip(deltas) {
                *e += sign * d;
            }
        }
    }
    net.into_iter()
        .filter(|(_, d)| d.iter().any(|v| *v != 0))
        .collect()
}

/// Adds the deltas to one row of the sums.
async fn add(
    tx: &mut Transaction<'_, Any>,
    row: &SumRow,
    deltas: &[i64; 16],
) -> Result<(), sqlx::Error> {
    match row {
        SumRow::Cell(month, owner, opd, category) => {
            let placeholders: Vec<String> = (5..=20).map(|i| format!("${i}")).collect();
            let updates: Vec<String> = CELL_COUNTERS
                .iter()
                .map(|c| format!("{c} = figure_cells.{c} + excluded.{c}"))
                .collect();
            let sql = format!(
                "insert into figure_cells (month, owner_id, opd_id, category_id, {})                  values ($1, $2, $3, $4, {})                  on conflict (month, owner_id, opd_id, category_id) do update set {}",
                CELL_COUNTERS.join(", "),
                placeholders.join(", "),
                updates.join(", ")
            );
            let mut q = sqlx::query(&sql)
                .bind(*month)
                .bind(*owner)
                .bind(*opd)
                .bind(*category);
            for d in deltas {
                q = q.bind(*d);
            }
            q.execute(&mut **tx).await?;
        }
        SumRow::Duration(level, org, month, measure, tenths) => {
            sqlx::query(
                "insert into figure_durations (level, org_id, month, measure, tenths, n) \
                 values ($1, $2, $3, $4, $5, $6) \
                 on conflict (level, org_id, month, measure, tenths) do update set \
                 n = figure_durations.n + excluded.n",
            )
            .bind(*level)
            .bind(*org)
            .bind(*month)
            .bind(*measure)
            .bind(*tenths)
            .bind(deltas[0])
            .execute(&mut **tx)
            .await?;
        }
        SumRow::Channel(month, owner, opd, channel) => {
            sqlx::query(
                "insert into figure_channels (month, owner_id, opd_id, channel, received, \
                 finished) values ($1, $2, $3, $4, $5, $6) \
                 on conflict (month, owner_id, opd_id, channel) do update set \
                 received = figure_channels.received + excluded.received, \
                 finished = figure_channels.finished + excluded.finished",
            )
            .bind(*month)
            .bind(*owner)
            .bind(*opd)
            .bind(channel.as_str())
            .bind(deltas[0])
            .bind(deltas[1])
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Brings the sums in step with one report, inside the transaction that changed it.
pub async fn sync(
    db: &Db,
    tx: &mut Transaction<'_, Any>,
    report_id: i64,
) -> Result<(), sqlx::Error> {
    let now_sql = format!(
        "select {} from reports r where r.id = $1 and {COUNTED}",
        contribution_sql(db)
    );
    let new = sqlx::query(&now_sql)
        .bind(report_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| Contribution::read(&r))
        .transpose()?;
    let old = sqlx::query(&format!(
        "select {FIGURE_COLUMNS} from report_figures where report_id = $1"
    ))
    .bind(report_id)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| Contribution::read(&r))
    .transpose()?;
    if old == new {
        return Ok(());
    }
    for (row, deltas) in changes(old.as_ref(), new.as_ref()) {
        add(tx, &row, &deltas).await?;
    }
    sqlx::query("delete from report_figures where report_id = $1")
        .bind(report_id)
        .execute(&mut **tx)
        .await?;
    if new.is_some() {
        sqlx::query(&format!(
            "insert into report_figures (report_id, {FIGURE_COLUMNS}) \
             select r.id, {} from reports r where r.id = $1 and {COUNTED}",
            contribution_sql(db)
        ))
        .bind(report_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Recomputes every sum from `reports`.
pub async fn rebuild(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    for table in [
        "figure_durations",
        "figure_cells",
        "figure_channels",
        "report_figures",
    ] {
        sqlx::query(&format!("delete from {table}"))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(&format!(
        "insert into report_figures (report_id, {FIGURE_COLUMNS}) select r.id, {} from reports r \
         where {COUNTED}",
        contribution_sql(db)
    ))
    .execute(&mut *tx)
    .await?;
    let sums: Vec<String> = MEASURES
        .iter()
        .map(|m| {
            format!(
                "count({m}_secs), coalesce(sum({m}_secs), 0), \
                 coalesce(sum(case when {m}_secs is not null then {m}_ok else 0 end), 0)"
            )
        })
        .collect();
    sqlx::query(&format!(
        "insert into figure_cells (month, owner_id, opd_id, category_id, received, finished, \
         archived, incomplete, followed, rated, rating_sum, verify_n, verify_sum, verify_ok, \
         follow_up_n, follow_up_sum, follow_up_ok, resolve_n, resolve_sum, resolve_ok) \
         select month, owner_id, opd_id, category_id, count(*), sum(finished), sum(archived), \
         sum(incomplete), \
         sum(followed), sum(rated), sum(rating), {} from report_figures \
         group by month, owner_id, opd_id, category_id",
        sums.join(", ")
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into figure_channels (month, owner_id, opd_id, channel, received, finished) \
         select month, owner_id, opd_id, channel, count(*), sum(finished) from report_figures \
         group by month, owner_id, opd_id, channel",
    )
    .execute(&mut *tx)
    .await?;
    for m in MEASURES {
        let t = TENTHS_SQL.replace("{}", &format!("{m}_secs"));
        for (level, org, only) in [(0, "owner_id", ""), (1, "opd_id", " and opd_id <> 0")] {
            sqlx::query(&format!(
                "insert into figure_durations (level, org_id, month, measure, tenths, n) \
                 select {level}, {org}, month, '{m}', {t}, count(*) from report_figures \
                 where {m}_secs is not null{only} group by {org}, month, {t}"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}

/// Rebuilds the sums when they do not cover exactly the reports there are (first start
/// after the migration, or a database restored from elsewhere). Returns whether it did.
pub async fn ensure(db: &Db) -> Result<bool, sqlx::Error> {
    let (reports, covered): (i64, i64) = sqlx::query_as(&format!(
        "select (select count(*) from reports r where {COUNTED}), \
         (select count(*) from report_figures)"
    ))
    .fetch_one(&db.pool)
    .await?;
    if reports == covered {
        return Ok(false);
    }
    rebuild(db).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contribution(status_finished: i64, verify: Option<i64>, opd: i64) -> Contribution {
        Contribution {
            month: 202_611,
            owner: 4,
            opd,
            category: 3,
            finished: status_finished,
            archived: 0,
            incomplete: 0,
            followed: i64::from(opd != 0),
            rated: 0,
            rating: 0,
            measures: [(verify, 1), (None, 0), (None, 0)],
            channel: "walk_in".to_owned(),
        }
    }

    #[test]
    fn a_change_touches_only_the_rows_that_move() {
        // Forwarded to an OPD: the cell moves from "no OPD" to the OPD, the government's
        // duration count stays, the OPD's appears.
        let before = contribution(0, Some(43_200), 0);
        let after = contribution(0, Some(43_200), 9);
        let rows: Vec<SumRow> = changes(Some(&before), Some(&after))
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(
            rows,
            [
                SumRow::Cell(202_611, 4, 0, 3),
                SumRow::Cell(202_611, 4, 9, 3),
                SumRow::Duration(1, 9, 202_611, "verify", 5),
                SumRow::Channel(202_611, 4, 0, "walk_in".to_owned()),
                SumRow::Channel(202_611, 4, 9, "walk_in".to_owned()),
            ]
        );
        let net = changes(Some(&before), Some(&after));
        assert_eq!(net[0].1[0], -1);
        assert_eq!(net[1].1[0], 1);
        // Nothing changed: nothing to write.
        assert!(changes(Some(&after), Some(&after)).is_empty());
        // A new report: every row it adds to, once.
        assert_eq!(changes(None, Some(&before)).len(), 3);
    }

    #[test]
    fn durations_round_to_the_nearest_tenth_of_a_day() {
        assert_eq!(tenths(0), 0);
        assert_eq!(tenths(86_400 * 7 / 10), 7);
        assert_eq!(tenths(4_319), 0);
        assert_eq!(tenths(4_320), 1);
        assert_eq!(tenths(86_400 * 3), 30);
    }
}
