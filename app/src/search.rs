//! Finding reports by their words.
//!
//! Words are folded (lower case, no diacritics) and stemmed with the Snowball stemmer for
//! Indonesian, the same algorithm as PostgreSQL's `indonesian` text-search configuration, so
//! that "perbaikan" finds "diperbaiki" (both are "baik") on either engine: SQLite keeps the
//! stems in an FTS5 table, PostgreSQL keeps `to_tsvector('indonesian', …)` of the folded text.
//! Every report has two documents: what officials in scope may find (title, body, place, the
//! thread's messages, internal notes) and what the public may find (the published, redacted
//! title and body and the place). Which reports a search may return is decided by the same
//! conditions as the listings it filters (published and not confidential for the public, the
//! official's scope), never by the index.
//!
//! A search considers the newest [`CANDIDATES`] reports that match and the listing's
//! conditions allow, and ranks those by relevance: both engines then read the matches newest
//! first and stop there, instead of ranking and counting every match of a word half the
//! reports use (at 1,000,000 reports that took seconds). A search that finds more says so and
//! asks for another word; fewer matches are all ranked.
//!
//! Highlighting is done here, from the same stems, over the text the viewer may read.

use serde::{Deserialize, Serialize};

/// At most this many words of a query count; the rest are ignored.
pub const MAX_TERMS: usize = 8;
/// A query longer than this (in characters) is cut.
pub const MAX_QUERY: usize = 200;
/// How long an excerpt around the first match is, in characters.
pub const EXCERPT: usize = 200;
/// The newest matches a search ranks; a search that finds more shows these.
pub const CANDIDATES: i64 = 500;

/// A piece of text to show: marked when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    pub marked: bool,
}

/// A listing line's title and excerpt with the matched words marked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marked {
    pub title: Vec<Piece>,
    pub excerpt: Vec<Piece>,
}

/// Lower case without diacritics: `Pérbaikan` → `perbaikan`.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(plain)
        .collect()
}

/// A Latin letter without its diacritic (what Indonesian text meets: é, è, ü, ñ …).
fn plain(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' => 's',
        'ž' => 'z',
        other => other,
    }
}

/// The words of a text: runs of letters and digits, with where each lies (byte offsets).
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Splits `text` into pieces, marking the words `hit` says matched.
pub fn mark(text: &str, hit: impl Fn(&str) -> bool) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut push = |text: &str, marked: bool| {
        if text.is_empty() {
            return;
        }
        match pieces.last_mut() {
            Some(last) if last.marked == marked && !marked => last.text.push_str(text),
            _ => pieces.push(Piece {
                text: text.to_owned(),
                marked,
            }),
        }
    };
    let mut at = 0;
    for (s, e) in words(text) {
        push(&text[at..s], false);
        let word = &text[s..e];
        push(word, hit(word));
        at = e;
    }
    push(&text[at..], false);
    pieces
}

/// A window of about `max` characters of `text` around its first marked word, with `…`
/// where it was cut; the start of the text when nothing is marked.
pub fn window(pieces: Vec<Piece>, max: usize) -> Vec<Piece> {
    let total: usize = pieces.iter().map(|p| p.text.chars().count()).sum();
    if total <= max {
        return pieces;
    }
    let before: usize = pieces
        .iter()
        .take_while(|p| !p.marked)
        .map(|p| p.text.chars().count())
        .sum();
    let start = before.saturating_sub(max / 4).min(total - max.min(total));
    let mut out = Vec::new();
    let mut at = 0;
    for p in pieces {
        let len = p.text.chars().count();
        let (from, to) = (start.max(at), (start + max).min(at + len));
        if from < to {
            let text: String = p.text.chars().skip(from - at).take(to - from).collect();
            out.push(Piece {
                text,
                marked: p.marked,
            });
        }
        at += len;
    }
    if start > 0 {
        out.insert(
            0,
            Piece {
                text: "…".into(),
                marked: false,
            },
        );
    }
    if start + max < total {
        out.push(Piece {
            text: "…".into(),
            marked: false,
        });
    }
    out
}

#[cfg(feature = "ssr")]
mod query;
#[cfg(feature = "ssr")]
pub use query::*;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_folded_and_split_into_words() {
        assert_eq!(fold("Pérbaikan JALAN"), "perbaikan jalan");
        let text = "Jl. A. Yani, km-5!";
        let found: Vec<&str> = words(text).into_iter().map(|(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["Jl", "A", "Yani", "km", "5"]);
    }

    #[test]
    fn matched_words_are_marked_and_the_window_holds_the_first() {
        let pieces = mark("Jembatan rusak, jembatan lama.", |w| {
            w.eq_ignore_ascii_case("jembatan")
        });
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|p| p.marked)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["Jembatan", "jembatan"]);
        let joined: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, "Jembatan rusak, jembatan lama.");

        let long = format!("{} jembatan {}", "kata ".repeat(100), "lain ".repeat(100));
        let w = window(mark(&long, |w| w == "jembatan"), 80);
        let text: String = w.iter().map(|p| p.text.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(w.iter().any(|p| p.marked), "{text}");
        assert!(text.chars().count() <= 82, "{}", text.chars().count());
        let short = window(mark("pendek", |_| false), 80);
        assert_eq!(short.len(), 1);
    }
}
