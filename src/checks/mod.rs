//! Checks: what is wrong, judged from what the crawl stored. No I/O.
//!
//! Each check is a function from stored facts (URL results, page links, …) to [`Finding`]s, so
//! it can be tested on fixtures and a report can be rebuilt without crawling again. A finding
//! always carries its evidence: the page, the object, and what was observed.
//!
//! | check | module |
//! |---|---|
//! | `broken_link`, `link_needs_review` | [`links`] |
//! | `stale_column`, `empty_column`, `homepage_not_updated`, `suspect_date` | [`columns`] |
//! | `site_unreachable`, `too_few_probes`, `tls_certificate`, `ipv6_not_ready` | [`availability`] |
//! | `missing_metadata`, `metadata_mismatch` | [`metadata`] |
//! | `missing_interpretation`, `late_interpretation`, `unlinked_interpretation` | [`interpretations`] |
//! | `unanswered_message`, `late_reply`, `solicitation_without_feedback`, `short_solicitation_period`, `no_consultation_channel` | [`messages`] |

pub mod availability;
pub mod columns;
pub mod interpretations;
pub mod links;
pub mod messages;
pub mod metadata;

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
    availability::TOO_FEW_PROBES,
    availability::TLS_CERTIFICATE,
    availability::IPV6_NOT_READY,
    metadata::METADATA_MISMATCH,
    messages::SHORT_SOLICITATION_PERIOD,
    messages::NO_CONSULTATION_CHANNEL,
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

/// Checks whose finding is about the site as a whole (probes, transport, metadata counted
/// over every page, the consultation channel), not about what one page showed.
const SITE_LEVEL: &[&str] = &[
    "site_unreachable",
    "too_few_probes",
    "tls_certificate",
    "ipv6_not_ready",
    "missing_metadata",
    "metadata_mismatch",
    "no_consultation_channel",
];

/// Says in the evidence of every finding observed on a page that was to be rendered
/// ([`crate::render`]) how that page was read: `rendered: true` when from the DOM headless
/// Chromium built, `render_failed: WHY` when it was read statically instead. `pages` maps the
/// page's URL (as crawled, and as redirected to) to its stored `pages.render`
/// ([`crate::store::Store::rendered_pages`]). Findings of pages read as usual are left as they
/// are.
pub fn mark_rendered(findings: &mut [Finding], pages: &std::collections::HashMap<String, String>) {
    if pages.is_empty() {
        return;
    }
    for f in findings {
        if SITE_LEVEL.contains(&f.check) {
            continue;
        }
        let Some(how) = pages
            .get(&f.page_url)
            .and_then(|r| crate::render::Rendering::parse(r))
        else {
            continue;
        };
        let Some(e) = f.evidence.as_object_mut() else {
            continue;
        };
        match how {
            crate::render::Rendering::Rendered(_) => {
                e.insert("rendered".into(), serde_json::Value::Bool(true));
            }
            crate::render::Rendering::Failed(why) => {
                e.insert("render_failed".into(), serde_json::Value::String(why));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_ids_are_stable_and_distinguish_pages() {
        let a = finding_id(BROKEN_LINK, "mee", "http://x/a", "http://x/");
        assert_eq!(a, finding_id(BROKEN_LINK, "mee", "http://x/a", "http://x/"));
        assert_ne!(
            a,
            finding_id(BROKEN_LINK, "mee", "http://x/a", "http://x/b")
        );
        assert_eq!(a.len(), 16);
    }
}
