//! SMS, the way in for a citizen without a smartphone or data: what a text asks for
//! ([`parse`]), and how a reply is cut into the parts a phone puts back together ([`split`],
//! [`fit`]). Both are plain functions; receiving a text through the gateway is the
//! `sms_inbox` module's (server only).
//!
//! The formats (shown on the help page `/bantuan/sms` and in the reply to a text that fits
//! none of them), case-insensitive, with a space, `#`, `:`, `.`, `,`, `-` or `*` after the
//! keyword:
//! - `LAPOR <text>` files a report (`LAPOR ANONIM <text>`: no official sees the number;
//!   `LAPOR RAHASIA <text>`: not public; both may be given). `LAPORAN`, `ADUAN` and `ADU`
//!   are read as `LAPOR`.
//! - `CEK <tracking ID>` answers with the status (`STATUS` and `INFO` too).
//! - `<tracking ID> <text>` adds a message to that report's thread (only from the number that
//!   filed it).
//! - `TERIMA <tracking ID> <1-5> [comment]` confirms a resolved report with a rating
//!   (`SETUJU` too); `SANGGAH <tracking ID> <reason>` contests it (`TOLAK` too).
//! - `BERHENTI` stops the texts about every report of the number (`STOP` too).

use serde::{Deserialize, Serialize};

/// What a text asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// File a report with this text.
    Report {
        text: String,
        anonymous: bool,
        confidential: bool,
    },
    /// The status of a report.
    Check { tracking_id: String },
    /// A message for a report's thread.
    Reply { tracking_id: String, text: String },
    /// The reporter confirms a resolved report, with a rating (as typed) and a comment.
    Confirm {
        tracking_id: String,
        rating: String,
        comment: String,
    },
    /// The reporter contests a resolved report.
    Contest { tracking_id: String, reason: String },
    /// No more texts for this number.
    Stop,
    /// Nothing this service understands (or an empty text).
    Unknown,
}

const REPORT_WORDS: [&str; 4] = ["LAPORAN", "LAPOR", "ADUAN", "ADU"];
const CHECK_WORDS: [&str; 3] = ["CEK", "STATUS", "INFO"];
const STOP_WORDS: [&str; 2] = ["BERHENTI", "STOP"];
const CONFIRM_WORDS: [&str; 2] = ["TERIMA", "SETUJU"];
const CONTEST_WORDS: [&str; 2] = ["SANGGAH", "TOLAK"];
const SEPARATORS: [char; 7] = [' ', '#', ':', '.', ',', '-', '*'];

/// Reads a text. Tracking IDs come back in their stored form (`K7Q4-M2XP`).
pub fn parse(text: &str) -> Command {
    let text = text.trim();
    if let Some(rest) = after_keyword(text, &REPORT_WORDS) {
        return report(rest);
    }
    if let Some(rest) = after_keyword(text, &CHECK_WORDS) {
        return match leading_tracking_id(rest) {
            Some((id, _)) => Command::Check { tracking_id: id },
            None => Command::Unknown,
        };
    }
    if let Some(rest) = after_keyword(text, &STOP_WORDS)
        && rest.trim().is_empty()
    {
        return Command::Stop;
    }
    if let Some(rest) = after_keyword(text, &CONFIRM_WORDS) {
        let Some((id, rest)) = leading_tracking_id(rest) else {
            return Command::Unknown;
        };
        let rest = rest.trim_start_matches(SEPARATORS).trim();
        let (rating, comment) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return Command::Confirm {
            tracking_id: id,
            rating: rating.to_owned(),
            comment: comment.trim().to_owned(),
        };
    }
    if let Some(rest) = after_keyword(text, &CONTEST_WORDS) {
        let Some((id, rest)) = leading_tracking_id(rest) else {
            return Command::Unknown;
        };
        return Command::Contest {
            tracking_id: id,
            reason: rest.trim_start_matches(SEPARATORS).trim().to_owned(),
        };
    }
    if let Some((id, rest)) = leading_tracking_id(text) {
        let rest = rest.trim_start_matches(SEPARATORS).trim();
        if !rest.is_empty() {
            return Command::Reply {
                tracking_id: id,
                text: rest.to_owned(),
            };
        }
    }
    Command::Unknown
}

