//! Indonesia's administrative areas (wilayah) with their Kemendagri codes: 38 provinces, 514
//! regencies and cities, 7,285 districts (kecamatan) and 83,762 villages (kelurahan and desa),
//! shipped in `app/data/wilayah/` (idn-area-data 4.0.1, ODbL; see its README).
//!
//! Two things read them. The system admin loads the provinces, regencies and cities into the
//! government tree ([`load_country`]): what exists already is matched, by code or by name, and
//! given its code; only what is missing is created. And a report's place names its kecamatan
//! or kelurahan ([`Country::resolve`]): typed by the citizen, checked on the server against
//! the same data, narrowed to the region the report is addressed to.
//!
//! A code is dotted: `63` Kalimantan Selatan, `63.71` Kota Banjarmasin, `63.71.04` Kecamatan
//! Banjarmasin Utara, `63.71.04.1005` Kelurahan Sungai Miai.

use crate::i18n::TimeZone;
use serde::{Deserialize, Serialize};

/// Where the data comes from, as the admin page and the audit log name it.
pub const SOURCE: &str = "idn-area-data 4.0.1 (Kemendagri, ODbL)";
/// How many provinces and how many regencies and cities the data holds.
pub const PROVINCES: i64 = 38;
pub const REGIONS: i64 = 514;
/// The longest place a report may name, in characters.
pub const PLACE_MAX: usize = 200;

/// What loading the country did: created and found (matched), per level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadSummary {
    pub provinces_created: i64,
    pub provinces_matched: i64,
    pub regions_created: i64,
    pub regions_matched: i64,
}

/// How much of the country the government tree holds with codes, for the admin page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryStatus {
    pub provinces: i64,
    pub regions: i64,
}

/// A level of the area tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Province,
    /// A regency (kabupaten) or a city (kota).
    Regency,
    /// A kecamatan (distrik in Papua).
    District,
    /// A kelurahan or a desa.
    Village,
}

/// The level of a well-formed code (`63`, `63.71`, `63.71.04`, `63.71.04.1005`), else `None`.
pub fn level(code: &str) -> Option<Level> {
    let parts: Vec<&str> = code.split('.').collect();
    let widths = [2, 2, 2, 4];
    let well_formed = parts.len() <= widths.len()
        && parts
            .iter()
            .zip(widths)
            .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return None;
    }
    [
        Level::Province,
        Level::Regency,
        Level::District,
        Level::Village,
    ]
    .get(parts.len().wrapping_sub(1))
    .copied()
}

/// The code one level up (`63.71.04` → `63.71`), `None` for a province.
pub fn parent(code: &str) -> Option<&str> {
    code.rfind('.').map(|i| &code[..i])
}

/// Whether `code` is `area` or lies below it (`63.71.04` is within `63.71` and `63`).
pub fn is_within(code: &str, area: &str) -> bool {
    code == area || (code.starts_with(area) && code[area.len()..].starts_with('.'))
}

/// Whether a regency-level code is a city: Kemendagri numbers cities from 71.
pub fn is_city(code: &str) -> bool {
    code.split('.')
        .nth(1)
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| n >= 71)
}

/// The time zone a province keeps (Western, Central or Eastern Indonesian Time).
pub fn zone_of_province(code: &str) -> TimeZone {
    match code.get(..2).and_then(|p| p.parse::<u8>().ok()) {
        // Bali and Nusa Tenggara, South, East and North Kalimantan, Sulawesi.
        Some(51..=53 | 63..=65 | 71..=76) => TimeZone::Wita,
        // Maluku and Papua.
        Some(81..=99) => TimeZone::Wit,
        // Sumatra, Java, West and Central Kalimantan.
        _ => TimeZone::Wib,
    }
}

