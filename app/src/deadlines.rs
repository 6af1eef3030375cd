//! The clocks every report carries (DOMAIN.md, "Deadlines"), as a pure function of its status
//! history.
//!
//! - **verification**: from receipt until the coordinator verifies (or archives) it;
//! - **first follow-up**: from disposition to the OPD until the OPD's first follow-up (a reply
//!   or "start"); a "bukan wewenang" hand-back voids it and the next disposition starts anew;
//! - **resolution**: from receipt until "Selesai"; a contest resumes it where it stopped;
//! - **contest window**: from "Selesai" until the citizen confirms, contests, or it runs out
//!   and the report closes for good.
//!
//! Every clock counts working time ([`crate::calendar`]) and stands still while the report is
//! on hold. The history starts at the report's *received-at*, which for a report entered by
//! hand is when the citizen complained, not when it was typed in.
//!
//! [`clocks`] is what the pages, the figures and the scheduled job all use, so "overdue" means
//! one thing everywhere. The store keeps its results in columns of `reports` (due moments of
//! running clocks, measured durations of stopped ones) so that "overdue now" and the figures
//! are plain SQL over indexed columns.

use crate::calendar::{DAY, WorkCalendar};
use crate::lifecycle::Status;
use serde::{Deserialize, Serialize};

/// How long each clock may run, in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub verify_days: i64,
    pub follow_up_days: i64,
    /// The default; a category may set its own.
    pub resolve_days: i64,
    pub contest_days: i64,
}

impl Default for Policy {
    /// DOMAIN.md's defaults: 3, 5, 30 and 10 working days.
    fn default() -> Self {
        Policy {
            verify_days: 3,
            follow_up_days: 5,
            resolve_days: 30,
            contest_days: 10,
        }
    }
}

impl Policy {
    /// Upper bound a length may be set to (Perpres 76/2013 allows at most 60 days to resolve).
    pub const MAX_DAYS: i64 = 60;

    pub fn limit_secs(&self, kind: ClockKind) -> i64 {
        DAY * match kind {
            ClockKind::Verify => self.verify_days,
            ClockKind::FollowUp => self.follow_up_days,
            ClockKind::Resolve => self.resolve_days,
            ClockKind::Contest => self.contest_days,
        }
    }
}

/// Which clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockKind {
    Verify,
    FollowUp,
    Resolve,
    Contest,
}

impl ClockKind {
    pub const ALL: [ClockKind; 4] = [
        ClockKind::Verify,
        ClockKind::FollowUp,
        ClockKind::Resolve,
        ClockKind::Contest,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            ClockKind::Verify => "deadline.verify",
            ClockKind::FollowUp => "deadline.follow_up",
            ClockKind::Resolve => "deadline.resolve",
            ClockKind::Contest => "deadline.contest",
        }
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockState {
    /// Not started yet, or voided (a hand-back voids the follow-up clock; an archived report
    /// is never resolved).
    Idle,
    /// Counting; the deadline is `due_at` (in the past when overdue).
    Running { due_at: i64 },
    /// Started, standing still while the report is on hold.
    Paused,
    /// Stopped at `at`: the step it measures was taken.
    Stopped { at: i64 },
}

/// One clock of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub kind: ClockKind,
    pub limit_secs: i64,
    /// Working seconds counted so far (until `now`, or until it stopped).
    pub used_secs: i64,
    pub state: ClockState,
}

impl Clock {
    fn idle(kind: ClockKind, policy: &Policy) -> Clock {
        Clock {
            kind,
            limit_secs: policy.limit_secs(kind),
            used_secs: 0,
            state: ClockState::Idle,
        }
    }

    /// Working seconds left; negative when overdue.
    pub fn left_secs(&self) -> i64 {
        self.limit_secs - self.used_secs
    }

    /// Whether it is counting or paused (the step is still to be taken).
    pub fn is_open(&self) -> bool {
        matches!(self.state, ClockState::Running { .. } | ClockState::Paused)
    }

    /// Whether it is open and past its limit.
    pub fn is_overdue(&self) -> bool {
        self.is_open() && self.used_secs > self.limit_secs
    }

    /// For a stopped clock: whether the step was taken within the limit.
    pub fn within(&self) -> Option<bool> {
        match self.state {
            ClockState::Stopped { .. } => Some(self.used_secs <= self.limit_secs),
            _ => None,
        }
    }

    /// The deadline of a running clock.
    pub fn due_at(&self) -> Option<i64> {
        match self.state {
            ClockState::Running { due_at } => Some(due_at),
            _ => None,
        }
    }

