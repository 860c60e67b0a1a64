//! The limits of the message and solicitation checks ([`crate::checks::messages`]): reply time
//! (a column's `reply_days`), veto and staleness months, feedback grace and shortest period.

use crate::calendar::Calendar;

/// The limits, with the indicators' defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Expected reply time in working days (default 10).
    pub reply_days: i64,
    /// A message unanswered this many months is a veto (3).
    pub veto_months: u32,
    /// Published replies older than this many months make the column stale (2).
    pub stale_months: u32,
    /// Days after a solicitation closes before its feedback is due (30).
    pub feedback_grace_days: i64,
    /// Shortest period for a regulation draft, in days (30).
    pub min_period_days: i64,
    /// Working days (`[calendar]`: China's official holidays plus configured days).
    pub calendar: Calendar,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            reply_days: 10,
            veto_months: 3,
            stale_months: 2,
            feedback_grace_days: 30,
            min_period_days: 30,
            calendar: Calendar::china(),
        }
    }
}
