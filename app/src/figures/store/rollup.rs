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
         cast(case when r.follow_up_secs is not null or r.status in ('in_progress', 'resolved') \
              then 1 else 0 end as bigint) as followed, \
         cast(case when r.rating is not null then 1 else 0 end as bigint) as rated, \
         coalesce(r.rating, 0) as rating, \
         r.verify_secs as verify_secs, coalesce(r.verify_ok, 0) as verify_ok, \
         r.follow_up_secs as follow_up_secs, coalesce(r.follow_up_ok, 0) as follow_up_ok, \
         r.resolve_secs as resolve_secs, coalesce(r.resolve_ok, 0) as resolve_ok",
        month_expr(db.engine, offset)
    )
}

const FIGURE_COLUMNS: &str = "month, owner_id, opd_id, category_id, finished, archived, \
     followed, rated, rating, verify_secs, verify_ok, follow_up_secs, follow_up_ok, \
     resolve_secs, resolve_ok";

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
    followed: i64,
    rated: i64,
    rating: i64,
    measures: [(Option<i64>, i64); 3],
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
            followed: row.try_get("followed")?,
            rated: row.try_get("rated")?,
            rating: row.try_get("rating")?,
            measures,
        })
    }

    fn cell_key(&self) -> (i64, i64, i64, i64) {
        (self.month, self.owner, self.opd, self.category)
    }
}

/// Adds `sign` × `c` to the sums.
async fn apply(
    tx: &mut Transaction<'_, Any>,
    c: &Contribution,
    sign: i64,
) -> Result<(), sqlx::Error> {
    let [(v, v_ok), (f, f_ok), (r, r_ok)] = c.measures;
    let n = |s: Option<i64>| sign * i64::from(s.is_some());
    sqlx::query(
        "insert into figure_cells (month, owner_id, opd_id, category_id, received, finished, \
         archived, followed, rated, rating_sum, verify_n, verify_sum, verify_ok, follow_up_n, \
         follow_up_sum, follow_up_ok, resolve_n, resolve_sum, resolve_ok) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
         on conflict (month, owner_id, opd_id, category_id) do update set \
         received = figure_cells.received + excluded.received, \
         finished = figure_cells.finished + excluded.finished, \
         archived = figure_cells.archived + excluded.archived, \
         followed = figure_cells.followed + excluded.followed, \
         rated = figure_cells.rated + excluded.rated, \
         rating_sum = figure_cells.rating_sum + excluded.rating_sum, \
         verify_n = figure_cells.verify_n + excluded.verify_n, \
         verify_sum = figure_cells.verify_sum + excluded.verify_sum, \
         verify_ok = figure_cells.verify_ok + excluded.verify_ok, \
         follow_up_n = figure_cells.follow_up_n + excluded.follow_up_n, \
         follow_up_sum = figure_cells.follow_up_sum + excluded.follow_up_sum, \
         follow_up_ok = figure_cells.follow_up_ok + excluded.follow_up_ok, \
         resolve_n = figure_cells.resolve_n + excluded.resolve_n, \
         resolve_sum = figure_cells.resolve_sum + excluded.resolve_sum, \
         resolve_ok = figure_cells.resolve_ok + excluded.resolve_ok",
    )
    .bind(c.month)
    .bind(c.owner)
    .bind(c.opd)
    .bind(c.category)
    .bind(sign)
    .bind(sign * c.finished)
    .bind(sign * c.archived)
    .bind(sign * c.followed)
    .bind(sign * c.rated)
    .bind(sign * c.rating)
    .bind(n(v))
    .bind(sign * v.unwrap_or(0))
    .bind(sign * v_ok * i64::from(v.is_some()))
    .bind(n(f))
    .bind(sign * f.unwrap_or(0))
    .bind(sign * f_ok * i64::from(f.is_some()))
    .bind(n(r))
    .bind(sign * r.unwrap_or(0))
    .bind(sign * r_ok * i64::from(r.is_some()))
    .execute(&mut **tx)
    .await?;
    for (measure, (secs, _)) in MEASURES.iter().zip(c.measures) {
        let Some(secs) = secs else { continue };
        let mut levels = vec![(0, c.owner)];
        if c.opd != 0 {
            levels.push((1, c.opd));
        }
        for (level, org) in levels {
            sqlx::query(
                "insert into figure_durations (level, org_id, month, measure, tenths, n) \
                 values ($1, $2, $3, $4, $5, $6) \
                 on conflict (level, org_id, month, measure, tenths) do update set \
                 n = figure_durations.n + excluded.n",
            )
            .bind(level)
            .bind(org)
            .bind(c.month)
            .bind(*measure)
            .bind(tenths(secs))
            .bind(sign)
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
        "select {} from reports r where r.id = $1",
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
    // Take out and add in a fixed order of cells, so that two transactions touching the same
    // two cells on PostgreSQL lock them in the same order and cannot deadlock.
    let mut steps: Vec<(&Contribution, i64)> = Vec::new();
    if let Some(o) = &old {
        steps.push((o, -1));
    }
    if let Some(n) = &new {
        steps.push((n, 1));
    }
    steps.sort_by_key(|(c, _)| c.cell_key());
    for (c, sign) in steps {
        apply(tx, c, sign).await?;
    }
    sqlx::query("delete from report_figures where report_id = $1")
        .bind(report_id)
        .execute(&mut **tx)
        .await?;
    if new.is_some() {
        sqlx::query(&format!(
            "insert into report_figures (report_id, {FIGURE_COLUMNS}) \
             select r.id, {} from reports r where r.id = $1",
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
    for table in ["figure_durations", "figure_cells", "report_figures"] {
        sqlx::query(&format!("delete from {table}"))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(&format!(
        "insert into report_figures (report_id, {FIGURE_COLUMNS}) select r.id, {} from reports r",
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
         archived, followed, rated, rating_sum, verify_n, verify_sum, verify_ok, follow_up_n, \
         follow_up_sum, follow_up_ok, resolve_n, resolve_sum, resolve_ok) \
         select month, owner_id, opd_id, category_id, count(*), sum(finished), sum(archived), \
         sum(followed), sum(rated), sum(rating), {} from report_figures \
         group by month, owner_id, opd_id, category_id",
        sums.join(", ")
    ))
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
    let (reports, covered): (i64, i64) = sqlx::query_as(
        "select (select count(*) from reports), (select count(*) from report_figures)",
    )
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

    #[test]
    fn durations_round_to_the_nearest_tenth_of_a_day() {
        assert_eq!(tenths(0), 0);
        assert_eq!(tenths(86_400 * 7 / 10), 7);
        assert_eq!(tenths(4_319), 0);
        assert_eq!(tenths(4_320), 1);
        assert_eq!(tenths(86_400 * 3), 30);
    }
}
