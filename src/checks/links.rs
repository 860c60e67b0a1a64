//! Links (链接不可用): `broken_link` and `link_needs_review`.
//!
//! A target is broken when, after the retries and the end-of-crawl re-check, it answered
//! 404/410, another 4xx (other than 401/403/429), a 5xx, or could not be fetched (DNS, refused,
//! reset, TLS, timeout, redirect loop), or when an internal page answered 200 but is an error
//! page (a soft 404: its title or short body says so, or it is the very page the site serves for
//! a path that does not exist — never the homepage itself, under any of its names), or when an
//! attachment or image answered 200 with an error page (confirmed during the crawl,
//! [`crate::crawl::resource`]). 401, 403 and 429 are bot walls and logins: a person must look.
//! A target robots.txt kept us from is not judged at all.
//!
//! One finding per (page, target): the webmaster fixes the link on each page that holds it.

use std::collections::HashMap;

use serde_json::json;

use super::{Finding, Severity, BROKEN_LINK, LINK_NEEDS_REVIEW};
use crate::store::{UrlKind, UrlRecord};

/// What the checks need to know of the site.
#[derive(Debug, Clone)]
pub struct SiteFacts {
    pub site: String,
    /// The homepage URL and where it redirected to.
    pub homepages: Vec<String>,
    /// Fingerprint of the page the site serves with 200 for a missing path, if it does.
    pub notfound_fingerprint: Option<u64>,
}

/// One link as stored: the page that holds it and the target's URL id.
#[derive(Debug, Clone)]
pub struct LinkRef {
    pub page_url: String,
    pub target: u32,
    pub element: String,
    pub text: String,
}

/// The verdict on one target URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub check: &'static str,
    pub severity: Severity,
    /// Why, in words (soft 404 reason, error), besides the status.
    pub reason: Option<String>,
}

