//! Possible duplicates: the same complaint filed twice.
//!
//! While a citizen writes a report, and on the coordinator's page of a report, lapor shows the
//! few open reports most like it in the same area and category. The citizen may then *support*
//! an existing public report instead of filing a new one ("saya juga mengalami ini"): counted
//! once per account, email or phone number. The coordinator may mark a report as a duplicate
//! of another: it is archived with that reason, its reporter is told where the original is and
//! hears of the original's progress from then on, and the original counts them among the
//! people who reported it. The figures count the original once: a duplicate adds nothing.
//!
//! Likeness is a transparent rule over the Snowball stems search uses ([`crate::search`]):
//! the words two reports share, less the words every report uses, a word shared by both
//! titles counting double, and the same kecamatan counting as two words. The database's
//! index only proposes candidates; this rule decides what is shown, and why (the shared
//! words are shown with each suggestion).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many possible duplicates are shown.
pub const SHOWN: usize = 3;
/// A candidate must score at least this much to be shown (see [`likeness`]).
pub const MIN_SCORE: usize = 5;
/// And share at least this many words.
pub const MIN_SHARED: usize = 2;
/// The words of a report that are looked for, at most.
pub const MAX_PROBE_WORDS: usize = 16;

/// Words every report uses, which say nothing about what it is about (folded, as stems).
pub const STOPWORDS: &[&str] = &[
    "ada", "adalah", "agar", "akan", "aku", "anda", "apa", "atas", "atau", "bagi", "bahwa",
    "banyak", "bapak", "belum", "beberapa", "bisa", "bu", "buat", "cukup", "dalam", "dan", "dapat",
    "dari", "dekat", "demikian", "dengan", "depan", "di", "dia", "dll", "hal", "hanya", "harap",
    "hingga", "ibu", "ini", "itu", "jadi", "jika", "juga", "kali", "kalau", "kami", "kamu",
    "karena", "ke", "kepada", "ketika", "kita", "lagi", "lain", "lama", "lebih", "mana", "masih",
    "mau", "mereka", "mohon", "namun", "oleh", "pada", "para", "pak", "perlu", "pihak", "saat",
    "saja", "sama", "sampai", "sangat", "saya", "sebab", "sebagai", "sedang", "sejak", "sekali",
    "sekitar", "selalu", "semua", "seperti", "setiap", "sini", "situ", "sudah", "supaya", "tapi",
    "tentang", "terima", "kasih", "tersebut", "tetapi", "tidak", "tolong", "untuk", "warga",
    "yang", "yth",
];

/// What a possible duplicate is looked for by: a report being written, or one being read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Probe {
    pub title: String,
    pub body: String,
    /// The category chosen (its id as text; empty: any).
    pub category_id: String,
    /// The agency chosen (its id as text): its government's area is searched.
    pub target_org_id: String,
    /// The kecamatan or kelurahan, as typed or as a code.
    pub place: String,
    /// The street or landmark.
    pub location: String,
}

/// A report shown as a possible duplicate, in the version its viewer may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Similar {
    pub tracking_id: String,
    pub title: String,
    pub status: crate::lifecycle::Status,
    pub received_at: i64,
    /// How many people reported it: its reporter, its supporters, its duplicates' reporters.
    pub reporters: i64,
    /// The words it shares with the probe (why it is shown).
    pub shared: Vec<String>,
}

/// What a support (or a duplicate) adds to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supported {
    /// Whether this was a new support (false: this person had supported it already).
    pub new: bool,
    /// How many people report it now.
    pub reporters: i64,
}

/// Whether a folded word says something about a report: longer than two letters, not a
/// number, not one of the [`STOPWORDS`].
pub fn says_something(word: &str) -> bool {
    word.chars().count() > 2
        && !word.chars().all(|c| c.is_ascii_digit())
        && !STOPWORDS.contains(&word)
}

