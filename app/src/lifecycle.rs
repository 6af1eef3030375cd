//! The report lifecycle as a pure function: which role may move a report from which status
//! with which action, and where it lands (DOMAIN.md, "Lifecycle").
//!
//! Every status change in the system goes through [`next_status`], so an illegal transition
//! (resolving an archived report, an OPD verifying, a citizen forwarding) is refused in one
//! place whatever page or server function asked for it. Scope (whether the actor's
//! organisation may touch this report at all) is checked by the caller before this.

use serde::{Deserialize, Serialize};

/// Where a report is in its life (DOMAIN.md, "Lifecycle").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Submitted,
    Verified,
    Disposed,
    InProgress,
    OnHold,
    Resolved,
    Archived,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Submitted,
        Status::Verified,
        Status::Disposed,
        Status::InProgress,
        Status::OnHold,
        Status::Resolved,
        Status::Archived,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Verified => "verified",
            Status::Disposed => "disposed",
            Status::InProgress => "in_progress",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Archived => "archived",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Translation key of the label DOMAIN.md gives ("Belum Terverifikasi", …).
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Submitted => "status.submitted",
            Status::Verified => "status.verified",
            Status::Disposed => "status.disposed",
            Status::InProgress => "status.in_progress",
            Status::OnHold => "status.on_hold",
            Status::Resolved => "status.resolved",
            Status::Archived => "status.archived",
        }
    }

    /// Whether the citizen may still write in the thread.
    pub fn accepts_messages(self) -> bool {
        self != Status::Archived
    }
}

/// Who acts on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// The reporter (`pelapor`).
    Citizen,
    /// `admin_nasional`: verifies and routes reports that name no agency.
    NationalAdmin,
    /// `admin_instansi` ("admin induk"): verifies and forwards to its OPDs.
    Coordinator,
    /// `admin_pelaksana`: the OPD that follows up and talks with the citizen.
    OpdAdmin,
    /// `pengawas`: reads, changes nothing.
    Overseer,
    /// Runs the deployment: organisations, accounts, categories; not reports.
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Citizen,
        Role::NationalAdmin,
        Role::Coordinator,
        Role::OpdAdmin,
        Role::Overseer,
        Role::SystemAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "pelapor",
            Role::NationalAdmin => "admin_nasional",
            Role::Coordinator => "admin_instansi",
            Role::OpdAdmin => "admin_pelaksana",
            Role::Overseer => "pengawas",
            Role::SystemAdmin => "admin_sistem",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Citizen => "role.pelapor",
            Role::NationalAdmin => "role.admin_nasional",
            Role::Coordinator => "role.admin_instansi",
            Role::OpdAdmin => "role.admin_pelaksana",
            Role::Overseer => "role.pengawas",
            Role::SystemAdmin => "role.admin_sistem",
        }
    }

    /// Roles that verify and route: the coordinator and, above it, the national admin.
    pub fn routes(self) -> bool {
        matches!(self, Role::Coordinator | Role::NationalAdmin)
    }
}

/// Why a report is archived without follow-up (DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArchiveReason {
    TooGeneral,
    NotPublicService,
    Duplicate,
    OutOfScope,
}

impl ArchiveReason {
    pub const ALL: [ArchiveReason; 4] = [
        ArchiveReason::TooGeneral,
        ArchiveReason::NotPublicService,
        ArchiveReason::Duplicate,
        ArchiveReason::OutOfScope,
    ];

    pub fn from_code(code: &str) -> Option<ArchiveReason> {
        ArchiveReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Translation key of the reason as the citizen reads it.
    pub fn label_key(self) -> &'static str {
        match self {
            ArchiveReason::TooGeneral => "archive.too_general",
            ArchiveReason::NotPublicService => "archive.not_public_service",
            ArchiveReason::Duplicate => "archive.duplicate",
            ArchiveReason::OutOfScope => "archive.out_of_scope",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ArchiveReason::TooGeneral => "too_general",
            ArchiveReason::NotPublicService => "not_public_service",
            ArchiveReason::Duplicate => "duplicate",
            ArchiveReason::OutOfScope => "out_of_scope",
        }
    }
}

