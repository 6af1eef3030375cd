//! `/sms/kannel`: where Kannel's `sms-service` delivers every text sent to the service
//! number (its `get-url`, or `post-url` with the same query). The text is handed to
//! [`app::sms_inbox::receive`]; answers go out through the outbox, never in this response,
//! so that they are retried like every notification. A `202` tells Kannel the text is taken;
//! a `500` makes it deliver the same text again later (which is then handled once).
//!
//! The query Kannel is configured to send (see the README):
//! `key=<LAPOR_SMS_KEY>&from=%p&time=%T&id=%I&charset=%C&text=%a`

use app::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// One query parameter's raw bytes (`+` is a space, `%XX` a byte): a UCS-2 text arrives as
/// UTF-16 bytes, which no UTF-8 query parser can keep.
fn raw_param(query: &str, name: &str) -> Option<Vec<u8>> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(v: &str) -> Vec<u8> {
    let bytes = v.as_bytes();
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// A text in the charset Kannel names (`%C`): UTF-16BE for UCS-2 texts, else UTF-8 (or
/// Latin-1).
pub fn decode_text(bytes: &[u8], charset: &str) -> String {
    match charset.to_ascii_uppercase().as_str() {
        "UTF-16BE" | "UCS-2" | "UCS-2BE" | "UTF-16" => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        "ISO-8859-1" | "LATIN1" | "WINDOWS-1252" => bytes.iter().map(|&b| char::from(b)).collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn text_param(query: &str, name: &str) -> String {
    raw_param(query, name)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// `GET` or `POST /sms/kannel?…`.
pub async fn kannel(State(state): State<AppState>, uri: Uri) -> Response {
    let query = uri.query().unwrap_or("");
    let Some(expected) = state.config.channels.sms_key.as_deref() else {
        // No gateway configured: the route does not exist.
        return StatusCode::NOT_FOUND.into_response();
    };
    if !app::secrets::same(&text_param(query, "key"), expected) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let charset = text_param(query, "charset");
    let text = decode_text(&raw_param(query, "text").unwrap_or_default(), &charset);
    let from = text_param(query, "from");
    let gateway_id = text_param(query, "id");
    let now = app::db::now();
    let received_at = text_param(query, "time")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|t| *t > 0)
        .unwrap_or(now);
    let sms = app::sms_inbox::Incoming {
        gateway_id: &gateway_id,
        from: &from,
        text: &text,
        received_at,
    };
    let today = state.config.time_zone.date_at(now);
    match app::sms_inbox::receive(
        &state.db,
        &state.config.server_secret,
        &state.config.channels.sms,
        &sms,
        now,
        &today,
    )
    .await
    {
        Ok(outcome) => {
            tracing::info!(outcome = ?std::mem::discriminant(&outcome), "sms received");
            StatusCode::ACCEPTED.into_response()
        }
        Err(e) => {
            tracing::error!(error = ?e, "sms: handling failed; the gateway will deliver it again");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kannel_parameters_keep_their_bytes() {
        let q =
            "from=%2B6281234567890&charset=UTF-16BE&text=%D8%3D%DE%00%00+%00h%00a%00l%00o&key=k";
        assert_eq!(text_param(q, "from"), "+6281234567890");
        let text = decode_text(&raw_param(q, "text").expect("text"), "UTF-16BE");
        assert_eq!(text, "😀 halo");
        assert_eq!(
            decode_text(&percent_decode("LAPOR+jalan+%C3%A9"), "UTF-8"),
            "LAPOR jalan é"
        );
        assert_eq!(percent_decode("100%"), b"100%");
        assert_eq!(percent_decode("%zz"), b"%zz");
    }
}
