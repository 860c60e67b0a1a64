//! `[scoring]`: the deduction values and caps [`crate::score`] reads.

use serde::{Deserialize, Serialize};

/// Deduction values and caps (`[scoring]` in targets.toml). Every key is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringConfig {
    /// Below this score the site fails (不合格).
    pub pass_mark: f64,
    /// Points per broken link on the homepage.
    pub broken_link_homepage: f64,
    /// Points per broken link on any other page.
    pub broken_link_other: f64,
    /// Share of the links indicator (链接可用性): its deductions never exceed it.
    pub links_cap: f64,
    /// Points per stale first-level notice/policy column (below the veto count).
    pub stale_policy_column: f64,
    /// Points per other stale (or undated) column.
    pub stale_column: f64,
    /// Points per empty column.
    pub empty_column: f64,
    /// Share of the columns indicator (栏目更新).
    pub columns_cap: f64,
    /// Points per page-metadata finding (missing_metadata, metadata_mismatch).
    pub metadata: f64,
    /// Share of the metadata indicator (页面元数据).
    pub metadata_cap: f64,
    /// Points per other finding of severity `deduction` (checks without their own key).
    pub other: f64,
    /// Share of the other deductions.
    pub other_cap: f64,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            pass_mark: 60.0,
            broken_link_homepage: 1.0,
            broken_link_other: 0.1,
            links_cap: 10.0,
            stale_policy_column: 5.0,
            stale_column: 1.0,
            empty_column: 2.0,
            columns_cap: 30.0,
            metadata: 0.5,
            metadata_cap: 5.0,
            other: 1.0,
            other_cap: 10.0,
        }
    }
}
