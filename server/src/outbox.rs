//! The outbox worker: every server runs one. It claims due notifications
//! ([`app::notify::claim`]), writes each one ([`app::notify::compose`]) and hands it to the
//! mail server (SMTP, through `lettre`) or the SMS gateway (Kannel's `sendsms` HTTP
//! interface), then records what happened. A server that is down means "try again later",
//! with a backoff; a refusal for good (an address that does not exist) means "failed", with
//! the reason, for the system admin to see. Without a mail server or gateway configured,
//! notifications are written to a folder instead and recorded as "not sent: no channel
//! configured".

use app::db::Db;
use app::notify::{self, Claimed, Composed, Links, Via};
use futures::StreamExt;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How a notification went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the mail server or the gateway.
    Sent,
    /// No channel configured: written to the folder instead.
    Written,
    /// Try again later (the server is down, a temporary refusal).
    Retry(String),
    /// Refused for good.
    Failed(String),
}

/// Where emails go.
pub enum Mail {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// No mail server: each email is written to this folder as an `.eml` file.
    Folder { dir: PathBuf, from: Mailbox },
}

/// Where texts go.
pub enum Sms {
    Kannel(Kannel),
    /// No gateway: each text is written to this folder as a `.txt` file.
    Folder(PathBuf),
}

/// Kannel's `sendsms` interface.
pub struct Kannel {
    pub client: reqwest::Client,
    /// e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`
    pub url: String,
    pub username: String,
    pub password: String,
    /// The service number texts come from (1708).
    pub from: String,
}

/// Everything the worker sends with.
pub struct Transports {
    pub mail: Mail,
    pub sms: Sms,
    pub public_url: String,
    pub server_secret: String,
}

impl Mail {
    /// SMTP at `url` (`smtp://host:port`, `smtps://user:pass@host`, `smtp://host?tls=required`),
    /// or the folder when `url` is `None`.
    pub fn new(url: Option<&str>, from: &str, folder: PathBuf) -> anyhow::Result<Mail> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail sender {from}: {e}"))?;
        Ok(match url {
            Some(url) => Mail::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                    .timeout(Some(Duration::from_secs(15)))
                    .build(),
                from,
            },
            None => Mail::Folder { dir: folder, from },
        })
    }

    pub fn configured(&self) -> bool {
        matches!(self, Mail::Smtp { .. })
    }

    async fn send(&self, to: &str, c: &Composed) -> Outcome {
        let from = match self {
            Mail::Smtp { from, .. } | Mail::Folder { from, .. } => from,
        };
        let message = match email(from, to, c) {
            Ok(m) => m,
            Err(why) => return Outcome::Failed(why),
        };
        match self {
            Mail::Smtp { transport, .. } => match transport.send(message).await {
                Ok(_) => Outcome::Sent,
                Err(e) if e.is_permanent() => Outcome::Failed(e.to_string()),
                Err(e) => Outcome::Retry(e.to_string()),
            },
            Mail::Folder { dir, .. } => {
                if let Err(e) = tokio::fs::create_dir_all(dir).await {
                    return Outcome::Retry(format!("folder {}: {e}", dir.display()));
                }
                match AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                {
                    Ok(_) => Outcome::Written,
                    Err(e) => Outcome::Retry(e.to_string()),
                }
            }
        }
    }
}