/// `LAPOR [ANONIM] [RAHASIA] text`.
fn report(mut rest: &str) -> Command {
    let (mut anonymous, mut confidential) = (false, false);
    loop {
        if let Some(r) = after_keyword(rest, &["ANONIM", "ANONYMOUS"]) {
            anonymous = true;
            rest = r;
        } else if let Some(r) = after_keyword(rest, &["RAHASIA"]) {
            confidential = true;
            rest = r;
        } else {
            break;
        }
    }
    let text = rest.trim();
    if text.is_empty() {
        return Command::Unknown;
    }
    Command::Report {
        text: text.to_owned(),
        anonymous,
        confidential,
    }
}

/// The rest of `text` after one of `words` (case-insensitive) and its separators, when the
/// word stands alone (followed by a separator or the end, not by more letters).
fn after_keyword<'t>(text: &'t str, words: &[&str]) -> Option<&'t str> {
    let text = text.trim_start();
    for word in words {
        let Some(head) = text.get(..word.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(word) {
            continue;
        }
        let rest = &text[word.len()..];
        match rest.chars().next() {
            None => return Some(""),
            Some(c) if SEPARATORS.contains(&c) || c.is_whitespace() => {
                return Some(
                    rest.trim_start_matches(|c: char| SEPARATORS.contains(&c) || c.is_whitespace()),
                );
            }
            Some(_) => {}
        }
    }
    None
}

/// A tracking ID at the start of `text` (8 characters of its alphabet, with or without the
/// dash, any case), and what follows it.
fn leading_tracking_id(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    let mut raw = String::new();
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if raw.len() == 8 {
            break;
        }
        if c == '-' && raw.len() == 4 {
            end = i + 1;
            continue;
        }
        let up = c.to_ascii_uppercase();
        if !up.is_ascii_alphanumeric() || !"23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(up) {
            return None;
        }
        raw.push(up);
        end = i + c.len_utf8();
    }
    let rest = &text[end..];
    let stands_alone = rest
        .chars()
        .next()
        .is_none_or(|c| SEPARATORS.contains(&c) || c.is_whitespace());
    (raw.len() == 8 && stands_alone).then(|| (format!("{}-{}", &raw[..4], &raw[4..]), rest))
}

/// A phone number in one form, `+62…`, whichever way it was written (`0812…`, `62812…`,
/// `+62 812-…`); `None` when it is not a plausible number.
pub fn normalize_number(number: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let international = if let Some(rest) = digits.strip_prefix("0062") {
        format!("62{rest}")
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("62{rest}")
    } else {
        digits
    };
    (8..=15)
        .contains(&international.len())
        .then(|| format!("+{international}"))
}

/// Where SMS reports go and how much one number may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsPolicy {
    /// The government or agency SMS reports are addressed to (`None`: the national queue,
    /// like a web report that names no agency).
    pub intake_org: Option<i64>,
    /// Texts one number may send per hour; past it, one answer says so and the rest are
    /// recorded and ignored.
    pub per_hour: i64,
}

impl Default for SmsPolicy {
    fn default() -> Self {
        SmsPolicy {
            intake_org: None,
            per_hour: 20,
        }
    }
}

/// How a text is encoded on the air: the GSM 7-bit alphabet when every character is in it,
/// otherwise UCS-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Coding {
    Gsm7,
    Ucs2,
}

impl Coding {
    /// Kannel's `coding` parameter: 0 for 7-bit, 2 for UCS-2.
    pub fn kannel(self) -> u8 {
        match self {
            Coding::Gsm7 => 0,
            Coding::Ucs2 => 2,
        }
    }