/// Something an actor does to a report that may change its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// The coordinator confirms the report is a real, complete report about a public service.
    Verify,
    /// The coordinator forwards (disposisi) the verified report to one of its OPDs.
    Dispose,
    /// The OPD starts its follow-up (its first reply does this too).
    StartWork,
    /// Ask the citizen for missing information; the deadline clocks pause.
    Hold,
    /// The missing information arrived; back to where the report was before the hold.
    Resume,
    /// The OPD finished; requires a closing message.
    Resolve,
    /// The OPD hands the report back to the coordinator: not its authority.
    HandBack,
    /// Rejected with a stated reason.
    Archive(ArchiveReason),
    /// The citizen disagrees with the result, within the contest window.
    Contest,
}

pub use crate::error::Refusal;

/// Where `action` by `role` takes a report in status `from`. `before_hold` is the status the
/// report had when it was put on hold (only read for [`Action::Resume`]).
pub fn next_status(
    from: Status,
    action: Action,
    role: Role,
    before_hold: Option<Status>,
) -> Result<Status, Refusal> {
    use Action::*;
    use Status::*;
    let allowed_role = match action {
        Verify | Dispose | Archive(_) => role.routes(),
        StartWork | Resolve | HandBack => role == Role::OpdAdmin,
        Hold | Resume => role.routes() || role == Role::OpdAdmin,
        Contest => role == Role::Citizen,
    };
    if !allowed_role {
        return Err(Refusal::NotYourRole);
    }
    let to = match (action, from) {
        (Verify, Submitted) => Verified,
        (Dispose, Verified) => Disposed,
        (StartWork, Disposed) => InProgress,
        // The coordinator holds before forwarding, the OPD while following up.
        (Hold, Submitted | Verified) if role.routes() => OnHold,
        (Hold, Disposed | InProgress) if role == Role::OpdAdmin => OnHold,
        (Resume, OnHold) => match before_hold {
            Some(s @ (Submitted | Verified)) if role.routes() => s,
            Some(s @ (Disposed | InProgress)) if role == Role::OpdAdmin => s,
            _ => return Err(Refusal::WrongStatus),
        },
        (Resolve, InProgress) => Resolved,
        (HandBack, Disposed | InProgress) => Verified,
        (Archive(_), Submitted | Verified) => Archived,
        (Contest, Resolved) => InProgress,
        _ => return Err(Refusal::WrongStatus),
    };
    Ok(to)
}

