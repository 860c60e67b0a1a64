//! Page metadata and footer (《政府网站发展指引》 annex 网页设计规范): `missing_metadata` and
//! `metadata_mismatch`. Pure functions over the stored pages.
//!
//! Tags required (a tag with empty content counts as missing):
//!
//! | page | tags |
//! |---|---|
//! | every page | `SiteName`, `SiteDomain`, `SiteIDCode` |
//! | column (list) page | + `ColumnName`, `ColumnDescription`, `ColumnKeywords`, `ColumnType` |
//! | content (article) page | + `ArticleTitle`, `PubDate`, `ContentSource` |
//!
//! The homepage needs the site tags only, plus the footer items
//! ([`crate::extract::identity::FOOTER_ITEMS`]). A page's kind was decided at extraction time
//! ([`crate::extract::identity::page_kind`]).
//!
//! Findings are aggregated, not one per page: one `missing_metadata` per (site, tag) and per
//! missing footer item, with how many pages lack it and a few example URLs. Its `url` and
//! `page_url` are the homepage; the tag or footer item is part of the `id`, so each stays
//! trackable month over month. `metadata_mismatch`: pages whose `SiteIDCode` differs from the
//! expected code (the one in `targets.toml`, else the homepage footer's), a footer code that
//! differs from the configured one, and an ICP number that differs from the configured one.

use std::collections::BTreeMap;

use serde_json::json;

use super::{finding_id, Finding, Severity};
use crate::extract::identity::{normalise_icp, FooterFacts, PageKind};
use crate::store::PageIdentity;

pub use crate::domain::METADATA_MISMATCH;
pub use crate::domain::MISSING_METADATA;

pub const SITE_TAGS: &[&str] = &["SiteName", "SiteDomain", "SiteIDCode"];
pub const COLUMN_TAGS: &[&str] = &[
    "ColumnName",
    "ColumnDescription",
    "ColumnKeywords",
    "ColumnType",
];
pub const ARTICLE_TAGS: &[&str] = &["ArticleTitle", "PubDate", "ContentSource"];

/// How many example URLs a finding lists.
const EXAMPLES: usize = 5;

/// What the site is expected to show.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub site: String,
    /// The homepage URL findings point at.
    pub home: String,
    /// `site_id_code` from targets.toml.
    pub site_id_code: Option<String>,
    /// `icp` from targets.toml.
    pub icp: Option<String>,
}

/// The tags a page of this kind must carry (the homepage: site tags only).
pub fn required(kind: PageKind, homepage: bool) -> Vec<&'static str> {
    let mut t = SITE_TAGS.to_vec();
    if !homepage {
        match kind {
            PageKind::List => t.extend_from_slice(COLUMN_TAGS),
            PageKind::Article => t.extend_from_slice(ARTICLE_TAGS),
            PageKind::Other => {}
        }
    }
    t
}

#[derive(Default)]
struct Tally {
    checked: usize,
    missing: usize,
    /// [`EXAMPLES`] pages that lack the tag ([`keep_example`]).
    examples: Vec<String>,
    kinds: std::collections::BTreeSet<&'static str>,
}

/// Keeps `url` among the [`EXAMPLES`] shortest URLs (then in text order) seen so far, sorted:
/// the same examples whatever order the pages were crawled in (URL ids follow the order the
/// answers came back, which a concurrent crawl, or one resumed after a kill, does not repeat),
/// and the pages nearest the top of the site first.
fn keep_example(examples: &mut Vec<String>, url: &str) {
    let key = |u: &str| (u.len(), u.to_string());
    let k = key(url);
    let at = examples.partition_point(|e| key(e) < k);
    if at < EXAMPLES && examples.get(at).is_none_or(|e| e != url) {
        examples.insert(at, url.to_string());
        examples.truncate(EXAMPLES);
    }
}

/// Counts and [`EXAMPLES`] URLs of one value ([`keep_example`]).
#[derive(Default)]
struct Seen {
    count: usize,
    examples: Vec<String>,
}

impl Seen {
    fn add(&mut self, url: &str) {
        self.count += 1;
        keep_example(&mut self.examples, url);
    }
}

/// `missing_metadata` and `metadata_mismatch` for one site. `pages` in URL id order (the page
/// with id 0 is the homepage).
pub fn check_metadata(
    e: &Expected,
    pages: impl IntoIterator<Item = PageIdentity>,
    observed_at: &str,
) -> Vec<Finding> {
    let mut m = MetadataCheck::default();
    pages.into_iter().for_each(|p| m.add(p));
    m.finish(e, observed_at)
}

/// [`check_metadata`] fed one page at a time: a site of 100,000 pages is never held in memory,
/// only counts per tag and a few example URLs.
#[derive(Default)]
pub struct MetadataCheck {
    /// Tags, tallied per tag in the rules' order.
    tally: BTreeMap<&'static str, Tally>,
    /// The homepage footer.
    footer: Option<FooterFacts>,
    /// Every SiteIDCode seen, with the pages that carry it.
    codes: BTreeMap<String, Seen>,
}

