//! Policy interpretation (政策解读): `missing_interpretation`, `late_interpretation`,
//! `unlinked_interpretation`, and the coverage figures of summary.csv.
//!
//! Pure functions over what the crawl stored; [`crate::run`] gathers the facts.
//!
//! - A *policy document* (政策文件: 规章、规范性文件、部令 …) is an item or article of a policy
//!   column, published within the inspection window (default the 12 months before the check
//!   point). Documents that need no interpretation by nature (任免、会议、更正、勘误 …) are
//!   excluded by title patterns, and counted with the pattern that excluded them.
//! - An *interpretation* (解读) is an article of an interpretation column (政策解读) or a page
//!   whose title follows an interpretation pattern (《…》解读、一图读懂《…》、图解、答记者问、
//!   政策问答), wherever it sits.
//! - [`match_interpretation`] ties a document to its interpretation by, in order of strength, a
//!   link between the two pages (either way), the quoted title (《》, tolerant of 关于印发…的通知
//!   wrappers and punctuation), or the document number (文号). Every signal that holds is
//!   reported.
//! - Severity: a document with no interpretation at all is a `deduction` (the indicator
//!   政策解读 scores coverage: 解读率); a late or one-way-linked interpretation exists, and the
//!   indicators treat 三同步 and 关联 as quality points to fix, so those are `warning`s.
//! - Lateness counts *working days* ([`Calendar`]): weekends and public holidays do not count,
//!   make-up working days (调休上班) do. More than 3 (configurable) is late.

use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate};
use serde::Serialize;
use serde_json::json;

use super::{Finding, Severity};

pub use crate::domain::LATE_INTERPRETATION;
pub use crate::domain::MISSING_INTERPRETATION;
pub use crate::domain::UNLINKED_INTERPRETATION;

pub use crate::calendar::{Calendar, CHINA_HOLIDAYS, CHINA_WORKDAYS};
pub use crate::config::interpretation::{Settings, DEFAULT_EXCLUDE_TITLES};

/// A policy document as the crawl found it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyDoc {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    /// Its own document number (文号), canonical.
    pub doc_number: Option<String>,
    /// The column it was listed in.
    pub column: String,
    /// Hashed keys ([`crate::checks::columns::page_hash`]) of the pages it links to; `None` when
    /// the page itself was not read (then no link direction can be judged).
    pub links: Option<HashSet<u64>>,
    /// When the page was read (RFC 3339).
    pub observed_at: String,
}

/// An interpretation as the crawl found it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interpretation {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    /// Document numbers it mentions, canonical.
    pub doc_numbers: Vec<String>,
    /// As [`PolicyDoc::links`].
    pub links: Option<HashSet<u64>>,
}

/// What tied a document to its interpretation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// A link between the two pages, either way.
    Link,
    /// The quoted title (《…》).
    Title,
    /// The document number (文号).
    DocNumber,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Link => "link",
            Signal::Title => "title",
            Signal::DocNumber => "doc_number",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Signal::Link => "链接",
            Signal::Title => "标题",
            Signal::DocNumber => "文号",
        }
    }
}

/// Is this an interpretation by its title? (《…》解读、一图读懂《…》、图解、答记者问、政策问答)
pub fn is_interpretation_title(title: &str) -> bool {
    let t = title.trim();
    ["解读", "一图读懂", "图解", "答记者问", "政策问答"]
        .iter()
        .any(|p| t.contains(p))
        && !t.contains("解读栏目")
}

/// Titles quoted in 《》 (also 〈〉 and straight quotes around 《 lookalikes), trimmed.
pub fn quoted_titles(title: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = title;
    while let Some(start) = rest.find('《') {
        let after = &rest[start + '《'.len_utf8()..];
        let Some(end) = after.find('》') else { break };
        let q = after[..end].trim();
        if !q.is_empty() {
            out.push(q.to_string());
        }
        rest = &after[end + '》'.len_utf8()..];
    }
    out
}