/// The content words of a text as `(stem, word as written, folded)`: without [`STOPWORDS`],
/// numbers or one- and two-letter words.
#[cfg(feature = "ssr")]
pub fn content_words(text: &str) -> Vec<(String, String)> {
    let folded = crate::search::fold(text);
    crate::search::words(&folded)
        .into_iter()
        .map(|(s, e)| &folded[s..e])
        .filter(|w| says_something(w))
        .map(|w| (crate::search::stem(w), w.to_owned()))
        .filter(|(s, _)| s.chars().count() > 2 && !STOPWORDS.contains(&s.as_str()))
        .collect()
}

/// One side of a comparison: the stems of a report's title and of its whole text, how each
/// stem was first written, and its kecamatan (`63.71.04`) when it names one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    pub title: BTreeSet<String>,
    pub all: BTreeSet<String>,
    pub spelling: BTreeMap<String, String>,
    pub kecamatan: Option<String>,
}

impl Words {
    #[cfg(feature = "ssr")]
    pub fn of(title: &str, body: &str, place_code: Option<&str>) -> Words {
        let mut w = Words {
            kecamatan: place_code.and_then(kecamatan),
            ..Words::default()
        };
        for (stem, word) in content_words(title) {
            w.title.insert(stem.clone());
            w.all.insert(stem.clone());
            w.spelling.entry(stem).or_insert(word);
        }
        for (stem, word) in content_words(body) {
            w.all.insert(stem.clone());
            w.spelling.entry(stem).or_insert(word);
        }
        w
    }

    /// The words searched for, as `(stem, word)`: the title's first, then the body's, at most
    /// [`MAX_PROBE_WORDS`].
    pub fn probe_terms(&self) -> Vec<(String, String)> {
        let mut stems: Vec<&String> = self.title.iter().collect();
        stems.extend(self.all.iter().filter(|s| !self.title.contains(*s)));
        stems
            .into_iter()
            .take(MAX_PROBE_WORDS)
            .map(|s| (s.clone(), self.spelled(s)))
            .collect()
    }

    /// A stem as this text first wrote it.
    pub fn spelled(&self, stem: &str) -> String {
        self.spelling
            .get(stem)
            .cloned()
            .unwrap_or_else(|| stem.to_owned())
    }
}

/// The kecamatan part of a Kemendagri code (`63.71.04.1005` → `63.71.04`); `None` for a code
/// above a kecamatan.
pub fn kecamatan(code: &str) -> Option<String> {
    let parts: Vec<&str> = code.split('.').collect();
    (parts.len() >= 3).then(|| parts[..3].join("."))
}

