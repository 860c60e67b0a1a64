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

pub use crate::domain::{
    all_checks, check_name, finding_id, Finding, Severity, BROKEN_LINK, LINK_NEEDS_REVIEW,
};

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
            .and_then(|r| crate::domain::Rendering::parse(r))
        else {
            continue;
        };
        let Some(e) = f.evidence.as_object_mut() else {
            continue;
        };
        match how {
            crate::domain::Rendering::Rendered(_) => {
                e.insert("rendered".into(), serde_json::Value::Bool(true));
            }
            crate::domain::Rendering::Failed(why) => {
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
