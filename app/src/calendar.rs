//! Working days: Monday to Friday, minus national holidays and collective leave (*cuti
//! bersama*), in the time zone of the report's region.
//!
//! Deadlines in SP4N-LAPOR! are counted in working days ("kurang dari 5 hari kerja"), and the
//! figures regions are judged by are fractions of them ("0,7 hari"). Both come from the one
//! measure here: *working time*, the part of an interval that falls on working days. A report
//! received on Friday at 16.00 and answered on Monday at 10.00 took 8 + 10 hours = 0.75 working
//! days; one received on Saturday starts its clock on Monday at 00.00. A deadline of N working
//! days is the moment the working time since its start reaches N × 24 hours, so a report
//! received on Tuesday at 10.00 must be verified (3 working days) by Friday at 10.00.
//!
//! The holidays are data ([`Holiday`], edited by the system admin); this module is pure and is
//! given them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime, UtcOffset, Weekday};

/// Seconds in a (working) day.
pub const DAY: i64 = 86_400;

/// Why a date is not a working day although it falls on a weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HolidayKind {
    /// Hari libur nasional.
    National,
    /// Cuti bersama.
    CollectiveLeave,
}

impl HolidayKind {
    pub const ALL: [HolidayKind; 2] = [HolidayKind::National, HolidayKind::CollectiveLeave];

    pub fn code(self) -> &'static str {
        match self {
            HolidayKind::National => "libur",
            HolidayKind::CollectiveLeave => "cuti_bersama",
        }
    }

    pub fn from_code(code: &str) -> Option<HolidayKind> {
        HolidayKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            HolidayKind::National => "calendar.national",
            HolidayKind::CollectiveLeave => "calendar.collective_leave",
        }
    }
}

/// A day off, as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub name: String,
    pub kind: HolidayKind,
}

/// The working-day calendar of a deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    offset: UtcOffset,
    /// Shared, so that the same days off in another zone ([`WorkCalendar::in_zone`]) cost no
    /// copy.
    holidays: Arc<BTreeSet<Date>>,
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(iso: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(iso.trim(), &format).ok()
}

impl WorkCalendar {
    /// A calendar in the time zone `offset` with these days off (dates that do not parse are
    /// ignored: the store only keeps valid ones).
    pub fn new<'a>(offset: UtcOffset, holidays: impl IntoIterator<Item = &'a str>) -> Self {
        WorkCalendar {
            offset,
            holidays: Arc::new(holidays.into_iter().filter_map(parse_date).collect()),
        }
    }

    /// The same days off, counted in the time zone `offset`: a report is measured in its
    /// region's zone, so a day off starts at that zone's midnight.
    pub fn in_zone(&self, offset: UtcOffset) -> WorkCalendar {
        WorkCalendar {
            offset,
            holidays: Arc::clone(&self.holidays),
        }
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(&date)
    }

    /// The local date at Unix time `at`, and the Unix time that date starts.
    fn day_of(&self, at: i64) -> (Date, i64) {
        let local = OffsetDateTime::from_unix_timestamp(at)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(self.offset);
        let date = local.date();
        (date, self.start_of(date))
    }

    /// Unix time at which local `date` begins.
    fn start_of(&self, date: Date) -> i64 {
        date.midnight().assume_offset(self.offset).unix_timestamp()
    }

    /// Working seconds in `[from, to)`; zero when `to` is not after `from`.
    pub fn working_secs(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let (mut date, mut start) = self.day_of(from);
        let mut total = 0;
        while start < to {
            let end = start + DAY;
            if self.is_working_day(date) {
                total += end.min(to) - start.max(from);
            }
            date += Duration::days(1);
            start = end;
        }
        total
    }

    /// The moment at which the working time since `from` reaches `secs`. With `secs == 0` it
    /// is `from` itself on a working day, or the start of the next working day.
    pub fn add_working_secs(&self, from: i64, secs: i64) -> i64 {
        let (mut date, mut start) = self.day_of(from);
        let mut left = secs.max(0);
        loop {
            let end = start + DAY;
            if self.is_working_day(date) {
                let begin = start.max(from);
                if left <= end - begin {
                    return begin + left;
                }
                left -= end - begin;
            }
            date += Duration::days(1);
            start = end;
        }
    }
}

/// Working seconds as working days, rounded to tenths as the figures show them.
pub fn days_tenths(secs: i64) -> f64 {
    (secs as f64 / DAY as f64 * 10.0).round() / 10.0
}