    /// Units (septets or UTF-16 code units) in one text alone, and in each part of a long
    /// one (the rest of a part carries the concatenation header).
    pub fn limits(self) -> (usize, usize) {
        match self {
            Coding::Gsm7 => (160, 153),
            Coding::Ucs2 => (70, 67),
        }
    }
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Septets one character takes in GSM 7-bit (2 for the extension table), `None` when the
/// alphabet does not have it.
fn gsm7_units(c: char) -> Option<usize> {
    if c != '\u{1b}' && GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The coding a text needs.
pub fn coding(text: &str) -> Coding {
    if text.chars().all(|c| gsm7_units(c).is_some()) {
        Coding::Gsm7
    } else {
        Coding::Ucs2
    }
}

fn units(c: char, coding: Coding) -> usize {
    match coding {
        Coding::Gsm7 => gsm7_units(c).unwrap_or(1),
        Coding::Ucs2 => c.len_utf16(),
    }
}

/// Cuts a text into the parts of a concatenated SMS: one part when it fits in 160 septets
/// (70 UCS-2 units), otherwise parts of 153 (67), never splitting a character that takes
/// two units (a GSM extension character, an emoji's surrogate pair).
pub fn split(text: &str) -> (Coding, Vec<String>) {
    let coding = coding(text);
    let (single, part) = coding.limits();
    let total: usize = text.chars().map(|c| units(c, coding)).sum();
    if total <= single {
        return (coding, vec![text.to_owned()]);
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for c in text.chars() {
        let n = units(c, coding);
        if used + n > part {
            parts.push(std::mem::take(&mut current));
            used = 0;
        }
        current.push(c);
        used += n;
    }
    if !current.is_empty() {
        parts.push(current);
    }
    (coding, parts)
}

/// Typographic characters that have a look-alike in the GSM alphabet, replaced by it: one
/// dash or curly quote would otherwise send the whole text as UCS-2, 70 characters a part
/// instead of 160.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '•' => out.push('-'),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '«' | '»' => out.push('"'),
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '`' | '´' => out.push('\''),
            '…' => out.push_str("..."),
            '\u{a0}' | '\u{2009}' | '\u{202f}' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most this many parts per reply: a longer text is shortened and ends with the link to
/// read the rest.
pub const MAX_PARTS: usize = 3;

/// `text` if it fits in [`MAX_PARTS`] parts; otherwise as much of it as fits, cut at a word,
/// followed by `... ` and `more` (the words and link to read the rest).
pub fn fit(text: &str, more: &str) -> String {
    if split(text).1.len() <= MAX_PARTS {
        return text.to_owned();
    }
    let coding = coding(&format!("{text}... {more}"));
    let (_, part) = coding.limits();
    let budget = part * MAX_PARTS;
    let tail = format!("... {more}");
    let tail_units: usize = tail.chars().map(|c| units(c, coding)).sum();
    // Parts break at characters, so a two-unit character at a boundary wastes a unit: leave
    // room for that at each boundary.
    let room = budget.saturating_sub(tail_units + MAX_PARTS);
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let n = units(c, coding);
        if used + n > room {
            break;
        }
        kept.push(c);
        used += n;
    }
    if let Some(space) = kept.rfind(char::is_whitespace)
        && space > kept.len() / 2
    {
        kept.truncate(space);
    }
    format!("{}{tail}", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> Command {
        Command::Report {
            text: text.to_owned(),
            anonymous: false,
            confidential: false,
        }
    }

    #[test]
    fn lapor_in_the_ways_people_type_it() {
        for typed in [
            "LAPOR jalan rusak",
            "lapor jalan rusak",
            "Lapor#jalan rusak",
            "LAPOR # jalan rusak",
            "LAPOR:jalan rusak",
            "  laporan jalan rusak ",
            "ADUAN. jalan rusak",
            "LAPOR*jalan rusak",
        ] {
            assert_eq!(parse(typed), report("jalan rusak"), "{typed:?}");
        }
        assert_eq!(
            parse("LAPOR ANONIM RAHASIA pungli di kantor desa"),
            Command::Report {
                text: "pungli di kantor desa".into(),
                anonymous: true,
                confidential: true,
            }
        );
        assert_eq!(
            parse("lapor#anonim#jembatan putus"),
            Command::Report {
                text: "jembatan putus".into(),
                anonymous: true,
                confidential: false,
            }
        );
        // A word that only starts with the keyword is not the keyword.
        assert_eq!(parse("LAPORKAN segera"), Command::Unknown);
        assert_eq!(parse("LAPOR"), Command::Unknown);
        assert_eq!(parse("LAPOR ANONIM"), Command::Unknown);
    }

    #[test]
    fn check_reply_stop_and_the_rest() {
        let check = Command::Check {
            tracking_id: "K7Q4-M2XP".into(),
        };
        assert_eq!(parse("CEK K7Q4-M2XP"), check);
        assert_eq!(parse("cek#k7q4m2xp"), check);
        assert_eq!(parse("status k7q4-m2xp"), check);
        assert_eq!(parse("CEK"), Command::Unknown);
        assert_eq!(
            parse("CEK 12345678"),
            Command::Unknown,
            "1 is not in the alphabet"
        );
        assert_eq!(
            parse("k7q4-m2xp: sudah saya kirim fotonya"),
            Command::Reply {
                tracking_id: "K7Q4-M2XP".into(),
                text: "sudah saya kirim fotonya".into(),
            }
        );
        assert_eq!(parse("K7Q4M2XP"), Command::Unknown, "a reply needs words");
        assert_eq!(parse("K7Q4M2XPX halo"), Command::Unknown, "nine characters");
        assert_eq!(
            parse("terima k7q4m2xp 5 terima kasih pak"),
            Command::Confirm {
                tracking_id: "K7Q4-M2XP".into(),
                rating: "5".into(),
                comment: "terima kasih pak".into(),
            }
        );
        assert_eq!(
            parse("SANGGAH K7Q4-M2XP: lubangnya masih ada"),
            Command::Contest {
                tracking_id: "K7Q4-M2XP".into(),
                reason: "lubangnya masih ada".into(),
            }
        );
        assert_eq!(parse("TERIMA"), Command::Unknown);
        assert_eq!(parse("STOP"), Command::Stop);
        assert_eq!(parse("berhenti"), Command::Stop);
        assert_eq!(parse(""), Command::Unknown);
        assert_eq!(parse("   "), Command::Unknown);
        assert_eq!(parse("halo apa kabar"), Command::Unknown);
        assert_eq!(parse("😀😀"), Command::Unknown);
    }

    #[test]
    fn numbers_in_one_form() {
        for typed in [
            "081234567890",
            "+6281234567890",
            "6281234567890",
            "0062 812-3456-7890",
        ] {
            assert_eq!(normalize_number(typed).as_deref(), Some("+6281234567890"));
        }
        assert_eq!(normalize_number("12"), None);
        assert_eq!(normalize_number("abc"), None);
    }

    #[test]
    fn gsm7_parts_are_160_or_153_septets() {
        let short = "a".repeat(160);
        assert_eq!(split(&short), (Coding::Gsm7, vec![short.clone()]));
        let long = "a".repeat(161);
        let (coding, parts) = split(&long);
        assert_eq!(coding, Coding::Gsm7);
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![153, 8]
        );
        // Extension characters take two septets: 80 euro signs fill one text exactly.
        let euros = "€".repeat(80);
        assert_eq!(split(&euros).1.len(), 1);
        let more = "€".repeat(81);
        let (coding, parts) = split(&more);
        assert_eq!(coding, Coding::Gsm7);
        // 153 septets hold 76 euro signs (152), never half of one.
        assert_eq!(
            parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            vec![76, 5]
        );
        assert_eq!(parts.concat(), more);
    }

    #[test]
    fn ucs2_parts_are_70_or_67_units_and_keep_emoji_whole() {
        let text = "é".repeat(69) + "ā"; // ā is not in GSM 7-bit
        assert_eq!(split(&text), (Coding::Ucs2, vec![text.clone()]));
        let emoji = "😀".repeat(35); // 70 UTF-16 units
        assert_eq!(split(&emoji).1.len(), 1);
        let more = "😀".repeat(36);
        let (coding, parts) = split(&more);
        assert_eq!(coding, Coding::Ucs2);
        // 67 units hold 33 emoji (66 units): a surrogate pair is never cut.
        assert_eq!(
            parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            vec![33, 3]
        );
        assert_eq!(parts.concat(), more);
        let mixed = format!("{} ā", "x".repeat(100));
        let (coding, parts) = split(&mixed);
        assert_eq!(coding, Coding::Ucs2);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= 67));
    }

