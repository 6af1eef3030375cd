//! Every complaint gets in: reports that reached an official some other way than the web form
//! or SMS, typed in by the official (taken at the counter, by phone, by letter) or imported
//! from a spreadsheet of a backlog collected while the system was down ([`import`]).
//!
//! They are filed through the same door as a web report ([`crate::reports::file`], one unit
//! of work) with their channel and the moment the citizen really complained, which starts
//! their clocks: a report taken on Monday and typed in on Thursday is already three days into
//! its verification time. The thread records who typed it in and when (an `entered` entry).

use crate::error::FieldError;
use crate::i18n::TimeZone;
use crate::reports::{Channel, ReportInput};
use serde::{Deserialize, Serialize};

pub mod import;

/// The official's form for a report taken at the counter, by phone or by letter: the report
/// form's fields, how and when it was received, and where the citizen wants to hear of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManualInput {
    pub submission_key: String,
    /// `walk_in`, `phone` or `letter`.
    pub channel: String,
    /// When the citizen complained: `dd/mm/yyyy` (or the browser's `yyyy-mm-dd`) and `hh:mm`.
    pub received_date: String,
    pub received_time: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub category_id: String,
    pub incident_date: String,
    pub location: String,
    /// The kecamatan or kelurahan (see `ReportInput::place`).
    pub place: String,
    pub target_org_id: String,
    pub anonymous: Option<String>,
    pub confidential: Option<String>,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// Where the receipt and the news go, also for an anonymous report (never shown to an
    /// official afterwards).
    pub notify_email: String,
    pub notify_phone: String,
    /// The tokens of staged files: a letter's scan, the photos a visitor brought.
    pub attachments: String,
}

impl ManualInput {
    /// The report the citizen made, as the report form would carry it.
    pub fn report(&self) -> ReportInput {
        ReportInput {
            submission_key: self.submission_key.clone(),
            kind: self.kind.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            category_id: self.category_id.clone(),
            incident_date: day_as_iso(&self.incident_date),
            location: self.location.clone(),
            place: self.place.clone(),
            target_org_id: self.target_org_id.clone(),
            anonymous: self.anonymous.clone(),
            confidential: self.confidential.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            notify_email: self.notify_email.clone(),
            mirip: String::new(),
            attachments: self.attachments.clone(),
            latitude: String::new(),
            longitude: String::new(),
        }
    }
}

/// A calendar day as typed in Indonesia, `dd/mm/yyyy` (also `d/m/yyyy`, `dd-mm-yyyy`), or as
/// a browser's date field sends it, `yyyy-mm-dd`.
pub fn parse_day(text: &str) -> Option<time::Date> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// A day typed either way, as `yyyy-mm-dd` (what the report stores); text that is no day is
/// passed on unchanged, for the report's own validation to name.
pub fn day_as_iso(text: &str) -> String {
    match parse_day(text) {
        Some(d) => format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day()),
        None => text.trim().to_owned(),
    }
}

/// A time of day, `hh:mm` (also `hh.mm`, as Indonesian writes it).
pub fn parse_time(text: &str) -> Option<time::Time> {
    let (h, m) = text.trim().split_once([':', '.'])?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    time::Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

/// The earliest received-at lapor takes (`2000-01-01`): anything before is a typing mistake.
pub const EARLIEST_YEAR: i32 = 2000;

/// When a report was received, from the day and time as typed, in the deployment's zone;
/// refused when it is not a moment, lies in the future (after `now`) or before 2000. The
/// error names the field `received_at`.
pub fn received_at(date: &str, time: &str, zone: TimeZone, now: i64) -> Result<i64, FieldError> {
    let invalid = || FieldError::new("received_at", "err.received_invalid");
    let day = parse_day(date).ok_or_else(invalid)?;
    let at = parse_time(time).ok_or_else(invalid)?;
    let unix = day
        .with_time(at)
        .assume_offset(zone.offset())
        .unix_timestamp();
    if day.year() < EARLIEST_YEAR {
        Err(FieldError::new("received_at", "err.received_old"))
    } else if unix > now {
        Err(FieldError::new("received_at", "err.date_future"))
    } else {
        Ok(unix)
    }
}

/// A manual channel by its code; the web, SMS, the API and imports are not typed in here.
pub fn manual_channel(code: &str) -> Option<Channel> {
    Channel::from_code(code.trim()).filter(|c| Channel::MANUAL.contains(c))
}

/// Whether `staff` types reports in: the coordinator, the national admin and the OPD admin
/// (the officials who meet citizens at a counter or answer their phone).
pub fn enters_reports(staff: &crate::staff::Staff) -> bool {
    staff.role.routes() || staff.role == crate::lifecycle::Role::OpdAdmin
}

/// The receipt an official prints for the citizen after typing a report in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub tracking_id: String,
    pub title: String,
    pub channel: Channel,
    pub received_at: i64,
    pub entered_at: i64,
    pub agency: Option<String>,
    pub anonymous: bool,
    pub confidential: bool,
    /// The access code: only for the official who typed the report in, and only for
    /// [`RECEIPT_SECS`] after (the citizen's proof is not the official's to keep).
    pub access_code: Option<String>,
    /// Whether the receipt also goes out by email and by SMS.
    pub by_email: bool,
    pub by_sms: bool,
    /// Whether the official may open the report itself (an OPD admin's report waits for the
    /// coordinator's verification first).
    pub in_scope: bool,
}