/// The email of a notification: plain text, and for a reporter the unsubscribe link in the
/// headers (RFC 2369 `List-Unsubscribe`, RFC 8058 one-click `List-Unsubscribe-Post`).
pub fn email(from: &Mailbox, to: &str, c: &Composed) -> Result<lettre::Message, String> {
    let to: Mailbox = to.parse().map_err(|_| "invalid address".to_owned())?;
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(c.subject.clone())
        .header(ContentType::TEXT_PLAIN);
    if let Some(link) = &c.unsubscribe {
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{link}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    builder.body(c.text.clone()).map_err(|e| e.to_string())
}

impl Sms {
    pub fn configured(&self) -> bool {
        matches!(self, Sms::Kannel(_))
    }

    async fn send(&self, to: &str, text: &str) -> Outcome {
        match self {
            Sms::Kannel(k) => k.send(to, text).await,
            Sms::Folder(dir) => {
                if let Err(e) = tokio::fs::create_dir_all(dir).await {
                    return Outcome::Retry(format!("folder {}: {e}", dir.display()));
                }
                let name = format!("{}-{}.txt", app::db::now(), rand_suffix());
                let (coding, parts) = app::sms::split(text);
                let content = format!(
                    "To: {to}\nCoding: {coding:?}\nParts: {}\n\n{text}\n",
                    parts.len()
                );
                match tokio::fs::write(dir.join(name), content).await {
                    Ok(()) => Outcome::Written,
                    Err(e) => Outcome::Retry(e.to_string()),
                }
            }
        }
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Bytes as `%XX` escapes, for Kannel's query parameters (the concatenation header is binary,
/// so it cannot go through a UTF-8 string).
fn percent(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(b) {
            out.push(char::from(*b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Kannel {
    /// Sends a text as the parts [`app::sms::split`] cuts it into: one `sendsms` request per
    /// part, each with the concatenation header (reference, count, number) that lets the phone
    /// put them back together, GSM 7-bit or UCS-2 as the text needs.
    pub async fn send(&self, to: &str, text: &str) -> Outcome {
        let (coding, parts) = app::sms::split(text);
        let reference = u8::try_from(rand_reference() % 256).unwrap_or(0);
        let total = u8::try_from(parts.len()).unwrap_or(u8::MAX);
        for (i, part) in parts.iter().enumerate() {
            let mut query = format!(
                "username={}&password={}&from={}&to={}&charset=UTF-8&coding={}&text={}",
                percent(self.username.as_bytes()),
                percent(self.password.as_bytes()),
                percent(self.from.as_bytes()),
                percent(to.as_bytes()),
                coding.kannel(),
                percent(part.as_bytes()),
            );
            if parts.len() > 1 {
                let seq = u8::try_from(i + 1).unwrap_or(u8::MAX);
                query.push_str("&udh=");
                query.push_str(&percent(&[0x05, 0x00, 0x03, reference, total, seq]));
            }
            let url = format!("{}?{query}", self.url);
            let answer = self
                .client
                .get(&url)
                .timeout(Duration::from_secs(15))
                .send()
                .await;
            match answer {
                Ok(res) if res.status().is_success() => {}
                Ok(res) if res.status().is_client_error() => {
                    let status = res.status();
                    let body = res.text().await.unwrap_or_default();
                    return Outcome::Failed(format!("gateway {status}: {}", body.trim()));
                }
                Ok(res) => {
                    let status = res.status();
                    let body = res.text().await.unwrap_or_default();
                    return Outcome::Retry(format!("gateway {status}: {}", body.trim()));
                }
                Err(e) => return Outcome::Retry(format!("gateway unreachable: {e}")),
            }
        }
        Outcome::Sent
    }
}

/// A concatenation reference for one text: random (a fresh `RandomState` is randomly
/// seeded), so that two long texts to one phone are not mixed up.
fn rand_reference() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0_u8)
}

impl Transports {
    async fn deliver(&self, db: &Db, row: &Claimed) -> Outcome {
        if let Some(sub) = row.subscription_id {
            match notify::unsubscribed(db, sub).await {
                Ok(true) => return Outcome::Failed(UNSUBSCRIBED.to_owned()),
                Ok(false) => {}
                Err(e) => return Outcome::Retry(format!("database: {e}")),
            }
        }
        let links = Links {
            public_url: self.public_url.trim_end_matches('/'),
            server_secret: &self.server_secret,
        };
        let composed = match notify::compose(db, &links, row).await {
            Ok(Some(c)) => c,
            Ok(None) => return Outcome::Failed(NOTHING.to_owned()),
            Err(e) => return Outcome::Retry(format!("compose: {e:?}")),
        };
        match row.via {
            Via::Email => self.mail.send(&row.address, &composed).await,
            Via::Sms => self.sms.send(&row.address, &composed.text).await,
        }
    }
}

const UNSUBSCRIBED: &str = "unsubscribed";
const NOTHING: &str = "nothing to send";
use app::notify::NO_CHANNEL;

/// One round: claims up to `batch` due notifications at `now`, sends them (8 at a time) and
/// records each outcome. Returns how many were claimed.
pub async fn run_once(db: &Db, t: &Transports, now: i64, batch: i64) -> usize {
    let rows = match notify::claim(db, now, batch).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "outbox: claiming failed");
            return 0;
        }
    };
    let n = rows.len();
    futures::stream::iter(rows)
        .for_each_concurrent(8, |row| async move {
            let outcome = t.deliver(db, &row).await;
            let done = now;
            let recorded = match &outcome {
                Outcome::Sent => notify::sent(db, row.id, done).await,
                Outcome::Written => notify::unsent(db, &row, NO_CHANNEL).await,
                Outcome::Failed(why) if why == UNSUBSCRIBED || why == NOTHING => {
                    notify::unsent(db, &row, why).await
                }
                Outcome::Failed(why) => {
                    tracing::warn!(
                        id = row.id,
                        via = row.via.code(),
                        "outbox: refused for good"
                    );
                    notify::failed(db, &row, why).await
                }
                Outcome::Retry(why) => {
                    tracing::info!(
                        id = row.id,
                        via = row.via.code(),
                        attempts = row.attempts,
                        "outbox: will retry"
                    );
                    notify::retry_later(db, &row, why, done).await
                }
            };
            if let Err(e) = recorded {
                tracing::error!(error = %e, id = row.id, "outbox: recording the outcome failed");
            }
        })
        .await;
    n
}

/// The worker of this server: runs [`run_once`] until the server stops, resting `idle`
/// whenever nothing was due.
pub fn spawn(
    db: Db,
    transports: Arc<Transports>,
    shutdown: app::state::Shutdown,
    idle: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !shutdown.begun() {
            let claimed = run_once(&db, &transports, app::db::now(), 50).await;
            if claimed == 0 {
                tokio::select! {
                    () = tokio::time::sleep(idle) => {}
                    () = shutdown.wait() => {}
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_parameters_are_escaped_byte_by_byte() {
        assert_eq!(
            percent(&[0x05, 0x00, 0x03, 0xAA, 0x02, 0x01]),
            "%05%00%03%AA%02%01"
        );
        assert_eq!(percent("a b+é".as_bytes()), "a%20b%2B%C3%A9");
    }

    #[test]
    fn emails_carry_the_unsubscribe_headers() {
        let from: Mailbox = "LAPOR! <noreply@lapor.example>".parse().expect("mailbox");
        let c = Composed {
            subject: "[LAPOR!] K7Q4-M2XP: Petugas membalas".into(),
            text: "Halo".into(),
            unsubscribe: Some("https://lapor.example/berhenti/1/abc".into()),
        };
        let m = email(&from, "warga@example.org", &c).expect("email");
        let raw = String::from_utf8(m.formatted()).expect("utf-8");
        assert!(
            raw.contains("List-Unsubscribe: <https://lapor.example/berhenti/1/abc>"),
            "{raw}"
        );
        assert!(
            raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{raw}"
        );
        assert_eq!(
            email(&from, "not an address", &c).err().as_deref(),
            Some("invalid address")
        );
    }
}
