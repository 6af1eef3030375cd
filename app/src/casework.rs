//! Officials at work on reports: the coordinator's and the OPD's inboxes, the coordinator's
//! watch table, the staff view of a report, every action an official takes on it, and the
//! officials' side of the thread.
//!
//! Two checks guard every action, both in the plain functions of `store` that the server
//! functions and the form handlers call: *scope* (the report must be in the official's subtree,
//! [`crate::staff::scope`], or it does not exist for them) and the *lifecycle*
//! ([`crate::lifecycle::next_status`] plus the few actions that do not change the status,
//! [`check`]).

use crate::lifecycle::{Action, ArchiveReason, Refusal, Role};
use crate::orgs::{Agency, Category};
use crate::reports::{ReportKind, ReportView, Status};
use serde::{Deserialize, Serialize};

/// Something an official does to a report, as named in a form's `action` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffAction {
    Verify,
    Dispose,
    StartWork,
    Hold,
    Resume,
    Resolve,
    HandBack,
    Archive,
    /// National admin: assign the report to the government that answers for it.
    Route,
    /// Correct kind and category.
    Reclassify,
    /// Make the report anonymous or confidential (never the reverse).
    Tighten,
    /// Set the public version of the title and body (a name, a phone or NIK number, an
    /// insult removed); the reporter and officials keep the original.
    Redact,
}

impl StaffAction {
    pub const ALL: [StaffAction; 12] = [
        StaffAction::Verify,
        StaffAction::Dispose,
        StaffAction::StartWork,
        StaffAction::Hold,
        StaffAction::Resume,
        StaffAction::Resolve,
        StaffAction::HandBack,
        StaffAction::Archive,
        StaffAction::Route,
        StaffAction::Reclassify,
        StaffAction::Tighten,
        StaffAction::Redact,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StaffAction::Verify => "verify",
            StaffAction::Dispose => "dispose",
            StaffAction::StartWork => "start",
            StaffAction::Hold => "hold",
            StaffAction::Resume => "resume",
            StaffAction::Resolve => "resolve",
            StaffAction::HandBack => "hand_back",
            StaffAction::Archive => "archive",
            StaffAction::Route => "route",
            StaffAction::Reclassify => "reclassify",
            StaffAction::Tighten => "tighten",
            StaffAction::Redact => "redact",
        }
    }

    pub fn from_code(code: &str) -> Option<StaffAction> {
        StaffAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Translation key of the button.
    pub fn label_key(self) -> &'static str {
        match self {
            StaffAction::Verify => "action.verify",
            StaffAction::Dispose => "action.dispose",
            StaffAction::StartWork => "action.start",
            StaffAction::Hold => "action.hold",
            StaffAction::Resume => "action.resume",
            StaffAction::Resolve => "action.resolve",
            StaffAction::HandBack => "action.hand_back",
            StaffAction::Archive => "action.archive",
            StaffAction::Route => "action.route",
            StaffAction::Reclassify => "action.reclassify",
            StaffAction::Tighten => "action.tighten",
            StaffAction::Redact => "action.redact",
        }
    }

    /// The lifecycle action behind a status-changing staff action.
    fn lifecycle(self) -> Option<Action> {
        Some(match self {
            StaffAction::Verify => Action::Verify,
            StaffAction::Dispose => Action::Dispose,
            StaffAction::StartWork => Action::StartWork,
            StaffAction::Hold => Action::Hold,
            StaffAction::Resume => Action::Resume,
            StaffAction::Resolve => Action::Resolve,
            StaffAction::HandBack => Action::HandBack,
            // The reason does not change where the report goes.
            StaffAction::Archive => Action::Archive(ArchiveReason::TooGeneral),
            StaffAction::Route
            | StaffAction::Reclassify
            | StaffAction::Tighten
            | StaffAction::Redact => return None,
        })
    }
}

/// Whether `role` may take `action` on a report in `status`, and the status it lands in
/// (`None`: the status does not change).
pub fn check(
    action: StaffAction,
    role: Role,
    status: Status,
    before_hold: Option<Status>,
) -> Result<Option<Status>, Refusal> {
    if let Some(a) = action.lifecycle() {
        return crate::lifecycle::next_status(status, a, role, before_hold).map(Some);
    }
    let allowed_role = match action {
        StaffAction::Route => role == Role::NationalAdmin,
        // Who verifies decides what the public reads.
        StaffAction::Reclassify | StaffAction::Redact => role.routes(),
        _ => role.routes() || role == Role::OpdAdmin,
    };
    if !allowed_role {
        return Err(Refusal::NotYourRole);
    }
    let allowed_status = match action {
        // Routing and reclassifying come before the report is forwarded.
        StaffAction::Route | StaffAction::Reclassify => {
            matches!(status, Status::Submitted | Status::Verified)
        }
        // A public report can be redacted whenever something in it turns out to harm.
        StaffAction::Redact => true,
        _ => status != Status::Archived,
    };
    if allowed_status {
        Ok(None)
    } else {
        Err(Refusal::WrongStatus)
    }
}