    /// The measured duration of a stopped clock.
    pub fn taken_secs(&self) -> Option<i64> {
        matches!(self.state, ClockState::Stopped { .. }).then_some(self.used_secs)
    }
}

/// A report entered `status` at `at`. The first entry of a history is `Submitted` at the
/// report's received-at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub at: i64,
    pub status: Status,
}

/// All four clocks of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clocks {
    pub verify: Clock,
    pub follow_up: Clock,
    pub resolve: Clock,
    pub contest: Clock,
}

impl Clocks {
    pub fn all(&self) -> [Clock; 4] {
        [self.verify, self.follow_up, self.resolve, self.contest]
    }

    /// The clock that matters now: the running one due first, else a paused one.
    pub fn current(&self) -> Option<Clock> {
        let all = self.all();
        all.iter()
            .filter_map(|c| c.due_at().map(|d| (d, *c)))
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c)
            .or_else(|| all.into_iter().find(|c| c.state == ClockState::Paused))
    }

    /// Whether any open clock is past its limit.
    pub fn is_overdue(&self) -> bool {
        self.all().iter().any(Clock::is_overdue)
    }
}

/// Per clock: working seconds counted before the current segment, and where that segment
/// started, while it runs.
struct Counter {
    clock: Clock,
    /// Start of the segment the clock is running in.
    since: Option<i64>,
}

impl Counter {
    fn start(&mut self, at: i64, fresh: bool) {
        if fresh {
            self.clock.used_secs = 0;
        }
        self.clock.state = ClockState::Paused;
        self.since = Some(at);
    }

    /// Counts the segment `[since, until)` and stands still.
    fn pause(&mut self, until: i64, cal: &WorkCalendar) {
        if let Some(since) = self.since.take() {
            self.clock.used_secs += cal.working_secs(since, until);
        }
        if self.clock.is_open() {
            self.clock.state = ClockState::Paused;
        }
    }

    fn stop(&mut self, at: i64, cal: &WorkCalendar) {
        self.pause(at, cal);
        self.clock.state = ClockState::Stopped { at };
    }

    fn void(&mut self) {
        self.since = None;
        self.clock.used_secs = 0;
        self.clock.state = ClockState::Idle;
    }

    /// Runs again from `at` (after a hold, or a contest).
    fn resume(&mut self, at: i64) {
        self.clock.state = ClockState::Paused;
        self.since = Some(at);
    }

    /// At the end of the history: a clock still counting gets its deadline and its count up
    /// to `now`.
    fn finish(mut self, now: i64, cal: &WorkCalendar) -> Clock {
        if let Some(since) = self.since {
            let left = self.clock.limit_secs - self.clock.used_secs;
            // Already past the limit when this segment began: due when it began.
            let due_at = if left >= 0 {
                cal.add_working_secs(since, left)
            } else {
                since
            };
            self.clock.used_secs += cal.working_secs(since, now);
            self.clock.state = ClockState::Running { due_at };
        }
        self.clock
    }
}

/// The clocks of a report with this status `history` (oldest first, starting with
/// `Submitted` at received-at), closed for good at `closed_at` (confirmed by the citizen or
/// its contest window ran out), as of `now`. `policy` carries the report's own lengths (the
/// category's resolution length, where it has one).
pub fn clocks(
    history: &[Transition],
    closed_at: Option<i64>,
    now: i64,
    cal: &WorkCalendar,
    policy: &Policy,
) -> Clocks {
    let counter = |kind| Counter {
        clock: Clock::idle(kind, policy),
        since: None,
    };
    let (mut verify, mut follow, mut resolve, mut contest) = (
        counter(ClockKind::Verify),
        counter(ClockKind::FollowUp),
        counter(ClockKind::Resolve),
        counter(ClockKind::Contest),
    );
    let mut previous: Option<Status> = None;
    for t in history {
        use Status::*;
        let (at, to) = (t.at, t.status);
        // Every counting clock counts up to this moment; what happens next depends on `to`.
        for c in [&mut verify, &mut follow, &mut resolve, &mut contest] {
            c.pause(at, cal);
        }
        match previous {
            None => {
                verify.start(at, true);
                resolve.start(at, true);
            }
            Some(from) => {
                if verify.clock.is_open() && !matches!(to, Submitted | OnHold) {
                    verify.stop(at, cal);
                }
                if to == Disposed && from != OnHold {
                    follow.start(at, true);
                } else if follow.clock.is_open() {
                    match to {
                        InProgress | Resolved => follow.stop(at, cal),
                        Verified | Archived => follow.void(),
                        _ => {}
                    }
                }
                match to {
                    Resolved => {
                        resolve.stop(at, cal);
                        contest.start(at, true);
                    }
                    Archived => resolve.void(),
                    _ => {
                        if contest.clock.is_open() {
                            // Contested: the window is over, resolution counts again.
                            contest.void();
                        }
                    }
                }
            }
        }
        // Which open clocks run in the new status.
        if to != OnHold {
            if verify.clock.is_open() && to == Submitted {
                verify.resume(at);
            }
            if follow.clock.is_open() && to == Disposed {
                follow.resume(at);
            }
            let resolving = !matches!(to, Resolved | Archived);
            if resolving && matches!(resolve.clock.state, ClockState::Stopped { .. }) {
                resolve.clock.state = ClockState::Paused;
            }
            if resolving && resolve.clock.is_open() {
                resolve.resume(at);
            }
            if contest.clock.is_open() && to == Resolved {
                contest.resume(at);
            }
        }
        previous = Some(to);
    }
    if let Some(closed) = closed_at.filter(|_| contest.clock.is_open()) {
        contest.stop(closed, cal);
    }
    Clocks {
        verify: verify.finish(now, cal),
        follow_up: follow.finish(now, cal),
        resolve: resolve.finish(now, cal),
        contest: contest.finish(now, cal),
    }
}

