//! Policy facts of an article page, for the interpretation (政策解读) checks. Pure, no I/O.
//!
//! - [`doc_numbers`]: the document numbers (文号) a page shows: first the labelled cell
//!   (`文号：` / `发文字号：` in the 信息公开 table), then the headline, then the text of the page,
//!   e.g. 环办监测〔2020〕12号, 生态环境部令第26号, 国办发〔2019〕19号. The brackets
//!   `〔〕 [] ［］ () （） 【】` are all written `〔〕` in what is returned.
//! - [`related_links`]: the links of the page's 相关解读 / 相关文件 / 原文 / 政策解读 blocks.
//! - [`headline`]: the article's own title (`ArticleTitle` meta, else the first `<h1>`).
//!
//! ```
//! use govpatrol::extract::policy::normalise_doc_number;
//! assert_eq!(normalise_doc_number("环办监测[2020] 12号").as_deref(), Some("环办监测〔2020〕12号"));
//! assert_eq!(normalise_doc_number("生态环境部令 第26号").as_deref(), Some("生态环境部令第26号"));
//! ```

use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

/// Most document numbers kept per page.
pub const MAX_DOC_NUMBERS: usize = 8;
/// Most related links kept per page.
pub const MAX_RELATED: usize = 20;

/// A link the page presents as related to it (相关解读 …), with the block label that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedLink {
    /// The block's label: `相关解读`, `相关文件`, `原文` …
    pub label: String,
    pub url: Url,
    pub text: String,
}

/// Labels of related-link blocks, longest first (a label is matched at the start of a block).
const LABELS: &[&str] = &[
    "相关政策解读",
    "相关政策文件",
    "政策原文链接",
    "原文件链接",
    "相关解读",
    "相关文件",
    "相关政策",
    "政策原文",
    "原文链接",
    "查看原文",
    "文件原文",
    "政策解读",
    "文件解读",
    "原文",
];

static DOC_NO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<issuer>[\p{Han}A-Za-z]{1,16})\s*
        [〔\[［(（【]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］)）】]\s*第?\s*(?P<n>\d{1,4})\s*号
        |
        (?P<lissuer>[\p{Han}]{0,16}令)\s*第\s*(?P<ln>\d{1,4})\s*号",
    )
    .expect("valid")
});

/// A document number written the one canonical way (`〔〕`, no spaces), or `None` if `s` holds
/// none.
pub fn normalise_doc_number(s: &str) -> Option<String> {
    find_doc_numbers(s).into_iter().next()
}

/// Words that end the running text before an issuer (根据国办发〔2019〕19号 → 国办发…).
const LEAD_INS: &[&str] = &[
    "根据",
    "依据",
    "按照",
    "印发了",
    "印发",
    "发布了",
    "发布",
    "转发",
    "落实",
    "执行",
    "的",
    "了",
    "和",
    "及",
    "与",
];

fn issuer(s: &str) -> &str {
    LEAD_INS
        .iter()
        .filter_map(|w| s.rfind(w).map(|i| i + w.len()))
        .max()
        .filter(|&i| i < s.len())
        .map_or(s, |i| &s[i..])
}

/// Every document number in a text, in order, canonical.
pub fn find_doc_numbers(s: &str) -> Vec<String> {
    DOC_NO
        .captures_iter(s)
        .map(|c| match (c.name("issuer"), c.name("lissuer")) {
            (Some(i), _) => format!(
                "{}〔{}〕{}号",
                issuer(i.as_str()),
                &c["year"],
                c["n"].trim_start_matches('0')
            ),
            (_, Some(l)) => format!(
                "{}第{}号",
                issuer(l.as_str()),
                c["ln"].trim_start_matches('0')
            ),
            _ => unreachable!("one branch matched"),
        })
        .collect()
}

/// Elements that may hold a 文号 label.
const CELL_NAMES: &[&str] = &[
    "td", "th", "span", "dt", "dd", "li", "p", "div", "label", "b", "strong",
];
/// Elements that may open a related-link block.
const BLOCK_NAMES: &[&str] = &[
    "p", "span", "h2", "h3", "h4", "h5", "dt", "div", "li", "td", "th", "strong", "b",
];
static LINKS: LazyLock<Selector> = LazyLock::new(|| Selector::parse("a[href]").expect("valid"));