/// Judges one fetched URL; `None` when it is fine or was not fetched on purpose.
pub fn judge(rec: &UrlRecord, notfound_fingerprint: Option<u64>) -> Option<Verdict> {
    let r = &rec.result;
    if r.skipped {
        // Disallowed by robots.txt: not ours to judge. An internal address (10.x, 192.168.x,
        // loopback, 169.254.x) linked from a public page: never contacted (no SSRF), and no
        // member of the public can open it either, so a person should look at it.
        return match &r.error {
            Some(e) if e.starts_with(crate::domain::NOT_CONTACTED) => Some(Verdict {
                check: LINK_NEEDS_REVIEW,
                severity: Severity::Review,
                reason: Some(e.clone()),
            }),
            _ => None,
        };
    }
    let broken = |reason: Option<String>| {
        Some(Verdict {
            check: BROKEN_LINK,
            severity: Severity::Deduction,
            reason,
        })
    };
    if let Some(err) = &r.error {
        return broken(Some(err.clone()));
    }
    match r.status {
        Some(401 | 403 | 429) => Some(Verdict {
            check: LINK_NEEDS_REVIEW,
            severity: Severity::Review,
            reason: None,
        }),
        Some(s) if s >= 400 => broken(None),
        Some(_) if rec.kind != UrlKind::External => {
            if let Some(why) = &rec.soft404 {
                broken(Some(format!("soft 404: {why}")))
            } else if notfound_fingerprint.is_some() && rec.fingerprint == notfound_fingerprint {
                broken(Some(
                    "soft 404: same page as the site serves for a path that does not exist".into(),
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether a URL (as linked or after its redirects) is the site's homepage, under any of its
/// names (`/`, `/index.html`, `/Default.aspx`, see [`super::columns::page_key`]).
fn is_homepage(site: &SiteFacts, rec: &UrlRecord) -> bool {
    let homes: Vec<String> = site
        .homepages
        .iter()
        .map(|h| super::columns::page_key(h))
        .collect();
    std::iter::once(&rec.url)
        .chain(rec.result.final_url.as_ref())
        .any(|u| homes.contains(&super::columns::page_key(u)))
}

/// The link findings of one run.
pub fn check_links(
    site: &SiteFacts,
    targets: &[UrlRecord],
    links: impl IntoIterator<Item = LinkRef>,
) -> Vec<Finding> {
    let judged: HashMap<u32, (&UrlRecord, Verdict)> = targets
        .iter()
        .filter_map(|t| {
            // A server that answers a missing path with its homepage makes the homepage look
            // like its own not-found page: the homepage is never judged by that likeness.
            let notfound = site.notfound_fingerprint.filter(|_| !is_homepage(site, t));
            judge(t, notfound).map(|v| (t.id, (t, v)))
        })
        .collect();
    let mut out = Vec::new();
    for link in links {
        let Some((t, v)) = judged.get(&link.target) else {
            continue;
        };
        let on_homepage = site.homepages.contains(&link.page_url);
        let redirects: serde_json::Value = t
            .result
            .redirects
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or(serde_json::Value::Null);
        out.push(Finding::new(
            v.check,
            v.severity,
            &site.site,
            &t.url,
            &link.page_url,
            &t.result.fetched_at,
            json!({
                "status": t.result.status,
                "error": t.result.error,
                "reason": v.reason,
                "link_text": link.text,
                "element": link.element,
                "on_homepage": on_homepage,
                "internal": t.kind != UrlKind::External,
                "attempts": t.result.attempts,
                "method": t.result.method,
                "final_url": t.result.final_url,
                "redirects": redirects,
            }),
        ));
    }
    out.sort_by(|a, b| (a.check, &a.page_url, &a.url).cmp(&(b.check, &b.page_url, &b.url)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::UrlResult;

    fn rec(id: u32, kind: UrlKind, status: Option<u16>, error: Option<&str>) -> UrlRecord {
        UrlRecord {
            id,
            url: format!("http://s.gov.cn/{id}"),
            kind,
            result: UrlResult {
                status,
                error: error.map(str::to_string),
                attempts: 1,
                ..Default::default()
            },
            soft404: None,
            fingerprint: Some(7),
            title: None,
        }
    }

    #[test]
    fn statuses_map_to_the_right_check() {
        let j = |r: &UrlRecord| judge(r, None).map(|v| v.check);
        assert_eq!(
            j(&rec(1, UrlKind::Page, Some(404), None)),
            Some(BROKEN_LINK)
        );
        assert_eq!(
            j(&rec(1, UrlKind::External, Some(410), None)),
            Some(BROKEN_LINK)
        );
        assert_eq!(
            j(&rec(1, UrlKind::Resource, Some(503), None)),
            Some(BROKEN_LINK)
        );
        assert_eq!(
            j(&rec(1, UrlKind::External, None, Some("connection refused"))),
            Some(BROKEN_LINK)
        );
        assert_eq!(
            j(&rec(1, UrlKind::External, Some(403), None)),
            Some(LINK_NEEDS_REVIEW)
        );
        assert_eq!(
            j(&rec(1, UrlKind::Page, Some(429), None)),
            Some(LINK_NEEDS_REVIEW)
        );
        assert_eq!(j(&rec(1, UrlKind::Page, Some(200), None)), None);
        assert_eq!(j(&rec(1, UrlKind::Page, Some(301), None)), None);
    }

    #[test]
    fn a_link_to_an_internal_address_needs_review_and_is_not_broken() {
        let mut r = rec(
            1,
            UrlKind::External,
            None,
            Some("not contacted: 10.0.0.7 is an internal address"),
        );
        r.result.skipped = true;
        let v = judge(&r, None).unwrap();
        assert_eq!((v.check, v.severity), (LINK_NEEDS_REVIEW, Severity::Review));
        assert!(v.reason.unwrap().contains("10.0.0.7"));
    }

    #[test]
    fn robots_skipped_urls_are_not_judged() {
        let mut r = rec(1, UrlKind::Page, None, Some("disallowed by robots.txt"));
        r.result.skipped = true;
        assert_eq!(judge(&r, None), None);
    }

    #[test]
    fn soft_404_only_for_internal_pages() {
        let mut r = rec(1, UrlKind::Page, Some(200), None);
        assert_eq!(judge(&r, Some(7)).map(|v| v.check), Some(BROKEN_LINK));
        assert_eq!(judge(&r, Some(8)), None);
        r.kind = UrlKind::External;
        assert_eq!(judge(&r, Some(7)), None);
    }

    /// A server that answers every missing path with its homepage (DedeCMS/PHPCMS rewritten to
    /// `index.php`) makes the homepage's fingerprint the not-found page's: links to the homepage,
    /// under any of its names, are not broken; a missing article shown as the homepage is.
    #[test]
    fn homepage_served_for_missing_paths_is_not_its_own_soft_404() {
        let site = SiteFacts {
            site: "s".into(),
            homepages: vec!["http://s.gov.cn/".into()],
            notfound_fingerprint: Some(7),
        };
        let mut home = rec(1, UrlKind::Page, Some(200), None);
        home.url = "http://s.gov.cn/".into();
        let mut index = rec(2, UrlKind::Page, Some(200), None);
        index.url = "http://s.gov.cn/Index.php".into();
        let mut gone = rec(3, UrlKind::Page, Some(200), None);
        gone.url = "http://s.gov.cn/a/2019/0101/12.html".into();
        let link = |target| LinkRef {
            page_url: "http://s.gov.cn/a/".into(),
            target,
            element: "a".into(),
            text: "t".into(),
        };
        let f = check_links(&site, &[home, index, gone], vec![link(1), link(2), link(3)]);
        let urls: Vec<&str> = f.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(urls, ["http://s.gov.cn/a/2019/0101/12.html"]);
    }

    #[test]
    fn one_finding_per_page_holding_the_link_with_homepage_flag() {
        let site = SiteFacts {
            site: "s".into(),
            homepages: vec!["http://s.gov.cn/".into()],
            notfound_fingerprint: None,
        };
        let targets = vec![
            rec(1, UrlKind::Page, Some(404), None),
            rec(2, UrlKind::Page, Some(200), None),
        ];
        let link = |page: &str, target| LinkRef {
            page_url: page.into(),
            target,
            element: "a".into(),
            text: "t".into(),
        };
        let f = check_links(
            &site,
            &targets,
            vec![
                link("http://s.gov.cn/", 1),
                link("http://s.gov.cn/a", 1),
                link("http://s.gov.cn/a", 2),
            ],
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].evidence["on_homepage"], true);
        assert_eq!(f[1].evidence["on_homepage"], false);
        assert_ne!(f[0].id, f[1].id);
    }
}
