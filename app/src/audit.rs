//! The audit log: what the system admin did, how officials' accounts were secured, and every
//! time an official opened a named reporter's contact details.
//!
//! An entry says who ([`Entry::actor_name`], as they were called then), what ([`Action`]), to
//! what (`subject`: an account's email, an organisation's code, a report's tracking ID) and
//! when. It is written by the same server function as the change it records, and the
//! database refuses to change or delete it afterwards (triggers of migration 0012), so the log
//! can be trusted by the overseer who reads it.
//!
//! Nothing about a reporter is ever written here: a contact view names the report, not the
//! person, and an anonymous report's contact is never read at all.

use serde::{Deserialize, Serialize};

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    StaffCreated,
    AccountActivated,
    AccountDeactivated,
    PasswordReset,
    OrgCreated,
    OrgTimeZoneSet,
    CategoryCreated,
    HolidaySaved,
    HolidayRemoved,
    PolicySaved,
    CategoryDaysSaved,
    SecondFactorRequired,
    SecondFactorOptional,
    SecondFactorEnrolled,
    SecondFactorDisabled,
    SecondFactorReset,
    RecoveryCodeUsed,
    ContactViewed,
    ApiKeyIssued,
    ApiKeyRevoked,
    CountryLoaded,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Action::StaffCreated,
        Action::AccountActivated,
        Action::AccountDeactivated,
        Action::PasswordReset,
        Action::OrgCreated,
        Action::OrgTimeZoneSet,
        Action::CategoryCreated,
        Action::HolidaySaved,
        Action::HolidayRemoved,
        Action::PolicySaved,
        Action::CategoryDaysSaved,
        Action::SecondFactorRequired,
        Action::SecondFactorOptional,
        Action::SecondFactorEnrolled,
        Action::SecondFactorDisabled,
        Action::SecondFactorReset,
        Action::RecoveryCodeUsed,
        Action::ContactViewed,
        Action::ApiKeyIssued,
        Action::ApiKeyRevoked,
        Action::CountryLoaded,
    ];

    /// The stored code, also the value of the log page's `tindakan` filter.
    pub fn code(self) -> &'static str {
        match self {
            Action::StaffCreated => "account_created",
            Action::AccountActivated => "account_activated",
            Action::AccountDeactivated => "account_deactivated",
            Action::PasswordReset => "password_reset",
            Action::OrgCreated => "org_created",
            Action::OrgTimeZoneSet => "org_time_zone_set",
            Action::CategoryCreated => "category_created",
            Action::HolidaySaved => "holiday_saved",
            Action::HolidayRemoved => "holiday_removed",
            Action::PolicySaved => "deadlines_changed",
            Action::CategoryDaysSaved => "category_deadline_changed",
            Action::SecondFactorRequired => "second_factor_required",
            Action::SecondFactorOptional => "second_factor_optional",
            Action::SecondFactorEnrolled => "second_factor_enrolled",
            Action::SecondFactorDisabled => "second_factor_disabled",
            Action::SecondFactorReset => "second_factor_reset",
            Action::RecoveryCodeUsed => "recovery_code_used",
            Action::ContactViewed => "contact_viewed",
            Action::ApiKeyIssued => "api_key_issued",
            Action::ApiKeyRevoked => "api_key_revoked",
            Action::CountryLoaded => "country_loaded",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code.trim())
    }

    /// The translation key of its name on the log page.
    pub fn label_key(self) -> &'static str {
        match self {
            Action::StaffCreated => "audit.account_created",
            Action::AccountActivated => "audit.account_activated",
            Action::AccountDeactivated => "audit.account_deactivated",
            Action::PasswordReset => "audit.account_password_reset",
            Action::OrgCreated => "audit.org_created",
            Action::OrgTimeZoneSet => "audit.org_time_zone_set",
            Action::CategoryCreated => "audit.category_created",
            Action::HolidaySaved => "audit.holiday_saved",
            Action::HolidayRemoved => "audit.holiday_removed",
            Action::PolicySaved => "audit.deadline_policy_saved",
            Action::CategoryDaysSaved => "audit.deadline_category_days_saved",
            Action::SecondFactorRequired => "audit.second_factor_required",
            Action::SecondFactorOptional => "audit.second_factor_optional",
            Action::SecondFactorEnrolled => "audit.second_factor_enrolled",
            Action::SecondFactorDisabled => "audit.second_factor_disabled",
            Action::SecondFactorReset => "audit.second_factor_reset",
            Action::RecoveryCodeUsed => "audit.second_factor_recovery_used",
            Action::ContactViewed => "audit.contact_viewed",
            Action::ApiKeyIssued => "audit.api_key_issued",
            Action::ApiKeyRevoked => "audit.api_key_revoked",
            Action::CountryLoaded => "audit.country_loaded",
        }
    }
}

/// One entry, as the log page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// `None` for a code this build does not know (written by a newer one).
    pub action: Option<Action>,
    pub subject: String,
    pub detail: String,
}

/// The log page's filter (its query string): who, what, about what, from and until which day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's name.
    #[serde(default)]
    pub oleh: String,
    /// An [`Action::code`].
    #[serde(default)]
    pub tindakan: String,
    /// Part of the subject (an email, a tracking ID, an organisation's code).
    #[serde(default)]
    pub tentang: String,
    /// First day, `YYYY-MM-DD` (in the reader's time zone).
    #[serde(default)]
    pub dari: String,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub sampai: String,
    /// Entries older than this id (the next page).
    #[serde(default)]
    pub sebelum: String,
}

/// How many entries a page of the log shows.
pub const PAGE: i64 = 100;

/// A page of the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<Entry>,
    /// The id to continue from when there are older entries.
    pub older: Option<i64>,
}

/// Who did something: an official, or the operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn official(staff: &crate::staff::Staff) -> Actor {
        Actor {
            id: Some(staff.account_id),
            name: staff.name.clone(),
        }
    }

    /// The operator running `lapor` commands on the server.
    pub fn command_line() -> Actor {
        Actor {
            id: None,
            name: "lapor (command line)".to_owned(),
        }
    }
}

/// Who may read the log: the system admin (all of it) and an overseer (the entries about
/// organisations in their part of the tree; a national one, all of it).
pub fn may_read(staff: &crate::staff::Staff) -> bool {
    use crate::lifecycle::Role;
    matches!(staff.role, Role::SystemAdmin | Role::Overseer)
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;