/// A report's deadline as a list or a thread shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub kind: ClockKind,
    /// `None` while paused (on hold).
    pub due_at: Option<i64>,
    /// Working seconds left; negative when overdue.
    pub left_secs: i64,
}

impl DeadlineView {
    pub fn of(clock: &Clock) -> Option<DeadlineView> {
        clock.is_open().then(|| DeadlineView {
            kind: clock.kind,
            due_at: clock.due_at(),
            left_secs: clock.left_secs(),
        })
    }

    pub fn overdue(&self) -> bool {
        self.left_secs < 0
    }
}

/// The admin's holiday form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HolidayInput {
    pub date: String,
    pub name: String,
    pub kind: String,
}

/// The admin's form of deadline lengths, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyInput {
    pub verify_days: String,
    pub follow_up_days: String,
    pub resolve_days: String,
    pub contest_days: String,
}

/// A category's own resolution length, as typed (empty: the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryDaysInput {
    /// Filled from the form's address, to show an error next to the right category.
    pub category_id: String,
    pub resolve_days: String,
}

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;
    use time::UtcOffset;

    fn cal() -> WorkCalendar {
        WorkCalendar::new(
            UtcOffset::from_hms(8, 0, 0).expect("offset"),
            ["2026-12-24", "2026-12-25"],
        )
    }

    /// Monday 23 November 2026, 00.00 WITA.
    const MON: i64 = 1_795_363_200;
    const H: i64 = 3600;

    fn history(steps: &[(i64, Status)]) -> Vec<Transition> {
        steps
            .iter()
            .map(|&(at, status)| Transition { at, status })
            .collect()
    }

    fn run(steps: &[(i64, Status)], now: i64) -> Clocks {
        clocks(&history(steps), None, now, &cal(), &Policy::default())
    }

    #[test]
    fn a_fresh_report_counts_verification_and_resolution() {
        let c = run(&[(MON + 10 * H, Submitted)], MON + 34 * H);
        assert_eq!(c.verify.used_secs, DAY);
        // Monday 10.00 + 3 working days = Thursday 10.00.
        assert_eq!(c.verify.due_at(), Some(MON + 3 * DAY + 10 * H));
        assert_eq!(c.follow_up.state, ClockState::Idle);
        assert!(c.resolve.due_at().is_some());
        assert_eq!(c.current().map(|c| c.kind), Some(ClockKind::Verify));
        assert!(!c.is_overdue());
    }

    #[test]
    fn verification_late_after_a_weekend() {
        // Received Monday 10.00, nothing done; on the next Monday at 10.00 five working days
        // have passed: two over the limit.
        let c = run(&[(MON + 10 * H, Submitted)], MON + 7 * DAY + 10 * H);
        assert_eq!(c.verify.used_secs, 5 * DAY);
        assert_eq!(c.verify.left_secs(), -2 * DAY);
        assert!(c.is_overdue());
    }

    #[test]
    fn each_step_stops_its_clock_and_starts_the_next() {
        let c = run(
            &[
                (MON, Submitted),
                (MON + 12 * H, Verified),
                (MON + DAY, Disposed),
                (MON + DAY + 18 * H, InProgress),
                (MON + 4 * DAY, Resolved),
            ],
            MON + 5 * DAY,
        );
        assert_eq!(c.verify.taken_secs(), Some(12 * H));
        assert_eq!(c.verify.within(), Some(true));
        assert_eq!(c.follow_up.taken_secs(), Some(18 * H));
        assert_eq!(c.resolve.taken_secs(), Some(4 * DAY));
        assert_eq!(c.resolve.within(), Some(true));
        // The contest window runs from Friday 00.00: one working day so far.
        assert_eq!(c.contest.used_secs, DAY);
        assert_eq!(c.current().map(|c| c.kind), Some(ClockKind::Contest));
    }

    #[test]
    fn time_on_hold_does_not_count() {
        // Verified at once; disposed Monday; the OPD asks for information on Tuesday 00.00 and
        // the citizen answers on Friday 00.00: Tuesday–Thursday do not count.
        let c = run(
            &[
                (MON, Submitted),
                (MON, Verified),
                (MON, Disposed),
                (MON + DAY, OnHold),
                (MON + 4 * DAY, Disposed),
            ],
            MON + 5 * DAY,
        );
        assert_eq!(c.follow_up.used_secs, 2 * DAY);
        assert_eq!(c.resolve.used_secs, 2 * DAY);
        // Resumed Friday 00.00 with 4 days left: Friday, Monday, Tuesday, Wednesday → due
        // Thursday 3 December 00.00.
        assert_eq!(c.follow_up.due_at(), Some(MON + 10 * DAY));
        // While on hold, the clocks stand still and nothing is overdue.
        let held = run(&[(MON, Submitted), (MON + DAY, OnHold)], MON + 30 * DAY);
        assert_eq!(held.verify.state, ClockState::Paused);
        assert_eq!(held.verify.used_secs, DAY);
        assert!(!held.is_overdue());
        assert_eq!(held.current().map(|c| c.kind), Some(ClockKind::Verify));
    }

    #[test]
    fn a_hand_back_voids_the_follow_up_clock() {
        let c = run(
            &[
                (MON, Submitted),
                (MON, Verified),
                (MON, Disposed),
                (MON + DAY, Verified),
                (MON + 2 * DAY, Disposed),
            ],
            MON + 2 * DAY + 6 * H,
        );
        assert_eq!(c.follow_up.used_secs, 6 * H);
        // Wednesday 00.00 + 5 working days = Wednesday 2 December 00.00.
        assert_eq!(c.follow_up.due_at(), Some(MON + 9 * DAY));
    }

    #[test]
    fn a_contest_resumes_the_resolution_clock() {
        let c = run(
            &[
                (MON, Submitted),
                (MON, Verified),
                (MON, Disposed),
                (MON, InProgress),
                (MON + 2 * DAY, Resolved),
                (MON + 4 * DAY, InProgress),
            ],
            MON + 4 * DAY + 12 * H,
        );
        // Two days before "Selesai", half a day since the contest; the two days in between
        // do not count.
        assert_eq!(c.resolve.used_secs, 2 * DAY + 12 * H);
        assert_eq!(c.contest.state, ClockState::Idle);
        assert!(c.resolve.due_at().is_some());
    }

    #[test]
    fn the_contest_window_closes() {
        let steps = [
            (MON, Submitted),
            (MON, Verified),
            (MON, Disposed),
            (MON, InProgress),
            (MON + DAY, Resolved),
        ];
        let open = run(&steps, MON + DAY);
        // Tuesday 00.00 + 10 working days: two weeks later.
        assert_eq!(open.contest.due_at(), Some(MON + 15 * DAY));
        let closed = clocks(
            &history(&steps),
            Some(MON + 15 * DAY),
            MON + 20 * DAY,
            &cal(),
            &Policy::default(),
        );
        assert_eq!(closed.contest.taken_secs(), Some(10 * DAY));
        assert_eq!(closed.current(), None);
    }

    #[test]
    fn archived_reports_are_never_resolved() {
        let c = run(&[(MON, Submitted), (MON + H, Archived)], MON + 90 * DAY);
        assert_eq!(c.verify.taken_secs(), Some(H));
        assert_eq!(c.resolve.state, ClockState::Idle);
        assert!(!c.is_overdue());
    }

    #[test]
    fn a_report_received_long_before_it_was_typed_in_is_late_at_once() {
        // Collected by hand three weeks before the system was back: entered on Monday with
        // its original date, it is already past the verification deadline.
        let c = run(&[(MON - 21 * DAY, Submitted)], MON);
        assert!(c.verify.is_overdue());
        assert_eq!(c.verify.used_secs, 15 * DAY);
    }

    #[test]
    fn christmas_does_not_count() {
        // Wednesday 23 December 2026 00.00, verified Monday 28th 00.00: only the 23rd counts.
        let wed = MON + 30 * DAY;
        let c = run(
            &[(wed, Submitted), (wed + 5 * DAY, Verified)],
            wed + 6 * DAY,
        );
        assert_eq!(c.verify.taken_secs(), Some(DAY));
    }
}
