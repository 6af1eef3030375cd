//! The figures regions are judged by (DOMAIN.md, "Figures"): per organisation subtree and
//! period, how many reports came in, how fast they were verified, followed up and resolved (in
//! working days), what share was followed up and finished, what share kept each deadline, how
//! many are overdue now, how citizens rated the results, and what people complain about where.
//!
//! Every figure is an aggregate over the clocks stored with each report
//! ([`crate::deadlines`]): durations were measured when each step was taken, with the calendar
//! and limits in force then. Anonymous and confidential reports count like any other; nothing
//! here names a report, let alone a reporter.

use serde::{Deserialize, Serialize};

/// The figures page's filter, as it appears in the query string: organisation (empty: the
/// whole country; by id or by area code) and a period of whole months, `YYYY-MM` to `YYYY-MM` inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FigureFilter {
    pub instansi: String,
    /// The same by its Kemendagri area code (`64` Kalimantan Timur, `64.72` Kota Samarinda),
    /// for links and other systems; it wins over `instansi`.
    pub wilayah: String,
    pub dari: String,
    pub sampai: String,
}

/// A month, `(year, month)`.
pub type Month = (i32, u8);

/// Parses `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<Month> {
    let (y, m) = text.trim().split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?);
    ((1..=12).contains(&m) && (2000..=2100).contains(&y)).then_some((y, m))
}

pub fn month_code((y, m): Month) -> String {
    format!("{y:04}-{m:02}")
}

pub fn next_month((y, m): Month) -> Month {
    if m == 12 { (y + 1, 1) } else { (y, m + 1) }
}

/// Months from `from` to `to` inclusive (empty when `to` is before `from`).
pub fn months(from: Month, to: Month) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = from;
    while m <= to && out.len() < 1200 {
        out.push(m);
        m = next_month(m);
    }
    out
}

/// The period a filter asks for, given the current month: by default the last twelve months
/// up to this one; an inverted range is put the right way round; at most ten years.
pub fn period(filter: &FigureFilter, this_month: Month) -> (Month, Month) {
    let to = parse_month(&filter.sampai).unwrap_or(this_month);
    let from = parse_month(&filter.dari).unwrap_or_else(|| {
        let (y, m) = to;
        if m == 12 { (y, 1) } else { (y - 1, m + 1) }
    });
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let from = if to.0 - from.0 > 10 {
        (to.0 - 10, to.1)
    } else {
        from
    };
    (from, to)
}

/// The median of sorted values (`None` for none).
pub fn median_sorted(values: &[f64]) -> Option<f64> {
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// `part` of `whole` as a percentage, `None` when there is no whole.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// How fast one step was taken, in working days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Speed {
    /// Reports whose step was taken (and measured).
    pub measured: i64,
    pub average_days: Option<f64>,
    pub median_days: Option<f64>,
    /// Share (%) of reports due for this step that took it within its deadline: the
    /// denominator also counts the reports still waiting past the deadline, so a region
    /// cannot look fast by not acting.
    pub within_share: Option<f64>,
    /// Reports waiting past this deadline now.
    pub overdue_now: i64,
}

/// A count per something (category, OPD, month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// Category code / organisation id / `YYYY-MM`.
    pub key: String,
    pub label_id: String,
    pub label_en: String,
    pub received: i64,
    pub finished: i64,
    pub overdue_now: i64,
}

impl Breakdown {
    pub fn label(&self, loc: crate::i18n::Locale) -> &str {
        match loc {
            crate::i18n::Locale::Id => &self.label_id,
            crate::i18n::Locale::En => &self.label_en,
        }
    }
}

/// Every figure for one subtree and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// `None`: the whole country.
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    /// Its Kemendagri area code, when it has one.
    pub org_area_code: Option<String>,
    /// `YYYY-MM`.
    pub from: String,
    pub to: String,
    pub received: i64,
    pub verify: Speed,
    pub follow_up: Speed,
    pub resolve: Speed,
    /// Share (%) of received reports that an OPD followed up.
    pub followed_up_share: Option<f64>,
    /// Share (%) of received reports resolved ("Selesai").
    pub finished_share: Option<f64>,
    pub finished: i64,
    pub archived: i64,
    /// Reports of this subtree (received in any period) past a deadline now.
    pub overdue_now: i64,
    pub rating_average: Option<f64>,
    pub ratings: i64,
    pub by_month: Vec<Breakdown>,
    pub by_category: Vec<Breakdown>,
    pub by_opd: Vec<Breakdown>,
    /// How citizens reached the agencies: web, SMS, counter, phone, letter, import.
    pub by_channel: Vec<Breakdown>,
    /// What (officials' labels) and where (kelurahan/kecamatan) people complain about most.
    pub map: crate::labels::MapOfComplaints,
    /// Which governments in scope are connected (terhubung), and their officials' activity.
    pub links: crate::connectedness::Connectedness,
}