/// Whether an official of `role` may write to the citizen in a report in `status`: only the
/// OPD, and only while it holds the report (the conversation belongs to the OPD).
pub fn check_reply(role: Role, status: Status) -> Result<(), Refusal> {
    if role != Role::OpdAdmin {
        return Err(Refusal::NotYourRole);
    }
    match status {
        Status::Disposed | Status::InProgress | Status::OnHold => Ok(()),
        _ => Err(Refusal::WrongStatus),
    }
}

/// An action form. Every field is text as typed, so a refused form can be shown again whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActInput {
    /// [`StaffAction::code`].
    pub action: String,
    /// Public text: the question when holding, the closing message when resolving, an
    /// optional explanation otherwise.
    pub message: String,
    /// Officials only: the disposition note, the hand-back reason.
    pub note: String,
    /// Disposition: the OPD.
    pub opd_id: String,
    /// Routing: the government.
    pub org_id: String,
    /// Archive: [`ArchiveReason::code`].
    pub reason: String,
    /// Archive as a duplicate: the tracking ID of the original.
    pub duplicate_of: String,
    /// Reclassify.
    pub kind: String,
    pub category_id: String,
    /// Tighten: checkboxes.
    pub anonymous: Option<String>,
    pub confidential: Option<String>,
    /// Verify and redact: the public version of the title and of the body (empty: the
    /// original is public).
    pub public_title: String,
    pub public_body: String,
}

/// An official's message form: to the citizen, or an internal note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffMessageInput {
    pub body: String,
    /// Checkbox: present means an internal note.
    pub internal: Option<String>,
    /// The tokens of the files staged for this message (see `attachments`).
    pub attachments: String,
    /// The form's one-time key: the same message sent twice is stored once.
    pub kunci: String,
    /// The newest entry of the thread the official had on screen: if someone else wrote
    /// since, the message is not sent yet and the page shows what came in first.
    pub terakhir: String,
}

/// One line of an inbox or of the watch table. Never carries anything about the reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub tracking_id: String,
    pub title: String,
    pub kind: ReportKind,
    pub category_name_id: String,
    pub category_name_en: String,
    pub status: Status,
    pub received_at: i64,
    /// Whole days since the report was received.
    pub age_days: i64,
    /// Whole days since the status last changed: how long it has waited where it is.
    pub waited_days: i64,
    /// The government answering for it (`None`: the national queue).
    pub owner: Option<String>,
    /// The OPD it is forwarded to.
    pub opd: Option<String>,
    pub anonymous: bool,
    pub confidential: bool,
    /// How it reached us (the inbox marks every report that did not come by the web form).
    pub channel: crate::reports::Channel,
    /// The deadline that matters now: time left, overdue, or paused.
    pub deadline: Option<crate::deadlines::DeadlineView>,
    /// Inboxes only: the official handling it in the organisation holding it.
    pub assignee: Option<String>,
    /// Inboxes only: whether the citizen waits for an answer (the last public message is
    /// theirs).
    pub awaiting: bool,
    /// Inboxes only: whether something happened since this official last opened it (or
    /// they never did).
    pub unseen: bool,
    /// Inboxes only: messages and notes by others since this official last opened it.
    pub unread: i64,
}

/// A part of an inbox: what waits for one kind of action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxSection {
    /// Translation key of the heading.
    pub key: String,
    pub items: Vec<CaseSummary>,
}

/// What waits for an official's organisation, in the view they chose, each section ordered
/// by what needs action first: overdue, then a citizen waiting for an answer, then what is
/// new to this official, then the longest waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub org_name: String,
    pub view: crate::desk::View,
    /// How many reports each view holds.
    pub counts: crate::desk::ViewCounts,
    pub sections: Vec<InboxSection>,
    /// Where a coordinator may forward many reports at once (empty for everyone else).
    pub opds: Vec<Agency>,
    /// The organisation's labels, to filter by; `label` the one filtered by.
    pub labels: Vec<crate::labels::Label>,
    pub label: Option<i64>,
    /// Internal notes naming this official in reports they have not opened since.
    pub mentions: Vec<crate::desk::Mention>,
    /// The official's saved filters.
    pub filters: Vec<crate::desk::SavedFilter>,
}

