//! A finding and the names of the checks that write one (the findings.jsonl contract).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A veto item (单项否决): the site fails whatever its score.
    Veto,
    /// Costs points (扣分).
    Deduction,
    /// Worth fixing, costs nothing.
    Warning,
    /// Needs a person to look (bot walls, logins, suspected forgery).
    Review,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Veto => "veto",
            Severity::Deduction => "deduction",
            Severity::Warning => "warning",
            Severity::Review => "review",
        }
    }
    pub fn parse(s: &str) -> Severity {
        match s {
            "veto" => Severity::Veto,
            "deduction" => Severity::Deduction,
            "warning" => Severity::Warning,
            _ => Severity::Review,
        }
    }
    /// The label a webmaster reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Veto => "单项否决",
            Severity::Deduction => "扣分",
            Severity::Warning => "提醒",
            Severity::Review => "需人工核查",
        }
    }
}

/// Check names, as in the findings.jsonl contract.
pub const BROKEN_LINK: &str = "broken_link";
pub const LINK_NEEDS_REVIEW: &str = "link_needs_review";
pub const STALE_COLUMN: &str = "stale_column";
pub const EMPTY_COLUMN: &str = "empty_column";
pub const HOMEPAGE_NOT_UPDATED: &str = "homepage_not_updated";
pub const SUSPECT_DATE: &str = "suspect_date";
pub const SITE_UNREACHABLE: &str = "site_unreachable";
pub const TOO_FEW_PROBES: &str = "too_few_probes";
pub const TLS_CERTIFICATE: &str = "tls_certificate";
pub const IPV6_NOT_READY: &str = "ipv6_not_ready";
pub const MISSING_METADATA: &str = "missing_metadata";
pub const METADATA_MISMATCH: &str = "metadata_mismatch";
pub const MISSING_INTERPRETATION: &str = "missing_interpretation";
pub const LATE_INTERPRETATION: &str = "late_interpretation";
pub const UNLINKED_INTERPRETATION: &str = "unlinked_interpretation";
pub const UNANSWERED_MESSAGE: &str = "unanswered_message";
pub const LATE_REPLY: &str = "late_reply";
pub const SOLICITATION_WITHOUT_FEEDBACK: &str = "solicitation_without_feedback";
pub const SHORT_SOLICITATION_PERIOD: &str = "short_solicitation_period";
pub const NO_CONSULTATION_CHANNEL: &str = "no_consultation_channel";

const CHECKS: &[&str] = &[
    BROKEN_LINK,
    LINK_NEEDS_REVIEW,
    "stale_column",
    "empty_column",
    "homepage_not_updated",
    "missing_interpretation",
    "late_interpretation",
    "unlinked_interpretation",
    "unanswered_message",
    "late_reply",
    "solicitation_without_feedback",
    "site_unreachable",
    "missing_metadata",
    "suspect_date",
    TOO_FEW_PROBES,
    TLS_CERTIFICATE,
    IPV6_NOT_READY,
    METADATA_MISMATCH,
    SHORT_SOLICITATION_PERIOD,
    NO_CONSULTATION_CHANNEL,
];

/// Every check name this version writes.
pub fn all_checks() -> &'static [&'static str] {
    CHECKS
}

/// The static name of a check read back from the store.
pub fn check_name(s: &str) -> &'static str {
    CHECKS
        .iter()
        .find(|c| **c == s)
        .copied()
        .unwrap_or("unknown")
}

/// One problem, as written to findings.jsonl (see `outputs.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable across runs: the same problem next month has the same id.
    pub id: String,
    pub site: String,
    pub check: &'static str,
    pub severity: Severity,
    /// The object the finding is about.
    pub url: String,
    /// The page where it was observed.
    pub page_url: String,
    pub observed_at: String,
    /// When this id was first reported (filled from the history store).
    pub first_seen: String,
    pub evidence: serde_json::Value,
}

impl Finding {
    /// A finding with its stable `id` derived from check, site, object and page
    /// ([`finding_id`]); `first_seen` is filled in by the store.
    pub fn new(
        check: &'static str,
        severity: Severity,
        site: &str,
        url: &str,
        page_url: &str,
        observed_at: &str,
        evidence: serde_json::Value,
    ) -> Finding {
        Finding {
            id: finding_id(check, site, url, page_url),
            site: site.to_string(),
            check,
            severity,
            url: url.to_string(),
            page_url: page_url.to_string(),
            observed_at: observed_at.to_string(),
            first_seen: String::new(),
            evidence,
        }
    }
}

/// The stable id of a problem: a hash of check, site, object and page.
pub fn finding_id(check: &str, site: &str, url: &str, page_url: &str) -> String {
    let mut h = Sha256::new();
    for part in [check, site, url, page_url] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}
