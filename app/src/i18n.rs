//! Two languages: Indonesian (the default) and English.
//!
//! Texts live in `app/locales/app.yml` and are looked up with `rust-i18n` on the server. The
//! browser bundle never carries the translation table: the island finds its few words,
//! already translated, in the markup the server wrote. The chosen language is a cookie (`lang`) so that it works without
//! JavaScript and survives a reload.

use serde::{Deserialize, Serialize};

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Id,
    En,
}

/// Name of the cookie that carries the chosen language.
pub const LANG_COOKIE: &str = "lang";

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Id, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim() {
            "id" => Some(Locale::Id),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language a request asks for: the `lang` cookie wins; otherwise Indonesian, which
    /// is what a national service defaults to whatever the browser says.
    pub fn from_cookie_header(header: Option<&str>) -> Locale {
        header
            .into_iter()
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Locale::from_code(value))
            .unwrap_or_default()
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Locale {
        match self {
            Locale::Id => Locale::En,
            Locale::En => Locale::Id,
        }
    }

    /// Formats a moment (Unix seconds, UTC) in the given display offset, e.g.
    /// `23 November 2026, 09.15 WITA` in Indonesian or `23 November 2026, 09:15 WITA` in English.
    pub fn datetime(self, unix: i64, zone: TimeZone) -> String {
        let Ok(at) = time::OffsetDateTime::from_unix_timestamp(unix) else {
            return String::new();
        };
        let at = at.to_offset(zone.offset());
        let sep = if self == Locale::Id { '.' } else { ':' };
        format!(
            "{}, {:02}{sep}{:02} {}",
            self.date_parts(at.year(), at.month() as u8, at.day()),
            at.hour(),
            at.minute(),
            zone.label()
        )
    }

    /// Formats a calendar date given as `YYYY-MM-DD`: `17 Agustus 2026` / `17 August 2026`.
    pub fn date(self, iso: &str) -> String {
        match parse_iso_date(iso) {
            Some((y, m, d)) => self.date_parts(y, m, d),
            None => iso.to_owned(),
        }
    }

    fn date_parts(self, year: i32, month: u8, day: u8) -> String {
        format!("{day} {}", self.month(year, month))
    }

    /// A month: `Agustus 2026` / `August 2026`.
    pub fn month(self, year: i32, month: u8) -> String {
        let names = match self {
            Locale::Id => MONTHS_ID,
            Locale::En => MONTHS_EN,
        };
        let name = names
            .get(usize::from(month).wrapping_sub(1))
            .copied()
            .unwrap_or("?");
        format!("{name} {year}")
    }
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Parses `YYYY-MM-DD` into its parts, checking that the day exists.
pub fn parse_iso_date(iso: &str) -> Option<(i32, u8, u8)> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(iso.trim(), &format).ok()?;
    Some((date.year(), date.month() as u8, date.day()))
}

/// Indonesia's three time zones; the deployment chooses which one its pages show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TimeZone {
    #[default]
    Wib,
    Wita,
    Wit,
}

impl TimeZone {
    pub fn offset(self) -> time::UtcOffset {
        let hours = match self {
            TimeZone::Wib => 7,
            TimeZone::Wita => 8,
            TimeZone::Wit => 9,
        };
        time::UtcOffset::from_hms(hours, 0, 0).unwrap_or(time::UtcOffset::UTC)
    }

    pub fn label(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }

    /// The calendar date (`YYYY-MM-DD`) at Unix time `unix` in this zone.
    pub fn date_at(self, unix: i64) -> String {
        let at = time::OffsetDateTime::from_unix_timestamp(unix)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .to_offset(self.offset());
        format!("{:04}-{:02}-{:02}", at.year(), at.month() as u8, at.day())
    }

    pub fn from_label(label: &str) -> Option<TimeZone> {
        match label.trim().to_ascii_uppercase().as_str() {
            "WIB" => Some(TimeZone::Wib),
            "WITA" => Some(TimeZone::Wita),
            "WIT" => Some(TimeZone::Wit),
            _ => None,
        }
    }
}

