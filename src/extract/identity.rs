//! Identity: what kind of page this is (column list, article, other) and which of the footer
//! items the national web design rules ask for (《政府网站发展指引》 annex) a page shows.
//!
//! Pure functions over a parsed page, called by [`super::facts_of`] on every page; the crawler
//! stores the kind of every page and the footer facts of the homepage, and
//! [`crate::checks::metadata`] judges them. Footer items are recognised by text patterns and link
//! targets only (never one CMS's class names):
//!
//! | item | recognised by |
//! |---|---|
//! | 网站标识码 | `网站标识码：bm17000099` (10 letters/digits) |
//! | ICP备案编号 | `京ICP备05009132号` (optionally `-1`) |
//! | 公安机关备案号 | `京公网安备 11010202000099号` |
//! | 主办单位 | `主办单位：…` or `主办：…` |
//! | 联系方式 | text or link 联系我们 / 联系方式 / 联系电话 / 联系邮箱 |
//! | 网站地图 | text or link 网站地图 / 站点地图 |
//! | 党政机关网站标识 | a link to `*.conac.cn`, or a link/image whose text or alt says 党政机关 |
//!
//! ```
//! use govpatrol::extract::identity::footer_facts;
//! let f = footer_facts("主办单位：示例部 网站标识码：bm17000099 京ICP备05009132号-1", &[]);
//! assert_eq!(f.site_id_code.as_deref(), Some("bm17000099"));
//! assert_eq!(f.icp.as_deref(), Some("京ICP备05009132号"));
//! assert_eq!(f.sponsor.as_deref(), Some("示例部"));
//! assert!(f.missing().contains(&"公安机关备案号"));
//! ```

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use scraper::Html;
use serde::{Deserialize, Serialize};
use url::Url;

use super::Link;

/// What a page is (one kind for the column and the metadata rules alike).
pub use super::PageKind;

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::List => "list",
            PageKind::Article => "article",
            PageKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> PageKind {
        match s {
            "list" => PageKind::List,
            "article" => PageKind::Article,
            _ => PageKind::Other,
        }
    }
}

/// The kind of a page: `ArticleTitle`/`PubDate` meta → article; a list by structure
/// ([`super::items::is_list_page`]) → list; a publication date found on the page → article;
/// else other.
pub fn page_kind(doc: &Html, url: &Url, meta: &BTreeMap<String, String>) -> PageKind {
    if meta.contains_key("articletitle") || meta.contains_key("pubdate") {
        return PageKind::Article;
    }
    if super::items::is_list_page(doc, url) {
        return PageKind::List;
    }
    if super::dates::article_pub_date(doc, url).is_some() {
        return PageKind::Article;
    }
    PageKind::Other
}

/// The footer items found on a page (see the module doc for how each is recognised).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FooterFacts {
    /// 网站标识码.
    pub site_id_code: Option<String>,
    /// ICP备案编号, normalised (`京ICP备05009132号`, without a `-1` site suffix or spaces).
    pub icp: Option<String>,
    /// 公安机关备案号 as written (`京公网安备 11010202000099号`).
    pub police: Option<String>,
    /// 主办单位.
    pub sponsor: Option<String>,
    /// 联系方式 / 联系我们.
    pub contact: bool,
    /// 网站地图.
    pub sitemap: bool,
    /// 党政机关网站标识.
    pub party_badge: bool,
}

/// The footer items in the order the rules list them, with their Chinese names.
pub const FOOTER_ITEMS: &[&str] = &[
    "党政机关网站标识",
    "主办单位",
    "联系方式",
    "网站标识码",
    "ICP备案编号",
    "公安机关备案号",
    "网站地图",
];

impl FooterFacts {
    /// Whether the item named as in [`FOOTER_ITEMS`] was found.
    pub fn has(&self, item: &str) -> bool {
        match item {
            "党政机关网站标识" => self.party_badge,
            "主办单位" => self.sponsor.is_some(),
            "联系方式" => self.contact,
            "网站标识码" => self.site_id_code.is_some(),
            "ICP备案编号" => self.icp.is_some(),
            "公安机关备案号" => self.police.is_some(),
            "网站地图" => self.sitemap,
            _ => false,
        }
    }