/// A name as compared: lower case, letters and digits only, words single-spaced, and the
/// common abbreviations of the levels written out (`Kab.` → `kabupaten`).
pub fn normalise(name: &str) -> String {
    let words: Vec<String> = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let word = match (i, w.as_str()) {
            (0, "kab") => "kabupaten",
            (0, "kec") => "kecamatan",
            (0, "kel") => "kelurahan",
            (0, "prov" | "propinsi") => "provinsi",
            (_, w) => w,
        };
        out.push(word);
    }
    out.join(" ")
}

/// A name without the word of its level in front (`kota samarinda` → `samarinda`), for
/// comparing with what a person types.
pub fn bare(normalised: &str) -> &str {
    for word in [
        "provinsi ",
        "kabupaten ",
        "kota ",
        "kecamatan ",
        "distrik ",
        "kelurahan ",
        "desa ",
    ] {
        if let Some(rest) = normalised.strip_prefix(word) {
            return rest;
        }
    }
    normalised
}

/// A URL- and code-safe name for an organisation made from the data: `Kabupaten Aceh
/// Selatan` → `kab-aceh-selatan`, at most 40 characters.
pub fn slug(name: &str) -> String {
    let n = normalise(name);
    let n = n
        .strip_prefix("kabupaten ")
        .map(|rest| format!("kab {rest}"))
        .unwrap_or(n);
    let mut slug: String = n.replace(' ', "-").chars().take(40).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(feature = "ssr")]
mod data;
#[cfg(feature = "ssr")]
pub use data::*;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_their_level_and_parent() {
        assert_eq!(level("63"), Some(Level::Province));
        assert_eq!(level("63.71"), Some(Level::Regency));
        assert_eq!(level("63.71.04"), Some(Level::District));
        assert_eq!(level("63.71.04.1005"), Some(Level::Village));
        for bad in [
            "",
            "6",
            "63.7",
            "63.71.04.100",
            "63.71.04.1005.1",
            "ab",
            "63,71",
            "63.",
        ] {
            assert_eq!(level(bad), None, "{bad}");
        }
        assert_eq!(parent("63.71.04"), Some("63.71"));
        assert_eq!(parent("63"), None);
        assert!(is_within("63.71.04", "63.71") && is_within("63.71", "63.71"));
        assert!(!is_within("63.710", "63.71") && !is_within("63.72.01", "63.71"));
        assert!(is_city("63.71") && !is_city("63.09"));
    }

    #[test]
    fn provinces_keep_their_time_zone() {
        assert_eq!(zone_of_province("31"), TimeZone::Wib); // DKI Jakarta
        assert_eq!(zone_of_province("62"), TimeZone::Wib); // Kalimantan Tengah
        assert_eq!(zone_of_province("63"), TimeZone::Wita); // Kalimantan Selatan
        assert_eq!(zone_of_province("51"), TimeZone::Wita); // Bali
        assert_eq!(zone_of_province("73"), TimeZone::Wita); // Sulawesi Selatan
        assert_eq!(zone_of_province("81"), TimeZone::Wit); // Maluku
        assert_eq!(zone_of_province("96"), TimeZone::Wit); // Papua Barat Daya
    }

    #[test]
    fn names_compare_without_case_punctuation_or_abbreviation() {
        assert_eq!(
            normalise("  Kab.  Hulu Sungai-Selatan "),
            "kabupaten hulu sungai selatan"
        );
        assert_eq!(
            normalise("KEC. Banjarmasin Utara"),
            "kecamatan banjarmasin utara"
        );
        assert_eq!(bare("kota samarinda"), "samarinda");
        assert_eq!(bare("kotabaru"), "kotabaru");
        assert_eq!(slug("Kabupaten Aceh Selatan"), "kab-aceh-selatan");
        assert_eq!(slug("Kota Banda Aceh"), "kota-banda-aceh");
        assert_eq!(slug("DKI Jakarta"), "dki-jakarta");
        let long = slug("Kabupaten Yang Namanya Sangat Panjang Sekali Melebihi Batas");
        assert!(long.len() <= 40 && !long.ends_with('-'), "{long}");
    }
}