/// The comparable key of a document's title: its quoted title when it has one, else the title
/// without 关于印发…的通知 wrappers, document numbers in brackets and punctuation.
pub fn title_key(title: &str) -> String {
    let base = quoted_titles(title)
        .into_iter()
        .next()
        .unwrap_or_else(|| unwrap_title(title));
    normalise(&base)
}

fn unwrap_title(title: &str) -> String {
    let mut t = title.trim().to_string();
    // drop a trailing bracketed part: （部令第26号）, (试行) stays inside the key
    for (open, close) in [('（', '）'), ('(', ')')] {
        if t.ends_with(close) {
            if let Some(i) = t.rfind(open) {
                if crate::extract::policy::normalise_doc_number(&t[i..]).is_some() {
                    t.truncate(i);
                }
            }
        }
    }
    for p in ["关于印发", "关于发布", "关于公布", "关于"] {
        if let Some(r) = t.strip_prefix(p) {
            t = r.to_string();
            break;
        }
    }
    for s in [
        "的通知",
        "的公告",
        "的决定",
        "的意见",
        "的批复",
        "的函",
        "政策解读",
        "解读",
        "答记者问",
    ] {
        if let Some(r) = t.strip_suffix(s) {
            t = r.to_string();
            break;
        }
    }
    for p in ["一图读懂", "图解"] {
        if let Some(r) = t.strip_prefix(p) {
            t = r.to_string();
        }
    }
    t
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Do two canonical document numbers name the same document? Year and number equal, and one
/// issuer ends with the other (生态环境部令第26号 = 部令第26号).
pub fn same_doc_number(a: &str, b: &str) -> bool {
    let ((ia, na), (ib, nb)) = (split_doc_number(a), split_doc_number(b));
    na == nb && !ia.is_empty() && !ib.is_empty() && (ia.ends_with(ib) || ib.ends_with(ia))
}

/// A canonical document number as (issuer, year and number): 环办〔2025〕7号 → (环办, 〔2025〕7号).
fn split_doc_number(s: &str) -> (&str, &str) {
    match s
        .find('〔')
        .or_else(|| s.rfind("令第").map(|i| i + "令".len()))
    {
        Some(i) => (&s[..i], &s[i..]),
        None => ("", s),
    }
}

/// The interpretations that could match a document, found by what [`match_interpretation`] looks
/// at (page keys linked either way, title keys, the year-and-number part of document numbers),
/// so that each document is compared with a handful of interpretations instead of all of them:
/// a ministry has thousands of each, and comparing every pair took seconds.
struct Candidates {
    by_key: HashMap<u64, Vec<usize>>,
    linking: HashMap<u64, Vec<usize>>,
    by_title: HashMap<String, Vec<usize>>,
    by_number: HashMap<String, Vec<usize>>,
}

impl Candidates {
    fn new(interps: &[Interpretation]) -> Candidates {
        let mut c = Candidates {
            by_key: HashMap::new(),
            linking: HashMap::new(),
            by_title: HashMap::new(),
            by_number: HashMap::new(),
        };
        for (n, i) in interps.iter().enumerate() {
            c.by_key.entry(key(&i.url)).or_default().push(n);
            for l in i.links.iter().flatten() {
                c.linking.entry(*l).or_default().push(n);
            }
            let q = quoted_titles(&i.title);
            let titles: Vec<String> = if q.is_empty() {
                vec![title_key(&i.title)]
            } else {
                q.iter().map(|q| normalise(q)).collect()
            };
            for t in titles {
                c.by_title.entry(t).or_default().push(n);
            }
            for m in &i.doc_numbers {
                let number = split_doc_number(m).1.to_string();
                c.by_number.entry(number).or_default().push(n);
            }
        }
        c
    }

    /// Indexes into `interps`, each once, in order: a superset of those that match `doc`.
    fn of(&self, doc: &PolicyDoc) -> Vec<usize> {
        let mut out = hits(&self.linking, &key(&doc.url)).to_vec();
        for l in doc.links.iter().flatten() {
            out.extend_from_slice(hits(&self.by_key, l));
        }
        out.extend_from_slice(hits(&self.by_title, title_key(&doc.title).as_str()));
        if let Some(n) = &doc.doc_number {
            out.extend_from_slice(hits(&self.by_number, split_doc_number(n).1));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The interpretations an index holds under `k` (none when it holds nothing).
fn hits<'a, K, Q>(index: &'a HashMap<K, Vec<usize>>, k: &Q) -> &'a [usize]
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
{
    index.get(k).map_or(&[], Vec::as_slice)
}

fn key(url: &str) -> u64 {
    super::columns::page_hash(url)
}

/// The signals that tie `doc` to `interp`, strongest first (empty: not its interpretation).
pub fn match_interpretation(doc: &PolicyDoc, interp: &Interpretation) -> Vec<Signal> {
    let mut out = Vec::new();
    let (dk, ik) = (key(&doc.url), key(&interp.url));
    let doc_links = doc.links.as_ref().is_some_and(|l| l.contains(&ik));
    let interp_links = interp.links.as_ref().is_some_and(|l| l.contains(&dk));
    if doc_links || interp_links {
        out.push(Signal::Link);
    }
    let dt = title_key(&doc.title);
    if dt.chars().count() >= 4 {
        let it: Vec<String> = {
            let q = quoted_titles(&interp.title);
            if q.is_empty() {
                vec![title_key(&interp.title)]
            } else {
                q.iter().map(|q| normalise(q)).collect()
            }
        };
        if it.contains(&dt) {
            out.push(Signal::Title);
        }
    }
    if let Some(n) = &doc.doc_number {
        if interp.doc_numbers.iter().any(|m| same_doc_number(n, m)) {
            out.push(Signal::DocNumber);
        }
    }
    out
}

/// What became of one policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub doc_url: String,
    pub doc_title: String,
    pub doc_number: Option<String>,
    pub doc_date: Option<NaiveDate>,
    pub interp_url: Option<String>,
    pub interp_title: Option<String>,
    pub interp_date: Option<NaiveDate>,
    pub matched_by: Vec<Signal>,
    /// Working days from document to interpretation.
    pub working_days: Option<i64>,
    pub on_time: bool,
    /// The document page links the interpretation / the interpretation links back (`None`: not
    /// read).
    pub doc_links_interp: Option<bool>,
    pub interp_links_doc: Option<bool>,
    /// The finding it gave (`""` when none).
    pub finding: &'static str,
}

/// A document left out, and the title pattern that left it out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub pattern: String,
}

/// Coverage of one site (summary.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Coverage {
    /// Policy documents in the window, exclusions left out.
    pub documents: usize,
    pub interpreted: usize,
    pub on_time: usize,
    pub linked_both_ways: usize,
    pub excluded: usize,
}

