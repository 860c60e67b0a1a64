//! `[interpretation]`: the settings of the policy interpretation check
//! ([`crate::checks::interpretations`]).

use crate::calendar::Calendar;

/// Title patterns of documents that need no interpretation (default `exclude_titles`).
pub const DEFAULT_EXCLUDE_TITLES: &[&str] = &[
    "任免", "任职", "免职", "会议", "更正", "勘误", "废止", "撤销",
];

/// The `[interpretation]` settings of targets.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Policy documents published within this many months before the check point are judged.
    pub window_months: u32,
    /// An interpretation more than this many working days after its document is late.
    pub max_working_days: i64,
    /// Title substrings of documents that need no interpretation.
    pub exclude_titles: Vec<String>,
    pub calendar: Calendar,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            window_months: 12,
            max_working_days: 3,
            exclude_titles: DEFAULT_EXCLUDE_TITLES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            calendar: Calendar::china(),
        }
    }
}
