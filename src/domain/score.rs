//! A site's verdict as data: veto items hit, deductions per indicator, score, pass. Computed by
//! [`crate::score`] (which also gives them their words), stored with the run.

use serde::Serialize;

/// A veto item hit, with what was measured and the threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VetoHit {
    pub key: String,
    pub indicator: String,
    pub value: String,
    pub threshold: String,
}

/// The deductions under one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deduction {
    pub key: &'static str,
    pub indicator: &'static str,
    /// How many problems counted.
    pub count: usize,
    /// Sum before the cap.
    pub raw: f64,
    pub cap: f64,
    /// What is taken off: `min(raw, cap)`.
    pub points: f64,
}

/// A site's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteScore {
    pub vetoes: Vec<VetoHit>,
    pub deductions: Vec<Deduction>,
    /// 100 minus the deductions (shown even when a veto fails the site).
    pub score: f64,
    pub pass: bool,
}