/// Everything the interpretation checks found for one site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub excluded: Vec<Excluded>,
    pub coverage: Coverage,
    pub findings: Vec<Finding>,
}

/// Judges every policy document of a site at `as_of`.
pub fn check(
    site: &str,
    docs: &[PolicyDoc],
    interps: &[Interpretation],
    settings: &Settings,
    as_of: NaiveDate,
) -> Report {
    let start = as_of
        .checked_sub_months(Months::new(settings.window_months))
        .unwrap_or(as_of);
    let mut report = Report::default();
    let mut seen = HashSet::new();
    let candidates = Candidates::new(interps);
    for doc in docs {
        let Some(date) = doc.date else { continue };
        if date <= start || date > as_of || !seen.insert(key(&doc.url)) {
            continue;
        }
        if let Some(p) = settings
            .exclude_titles
            .iter()
            .find(|p| !p.is_empty() && doc.title.contains(p.as_str()))
        {
            report.excluded.push(Excluded {
                url: doc.url.clone(),
                title: doc.title.clone(),
                date: doc.date,
                pattern: p.clone(),
            });
            continue;
        }
        report.coverage.documents += 1;
        // strongest signals first, then the earliest interpretation
        let best = candidates
            .of(doc)
            .into_iter()
            .map(|n| &interps[n])
            .filter(|i| key(&i.url) != key(&doc.url))
            .map(|i| (match_interpretation(doc, i), i))
            .filter(|(s, _)| !s.is_empty())
            .min_by(|(sa, a), (sb, b)| {
                (sa[0], std::cmp::Reverse(sa.len()), a.date, &a.url).cmp(&(
                    sb[0],
                    std::cmp::Reverse(sb.len()),
                    b.date,
                    &b.url,
                ))
            });
        let mut o = Outcome {
            doc_url: doc.url.clone(),
            doc_title: doc.title.clone(),
            doc_number: doc.doc_number.clone(),
            doc_date: Some(date),
            interp_url: None,
            interp_title: None,
            interp_date: None,
            matched_by: Vec::new(),
            working_days: None,
            on_time: false,
            doc_links_interp: None,
            interp_links_doc: None,
            finding: "",
        };
        let base_evidence = json!({
            "title": doc.title,
            "doc_number": doc.doc_number,
            "date": date.to_string(),
            "column": doc.column,
        });
        let mut finding = |check: &'static str, severity, extra: serde_json::Value| {
            let mut evidence = base_evidence.clone();
            if let (Some(e), Some(x)) = (evidence.as_object_mut(), extra.as_object()) {
                e.extend(x.clone());
            }
            report.findings.push(Finding::new(
                check,
                severity,
                site,
                &doc.url,
                &doc.url,
                &doc.observed_at,
                evidence,
            ));
        };
        let Some((signals, interp)) = best else {
            o.finding = MISSING_INTERPRETATION;
            finding(
                MISSING_INTERPRETATION,
                Severity::Deduction,
                json!({"interpretations_searched": interps.len()}),
            );
            report.outcomes.push(o);
            continue;
        };
        report.coverage.interpreted += 1;
        let days = interp
            .date
            .map(|d| settings.calendar.working_days_between(date, d));
        let on_time = days.is_none_or(|d| d <= settings.max_working_days);
        let (dk, ik) = (key(&doc.url), key(&interp.url));
        let fwd = doc.links.as_ref().map(|l| l.contains(&ik));
        let back = interp.links.as_ref().map(|l| l.contains(&dk));
        o.interp_url = Some(interp.url.clone());
        o.interp_title = Some(interp.title.clone());
        o.interp_date = interp.date;
        o.matched_by = signals.clone();
        o.working_days = days;
        o.on_time = on_time;
        o.doc_links_interp = fwd;
        o.interp_links_doc = back;
        let matched_by: Vec<&str> = signals.iter().map(|s| s.as_str()).collect();
        let common = json!({
            "interpretation_url": interp.url,
            "interpretation_title": interp.title,
            "interpretation_date": interp.date.map(|d| d.to_string()),
            "matched_by": matched_by,
        });
        if on_time {
            report.coverage.on_time += 1;
        } else {
            o.finding = LATE_INTERPRETATION;
            let mut e = common.clone();
            e["working_days"] = json!(days);
            e["max_working_days"] = json!(settings.max_working_days);
            finding(LATE_INTERPRETATION, Severity::Warning, e);
        }
        let linked_both = fwd == Some(true) && back == Some(true);
        if linked_both {
            report.coverage.linked_both_ways += 1;
        } else if fwd.is_some() || back.is_some() {
            let mut missing = Vec::new();
            if fwd == Some(false) {
                missing.push("document_to_interpretation");
            }
            if back == Some(false) {
                missing.push("interpretation_to_document");
            }
            if !missing.is_empty() {
                if o.finding.is_empty() {
                    o.finding = UNLINKED_INTERPRETATION;
                }
                let mut e = common;
                e["missing_links"] = json!(missing);
                e["document_links_interpretation"] = json!(fwd);
                e["interpretation_links_document"] = json!(back);
                finding(UNLINKED_INTERPRETATION, Severity::Warning, e);
            }
        }
        report.outcomes.push(o);
    }
    report.coverage.excluded = report.excluded.len();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn links(urls: &[&str]) -> Option<HashSet<u64>> {
        Some(urls.iter().map(|u| key(u)).collect())
    }
    fn doc(url: &str, title: &str, date: &str, no: Option<&str>, to: &[&str]) -> PolicyDoc {
        PolicyDoc {
            url: url.into(),
            title: title.into(),
            date: Some(d(date)),
            doc_number: no.map(str::to_string),
            column: "规范性文件".into(),
            links: links(to),
            observed_at: "2026-11-25T00:00:00Z".into(),
        }
    }
    fn interp(url: &str, title: &str, date: &str, nos: &[&str], to: &[&str]) -> Interpretation {
        Interpretation {
            url: url.into(),
            title: title.into(),
            date: Some(d(date)),
            doc_numbers: nos.iter().map(|s| s.to_string()).collect(),
            links: links(to),
        }
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_make_up_days() {
        let c = Calendar::default();
        // Thursday 2026-11-19 → Monday 2026-11-23: Fri + Mon
        assert_eq!(c.working_days_between(d("2026-11-19"), d("2026-11-23")), 2);
        assert_eq!(c.working_days_between(d("2026-11-19"), d("2026-11-19")), 0);
        assert_eq!(c.add_working_days(d("2026-11-19"), 3), d("2026-11-24"));
        let c = Calendar::default().with(&[d("2026-11-20")], &[d("2026-11-21")]);
        assert!(!c.is_working_day(d("2026-11-20")));
        assert!(c.is_working_day(d("2026-11-21")));
        assert_eq!(c.working_days_between(d("2026-11-19"), d("2026-11-23")), 2);
        // the national calendar: 2025-09-30 (Tue) → 2025-10-09 (Thu) spans 国庆 and 中秋
        let china = Calendar::china();
        assert_eq!(
            china.working_days_between(d("2025-09-30"), d("2025-10-09")),
            1
        );
        assert!(china.is_working_day(d("2025-10-11")), "a Saturday worked");
        assert_eq!(
            china.working_days_between(d("2025-09-30"), d("2025-10-11")),
            3
        );
    }

    #[test]
    fn titles_match_through_wrappers_and_punctuation() {
        assert_eq!(
            title_key("关于印发《土壤污染 防治管理规定》的通知"),
            title_key("《土壤污染防治管理规定》政策解读")
        );
        assert_eq!(
            title_key("大气污染防治管理办法（部令第40号）"),
            title_key("大气污染防治管理办法解读")
        );
        assert_eq!(
            title_key("关于加强固体废物管理的意见"),
            title_key("一图读懂：加强固体废物管理")
        );
        assert_ne!(
            title_key("关于印发《甲规定》的通知"),
            title_key("《乙规定》解读")
        );
        assert!(is_interpretation_title("一图读懂《某办法》"));
        assert!(is_interpretation_title("司负责人就《某办法》答记者问"));
        assert!(!is_interpretation_title("关于印发《某办法》的通知"));
    }

    #[test]
    fn document_numbers_match_with_a_shorter_issuer() {
        assert!(same_doc_number("生态环境部令第26号", "部令第26号"));
        assert!(same_doc_number(
            "环办监测〔2020〕12号",
            "环办监测〔2020〕12号"
        ));
        assert!(same_doc_number(
            "近日印发环办〔2020〕12号",
            "环办〔2020〕12号"
        ));
        assert!(!same_doc_number("环办〔2020〕12号", "环办〔2021〕12号"));
        assert!(!same_doc_number("环办〔2020〕12号", "环发〔2020〕12号"));
    }

    #[test]
    fn each_signal_is_reported() {
        let p = doc(
            "http://x/p.html",
            "关于印发《甲类物质管理规定》的通知",
            "2026-11-02",
            Some("环办〔2026〕5号"),
            &["http://x/i.html"],
        );
        let i = interp(
            "http://x/i.html",
            "《甲类物质管理规定》解读",
            "2026-11-02",
            &["环办〔2026〕5号"],
            &[],
        );
        assert_eq!(
            match_interpretation(&p, &i),
            vec![Signal::Link, Signal::Title, Signal::DocNumber]
        );
        let p2 = doc(
            "http://x/p2.html",
            "关于印发《乙规定》的通知",
            "2026-11-02",
            Some("环办〔2026〕6号"),
            &[],
        );
        let only_no = interp(
            "http://x/j.html",
            "一图读懂新规",
            "2026-11-02",
            &["环办〔2026〕6号"],
            &[],
        );
        assert_eq!(match_interpretation(&p2, &only_no), vec![Signal::DocNumber]);
        let back = interp(
            "http://x/k.html",
            "新规要点",
            "2026-11-02",
            &[],
            &["http://x/p2.html"],
        );
        assert_eq!(match_interpretation(&p2, &back), vec![Signal::Link]);
    }

    #[test]
    fn outcomes_missing_late_unlinked_and_excluded() {
        let s = Settings {
            calendar: Calendar::default(),
            ..Settings::default()
        };
        let docs = vec![
            doc(
                "http://x/a.html",
                "关于印发《甲类物质管理规定》的通知",
                "2026-11-02",
                None,
                &["http://x/ia.html"],
            ),
            doc(
                "http://x/b.html",
                "关于印发《乙类物质管理规定》的通知",
                "2026-11-02",
                None,
                &["http://x/ib.html"],
            ),
            doc(
                "http://x/c.html",
                "关于印发《丙类物质管理规定》的通知",
                "2026-11-02",
                None,
                &[],
            ),
            doc(
                "http://x/d.html",
                "关于张三等同志任免的通知",
                "2026-11-02",
                None,
                &[],
            ),
            doc(
                "http://x/e.html",
                "关于印发《丁规定》的通知",
                "2025-01-02",
                None,
                &[],
            ),
        ];
        let interps = vec![
            interp(
                "http://x/ia.html",
                "《甲类物质管理规定》解读",
                "2026-11-04",
                &[],
                &["http://x/a.html"],
            ),
            // Monday → Monday: 5 working days
            interp(
                "http://x/ib.html",
                "《乙类物质管理规定》解读",
                "2026-11-09",
                &[],
                &[],
            ),
        ];
        let r = check("s", &docs, &interps, &s, d("2026-11-25"));
        let got: Vec<(&str, &str)> = r
            .findings
            .iter()
            .map(|f| (f.url.as_str(), f.check))
            .collect();
        assert_eq!(
            got,
            vec![
                ("http://x/b.html", LATE_INTERPRETATION),
                ("http://x/b.html", UNLINKED_INTERPRETATION),
                ("http://x/c.html", MISSING_INTERPRETATION),
            ]
        );
        assert_eq!(r.findings[0].evidence["working_days"], 5);
        assert_eq!(
            r.findings[1].evidence["missing_links"],
            json!(["interpretation_to_document"])
        );
        assert_eq!(r.findings[2].severity, Severity::Deduction);
        assert_eq!(
            r.coverage,
            Coverage {
                documents: 3,
                interpreted: 2,
                on_time: 1,
                linked_both_ways: 1,
                excluded: 1
            }
        );
        assert_eq!(r.excluded[0].pattern, "任免");
    }
}