fn text_of(e: ElementRef) -> String {
    super::collapse(&e.text().collect::<String>())
}

/// [`text_of`] for an element short enough to be a label cell (at most `max` characters that
/// are not whitespace), else `None` without reading the rest: every `<div>` of a page holds the
/// text of all those inside it, and collecting each in full was quadratic in the nesting.
fn short_text_of(e: ElementRef, max: usize) -> Option<String> {
    let mut seen = 0;
    let mut raw = String::new();
    for t in e.text() {
        seen += t.chars().filter(|c| !c.is_whitespace()).count();
        if seen > max {
            return None;
        }
        raw.push_str(t);
    }
    Some(super::collapse(&raw))
}

fn is_label(text: &str, labels: &[&str]) -> bool {
    let t = text.trim().trim_end_matches([':', '：', ' ']).trim();
    labels.contains(&t)
}

/// The page's document numbers: the labelled cell (文号 / 发文字号) first, then those in
/// `headline`, then those in the visible `text`; deduplicated, at most [`MAX_DOC_NUMBERS`].
pub fn doc_numbers(doc: &Html, headline: Option<&str>, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |n: String, out: &mut Vec<String>| {
        if !out.contains(&n) && out.len() < MAX_DOC_NUMBERS {
            out.push(n);
        }
    };
    let labels = ["文号", "发文字号", "发文文号"];
    for e in super::elements(doc, CELL_NAMES) {
        // Every label starts with 文 or 发, and so must the text: most elements are skipped
        // without collecting theirs.
        if !super::first_kept_char(e).is_some_and(|c| labels.iter().any(|l| l.starts_with(c))) {
            continue;
        }
        // A label alone, or a label, a colon and under 40 characters: never more than 64
        // characters that are not whitespace.
        let Some(own) = short_text_of(e, 64) else {
            continue;
        };
        if is_label(&own, &labels) {
            // the value is the next element sibling (a table cell, a dd)
            if let Some(v) = e.next_siblings().filter_map(ElementRef::wrap).next() {
                for n in find_doc_numbers(&text_of(v)) {
                    push(n, &mut out);
                }
            }
        } else if let Some(rest) = labels
            .iter()
            .find_map(|l| own.strip_prefix(l))
            .and_then(|r| r.trim().strip_prefix(['：', ':']))
        {
            // 文号：环办〔2020〕12号 in one element
            if rest.chars().count() < 40 {
                for n in find_doc_numbers(rest) {
                    push(n, &mut out);
                }
            }
        }
    }
    for n in headline.map(find_doc_numbers).unwrap_or_default() {
        push(n, &mut out);
    }
    for n in find_doc_numbers(text) {
        push(n, &mut out);
    }
    out
}

/// The article's own title: the `ArticleTitle` meta, else the first `<h1>`.
pub fn headline(doc: &Html) -> Option<String> {
    super::items::meta(doc, "ArticleTitle").or_else(|| {
        super::elements(doc, &["h1"])
            .map(text_of)
            .find(|t| !t.is_empty() && t.chars().count() < 200)
    })
}