/// An official may make a report stricter (anonymous, confidential) but never looser.
/// Returns the flags to store.
pub fn tighten(current: (bool, bool), requested: (bool, bool)) -> (bool, bool) {
    (current.0 || requested.0, current.1 || requested.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Status::*;

    /// Every action, each with some argument.
    const EVERY_ACTION: [Action; 9] = [
        Verify,
        Dispose,
        StartWork,
        Hold,
        Resume,
        Resolve,
        HandBack,
        Archive(ArchiveReason::Duplicate),
        Contest,
    ];

    #[test]
    fn the_happy_path_from_submission_to_resolution() {
        let c = Role::Coordinator;
        let opd = Role::OpdAdmin;
        assert_eq!(next_status(Submitted, Verify, c, None), Ok(Verified));
        assert_eq!(next_status(Verified, Dispose, c, None), Ok(Disposed));
        assert_eq!(next_status(Disposed, StartWork, opd, None), Ok(InProgress));
        assert_eq!(next_status(InProgress, Resolve, opd, None), Ok(Resolved));
        assert_eq!(
            next_status(Resolved, Contest, Role::Citizen, None),
            Ok(InProgress)
        );
    }

    #[test]
    fn bukan_wewenang_returns_the_report_to_the_coordinator() {
        assert_eq!(
            next_status(Disposed, HandBack, Role::OpdAdmin, None),
            Ok(Verified)
        );
        assert_eq!(
            next_status(InProgress, HandBack, Role::OpdAdmin, None),
            Ok(Verified)
        );
        assert_eq!(
            next_status(Verified, Dispose, Role::Coordinator, None),
            Ok(Disposed)
        );
    }

    #[test]
    fn a_hold_resumes_where_it_was() {
        assert_eq!(
            next_status(InProgress, Hold, Role::OpdAdmin, None),
            Ok(OnHold)
        );
        assert_eq!(
            next_status(OnHold, Resume, Role::OpdAdmin, Some(InProgress)),
            Ok(InProgress)
        );
        assert_eq!(
            next_status(Submitted, Hold, Role::Coordinator, None),
            Ok(OnHold)
        );
        assert_eq!(
            next_status(OnHold, Resume, Role::Coordinator, Some(Submitted)),
            Ok(Submitted)
        );
        // Each side resumes only its own holds.
        assert_eq!(
            next_status(OnHold, Resume, Role::Coordinator, Some(InProgress)),
            Err(Refusal::WrongStatus)
        );
        assert_eq!(
            next_status(OnHold, Resume, Role::OpdAdmin, Some(Verified)),
            Err(Refusal::WrongStatus)
        );
        assert_eq!(
            next_status(OnHold, Resume, Role::OpdAdmin, None),
            Err(Refusal::WrongStatus)
        );
        assert_eq!(
            next_status(Disposed, Hold, Role::Coordinator, None),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn archived_and_resolved_reports_do_not_move_except_by_contest() {
        // Contest is the one way out of "resolved"; it is checked below.
        for action in EVERY_ACTION.into_iter().filter(|a| *a != Contest) {
            for role in Role::ALL {
                assert!(
                    next_status(Archived, action, role, Some(InProgress)).is_err(),
                    "{action:?} by {role:?}"
                );
                assert!(
                    next_status(Resolved, action, role, Some(InProgress)).is_err(),
                    "{action:?} by {role:?}"
                );
            }
        }
        assert_eq!(
            next_status(Archived, Contest, Role::Citizen, None),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn each_role_keeps_to_its_own_actions() {
        assert_eq!(
            next_status(Submitted, Verify, Role::OpdAdmin, None),
            Err(Refusal::NotYourRole)
        );
        assert_eq!(
            next_status(InProgress, Resolve, Role::Coordinator, None),
            Err(Refusal::NotYourRole)
        );
        assert_eq!(
            next_status(Verified, Dispose, Role::Citizen, None),
            Err(Refusal::NotYourRole)
        );
        assert_eq!(
            next_status(Resolved, Contest, Role::OpdAdmin, None),
            Err(Refusal::NotYourRole)
        );
        assert_eq!(
            next_status(Submitted, Verify, Role::NationalAdmin, None),
            Ok(Verified)
        );
        for status in Status::ALL {
            for action in EVERY_ACTION {
                assert_eq!(
                    next_status(status, action, Role::Overseer, Some(Submitted)),
                    Err(Refusal::NotYourRole)
                );
                assert_eq!(
                    next_status(status, action, Role::SystemAdmin, Some(Submitted)),
                    Err(Refusal::NotYourRole)
                );
            }
        }
    }

    #[test]
    fn only_unrouted_reports_are_archived() {
        let dup = Archive(ArchiveReason::Duplicate);
        assert_eq!(
            next_status(Submitted, dup, Role::Coordinator, None),
            Ok(Archived)
        );
        assert_eq!(
            next_status(Verified, dup, Role::Coordinator, None),
            Ok(Archived)
        );
        assert_eq!(
            next_status(Disposed, dup, Role::Coordinator, None),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn privacy_flags_only_ever_tighten() {
        assert_eq!(tighten((false, false), (true, false)), (true, false));
        assert_eq!(tighten((true, true), (false, false)), (true, true));
        assert_eq!(tighten((true, false), (false, true)), (true, true));
    }
}