/// One line of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    pub org_id: i64,
    pub name: String,
    /// Parent's name, for OPDs ("Dinas PUPR — Kota Banjarmasin").
    pub parent: Option<String>,
    /// A region's Kemendagri area code (`64.72`), when the country's data gave it one.
    pub area_code: Option<String>,
    pub received: i64,
    /// Received, scaled to a year (the threshold is per year).
    pub received_per_year: f64,
    pub finished_share: Option<f64>,
    pub verify_average_days: Option<f64>,
    pub follow_up_average_days: Option<f64>,
    pub overdue_now: i64,
    /// Fewer than [`FEW_REPORTS_PER_YEAR`] reports a year.
    pub few_reports: bool,
    /// Verifies slower than [`SLOW_VERIFICATION_DAYS`] working days on average.
    pub slow_verification: bool,
    /// For a government: whether it is connected (`connectedness`); `None` for an OPD.
    pub connected: Option<bool>,
    /// Its officials (a government's: with its OPDs'), and those active in the last 30 days.
    pub officials: i64,
    pub active_officials: i64,
    /// Share (%) of its reports whose first action came within the deadline: verification
    /// for a government, the first follow-up for an OPD.
    pub first_action_within_share: Option<f64>,
    /// For a region: the share (%) of its reports archived as incomplete (too general) in
    /// every month before the form's completeness checks began, and in every month since
    /// (see [`Ranking::completeness_since`]), whatever the period chosen.
    pub incomplete_before: Option<f64>,
    pub incomplete_after: Option<f64>,
}

/// The seeds single out regions with fewer reports than this a year…
pub const FEW_REPORTS_PER_YEAR: f64 = 50.0;
/// …and those verifying slower than this many working days.
pub const SLOW_VERIFICATION_DAYS: f64 = 5.0;

/// Regions and OPDs, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub from: String,
    pub to: String,
    /// The month (`2026-12`) from which the form checked reports for completeness.
    pub completeness_since: Option<String>,
    pub regions: Vec<RankRow>,
    pub opds: Vec<RankRow>,
}

/// Orders a ranking: the larger share finished first, then the faster verification, then the
/// fewer overdue; rows without reports last.
pub fn rank(rows: &mut [RankRow]) {
    rows.sort_by(|a, b| {
        let key = |r: &RankRow| {
            (
                r.received == 0,
                -(r.finished_share.unwrap_or(0.0) * 10.0).round() as i64,
                (r.verify_average_days.unwrap_or(f64::MAX / 100.0) * 10.0).round() as i64,
                r.overdue_now,
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

mod server_fns;
pub use server_fns::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nineteen_of_twenty_one_is_ninety_percent() {
        let s = share(19, 21).expect("share");
        assert_eq!(format!("{s:.0}"), "90");
        assert_eq!(share(1, 0), None);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median_sorted(&[0.5, 0.7, 0.9]), Some(0.7));
        assert_eq!(median_sorted(&[1.0, 2.0, 4.0, 10.0]), Some(3.0));
        assert_eq!(median_sorted(&[]), None);
    }

    #[test]
    fn periods_default_to_the_last_twelve_months() {
        let f = FigureFilter::default();
        assert_eq!(period(&f, (2026, 11)), ((2025, 12), (2026, 11)));
        assert_eq!(period(&f, (2026, 12)), ((2026, 1), (2026, 12)));
        let f = FigureFilter {
            dari: "2026-05".into(),
            sampai: "2026-02".into(),
            ..Default::default()
        };
        assert_eq!(period(&f, (2026, 11)), ((2026, 2), (2026, 5)));
        let f = FigureFilter {
            dari: "2026-13".into(),
            sampai: "bulan".into(),
            ..Default::default()
        };
        assert_eq!(period(&f, (2026, 3)), ((2025, 4), (2026, 3)));
        assert_eq!(months((2025, 11), (2026, 2)).len(), 4);
    }

    #[test]
    fn rankings_put_finishers_first_and_empty_rows_last() {
        let row = |name: &str, received, finished: Option<f64>, verify: Option<f64>| RankRow {
            org_id: 0,
            name: name.into(),
            parent: None,
            area_code: None,
            received,
            received_per_year: received as f64,
            finished_share: finished,
            verify_average_days: verify,
            follow_up_average_days: None,
            overdue_now: 0,
            few_reports: false,
            slow_verification: false,
            connected: None,
            officials: 0,
            active_officials: 0,
            first_action_within_share: None,
            incomplete_before: None,
            incomplete_after: None,
        };
        let mut rows = vec![
            row("Kosong", 0, None, None),
            row("Lambat", 10, Some(90.0), Some(6.0)),
            row("Cepat", 10, Some(90.0), Some(0.7)),
            row("Tuntas", 10, Some(100.0), Some(9.0)),
        ];
        rank(&mut rows);
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Tuntas", "Cepat", "Lambat", "Kosong"]);
    }
}