/// The links of the page's related-link blocks: an element whose text starts with a label
/// (`相关解读：` …) gives the links inside it, or, when it holds none, those of its parent
/// block; a link whose own text is a label (`查看原文`, `原文链接`) counts too.
pub fn related_links(doc: &Html, base: &Url) -> Vec<RelatedLink> {
    let mut out: Vec<RelatedLink> = Vec::new();
    let add = |label: &str, a: ElementRef, out: &mut Vec<RelatedLink>| {
        let Some(href) = a.value().attr("href") else {
            return;
        };
        let href = href.trim();
        if href.is_empty() || href.starts_with('#') || href.starts_with("javascript:") {
            return;
        }
        let Ok(mut url) = base.join(href) else {
            return;
        };
        super::normalise(&mut url);
        if out.len() < MAX_RELATED && !out.iter().any(|r| r.url == url) {
            out.push(RelatedLink {
                label: label.to_string(),
                url,
                text: text_of(a),
            });
        }
    };
    for e in super::elements(doc, BLOCK_NAMES) {
        // only the element's own leading text, not its descendants' (a whole page starts with
        // its header, not with a label); most elements' first character already rules it out
        let first = e
            .children()
            .filter_map(|c| c.value().as_text())
            .flat_map(|t| t.chars())
            .find(|c| !c.is_whitespace());
        if !first.is_some_and(|c| LABELS.iter().any(|l| l.starts_with(c))) {
            continue;
        }
        let own: String = e
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect::<String>();
        let own = own.trim();
        let Some(label) = LABELS.iter().find(|l| {
            own.strip_prefix(**l)
                .is_some_and(|r| r.trim().is_empty() || r.trim_start().starts_with(['：', ':']))
        }) else {
            continue;
        };
        let inside: Vec<ElementRef> = e.select(&LINKS).collect();
        let links = if inside.is_empty() {
            e.parent()
                .and_then(ElementRef::wrap)
                .map(|p| p.select(&LINKS).collect())
                .unwrap_or_default()
        } else {
            inside
        };
        for a in links {
            add(label, a, &mut out);
        }
    }
    let link_labels = [
        "查看原文",
        "原文链接",
        "政策原文",
        "相关解读",
        "查看解读",
        "解读全文",
    ];
    for a in super::elements_with(doc, &["a"], "href") {
        // a link text that is a label starts as one does
        if !super::first_kept_char(a).is_some_and(|c| link_labels.iter().any(|l| l.starts_with(c)))
        {
            continue;
        }
        let t = text_of(a);
        if is_label(&t, &link_labels) {
            add(t.trim_end_matches([':', '：']), a, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_in_every_bracket_style() {
        for (s, want) in [
            ("环办监测〔2020〕12号", "环办监测〔2020〕12号"),
            ("国办发[2019]19号", "国办发〔2019〕19号"),
            ("国办发［2019］19号", "国办发〔2019〕19号"),
            ("环发（2021）3号", "环发〔2021〕3号"),
            ("环发(2021)第3号", "环发〔2021〕3号"),
            ("生态环境部令第26号", "生态环境部令第26号"),
            ("部令 第 5 号", "部令第5号"),
        ] {
            assert_eq!(normalise_doc_number(s).as_deref(), Some(want), "{s}");
        }
        assert_eq!(normalise_doc_number("2020年12月"), None);
    }

    #[test]
    fn labelled_cell_comes_first_then_headline_then_text() {
        let html = r#"<html><head><meta name="ArticleTitle" content="关于印发《某规定》的通知"></head><body>
            <p>根据国办发〔2019〕19号要求</p>
            <table><tr><td>文号：</td><td>环办〔2026〕12号</td></tr></table></body></html>"#;
        let doc = Html::parse_document(html);
        let h = headline(&doc);
        assert_eq!(h.as_deref(), Some("关于印发《某规定》的通知"));
        let text = super::super::visible_text(&doc);
        assert_eq!(
            doc_numbers(&doc, h.as_deref(), &text),
            vec!["环办〔2026〕12号", "国办发〔2019〕19号"]
        );
        let one = Html::parse_document("<div><span>发文字号：环发[2025]7号</span></div>");
        assert_eq!(doc_numbers(&one, None, ""), vec!["环发〔2025〕7号"]);
    }

    #[test]
    fn related_blocks_and_label_links() {
        let base = Url::parse("http://x.gov.cn/zcwj/a.html").unwrap();
        let html = r#"<div class="nav"><a href="/zcjd/">政策解读</a></div>
            <div class="xgjd"><p>相关解读：</p><ul><li><a href="/zcjd/t1.html">《某规定》解读</a></li></ul></div>
            <p><a href="/zcwj/t0.html">查看原文</a></p>"#;
        let r = related_links(&Html::parse_document(html), &base);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].label, "相关解读");
        assert_eq!(r[0].url.as_str(), "http://x.gov.cn/zcjd/t1.html");
        assert_eq!(r[1].label, "查看原文");
    }
}