/// The holidays of 2026 (SKB 3 Menteri No. 1497, 2 and 5 of 2025), shipped with the app so a
/// fresh deployment counts correctly from its first day; the admin edits them from there.
pub const HOLIDAYS_2026: [(&str, &str, HolidayKind); 25] = [
    (
        "2026-01-01",
        "Tahun Baru 2026 Masehi",
        HolidayKind::National,
    ),
    (
        "2026-01-16",
        "Isra Mikraj Nabi Muhammad SAW",
        HolidayKind::National,
    ),
    (
        "2026-02-16",
        "Cuti bersama Tahun Baru Imlek",
        HolidayKind::CollectiveLeave,
    ),
    (
        "2026-02-17",
        "Tahun Baru Imlek 2577 Kongzili",
        HolidayKind::National,
    ),
    (
        "2026-03-18",
        "Cuti bersama Hari Suci Nyepi",
        HolidayKind::CollectiveLeave,
    ),
    (
        "2026-03-19",
        "Hari Suci Nyepi Tahun Baru Saka 1948",
        HolidayKind::National,
    ),
    (
        "2026-03-20",
        "Cuti bersama Idulfitri",
        HolidayKind::CollectiveLeave,
    ),
    (
        "2026-03-21",
        "Idulfitri 1447 Hijriah",
        HolidayKind::National,
    ),
    (
        "2026-03-22",
        "Idulfitri 1447 Hijriah",
        HolidayKind::National,
    ),
    (
        "2026-03-23",
        "Cuti bersama Idulfitri",
        HolidayKind::CollectiveLeave,
    ),
    (
        "2026-03-24",
        "Cuti bersama Idulfitri",
        HolidayKind::CollectiveLeave,
    ),
    ("2026-04-03", "Wafat Yesus Kristus", HolidayKind::National),
    (
        "2026-04-05",
        "Kebangkitan Yesus Kristus (Paskah)",
        HolidayKind::National,
    ),
    (
        "2026-05-01",
        "Hari Buruh Internasional",
        HolidayKind::National,
    ),
    (
        "2026-05-14",
        "Kenaikan Yesus Kristus",
        HolidayKind::National,
    ),
    (
        "2026-05-15",
        "Cuti bersama Kenaikan Yesus Kristus",
        HolidayKind::CollectiveLeave,
    ),
    ("2026-05-27", "Iduladha 1447 Hijriah", HolidayKind::National),
    (
        "2026-05-28",
        "Cuti bersama Iduladha",
        HolidayKind::CollectiveLeave,
    ),
    (
        "2026-05-31",
        "Hari Raya Waisak 2570 BE",
        HolidayKind::National,
    ),
    ("2026-06-01", "Hari Lahir Pancasila", HolidayKind::National),
    (
        "2026-06-16",
        "Tahun Baru Islam 1448 Hijriah",
        HolidayKind::National,
    ),
    (
        "2026-08-17",
        "Hari Kemerdekaan Republik Indonesia",
        HolidayKind::National,
    ),
    (
        "2026-08-25",
        "Maulid Nabi Muhammad SAW",
        HolidayKind::National,
    ),
    (
        "2026-12-24",
        "Cuti bersama Hari Raya Natal",
        HolidayKind::CollectiveLeave,
    ),
    ("2026-12-25", "Hari Raya Natal", HolidayKind::National),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// WITA, as in Kalimantan Selatan.
    fn wita() -> UtcOffset {
        UtcOffset::from_hms(8, 0, 0).expect("offset")
    }

    fn calendar(holidays: &[&str]) -> WorkCalendar {
        WorkCalendar::new(wita(), holidays.iter().copied())
    }

    fn shipped() -> WorkCalendar {
        WorkCalendar::new(wita(), HOLIDAYS_2026.iter().map(|(d, _, _)| *d))
    }

    /// Unix time of a local WITA date and hour.
    fn at(date: &str, hour: i64) -> i64 {
        parse_date(date)
            .expect("date")
            .midnight()
            .assume_offset(wita())
            .unix_timestamp()
            + hour * 3600
    }

    #[test]
    fn the_same_instant_is_counted_in_the_zone_of_the_report() {
        let wib = UtcOffset::from_hms(7, 0, 0).expect("offset");
        let wita_cal = calendar(&[]);
        let wib_cal = wita_cal.in_zone(wib);
        // Friday 27 November 2026, 23.30 WIB, is already Saturday 00.30 in WITA.
        let received = at("2026-11-28", 0) + 1800;
        // In WIB the half hour before midnight is a working Friday's; in WITA it is weekend.
        assert_eq!(wib_cal.working_secs(received, received + 3600), 1800);
        assert_eq!(wita_cal.working_secs(received, received + 3600), 0);
        // Three working days: WITA starts on Monday at 00.00 WITA and ends on Thursday at
        // 00.00 WITA; WIB counts Friday's half hour and ends on Wednesday at 23.30 WIB.
        assert_eq!(
            wita_cal.add_working_secs(received, 3 * DAY),
            at("2026-12-03", 0)
        );
        assert_eq!(
            wib_cal.add_working_secs(received, 3 * DAY),
            at("2026-12-03", 0) + 1800
        );
    }

    #[test]
    fn weekdays_count_and_weekends_do_not() {
        let c = calendar(&[]);
        // Monday 23 November 2026 09.00 to Tuesday 09.00: one working day.
        assert_eq!(
            c.working_secs(at("2026-11-23", 9), at("2026-11-24", 9)),
            DAY
        );
        // Friday 16.00 to Monday 10.00: 8 + 10 hours.
        assert_eq!(
            c.working_secs(at("2026-11-27", 16), at("2026-11-30", 10)),
            18 * 3600
        );
        // A whole weekend: nothing.
        assert_eq!(c.working_secs(at("2026-11-28", 0), at("2026-11-30", 0)), 0);
        assert_eq!(c.working_secs(at("2026-11-30", 0), at("2026-11-28", 0)), 0);
    }

    #[test]
    fn holidays_and_collective_leave_do_not_count() {
        let c = shipped();
        // Idulfitri 2026: Wednesday 18 March (cuti bersama) to Tuesday 24 March are all off;
        // from Tuesday 17 March 12.00 to Wednesday 25 March 12.00 only 12 + 12 hours work.
        assert_eq!(
            c.working_secs(at("2026-03-17", 12), at("2026-03-25", 12)),
            DAY
        );
        assert!(!c.is_working_day(parse_date("2026-08-17").expect("date")));
        assert!(c.is_working_day(parse_date("2026-08-18").expect("date")));
    }

    #[test]
    fn deadlines_skip_weekends_and_holidays() {
        let c = shipped();
        // Tuesday 10.00 + 3 working days = Friday 10.00.
        assert_eq!(
            c.add_working_secs(at("2026-11-24", 10), 3 * DAY),
            at("2026-11-27", 10)
        );
        // Friday 10.00 + 1 working day = Monday 10.00.
        assert_eq!(
            c.add_working_secs(at("2026-11-27", 10), DAY),
            at("2026-11-30", 10)
        );
        // Received on Saturday: the clock starts on Monday at midnight.
        assert_eq!(
            c.add_working_secs(at("2026-11-28", 15), 3 * DAY),
            at("2026-12-03", 0)
        );
        assert_eq!(
            c.add_working_secs(at("2026-11-28", 15), 0),
            at("2026-11-30", 0)
        );
        // Friday 14 August 2026 09.00 + 5 working days: Monday 17 August is off, so the
        // count ends on Monday 24 August at 09.00.
        assert_eq!(
            c.add_working_secs(at("2026-08-14", 9), 5 * DAY),
            at("2026-08-24", 9)
        );
    }

    #[test]
    fn the_year_end_runs_into_the_next_year() {
        let c = shipped();
        // Wednesday 23 December 2026 12.00 + 2 working days: 24 (cuti bersama) and 25
        // (Christmas) are off, 26–27 are a weekend, Monday 28 counts, so Tuesday 29 at 12.00.
        assert_eq!(
            c.add_working_secs(at("2026-12-23", 12), 2 * DAY),
            at("2026-12-29", 12)
        );
        // 2027 has no holidays entered: New Year's Day counts until the admin adds it.
        let from = at("2026-12-31", 0);
        assert_eq!(c.working_secs(from, at("2027-01-04", 0)), 2 * DAY);
        let with_2027 = calendar(&["2027-01-01"]);
        assert_eq!(with_2027.working_secs(from, at("2027-01-04", 0)), DAY);
    }

    #[test]
    fn adding_what_was_measured_lands_where_it_ended() {
        let c = shipped();
        let from = at("2026-03-13", 15);
        for hours in [0, 1, 9, 24, 50, 24 * 7, 24 * 30] {
            let due = c.add_working_secs(from, hours * 3600);
            assert_eq!(c.working_secs(from, due), hours * 3600, "{hours} hours");
        }
    }

    #[test]
    fn figures_round_to_tenths_of_a_day() {
        assert_eq!(days_tenths(18 * 3600), 0.8);
        assert_eq!(days_tenths(DAY * 7 / 10), 0.7);
        assert_eq!(days_tenths(0), 0.0);
    }
}
