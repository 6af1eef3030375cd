//! Notifications: every public change of a report reaches its reporter, by email or by SMS,
//! and officials who asked for it hear of reports forwarded to them.
//!
//! Nothing is sent from a request. A change writes rows into the *outbox*, in the same
//! transaction as the events that cause them ([`enqueue`], called by
//! [`Change::commit`](crate::change::Change::commit)); a worker on every server claims due rows,
//! sends them and records the outcome ([`claim`], [`sent`], [`retry_later`]), so that a mail
//! server or SMS gateway that is down delays a notification and loses none. The events of one
//! report waiting for one address gather in one row for a few minutes (`Db::gather_secs`), so
//! that an official's reply and the status change it caused arrive as one email.
//!
//! Where a reporter is told is a *subscription*: the email given on the form (allowed for an
//! anonymous report too), the account's email, or the number an SMS report came from. No
//! staff query reads subscriptions; for an anonymous report they are the only place its
//! address is kept.

use serde::{Deserialize, Serialize};

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Via {
    Email,
    Sms,
}

impl Via {
    pub fn code(self) -> &'static str {
        match self {
            Via::Email => "email",
            Via::Sms => "sms",
        }
    }

    pub fn from_code(code: &str) -> Option<Via> {
        match code {
            "email" => Some(Via::Email),
            "sms" => Some(Via::Sms),
            _ => None,
        }
    }
}

/// What an outbox row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// A report's events, for its reporter (the receipt among them).
    Report,
    /// A report forwarded to an official's organisation (opted in).
    Forwarded,
    /// The daily list of overdue reports in an official's scope (opted in).
    Digest,
    /// A one-time password reset link or code.
    PasswordReset,
    /// An internal note named an official (`@nama`).
    Mention,
    /// The answer to a text that did not file or follow a report (status, help, refusal).
    SmsAnswer,
}

impl Purpose {
    pub const ALL: [Purpose; 6] = [
        Purpose::Report,
        Purpose::Forwarded,
        Purpose::Digest,
        Purpose::PasswordReset,
        Purpose::SmsAnswer,
        Purpose::Mention,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Report => "report",
            Purpose::Forwarded => "forwarded",
            Purpose::Digest => "digest",
            Purpose::PasswordReset => "password_reset",
            Purpose::SmsAnswer => "sms_answer",
            Purpose::Mention => "mention",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Purpose::Report => "outbox.purpose.report",
            Purpose::Forwarded => "outbox.purpose.forwarded",
            Purpose::Digest => "outbox.purpose.digest",
            Purpose::PasswordReset => "outbox.purpose.password_reset",
            Purpose::SmsAnswer => "outbox.purpose.sms_answer",
            Purpose::Mention => "outbox.purpose.mention",
        }
    }
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// Not sent yet (new, or waiting for its next try).
    Waiting,
    /// Claimed by a worker that is sending it now.
    Sending,
    Sent,
    /// Given up: refused for good (an address that bounces) or too many tries.
    Failed,
    /// Never sent: no channel configured, or the reporter unsubscribed.
    Unsent,
}

impl Delivery {
    pub const ALL: [Delivery; 5] = [
        Delivery::Waiting,
        Delivery::Sending,
        Delivery::Sent,
        Delivery::Failed,
        Delivery::Unsent,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Delivery::Waiting => "waiting",
            Delivery::Sending => "sending",
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
            Delivery::Unsent => "unsent",
        }
    }

    pub fn from_code(code: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Delivery::Waiting => "outbox.state.waiting",
            Delivery::Sending => "outbox.state.sending",
            Delivery::Sent => "outbox.state.sent",
            Delivery::Failed => "outbox.state.failed",
            Delivery::Unsent => "outbox.state.unsent",
        }
    }
}

/// Why a notification is "not sent" when no mail server or gateway is configured (it was
/// written to the folder instead).
pub const NO_CHANNEL: &str = "no channel configured";

/// How long a password reset code is valid.
pub const RESET_VALID_SECS: i64 = 3600;

/// Tries before a notification is given up as failed (backoff doubles from 30 s up to an
/// hour between tries: about a day in all).
pub const MAX_ATTEMPTS: i64 = 30;

/// Seconds before try number `attempts + 1`, after `attempts` failed ones.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    (30_i64 << exponent).min(3600)
}

/// What the system admin sees of one notification: never its address (for an anonymous
/// report that would identify the reporter) nor its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedView {
    pub id: i64,
    pub via: Via,
    pub purpose: Purpose,
    pub tracking_id: Option<String>,
    pub state: Delivery,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: i64,
    pub due_at: i64,
    pub sent_at: Option<i64>,
}

/// The queue page: counts per state and the most recent rows of the chosen state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub counts: Vec<(Delivery, i64)>,
    pub state: Option<Delivery>,
    pub rows: Vec<QueuedView>,
    /// Which channels this server can send through (`false`: written to the folder only).
    pub email_configured: bool,
    pub sms_configured: bool,
}

/// What the unsubscribe page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub tracking_id: String,
    pub via: Via,
    pub unsubscribed: bool,
}

/// An official's choices about email.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPrefs {
    pub forwarded: bool,
    pub digest: bool,
}

/// The form of [`StaffPrefs`] (checkboxes: present means on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffPrefsInput {
    pub forwarded: Option<String>,
    pub digest: Option<String>,
}

#[cfg(feature = "ssr")]
mod compose;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use compose::*;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(3), 120);
        assert_eq!(backoff_secs(8), 3600);
        assert_eq!(backoff_secs(30), 3600);
        let total: i64 = (1..MAX_ATTEMPTS).map(backoff_secs).sum();
        assert!((20 * 3600..=30 * 3600).contains(&total), "{total} s");
    }

    #[test]
    fn codes_read_back() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::from_code(p.code()), Some(p));
        }
        for d in Delivery::ALL {
            assert_eq!(Delivery::from_code(d.code()), Some(d));
        }
        assert_eq!(Via::from_code("sms"), Some(Via::Sms));
        assert_eq!(Via::from_code("fax"), None);
    }
}