/// A report as an official in scope sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// The report; `reporter` is filled only for a report that is not anonymous, and the
    /// thread includes internal entries.
    pub report: ReportView,
    pub owner: Option<String>,
    pub opd: Option<String>,
    pub waited_days: i64,
    /// What this official may do now.
    pub actions: Vec<StaffAction>,
    /// Whether this official may write to the citizen now.
    pub can_reply: bool,
    /// Whether this official may leave internal notes.
    pub can_note: bool,
    /// OPDs the report may be forwarded to.
    pub opds: Vec<Agency>,
    /// Governments the national admin may route to.
    pub governments: Vec<Agency>,
    pub categories: Vec<Category>,
    pub kind_code: String,
    pub category_id: i64,
    /// A reply typed before the session expired, handed back once.
    pub draft: Option<String>,
    /// Who handles the report, and whom this official may hand it to.
    pub assignment: crate::desk::Assignment,
    /// The reply templates of this official's organisation, filled for this report.
    pub templates: Vec<crate::desk::FilledTemplate>,
    /// The newest entry of the thread shown (see [`StaffMessageInput::terakhir`]).
    pub last_event_id: i64,
    /// The other officials on this report's page now.
    pub presence: Vec<crate::live::Presence>,
    /// This organisation's labels on the report, its area, and suggestions.
    pub labels: crate::labels::ReportLabels,
    /// For whoever may archive it: the open reports in scope most like it, any of which it
    /// may be marked a duplicate of.
    pub similar: Vec<crate::duplicates::Similar>,
}

/// The coordinator's view across its OPDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    pub org_name: String,
    /// One row per OPD (and one for reports not forwarded yet): counts per status, in the
    /// order of [`Status::ALL`].
    pub rows: Vec<WatchRow>,
    /// Open reports, the longest waiting first.
    pub items: Vec<CaseSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchRow {
    /// `None`: not forwarded to an OPD.
    pub opd: Option<String>,
    pub counts: Vec<i64>,
    /// The longest an open report of this row has waited, in days.
    pub oldest_waiting_days: i64,
    /// Open reports of this row past a deadline.
    pub overdue: i64,
    /// Open reports of this row no official handles (also those left by an official whose
    /// account was closed).
    pub unassigned: i64,
}

/// Fills the reply templates of a case for the official reading it, in their language and
/// time zone: the tracking ID, their organisation, their name, the next deadline.
pub fn fill_templates(
    view: &mut CaseView,
    staff: &crate::staff::Staff,
    loc: crate::i18n::Locale,
    tz: crate::i18n::TimeZone,
) {
    let deadline = view
        .report
        .clocks
        .as_ref()
        .and_then(|c| c.current())
        .and_then(|c| c.due_at())
        .map(|at| loc.datetime(at, tz));
    let p = crate::desk::Placeholders {
        tracking_id: &view.report.tracking_id,
        org: &staff.org_name,
        official: &staff.name,
        deadline: deadline.as_deref(),
    };
    for t in &mut view.templates {
        t.text = crate::desk::fill(&t.text, &p);
    }
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

mod server_fns;
pub use server_fns::*;

mod bulk;
pub use bulk::*;

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn only_the_national_admin_routes_and_only_before_forwarding() {
        assert_eq!(
            check(StaffAction::Route, Role::NationalAdmin, Submitted, None),
            Ok(None)
        );
        assert_eq!(
            check(StaffAction::Route, Role::Coordinator, Submitted, None),
            Err(Refusal::NotYourRole)
        );
        assert_eq!(
            check(StaffAction::Route, Role::NationalAdmin, Disposed, None),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn lifecycle_actions_follow_the_state_machine() {
        assert_eq!(
            check(StaffAction::Verify, Role::Coordinator, Submitted, None),
            Ok(Some(Verified))
        );
        assert_eq!(
            check(StaffAction::Resolve, Role::OpdAdmin, Archived, None),
            Err(Refusal::WrongStatus)
        );
        assert_eq!(
            check(StaffAction::Archive, Role::OpdAdmin, Submitted, None),
            Err(Refusal::NotYourRole)
        );
    }

    #[test]
    fn tightening_is_for_those_who_handle_the_report() {
        assert_eq!(
            check(StaffAction::Tighten, Role::OpdAdmin, InProgress, None),
            Ok(None)
        );
        assert_eq!(
            check(StaffAction::Tighten, Role::Overseer, InProgress, None),
            Err(Refusal::NotYourRole)
        );
        assert_eq!(
            check(StaffAction::Tighten, Role::Coordinator, Archived, None),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn only_the_opd_talks_with_the_citizen() {
        assert_eq!(check_reply(Role::OpdAdmin, Disposed), Ok(()));
        assert_eq!(
            check_reply(Role::Coordinator, Disposed),
            Err(Refusal::NotYourRole)
        );
        assert_eq!(
            check_reply(Role::OpdAdmin, Resolved),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn every_action_code_round_trips() {
        for a in StaffAction::ALL {
            assert_eq!(StaffAction::from_code(a.code()), Some(a));
        }
    }
}