/// Translates `$key` into the locale `$loc`, with optional `name = value` arguments.
#[macro_export]
macro_rules! tr {
    ($loc:expr, $key:expr) => {
        rust_i18n::t!($key, locale = $loc.code()).into_owned()
    };
    ($loc:expr, $key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        rust_i18n::t!($key, locale = $loc.code(), $($name = $value),+).into_owned()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_picks_language_and_defaults_to_indonesian() {
        assert_eq!(Locale::from_cookie_header(None), Locale::Id);
        assert_eq!(Locale::from_cookie_header(Some("a=b; lang=en")), Locale::En);
        assert_eq!(Locale::from_cookie_header(Some("lang=fr")), Locale::Id);
        assert_eq!(Locale::from_cookie_header(Some("xlang=en")), Locale::Id);
    }

    /// A key written twice in the translations silently keeps only the last text (a page
    /// that said one thing starts saying another); each key is written once.
    #[test]
    fn no_translation_key_is_written_twice() {
        let text = include_str!("../locales/app.yml");
        let mut seen = std::collections::HashSet::new();
        for key in text
            .lines()
            .filter(|l| !l.starts_with([' ', '#']) && l.ends_with(':'))
        {
            assert!(seen.insert(key), "translation key written twice: {key}");
        }
        assert!(seen.len() > 100);
    }

    #[test]
    fn dates_read_the_indonesian_way() {
        assert_eq!(Locale::Id.date("2026-08-17"), "17 Agustus 2026");
        assert_eq!(Locale::En.date("2026-08-17"), "17 August 2026");
        // 2026-11-23 01:00 UTC is 09.00 in Kalimantan (WITA, UTC+8).
        let unix = 1_795_395_600;
        assert_eq!(
            Locale::Id.datetime(unix, TimeZone::Wita),
            "23 November 2026, 09.00 WITA"
        );
        assert_eq!(
            Locale::En.datetime(unix, TimeZone::Wib),
            "23 November 2026, 08:00 WIB"
        );
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_date("kemarin"), None);
        assert_eq!(parse_iso_date("2026-02-28"), Some((2026, 2, 28)));
    }

    /// The keys of `locales/app.yml` with the languages each one has.
    fn locale_table() -> std::collections::BTreeMap<String, Vec<String>> {
        let mut table = std::collections::BTreeMap::<String, Vec<String>>::new();
        let mut current = None;
        for line in include_str!("../locales/app.yml").lines() {
            if line.starts_with('_') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ') {
                let key = line.trim_end_matches(':').to_owned();
                table.insert(key.clone(), Vec::new());
                current = Some(key);
            } else if let (Some(key), Some((lang, _))) = (&current, line.trim().split_once(':')) {
                table.entry(key.clone()).or_default().push(lang.to_owned());
            }
        }
        table
    }

    #[test]
    fn every_text_is_in_indonesian_and_english() {
        for (key, langs) in locale_table() {
            assert_eq!(
                langs,
                ["id", "en"],
                "{key} must be translated into exactly id and en"
            );
        }
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let table = locale_table();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![src];
        let mut used = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(
                    std::fs::read_dir(&path)
                        .expect("src dir")
                        .map(|e| e.expect("entry").path()),
                );
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source file");
            // Every string literal that looks like a key (`area.name`) must be one.
            for literal in text.split('"').skip(1).step_by(2) {
                let looks_like_key = literal.split_once('.').is_some_and(|(area, rest)| {
                    [
                        "nav", "home", "kind", "status", "form", "receipt", "report", "thread",
                        "staff", "admin", "action", "archive", "role", "list", "track", "account",
                        "err", "app", "deadline", "feedback", "calendar", "figures", "audit",
                        "two_step",
                    ]
                    .contains(&area)
                        && !rest.is_empty()
                        && rest.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
                if looks_like_key {
                    used += 1;
                    assert!(
                        table.contains_key(literal),
                        "{} uses the missing text key {literal}",
                        path.display()
                    );
                }
            }
        }
        assert!(used > 100, "found only {used} keys: the scan is broken");
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let mut locales = rust_i18n::available_locales!();
        locales.sort_unstable();
        assert_eq!(locales, ["en", "id"]);
        assert_eq!(tr!(Locale::Id, "nav.file"), "Buat Laporan");
        assert_eq!(tr!(Locale::En, "nav.file"), "File a report");
    }
}