/// How long the official who typed a report in can print its receipt with the access code.
pub const RECEIPT_SECS: i64 = 24 * 3600;

/// What the manual intake form needs to draw itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualOptions {
    pub categories: Vec<crate::orgs::Category>,
    /// The agencies in the official's scope.
    pub agencies: Vec<crate::orgs::Agency>,
    pub submission_key: String,
    /// The official's own organisation, chosen when the citizen named none.
    pub own_org: Option<i64>,
    /// Now, in the deployment's zone, as the form's date (`yyyy-mm-dd`) and time (`hh:mm`)
    /// fields show it: the default received-at of a citizen standing at the counter.
    pub today: String,
    pub time_now: String,
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

    const NOW: i64 = 1_795_000_000; // 2026-11-18 (WIB)

    #[test]
    fn days_are_read_as_indonesians_write_them() {
        let d = parse_day("03/11/2026").expect("day");
        assert_eq!((d.year(), d.month() as u8, d.day()), (2026, 11, 3));
        assert_eq!(parse_day("3/1/2026").map(|d| d.day()), Some(3));
        assert_eq!(parse_day("2026-11-03"), parse_day("03-11-2026"));
        assert_eq!(parse_day("31/02/2026"), None);
        assert_eq!(parse_day("11/03"), None);
        assert_eq!(parse_day("kemarin"), None);
        assert_eq!(day_as_iso("3/1/2026"), "2026-01-03");
        assert_eq!(day_as_iso(" bukan "), "bukan");
    }

    #[test]
    fn received_at_is_a_past_moment_in_the_deployments_zone() {
        let at = received_at("02/11/2026", "08.30", TimeZone::Wib, NOW).expect("moment");
        // 08:30 WIB is 01:30 UTC.
        assert_eq!(at, 1_793_583_000);
        let wita = received_at("02/11/2026", "08:30", TimeZone::Wita, NOW).expect("moment");
        assert_eq!(at - wita, 3600);
        let key = |r: Result<i64, FieldError>| r.map_err(|e| e.key);
        assert_eq!(
            key(received_at("02/12/2026", "08:30", TimeZone::Wib, NOW)),
            Err("err.date_future".to_owned())
        );
        assert_eq!(
            key(received_at("31/12/1999", "08:30", TimeZone::Wib, NOW)),
            Err("err.received_old".to_owned())
        );
        assert_eq!(
            key(received_at("02/11/2026", "25:00", TimeZone::Wib, NOW)),
            Err("err.received_invalid".to_owned())
        );
        assert_eq!(
            key(received_at("", "08:30", TimeZone::Wib, NOW)),
            Err("err.received_invalid".to_owned())
        );
    }

    #[test]
    fn only_counter_phone_and_letter_are_typed_in() {
        assert_eq!(manual_channel("walk_in"), Some(Channel::WalkIn));
        assert_eq!(manual_channel("letter"), Some(Channel::Letter));
        assert_eq!(manual_channel("web"), None);
        assert_eq!(manual_channel("import"), None);
        assert_eq!(manual_channel("<b>"), None);
    }
}