impl MetadataCheck {
    /// Takes one page (pages in URL id order; id 0 is the homepage).
    pub fn add(&mut self, p: PageIdentity) {
        let homepage = p.id == 0;
        for tag in required(p.kind, homepage) {
            let t = self.tally.entry(tag).or_default();
            t.checked += 1;
            let present = p
                .meta
                .get(&tag.to_ascii_lowercase())
                .is_some_and(|v| !v.trim().is_empty());
            if !present {
                t.missing += 1;
                keep_example(&mut t.examples, &p.url);
                t.kinds.insert(if homepage {
                    "homepage"
                } else {
                    p.kind.as_str()
                });
            }
        }
        if homepage {
            self.footer = p.footer.clone();
        }
        if let Some(v) = p.meta.get("siteidcode").map(|v| v.trim()) {
            if !v.is_empty() {
                self.codes.entry(v.to_string()).or_default().add(&p.url);
            }
        }
    }

    /// The findings, once every page was added.
    pub fn finish(self, e: &Expected, observed_at: &str) -> Vec<Finding> {
        let MetadataCheck {
            tally,
            footer,
            codes,
        } = self;
        finish(e, observed_at, tally, footer, codes)
    }
}

fn finish(
    e: &Expected,
    observed_at: &str,
    tally: BTreeMap<&'static str, Tally>,
    footer: Option<FooterFacts>,
    codes: BTreeMap<String, Seen>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // One finding per site and item (the item is part of the id), all on the homepage.
    let finding = |check: &'static str, part: String, mut evidence: serde_json::Value| {
        let id = finding_id(check, &e.site, &e.home, &format!("{} [{part}]", e.home));
        evidence["item"] = json!(part);
        let f = Finding::new(
            check,
            Severity::Warning,
            &e.site,
            &e.home,
            &e.home,
            observed_at,
            evidence,
        );
        Finding { id, ..f }
    };

    for tag in SITE_TAGS.iter().chain(COLUMN_TAGS).chain(ARTICLE_TAGS) {
        let Some(t) = tally.get(tag) else { continue };
        if t.missing == 0 {
            continue;
        }
        out.push(finding(
            MISSING_METADATA,
            format!("meta:{tag}"),
            json!({
                "kind": "meta_tag",
                "missing": tag,
                "page_kinds": t.kinds,
                "pages_missing": t.missing,
                "pages_checked": t.checked,
                "examples": t.examples,
            }),
        ));
    }

    // Footer items of the homepage.
    if let Some(f) = &footer {
        for item in f.missing() {
            out.push(finding(
                MISSING_METADATA,
                format!("footer:{item}"),
                json!({
                    "kind": "footer_item",
                    "missing": item,
                    "pages_missing": 1,
                    "pages_checked": 1,
                    "examples": [e.home],
                }),
            ));
        }
    }

    // Identity codes.
    let footer_code = footer.as_ref().and_then(|f| f.site_id_code.clone());
    if let (Some(conf), Some(code)) = (&e.site_id_code, &footer_code) {
        if !conf.eq_ignore_ascii_case(code) {
            out.push(finding(
                METADATA_MISMATCH,
                format!("footer:网站标识码:{code}"),
                json!({
                    "field": "网站标识码",
                    "where": "homepage footer",
                    "expected": conf,
                    "expected_from": "targets.toml",
                    "found": code,
                    "pages": 1,
                    "examples": [e.home],
                }),
            ));
        }
    }
    let expected = e
        .site_id_code
        .clone()
        .map(|c| (c, "targets.toml"))
        .or_else(|| footer_code.clone().map(|c| (c, "homepage footer")));
    if let Some((code, from)) = expected {
        for (found, seen) in codes.iter().filter(|(v, _)| !v.eq_ignore_ascii_case(&code)) {
            out.push(finding(
                METADATA_MISMATCH,
                format!("meta:SiteIDCode:{found}"),
                json!({
                    "field": "SiteIDCode",
                    "where": "meta",
                    "expected": code,
                    "expected_from": from,
                    "found": found,
                    "pages": seen.count,
                    "examples": seen.examples,
                }),
            ));
        }
    }
    if let (Some(conf), Some(icp)) = (&e.icp, footer.as_ref().and_then(|f| f.icp.clone())) {
        if normalise_icp(conf) != icp {
            out.push(finding(
                METADATA_MISMATCH,
                format!("footer:ICP备案编号:{icp}"),
                json!({
                    "field": "ICP备案编号",
                    "where": "homepage footer",
                    "expected": conf,
                    "expected_from": "targets.toml",
                    "found": icp,
                    "pages": 1,
                    "examples": [e.home],
                }),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(id: u32, kind: PageKind, tags: &[(&str, &str)]) -> PageIdentity {
        PageIdentity {
            id,
            url: format!("http://s.gov.cn/p{id}.html"),
            meta: tags
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            kind,
            footer: None,
        }
    }

    const SITE: &[(&str, &str)] = &[
        ("SiteName", "某部"),
        ("SiteDomain", "s.gov.cn"),
        ("SiteIDCode", "bm17000009"),
    ];

    fn expected() -> Expected {
        Expected {
            site: "s".into(),
            home: "http://s.gov.cn/".into(),
            site_id_code: Some("bm17000009".into()),
            icp: Some("京ICP备05009132号".into()),
        }
    }

    fn missing(f: &[Finding]) -> Vec<(String, u64)> {
        f.iter()
            .filter(|f| f.check == MISSING_METADATA)
            .map(|f| {
                (
                    f.evidence["missing"].as_str().unwrap().to_string(),
                    f.evidence["pages_missing"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn one_finding_per_tag_with_counts_and_the_homepage_needs_site_tags_only() {
        let mut home = page(0, PageKind::List, SITE);
        home.footer = Some(FooterFacts {
            site_id_code: Some("bm17000009".into()),
            icp: Some("京ICP备05009132号".into()),
            police: Some("京公网安备 1101号".into()),
            sponsor: Some("某部".into()),
            contact: true,
            sitemap: true,
            party_badge: true,
        });
        let mut list = SITE.to_vec();
        list.extend([("ColumnName", "通知"), ("ColumnType", "通知公告")]);
        let art = [SITE, &[("ArticleTitle", "标题"), ("PubDate", " ")]].concat();
        let pages = vec![
            home,
            page(1, PageKind::List, &list),
            page(2, PageKind::List, &list),
            page(3, PageKind::Article, &art),
            page(4, PageKind::Other, &SITE[..2]),
        ];
        let f = check_metadata(&expected(), pages.clone(), "t");
        assert_eq!(
            missing(&f),
            vec![
                ("SiteIDCode".to_string(), 1),
                ("ColumnDescription".to_string(), 2),
                ("ColumnKeywords".to_string(), 2),
                ("PubDate".to_string(), 1),
                ("ContentSource".to_string(), 1),
            ]
        );
        assert!(f.iter().all(|f| f.url == "http://s.gov.cn/"));
        let ids: std::collections::HashSet<_> = f.iter().map(|f| &f.id).collect();
        assert_eq!(ids.len(), f.len(), "the tag is part of the id");
    }

    /// Regression: the examples were the first five pages in URL id order, and URL ids follow
    /// the order answers came back, so a crawl resumed after a kill (or just run again) named
    /// other examples: findings.jsonl differed from the clean run's.
    #[test]
    fn examples_do_not_depend_on_the_order_pages_were_crawled_in() {
        let pages: Vec<PageIdentity> = (0..12)
            .map(|i| page(i, PageKind::Other, &SITE[..2]))
            .collect();
        let examples = |pages: Vec<PageIdentity>| {
            check_metadata(&expected(), pages, "t")
                .into_iter()
                .find(|f| f.evidence["item"] == "meta:SiteIDCode")
                .unwrap()
                .evidence["examples"]
                .clone()
        };
        let mut shuffled = pages.clone();
        shuffled[1..].reverse();
        let got = examples(pages);
        assert_eq!(got, examples(shuffled));
        // the pages nearest the top first: the shortest URLs
        assert_eq!(
            got,
            serde_json::json!([
                "http://s.gov.cn/p0.html",
                "http://s.gov.cn/p1.html",
                "http://s.gov.cn/p2.html",
                "http://s.gov.cn/p3.html",
                "http://s.gov.cn/p4.html"
            ])
        );
    }

    #[test]
    fn missing_footer_items_and_wrong_codes_are_findings() {
        let mut home = page(0, PageKind::Other, SITE);
        home.footer = Some(FooterFacts {
            site_id_code: Some("bm17000010".into()),
            icp: Some("京ICP备99999999号".into()),
            sponsor: Some("某部".into()),
            ..Default::default()
        });
        let wrong = [
            &SITE[..2],
            &[("SiteIDCode", "bm00000001")][..],
            &[("ColumnName", "a"), ("ColumnDescription", "a")][..],
            &[("ColumnKeywords", "a"), ("ColumnType", "a")][..],
        ]
        .concat();
        let pages = vec![home, page(1, PageKind::List, &wrong)];
        let f = check_metadata(&expected(), pages.clone(), "t");
        let footer: Vec<_> = f
            .iter()
            .filter(|f| f.evidence["kind"] == "footer_item")
            .map(|f| f.evidence["missing"].as_str().unwrap())
            .collect();
        assert_eq!(
            footer,
            ["党政机关网站标识", "联系方式", "公安机关备案号", "网站地图"]
        );
        let mism: Vec<_> = f
            .iter()
            .filter(|f| f.check == METADATA_MISMATCH)
            .map(|f| {
                (
                    f.evidence["field"].as_str().unwrap(),
                    f.evidence["found"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            mism,
            [
                ("网站标识码", "bm17000010"),
                ("SiteIDCode", "bm00000001"),
                ("ICP备案编号", "京ICP备99999999号")
            ]
        );
    }
}
