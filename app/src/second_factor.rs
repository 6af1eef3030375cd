//! Two-step sign-in with an authenticator app (TOTP, RFC 6238, by the `totp-rs` crate) and
//! one-time recovery codes for a lost phone.
//!
//! Enrolling: the account gets a fresh secret, shown as a QR code and as text; it counts only
//! once the owner has typed a code their app made from it ([`confirm`]), which also hands out
//! ten recovery codes (only their SHA-256 is kept). Signing in then asks, after the password,
//! for a code of the app or a recovery code ([`verify`]). A code is accepted once: the time
//! step it belongs to is remembered, so a code seen over a shoulder or in a proxy log is
//! worthless afterwards; a recovery code is spent when used. Wrong codes are counted as wrong
//! passwords are ([`MAX_FAILURES`] per [`FAILURE_WINDOW`]).
//!
//! The system admin can require two-step sign-in of every official (the setting
//! `require_second_factor`); an official without it may then sign in only to set it up.

use serde::{Deserialize, Serialize};

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "LAPOR!";
/// How many wrong codes within [`FAILURE_WINDOW`] seconds stop further attempts until the
/// window has passed (as for passwords).
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW: i64 = 15 * 60;
/// How many recovery codes an account gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// A form with a code: one of the app (six digits) or a recovery code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeInput {
    #[serde(default)]
    pub kode: String,
}

/// A secret being set up, as the enrolment page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in groups of four, for typing into an app by hand.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub url: String,
    /// The QR code, an SVG drawing.
    pub qr_svg: String,
}

/// Where an account stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub enabled: bool,
    /// Set while enrolling: the secret waiting for its first code.
    pub pending: Option<Enrolment>,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
    /// Whether the system admin requires it of officials (and this account is one).
    pub required: bool,
    /// Recovery codes just made, shown once.
    pub fresh_codes: Vec<String>,
}

/// How a code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    App,
    RecoveryCode,
}

#[cfg(feature = "ssr")]
/// The code (six digits) an app makes from `secret` (base32) at Unix time `unix`; `None` for
/// a secret that is not base32 or too short.
pub fn code_at(secret: &str, unix: u64) -> Option<String> {
    Some(totp(secret, "")?.generate(unix).to_string())
}

#[cfg(feature = "ssr")]
/// The time step of `code` if it is the app's code for `secret` at `unix`, or one step
/// before or after (a phone's clock a little off).
pub fn step_of(secret: &str, code: &str, unix: u64) -> Option<u64> {
    totp(secret, "")?.check(code, unix)
}

#[cfg(feature = "ssr")]
/// The `otpauth://` address of `secret` for `account` (an email), as apps read it from a QR
/// code.
pub fn otpauth_url(secret: &str, account: &str) -> Option<String> {
    let account = account.replace(':', " ");
    totp(secret, &account)?.to_url().ok()
}

#[cfg(feature = "ssr")]
fn totp(secret: &str, account: &str) -> Option<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret.replace(' ', "")).ok()?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// Six digits typed with spaces or dashes, or a recovery code typed in any case.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .take(32)
        .collect()
}

#[cfg(feature = "ssr")]
/// `text` as a QR code drawn in SVG (dark squares on white, with the quiet zone).
pub fn qr_svg(text: &str) -> Option<String> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = qr.size() + 2 * border;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         width=\"220\" height=\"220\" role=\"img\" shape-rendering=\"crispEdges\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// A secret grouped by four characters, easier to type.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at 59 s gives 94287082,
    /// of which six digits are 287082; at 1111111109 s, 07081804.
    #[test]
    fn codes_are_those_of_the_rfc() {
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(code_at(secret, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(secret, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(step_of(secret, "287082", 59), Some(1));
        assert_eq!(
            step_of(secret, "287082", 89),
            Some(1),
            "a step late is accepted"
        );
        assert_eq!(
            step_of(secret, "287082", 150),
            None,
            "three steps late is not"
        );
        assert_eq!(step_of(secret, "287083", 59), None);
        assert_eq!(code_at("not base32!", 59), None);
    }

    #[test]
    fn the_address_and_the_drawing_carry_the_secret() {
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        let url = otpauth_url(secret, "budi@pupr.go.id").expect("url");
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(
            url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{url}"
        );
        assert!(url.contains("issuer=LAPOR"), "{url}");
        let svg = qr_svg(&url).expect("svg");
        assert!(
            svg.starts_with("<svg") && svg.contains("M4,4h1v1h-1z"),
            "finder pattern"
        );
        assert_eq!(normalize(" 287 082 "), "287082");
        assert_eq!(normalize("abcd-efgh"), "ABCDEFGH");
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