/// How alike two reports are: `None` below the bar ([`MIN_SHARED`] words, [`MIN_SCORE`]),
/// else the score and the shared words. A shared word scores 1, 2 when both titles have it;
/// the same kecamatan scores 2. The score is weighed against the shorter text, so that a long
/// letter does not match everything by sheer size: at most a fifth of its words may be
/// unshared noise per point.
pub fn likeness(a: &Words, b: &Words) -> Option<(usize, Vec<String>)> {
    let shared: Vec<String> = a.all.intersection(&b.all).cloned().collect();
    if shared.len() < MIN_SHARED {
        return None;
    }
    let in_titles = shared
        .iter()
        .filter(|s| a.title.contains(*s) && b.title.contains(*s))
        .count();
    let same_place = matches!((&a.kecamatan, &b.kecamatan), (Some(x), Some(y)) if x == y);
    let score = shared.len() + in_titles + if same_place { 2 } else { 0 };
    let shorter = a.all.len().min(b.all.len()).max(1);
    // Enough in absolute terms, and enough of the shorter text.
    (score >= MIN_SCORE && score * 5 >= shorter).then_some((score, shared))
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

    fn words(title: &str, body: &str) -> Words {
        Words::of(title, body, None)
    }

    #[test]
    fn the_same_pothole_told_twice_is_alike() {
        let a = words(
            "Jalan berlubang di Jalan Ahmad Yani Km 5",
            "Jalan di depan pasar Km 5 berlubang besar dan sudah membahayakan pengendara motor \
             sejak dua minggu.",
        );
        let b = words(
            "Lubang besar di Jl. Ahmad Yani dekat pasar",
            "Ada lubang besar di jalan Ahmad Yani km 5 depan pasar, banyak motor jatuh.",
        );
        let (score, shared) = likeness(&a, &b).expect("alike");
        assert!(score >= MIN_SCORE);
        for w in ["lubang", "ahmad", "yani", "pasar", "motor"] {
            assert!(shared.contains(&w.to_owned()), "{w} in {shared:?}");
        }
    }

    #[test]
    fn rubbish_at_the_same_market_is_alike_in_other_words() {
        let a = words(
            "Sampah menumpuk di Pasar Sentral",
            "Sampah di Pasar Sentral tidak diangkut sejak lima hari, baunya menyengat.",
        );
        let b = words(
            "Tumpukan sampah Pasar Sentral belum diangkut",
            "Sampah di Pasar Sentral belum diangkut berhari-hari oleh petugas kebersihan.",
        );
        assert!(likeness(&a, &b).is_some());
    }

    #[test]
    fn another_complaint_about_a_road_is_not() {
        let pothole = words(
            "Jalan berlubang di Jalan Ahmad Yani Km 5",
            "Jalan di depan pasar Km 5 berlubang besar dan sudah membahayakan pengendara motor \
             sejak dua minggu.",
        );
        let lamp = words(
            "Lampu penerangan jalan mati di Jalan Sudirman",
            "Lampu jalan di sepanjang Jalan Sudirman mati sudah seminggu, gelap dan rawan \
             kejahatan.",
        );
        assert_eq!(likeness(&pothole, &lamp), None);
        let school = words(
            "Pungutan liar di SD Negeri 3",
            "Orang tua murid diminta membayar uang seragam dua ratus ribu rupiah.",
        );
        assert_eq!(likeness(&pothole, &school), None);
    }

    #[test]
    fn the_same_kecamatan_counts_but_does_not_make_a_match_alone() {
        let mut a = words("Air PDAM keruh", "Air PDAM di rumah kami keruh dan berbau.");
        let mut b = words("Air PDAM mati", "Air PDAM mati sejak pagi, tidak mengalir.");
        let without = likeness(&a, &b).map(|(s, _)| s).unwrap_or(0);
        a.kecamatan = kecamatan("63.71.04.1005");
        b.kecamatan = kecamatan("63.71.04.1001");
        let with = likeness(&a, &b).map(|(s, _)| s).unwrap_or(0);
        assert!(with >= without + 2, "{without} → {with}");
        let mut lamp = words("Lampu jalan mati", "Lampu jalan di gang kami mati.");
        lamp.kecamatan = kecamatan("63.71.04");
        assert_eq!(likeness(&a, &lamp), None);
    }

    #[test]
    fn a_long_letter_does_not_match_everything() {
        let short = words(
            "Jalan rusak parah",
            "Jalan rusak parah di Gang Mawar, mohon diperbaiki.",
        );
        let long_body = "Kami warga mengeluhkan banyak hal: jalan, drainase, lampu, sampah, \
                         pelayanan puskesmas, sekolah, air bersih, listrik, pasar, terminal, \
                         angkutan kota, parkir liar, pedagang kaki lima, banjir, taman kota, \
                         kebersihan, keamanan, perizinan, rusak parah semuanya.";
        let long = words("Keluhan warga", long_body);
        assert_eq!(likeness(&short, &long), None);
    }

    #[test]
    fn stopwords_and_numbers_are_not_words_of_a_report() {
        let w = Words::of(
            "",
            "Saya mohon agar jalan di RT 05 yang sudah rusak segera diperbaiki",
            None,
        );
        let s = &w.all;
        assert!(!s.contains("saya") && !s.contains("05") && !s.contains("yang"));
        assert!(s.contains("jalan") && s.contains("rusak"));
        // Shown as written, found by the stem.
        assert_eq!(w.spelled("baik"), "diperbaiki");
    }

    #[test]
    fn the_kecamatan_of_a_code() {
        assert_eq!(kecamatan("63.71.04.1005").as_deref(), Some("63.71.04"));
        assert_eq!(kecamatan("63.71.04").as_deref(), Some("63.71.04"));
        assert_eq!(kecamatan("63.71"), None);
    }
}