    /// The items not found, in the rules' order.
    pub fn missing(&self) -> Vec<&'static str> {
        FOOTER_ITEMS
            .iter()
            .copied()
            .filter(|i| !self.has(i))
            .collect()
    }
}

static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"网站标识码\s*[：:]?\s*([0-9A-Za-z]{10})(?:[^0-9A-Za-z]|$)").expect("valid")
});
static ICP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\p{Han})\s*ICP\s*备\s*(\d{5,12})\s*号").expect("valid"));
static POLICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{Han}\s*公网安备\s*\d{8,16}\s*号?").expect("valid"));
static SPONSOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"主办(?:单位)?\s*[：:]\s*([^\s|｜,，;；:：]{2,40})").expect("valid")
});
const CONTACT: &[&str] = &["联系我们", "联系方式", "联系电话", "联系邮箱"];
const SITEMAP: &[&str] = &["网站地图", "站点地图"];

/// Normalises an ICP number for comparison: spaces and a `-N` site suffix dropped.
pub fn normalise_icp(s: &str) -> String {
    match ICP.captures(s) {
        Some(c) => format!("{}ICP备{}号", &c[1], &c[2]),
        None => s.split_whitespace().collect(),
    }
}

/// The footer items in a page's visible text and links.
pub fn footer_facts(text: &str, links: &[Link]) -> FooterFacts {
    let link_says = |words: &[&str]| {
        links
            .iter()
            .any(|l| words.iter().any(|w| l.text.contains(w)))
    };
    FooterFacts {
        site_id_code: CODE.captures(text).map(|c| c[1].to_string()),
        icp: ICP
            .captures(text)
            .map(|c| format!("{}ICP备{}号", &c[1], &c[2])),
        police: POLICE.find(text).map(|m| m.as_str().trim().to_string()),
        sponsor: SPONSOR
            .captures(text)
            .map(|c| c[1].trim_end_matches(['。', '.']).to_string()),
        contact: CONTACT.iter().any(|w| text.contains(w)) || link_says(CONTACT),
        sitemap: SITEMAP.iter().any(|w| text.contains(w)) || link_says(SITEMAP),
        party_badge: links.iter().any(|l| {
            l.url
                .host_str()
                .is_some_and(|h| h == "conac.cn" || h.ends_with(".conac.cn"))
                || l.text.contains("党政机关")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str, text: &str) -> Link {
        Link {
            url: Url::parse(url).unwrap(),
            element: "a".into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_complete_footer_is_read_and_nothing_is_missing() {
        let text = "网站地图 | 联系我们 主办单位：中华人民共和国生态环境部 网站标识码：bm17000009 \
                    京ICP备05009132号 京公网安备 11040102700072号";
        let links = [link("https://bszs.conac.cn/sitename?method=show&id=1", "")];
        let f = footer_facts(text, &links);
        assert!(f.missing().is_empty(), "{f:?}");
        assert_eq!(f.sponsor.as_deref(), Some("中华人民共和国生态环境部"));
        assert_eq!(f.police.as_deref(), Some("京公网安备 11040102700072号"));
    }

    #[test]
    fn missing_items_are_listed_in_the_rules_order() {
        let f = footer_facts("版权所有：某单位 京ICP备 12034567 号-2", &[]);
        assert_eq!(f.icp.as_deref(), Some("京ICP备12034567号"));
        assert_eq!(
            f.missing(),
            vec![
                "党政机关网站标识",
                "主办单位",
                "联系方式",
                "网站标识码",
                "公安机关备案号",
                "网站地图"
            ]
        );
    }

    #[test]
    fn the_badge_by_alt_text_and_a_site_code_not_glued_to_more_digits() {
        let f = footer_facts(
            "网站标识码 1100000088123",
            &[link("http://x.gov.cn/a", "党政机关")],
        );
        assert!(f.party_badge);
        assert_eq!(f.site_id_code, None);
        assert_eq!(normalise_icp("京ICP备 05009132号-1"), "京ICP备05009132号");
    }
}