    #[test]
    fn typography_does_not_force_ucs2() {
        let text = "Status: Terdisposisi — “segera” … ‘ok’";
        assert_eq!(coding(text), Coding::Ucs2);
        let plain = plain(text);
        assert_eq!(plain, "Status: Terdisposisi - \"segera\" ... 'ok'");
        assert_eq!(coding(&plain), Coding::Gsm7);
        assert_eq!(
            coding(&super::plain("Terima kasih 🙏")),
            Coding::Ucs2,
            "emoji stay"
        );
    }

    #[test]
    fn long_replies_end_with_the_link() {
        let link = "Selengkapnya: https://lapor.example/laporan/K7Q4-M2XP?kode=ABCD-EFGH-JKMN";
        let short = "Jalan sudah diperbaiki.";
        assert_eq!(fit(short, link), short);
        let long = "kata ".repeat(300);
        let fitted = fit(&long, link);
        assert!(fitted.ends_with(&format!("... {link}")), "{fitted}");
        assert_eq!(
            coding(&fitted),
            Coding::Gsm7,
            "the tail keeps a GSM text GSM"
        );
        let (_, parts) = split(&fitted);
        assert!(parts.len() <= MAX_PARTS, "{} parts", parts.len());
        assert!(fitted.starts_with("kata kata"));
        let emoji = "😀 ".repeat(200);
        let fitted = fit(&emoji, link);
        assert!(split(&fitted).1.len() <= MAX_PARTS);
        assert!(fitted.ends_with(link));
    }
}
