//! Identifiers and secrets a citizen carries: the tracking ID and the access code.
//!
//! Both use an alphabet without look-alikes (no 0/O, 1/I/L) so they survive being read out
//! over the phone or typed from an SMS. The tracking ID names a report; the access code
//! proves its reporter. Only a hash of the access code is stored. To let a retried submission
//! (a double tap, a connection that dropped before the answer came back) receive the *same*
//! code again, the code is derived from the submission's one-time key with a server secret.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

fn pick(bytes: impl Iterator<Item = u8>, len: usize) -> String {
    bytes
        .take(len)
        .map(|b| char::from(ALPHABET[usize::from(b) % ALPHABET.len()]))
        .collect()
}

fn group(raw: &str) -> String {
    raw.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A fresh tracking ID such as `K7Q4-M2XP` (about 40 bits; collisions are retried).
pub fn new_tracking_id() -> String {
    let mut rng = rand::thread_rng();
    // Rejection sampling keeps the alphabet uniform.
    let bytes = std::iter::from_fn(|| Some(rng.r#gen::<u8>())).filter(|b| usize::from(*b) < 248);
    group(&pick(bytes, 8))
}

/// A recovery code for two-step sign-in such as `K7Q4-M2XP-9B` (about 49 bits), stored
/// hashed like an access code ([`hash_code`]).
pub fn new_recovery_code() -> String {
    let mut rng = rand::thread_rng();
    let bytes = std::iter::from_fn(|| Some(rng.r#gen::<u8>())).filter(|b| usize::from(*b) < 248);
    group(&pick(bytes, 10))
}

/// A one-time key for a form: the server hands it out with the form and treats a second
/// submission carrying it as the same submission.
pub fn new_submission_key() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// Whether `key` looks like a key this server hands out (so that nothing else is stored).
pub fn is_submission_key(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new random server secret, stored once in the database on first start.
pub fn new_server_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// The access code for the submission with `submission_key`: `ABCD-EFGH-JKMN` (about 59
/// bits), the same every time for the same key and server secret.
pub fn access_code(server_secret: &str, submission_key: &str) -> String {
    let digest = keyed(server_secret, "access-code", submission_key);
    let bytes = digest.iter().copied().filter(|b| usize::from(*b) < 248);
    group(&pick(bytes, 12))
}

/// A digest of `data` for one `purpose`, keyed with the server secret (HMAC-SHA256 of
/// `purpose:data`): what access codes and unsubscribe links are derived from, so that only
/// this server can make them and none needs storing.
pub fn keyed(server_secret: &str, purpose: &str, data: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(server_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(purpose.as_bytes());
    mac.update(b":");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether `code` (as [`normalize_code`] returns it) has the shape of a tracking ID:
/// `XXXX-XXXX` from the alphabet.
pub fn is_tracking_id(code: &str) -> bool {
    code.len() == 9
        && code.bytes().enumerate().all(|(i, b)| match i {
            4 => b == b'-',
            _ => ALPHABET.contains(&b),
        })
}

/// Normalises what a citizen typed: case, spaces and missing dashes do not matter.
pub fn normalize_code(typed: &str) -> String {
    let raw: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    group(&raw)
}

/// The stored form of an access code.
pub fn hash_code(code: &str) -> String {
    hex::encode(Sha256::digest(normalize_code(code).as_bytes()))
}

/// Compares a typed code with a stored hash in constant time.
pub fn code_matches(typed: &str, stored_hash: &str) -> bool {
    same(&hash_code(typed), stored_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_ids_are_readable() {
        let id = new_tracking_id();
        assert_eq!(id.len(), 9);
        assert_eq!(&id[4..5], "-");
        assert!(id.replace('-', "").bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(new_tracking_id(), new_tracking_id());
    }

    #[test]
    fn access_code_is_stable_per_submission_and_secret() {
        let a = access_code("secret", "k1");
        assert_eq!(a, access_code("secret", "k1"));
        assert_ne!(a, access_code("secret", "k2"));
        assert_ne!(a, access_code("other", "k1"));
        assert_eq!(a.len(), 14);
    }

    #[test]
    fn typed_codes_are_forgiving_about_case_and_dashes() {
        let code = access_code("s", "k");
        let stored = hash_code(&code);
        let sloppy = code.to_lowercase().replace('-', " ");
        assert!(code_matches(&sloppy, &stored));
        assert!(!code_matches("ABCD-EFGH-JKMN", &stored));
        assert!(!code_matches("", &stored));
    }

    #[test]
    fn submission_keys_are_recognised() {
        assert!(is_submission_key(&new_submission_key()));
        assert!(!is_submission_key("x"));
        assert!(!is_submission_key(&"z".repeat(32)));
    }
}
