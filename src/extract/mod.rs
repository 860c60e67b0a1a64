//! Extract: what the crawler reads out of one fetched page. Pure functions, no I/O.
//!
//! [`extract`] parses decoded HTML once (scraper / html5ever, which never fails on malformed
//! markup) and returns [`PageFacts`]: the title, every link with its element and text, the
//! `<meta name>` tags (the national `SiteName` / `ColumnName` / `PubDate` … tags), whether the
//! page looks like an error page served with status 200 (a soft 404), and a fingerprint used to
//! recognise the site's own "not found" page. The crawler stores these facts; the checks read
//! them back.
//!
//! This runs on every page the crawl fetches ([`crate::crawl::parse_page`];
//! `examples/parse_bench.rs` times it and hashes what it extracts), so the per-page path avoids
//! work that cannot change the result: plain tag-name lookups walk the tree by name (`elements`)
//! instead of matching a selector against every element, a page's blocks of rows are built once
//! ([`items`]), and text is collected or collapsed only for elements whose first character can
//! still match what is sought.
//!
//! ```
//! use govpatrol::extract::extract;
//! let url = url::Url::parse("http://www.example.gov.cn/zcwj/index.html").unwrap();
//! let facts = extract(r#"<title>政策文件</title><a href="t20260101_1.html">某通知</a>
//!     <a href="javascript:void(0)">打印</a><img src="/x.png" alt="图">"#, &url, encoding_rs::UTF_8);
//! assert_eq!(facts.title, "政策文件");
//! assert_eq!(facts.links.len(), 2);
//! assert_eq!(facts.links[0].url.as_str(), "http://www.example.gov.cn/zcwj/t20260101_1.html");
//! assert_eq!(facts.links[0].text, "某通知");
//! assert_eq!(facts.links[1].element, "img");
//! ```

pub mod charset;
pub mod column_page;
pub mod datastore;
pub mod dates;
pub mod identity;
pub mod items;
pub mod messages;
pub mod policy;
pub mod script_built;
pub mod stream;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

/// What kind of page this is, for the column checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// A column's list page (栏目列表页), possibly empty.
    List,
    /// A content page with a publication date or the article meta tags.
    Article,
    /// Anything else: a homepage, a channel or navigation page, a site map, a form.
    #[default]
    Other,
}

/// What this govpatrol reads out of a page, as a version: a run records it (in
/// [`crate::crawl::facts_key`]), and a later run copies an unchanged page's stored facts (a
/// `304 Not Modified`, see [`crate::store::Previous`]) only from a run with the same value. Bump the number after `+` whenever a change here or in a
/// submodule makes the stored facts of the same page differ (new fields, other rules), so that
/// a new release reads every page afresh once instead of reusing what an older one extracted.
/// A test in `crawl` hashes what the crawl stores of the fixture pages and fails when that changes
/// and this does not.
pub const EXTRACTOR: &str = concat!(env!("CARGO_PKG_VERSION"), "+facts.3");

/// Most list rows kept per page (a site map can link thousands of pages).
pub const MAX_ITEMS: usize = 500;
/// Most pagination URLs kept per page (enough to tie later pages to the first one).
pub const MAX_PAGINATION: usize = 200;

/// What the column checks need of one page: its kind, its publication date (with where it came
/// from and every candidate, for `suspect_date`), its column meta tags and breadcrumb, its list
/// rows with their dates, and the other pages of its list. Small and bounded: never the page
/// itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageContent {
    pub kind: PageKind,
    /// [`dates::article_pub_date`] for articles; `None` for list and other pages.
    pub pub_date: Option<dates::FoundDate>,
    /// [`dates::pub_date_candidates`] for articles (meta vs printed vs URL date).
    pub date_candidates: Vec<dates::FoundDate>,
    pub column: items::ColumnMeta,
    /// A list page: its rows ([`items::list_items`]). Another page (a homepage, a channel):
    /// the rows of all its dated blocks ([`items::list_blocks`]). At most [`MAX_ITEMS`].
    pub items: Vec<items::ListItem>,
    /// The other pages of this list ([`items::pagination_urls`]), at most [`MAX_PAGINATION`].
    pub pagination: Vec<Url>,
    /// An article's own title ([`policy::headline`]: `ArticleTitle`, else `<h1>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// An article's document numbers (文号), its own first ([`policy::doc_numbers`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doc_numbers: Vec<String>,
    /// An article's related links (相关解读 / 相关文件 / 原文 blocks, [`policy::related_links`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<policy::RelatedLink>,
    /// Messages (留言) on this page: list rows or the message page itself ([`messages::read`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<messages::Message>,
    /// Solicitations (征集) on this page: list rows or the solicitation page itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solicitations: Vec<messages::Solicitation>,
}

/// Reads what the column checks need from a parsed page (see [`PageContent`]).
///
/// A page is a list page when [`items::is_list_page`] says so, or when it has no dated row and
/// shows only a placeholder where its list would be (`暂无信息`, `没有记录` …,
/// [`column_page::shows_placeholder`]): that is an empty column. A page with neither is an
/// article when it has the article tags or a date, else `Other` — a single page (概况, 联系我们 …)
/// with or without column tags is not a column, so it is never judged empty.
///
/// A homepage (`homepage`) is never a list page: its rows are those of all its blocks, for the
/// homepage update check.
///
/// Any page but the homepage also gets its messages and solicitations ([`messages::read`]).
///
/// On any page but the homepage, content that comes out empty (kind `Other`, nothing found) means
/// [`identity::page_kind`] says `Other` too: no article tag, not [`items::is_list_page`], no
/// publication date, the same rules on the same page; so the crawl does not ask again.
pub fn page_content(doc: &Html, url: &Url, homepage: bool) -> PageContent {
    let mut c = column_content(doc, url, homepage);
    if !homepage {
        let found = messages::read(doc, url);
        c.messages = found.messages;
        c.solicitations = found.solicitations;
    }
    c
}

fn column_content(doc: &Html, url: &Url, homepage: bool) -> PageContent {
    let column = items::column_meta(doc);
    let article_tags = elements_with(doc, &["meta"], "name").any(|m| {
        m.value().attr("name").is_some_and(|n| {
            let n = n.trim();
            n.eq_ignore_ascii_case("ArticleTitle") || n.eq_ignore_ascii_case("PubDate")
        })
    });
    let mut pagination = items::pagination_urls(doc, url);
    let has_pages = !pagination.is_empty();
    pagination.truncate(MAX_PAGINATION);
    // The page's blocks of rows are built once, when a question needs them (an article with
    // its meta tags never does), and asked everything from there.
    let mut blocks: Option<items::Blocks> = None;
    if !article_tags && !homepage {
        let b = blocks.insert(items::Blocks::new(doc, url));
        if b.is_list_page(doc, has_pages) {
            let mut rows = b.list_items();
            rows.truncate(MAX_ITEMS);
            return PageContent {
                kind: PageKind::List,
                column,
                items: rows,
                pagination,
                ..Default::default()
            };
        }
    }
    let (pub_date, date_candidates) = dates::pub_date_with_candidates(doc, url);
    let printed_date = pub_date.as_ref().is_some_and(|d| {
        matches!(
            d.source,
            dates::DateSource::LabelledText | dates::DateSource::Text
        )
    });
    let article = |pub_date, date_candidates| {
        let headline = policy::headline(doc);
        let doc_numbers = policy::doc_numbers(doc, headline.as_deref(), &visible_text(doc));
        PageContent {
            kind: PageKind::Article,
            headline,
            doc_numbers,
            related: policy::related_links(doc, url),
            date_candidates,
            pub_date,
            column: column.clone(),
            ..Default::default()
        }
    };
    if article_tags || printed_date {
        return article(pub_date, date_candidates);
    }
    let blocks = blocks.unwrap_or_else(|| items::Blocks::new(doc, url));
    let blocks = blocks.list_blocks();
    let dated_blocks = blocks
        .iter()
        .any(|b| b.iter().any(|i| i.date_raw.is_some()));
    // A list that shows only a placeholder (暂无信息, 没有记录 …) is an empty column, with or
    // without column tags; a single page (概况, 联系我们 …, or a page of prose) is not one, and
    // neither is a channel page whose one empty box sits beside boxes of (undated) article links.
    // (Article titles are long; menu and footer links, 网站地图 or a filing number, are not.)
    let article_links = blocks.iter().any(|b| {
        let own: Vec<usize> = b
            .iter()
            .filter(|i| i.url.origin() == url.origin())
            .map(|i| i.title.chars().count())
            .collect();
        own.len() >= 3 && own.iter().sum::<usize>() >= 12 * own.len()
    });
    if !homepage
        && !dated_blocks
        && !article_links
        && column_page::shows_placeholder(doc)
        && !single_page(doc, &column)
    {
        return PageContent {
            kind: PageKind::List,
            column,
            pagination,
            ..Default::default()
        };
    }
    if pub_date.is_some() {
        return article(pub_date, date_candidates);
    }
    let mut rows: Vec<items::ListItem> = blocks.into_iter().flatten().collect();
    rows.truncate(MAX_ITEMS);
    PageContent {
        kind: PageKind::Other,
        column,
        items: rows,
        pagination,
        ..Default::default()
    }
}

/// Whether a page without list rows is a single page: named like one (its `ColumnName`, else
/// its breadcrumb's last part, else its title's first part), or a document of prose.
fn single_page(doc: &Html, column: &items::ColumnMeta) -> bool {
    let title;
    let name = match (&column.name, column.breadcrumb.last()) {
        (Some(n), _) => n.as_str(),
        (None, Some(b)) => b.as_str(),
        (None, None) => {
            title = elements(doc, &["title"])
                .next()
                .map(|t| t.text().collect::<String>())
                .unwrap_or_default();
            title.split(['_', '-', '|', '—']).next().unwrap_or("")
        }
    };
    column_page::is_single_page_name(name)
        || items::sentence_text_len(doc) >= column_page::SINGLE_PAGE_PROSE
}

/// Longest link text kept.
pub(crate) const MAX_TEXT: usize = 200;
/// Most `<meta>` tags kept per page.
pub(crate) const MAX_META: usize = 64;

/// One link found on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Absolute, fragment dropped, as the WHATWG URL parser resolves it.
    pub url: Url,
    /// The element that holds it: `a`, `img`, `script`, `link`, `iframe` …
    pub element: String,
    /// The link's text (or an image's alt), whitespace collapsed.
    pub text: String,
}

/// What the crawler keeps of one page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageFacts {
    pub title: String,
    pub links: Vec<Link>,
    /// `<meta name=… content=…>`, names lower-cased, first occurrence kept.
    pub meta: BTreeMap<String, String>,
    /// Why the page looks like an error page although it answered 200.
    pub soft404: Option<String>,
    /// Hash of the title and the non-ASCII text: equal for the site's "not found" page whatever
    /// path was asked for.
    pub fingerprint: u64,
    /// Column list, article or other page (which metadata tags it should carry).
    #[serde(default)]
    pub kind: identity::PageKind,
    /// The footer items (网站标识码, ICP备案编号 …) found on the page.
    #[serde(default)]
    pub footer: identity::FooterFacts,
}

static IMG: LazyLock<Selector> = LazyLock::new(|| Selector::parse("img[alt]").expect("valid"));

/// Parses a page and extracts its facts. `encoding` is the page's, used to encode query strings
/// as browsers do.
pub fn extract(html: &str, url: &Url, encoding: &'static Encoding) -> PageFacts {
    facts_of(&parse_html(html), url, encoding)
}

/// Deepest element nesting handed to the HTML parser (see [`limit_nesting`]).
pub const MAX_NESTING: usize = 512;

/// Parses HTML the way every part of govpatrol must: lists kept in `<datastore>` scripts unwrapped
/// ([`datastore::unwrap`]), then through [`limit_nesting`].
pub fn parse_html(html: &str) -> Html {
    let html = datastore::unwrap(html);
    Html::parse_document(&limit_nesting(&html, MAX_NESTING))
}

/// Removes container start tags nested deeper than `max` (a hostile page with 100,000 nested
/// `<div>`s makes an HTML5 tree builder quadratic: every new element scans the stack of open
/// elements). Links and other elements the crawler reads are never removed, only the
/// `<div>`/`<span>`/`<font>`… wrappers around them; tags whose end tag is optional (`<p>`,
/// `<li>`, `<td>` …) and void elements do not count. Comments, scripts and styles are skipped.
/// A document within the limit is returned untouched (borrowed).
pub fn limit_nesting(html: &str, max: usize) -> Cow<'_, str> {
    const VOID_OR_OPTIONAL: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
        "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "!doctype",
    ];
    const KEEP: &[&str] = &[
        "a", "area", "iframe", "frame", "embed", "object", "img", "script", "link", "base", "meta",
        "title", "source", "video", "audio", "html", "head", "body", "style",
    ];
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already accounted for in `out`
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = memchr_lt(&b[i..]) {
        let start = i + off;
        i = start + 1;
        if b[i..].starts_with(b"!--") {
            i = find_from(b, i, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_end = b[name_start..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'!' || *c == b'-'))
            .map_or(b.len(), |p| name_start + p);
        if name_end == name_start {
            continue;
        }
        // The tag name lower-cased into a small buffer, not a `String` per tag: a name longer
        // than any the lists below hold is just a container.
        let mut buf = [0u8; 16];
        let raw = &b[name_start..name_end];
        let name = if raw.len() <= buf.len() {
            buf[..raw.len()].copy_from_slice(raw);
            buf[..raw.len()].make_ascii_lowercase();
            std::str::from_utf8(&buf[..raw.len()]).unwrap_or("")
        } else {
            ""
        };
        let end = find_from(b, name_end, b">").map_or(b.len(), |e| e + 1);
        if closing {
            if !VOID_OR_OPTIONAL.contains(&name) {
                depth = depth.saturating_sub(1);
            }
            i = end;
            continue;
        }
        if name == "script" || name == "style" || name == "textarea" || name == "title" {
            let close = format!("</{name}");
            i = find_ci(b, end, close.as_bytes()).unwrap_or(b.len());
            continue;
        }
        let self_closing = end >= 2 && b[end - 2] == b'/';
        if VOID_OR_OPTIONAL.contains(&name) || self_closing {
            i = end;
            continue;
        }
        if depth >= max && !KEEP.contains(&name) {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..start]);
            copied = end;
        } else {
            depth += 1;
        }
        i = end;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
    }
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|c| *c == b'<')
}

pub(crate) fn find_from(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if let [one] = needle {
        return b
            .get(from..)?
            .iter()
            .position(|c| c == one)
            .map(|p| from + p);
    }
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

pub(crate) fn find_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// The attribute that holds the target of a linking element, if it is one.
fn link_attr(name: &str) -> Option<&'static str> {
    match name {
        "a" | "area" | "link" => Some("href"),
        "img" | "script" | "iframe" | "frame" | "embed" | "source" | "video" | "audio" => {
            Some("src")
        }
        "object" => Some("data"),
        _ => None,
    }
}

/// One pass over the document: title, base, meta tags, linking elements and visible text.
struct Scan<'a> {
    title: Option<String>,
    base: Option<&'a str>,
    meta: BTreeMap<String, String>,
    links: Vec<(ElementRef<'a>, &'a str)>,
    text: String,
}

fn scan(doc: &Html) -> Scan<'_> {
    let mut s = Scan {
        title: None,
        base: None,
        meta: BTreeMap::new(),
        links: Vec::new(),
        text: String::new(),
    };
    for node in doc.root_element().descendants() {
        match node.value() {
            Node::Text(t) => {
                let hidden = node
                    .parent()
                    .and_then(|p| p.value().as_element())
                    .is_some_and(|e| {
                        matches!(
                            e.name(),
                            "script" | "style" | "noscript" | "template" | "title"
                        )
                    });
                if !hidden {
                    s.text.push_str(t);
                    s.text.push(' ');
                }
            }
            Node::Element(e) => match e.name() {
                "title" if s.title.is_none() => {
                    if let Some(el) = ElementRef::wrap(node) {
                        s.title = Some(collapse(&el.text().collect::<String>()));
                    }
                }
                "base" if s.base.is_none() => s.base = e.attr("href"),
                "meta" if s.meta.len() < MAX_META => {
                    if let (Some(name), Some(content)) = (e.attr("name"), e.attr("content")) {
                        s.meta
                            .entry(name.trim().to_ascii_lowercase())
                            .or_insert_with(|| collapse(content));
                    }
                }
                name => {
                    if let (Some(attr), Some(el)) = (link_attr(name), ElementRef::wrap(node)) {
                        if let Some(raw) = e.attr(attr) {
                            s.links.push((el, raw));
                        }
                    }
                }
            },
            _ => {}
        }
    }
    s
}

/// [`extract`] on an already parsed document.
pub fn facts_of(doc: &Html, url: &Url, encoding: &'static Encoding) -> PageFacts {
    let (mut f, text) = base_facts(doc, url, encoding);
    f.kind = identity::page_kind(doc, url, &f.meta);
    f.footer = identity::footer_facts(&text, &f.links);
    f
}

/// [`facts_of`] without the page kind and the footer (left at their defaults), with the page's
/// visible text: the crawl takes the kind from [`page_content`] and reads the footer on the
/// homepage only, since the per-page path is hot and nothing should be worked out twice.
pub fn base_facts(doc: &Html, url: &Url, encoding: &'static Encoding) -> (PageFacts, String) {
    let s = scan(doc);
    let base = s
        .base
        .and_then(|h| url.join(h.trim()).ok())
        .unwrap_or_else(|| url.clone());
    let links = resolve_links(&s.links, &base, encoding);
    let title = s.title.unwrap_or_default();
    let text = collapse(&s.text);
    let facts = PageFacts {
        soft404: soft404_reason(&title, &text),
        fingerprint: fingerprint(&title, &text),
        kind: PageKind::Other,
        footer: identity::FooterFacts::default(),
        title,
        links,
        meta: s.meta,
    };
    (facts, text)
}

/// Every checkable link of a page, deduplicated by target (first occurrence kept).
pub fn links_of(doc: &Html, base: &Url, encoding: &'static Encoding) -> Vec<Link> {
    resolve_links(&scan(doc).links, base, encoding)
}

fn resolve_links(
    raw: &[(ElementRef<'_>, &str)],
    base: &Url,
    encoding: &'static Encoding,
) -> Vec<Link> {
    resolve_links_with(
        raw.iter()
            .filter(|(el, _)| {
                el.value().name() != "link" || {
                    let rel = el.value().attr("rel").unwrap_or("").to_ascii_lowercase();
                    !(rel.contains("dns-prefetch") || rel.contains("preconnect"))
                }
            })
            .map(|(el, raw)| (el.value().name(), *raw, || link_text(el))),
        base,
        encoding,
    )
}

/// Every link of `raw` (element name, target as written, its text worked out when needed)
/// resolved against `base` ([`resolve`]: skippable schemes dropped, [`normalise`]d),
/// deduplicated by target, first occurrence kept. Linear: one hash per link.
pub(crate) fn resolve_links_with<'a, F: Fn() -> String>(
    raw: impl Iterator<Item = (&'a str, &'a str, F)>,
    base: &Url,
    encoding: &'static Encoding,
) -> Vec<Link> {
    resolve_links_by(base, encoding, |push| {
        for (name, raw, text) in raw {
            push(name, raw, &text);
        }
    })
}

/// [`resolve_links_with`] for a reader that finds links as it goes (`drive` calls `push` with
/// each one): nothing is held per link but the links kept, so a page of 100,000 links to the
/// same 5 URLs costs 5 links. The seen-set holds a 64-bit hash per target (keyed per process).
pub(crate) fn resolve_links_by(
    base: &Url,
    encoding: &'static Encoding,
    drive: impl FnOnce(&mut dyn FnMut(&str, &str, &dyn Fn() -> String)),
) -> Vec<Link> {
    fn encoder(enc: &'static Encoding) -> impl Fn(&str) -> Cow<'_, [u8]> {
        move |s| enc.encode(s).0
    }
    let encode = encoder(encoding);
    let options = Url::options().base_url(Some(base));
    let options = if encoding == encoding_rs::UTF_8 {
        options
    } else {
        options.encoding_override(Some(&encode))
    };
    let hasher = std::hash::RandomState::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    drive(&mut |name, raw, text| {
        let Some(url) = resolve(raw, &options) else {
            return;
        };
        if !seen.insert(std::hash::BuildHasher::hash_one(&hasher, url.as_str())) {
            return;
        }
        out.push(Link {
            url,
            element: name.to_string(),
            text: text(),
        });
    });
    out
}

/// Resolves an href; `None` for links that are not fetchable resources.
fn resolve(raw: &str, options: &url::ParseOptions<'_>) -> Option<Url> {
    let href = raw.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let lower = href
        .get(..href.len().min(11))
        .unwrap_or(href)
        .to_ascii_lowercase();
    if [
        "javascript:",
        "mailto:",
        "tel:",
        "data:",
        "about:",
        "sms:",
        "vbscript:",
    ]
    .iter()
    .any(|s| lower.starts_with(s))
    {
        return None;
    }
    let mut url = options.parse(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    normalise(&mut url);
    Some(url)
}

/// What govpatrol does to every URL it reads from a page, on top of the `url` crate's parsing
/// (scheme and host lower-cased, default port dropped, path percent-encoded, dot segments
/// removed): the fragment and session ids ([`drop_session_ids`]) are dropped, so one page is one
/// URL. Links, list items, pagination and related links all go through here.
pub fn normalise(url: &mut Url) {
    url.set_fragment(None);
    drop_session_ids(url);
}

/// Query keys (lower-cased) and `;` path parameters that only carry a session, never a page.
const SESSION_KEYS: &[&str] = &[
    "jsessionid",
    "phpsessid",
    "asp.net_sessionid",
    "sessionid",
    "session_id",
    "sessid",
];

/// Whether a query key or path parameter names a session: one of [`SESSION_KEYS`], IIS's
/// `ASPSESSIONID…` (the suffix varies), or `sid` with a value that looks like a random token
/// (16 or more letters and digits, not all digits: `sid=12` may well be a site or column id).
fn is_session_param(key: &str, value: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SESSION_KEYS.contains(&key.as_str())
        || key.starts_with("aspsessionid")
        || (key == "sid"
            && value.len() >= 16
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !value.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes session ids from a URL (`;jsessionid=…` path parameters, `?PHPSESSID=…`, random
/// `?sid=…`), so a site that writes a fresh session into every link does not turn each page into
/// endless URLs and is not fetched twice. Everything else is left byte for byte as it was (a GBK
/// query stays GBK-encoded).
///
/// ```
/// let mut u = url::Url::parse("http://s.gov.cn/a.jsp;jsessionid=0A1B2C3D?id=7&PHPSESSID=9f8e").unwrap();
/// govpatrol::extract::drop_session_ids(&mut u);
/// assert_eq!(u.as_str(), "http://s.gov.cn/a.jsp?id=7");
/// ```
pub fn drop_session_ids(url: &mut Url) {
    if url.path().contains(';') {
        let path: Vec<String> = url
            .path()
            .split('/')
            .map(|seg| {
                let mut parts = seg.split(';');
                let mut kept = parts.next().unwrap_or("").to_string();
                for p in parts {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    if !is_session_param(k, v) {
                        kept.push(';');
                        kept.push_str(p);
                    }
                }
                kept
            })
            .collect();
        let path = path.join("/");
        if path != url.path() {
            url.set_path(&path);
        }
    }
    if let Some(q) = url.query() {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                !is_session_param(k, v)
            })
            .collect();
        if kept.len() != q.split('&').count() {
            let kept = kept.join("&");
            url.set_query((!kept.is_empty()).then_some(kept.as_str()));
        }
    }
}

fn link_text(el: &ElementRef<'_>) -> String {
    let v = el.value();
    let mut text = match v.name() {
        "a" | "area" => collapse(&el.text().collect::<String>()),
        _ => String::new(),
    };
    if text.is_empty() {
        text = v
            .attr("alt")
            .or_else(|| v.attr("title"))
            .map(collapse)
            .unwrap_or_default();
    }
    if text.is_empty() && v.name() == "a" {
        if let Some(img) = el.select(&IMG).next() {
            text = collapse(img.value().attr("alt").unwrap_or(""));
        }
    }
    if text.chars().count() > MAX_TEXT {
        text = text.chars().take(MAX_TEXT).collect();
    }
    text
}

/// Whitespace (including full-width spaces and nbsp) collapsed to single spaces, trimmed, and
/// control characters removed ([`is_control`]).
///
/// Every text govpatrol keeps of a page (title, link texts, meta values, list rows, headlines,
/// messages) goes through here, so a page cannot put a bell, a terminal escape (`\x1b[31m`), a
/// NUL or a right-to-left override into a CSV cell, report.html, a notice, findings.jsonl or the
/// terminal.
///
/// ```
/// assert_eq!(govpatrol::extract::collapse(" 通知\x07\x1b[31m公告\u{202E}txt.exe\0 "), "通知[31m公告txt.exe");
/// ```
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(is_separator) {
        if w.is_empty() {
            continue;
        }
        // Hot (every text kept goes through here): a word without control characters, nearly
        // every word, is copied whole instead of character by character.
        if !w.chars().any(is_control) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
            continue;
        }
        let mut clean = w.chars().filter(|c| !is_control(*c)).peekable();
        if clean.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(clean);
    }
    out
}

/// Whether [`collapse`] reads `c` as a space between words.
pub(crate) fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}'
}

/// Whether [`collapse`] keeps `c` (not a space, not a control character).
fn is_kept(c: char) -> bool {
    !is_separator(c) && !is_control(c)
}

/// The elements of a parsed page named one of `names` (lower case), exactly those and in the
/// order that [`Html::select`] with a selector of these tag names gives (the tree's order of
/// creation, detached nodes left out), without matching a selector against every element:
/// selector matching was a tenth of the parse.
pub(crate) fn elements<'a>(
    doc: &'a Html,
    names: &'a [&'a str],
) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    doc.tree
        .nodes()
        .filter_map(ElementRef::wrap)
        .filter(move |e| names.contains(&e.value().name()) && e.parent().is_some())
}

/// [`elements`] that carry the attribute `attr` (a selector `name[attr]`).
pub(crate) fn elements_with<'a>(
    doc: &'a Html,
    names: &'a [&'a str],
    attr: &'a str,
) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    elements(doc, names).filter(move |e| e.value().attr(attr).is_some())
}

/// The first character [`collapse`] keeps of an element's text (the first of its collapsed
/// text), without collecting the text.
pub(crate) fn first_kept_char(e: ElementRef<'_>) -> Option<char> {
    e.text().flat_map(str::chars).find(|c| is_kept(*c))
}

/// How many characters [`collapse`] makes of an element's text (`collapse(text).chars().count()`),
/// without collecting or collapsing it.
pub(crate) fn collapsed_len(e: ElementRef<'_>) -> usize {
    let (mut n, mut words, mut in_word) = (0usize, 0usize, false);
    for c in e.text().flat_map(str::chars) {
        if is_separator(c) {
            in_word = false;
        } else if !is_control(c) {
            if !in_word {
                in_word = true;
                words += 1;
            }
            n += 1;
        }
    }
    n + words.saturating_sub(1)
}

/// Characters that are never text: C0 and C1 controls (NUL, bell, escape …) and the invisible
/// bidirectional formatting characters (LRM/RLM, the embeddings and overrides U+202A–U+202E,
/// the isolates U+2066–U+2069, the Arabic letter mark) that make `exe.txt` read `txt.exe`.
pub fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// The text a reader sees in `<body>` (scripts, styles and comments left out).
pub fn visible_text(doc: &Html) -> String {
    let mut out = String::new();
    // An explicit stack: deeply nested markup cannot overflow the call stack.
    let mut stack = vec![doc.tree.root()];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => {
                out.push_str(t);
                out.push(' ');
            }
            Node::Element(e)
                if matches!(
                    e.name(),
                    "script" | "style" | "noscript" | "head" | "template"
                ) => {}
            _ => stack.extend(node.children().rev()),
        }
    }
    collapse(&out)
}

/// Phrases that error pages use.
const NOT_FOUND_PHRASES: &[&str] = &[
    "页面不存在",
    "页面未找到",
    "找不到页面",
    "找不到该页面",
    "找不到您要访问的页面",
    "您访问的页面不存在",
    "您所访问的页面不存在",
    "页面已删除",
    "信息不存在或已删除",
    "该信息不存在",
    "page not found",
];

/// Why a 200 page looks like an error page: an error title, or a short body that says so.
pub fn soft404_reason(title: &str, text: &str) -> Option<String> {
    let t = title.to_lowercase();
    if let Some(p) = NOT_FOUND_PHRASES.iter().find(|p| t.contains(*p)) {
        return Some(format!("title says {p}"));
    }
    // "404" standing alone or leading the title; not "第404期".
    let title_404 = t.trim_start().starts_with("404")
        || t.split(|c: char| !c.is_alphanumeric()).any(|w| w == "404")
        || t.contains("404错误")
        || t.contains("错误404");
    if title_404 {
        return Some("title says 404".into());
    }
    // At most 600 characters, counted no further than the 601st.
    if text.chars().nth(600).is_none() {
        // What `text.to_lowercase().contains(p)` says, without lower-casing the text: no
        // character lower-cases into a Chinese one, and the only ones that lower-case into ASCII
        // letters without being ASCII are K (Kelvin, to `k`) and İ (to `i̇`): the English phrase
        // has neither letter, so it is found by comparing ASCII case-insensitively.
        let found = |p: &str| {
            if p.is_ascii() {
                debug_assert!(!p.contains(['k', 'i']), "{p}");
                let (b, p) = (text.as_bytes(), p.as_bytes());
                (0..(b.len() + 1).saturating_sub(p.len())).any(|i| {
                    b[i].eq_ignore_ascii_case(&p[0]) && b[i..i + p.len()].eq_ignore_ascii_case(p)
                })
            } else {
                text.contains(p)
            }
        };
        if let Some(p) = NOT_FOUND_PHRASES.iter().find(|p| found(p)) {
            return Some(format!("short page says {p}"));
        }
    }
    None
}

/// FNV-1a over the title and the non-ASCII characters of the text.
pub fn fingerprint(title: &str, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    title.bytes().for_each(&mut eat);
    eat(0);
    let mut buf = [0u8; 4];
    for c in text.chars().filter(|c| !c.is_ascii()) {
        c.encode_utf8(&mut buf).bytes().for_each(&mut eat);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(html: &str, url: &str) -> PageFacts {
        extract(html, &Url::parse(url).unwrap(), encoding_rs::UTF_8)
    }

    #[test]
    fn every_element_kind_is_a_link_and_skippable_schemes_are_not() {
        let f = facts(
            r##"<link rel="stylesheet" href="/css/a.css"><link rel="dns-prefetch" href="//x.cn">
            <script src="/js/a.js"></script><a href="#top">top</a><a href="mailto:a@b.cn">m</a>
            <a href="tel:123">t</a><a href=" javascript:void(0) ">j</a><a href="data:text/plain,x">d</a>
            <iframe src="/f.html"></iframe><img src="p.png" alt=" 图片 "><area href="/map.html">
            <embed src="/e.swf"><object data="/o.pdf"></object><a href="/a.html#sec">文章</a>"##,
            "http://s.gov.cn/dir/page.html",
        );
        let got: Vec<_> = f
            .links
            .iter()
            .map(|l| (l.element.as_str(), l.url.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("link", "http://s.gov.cn/css/a.css"),
                ("script", "http://s.gov.cn/js/a.js"),
                ("iframe", "http://s.gov.cn/f.html"),
                ("img", "http://s.gov.cn/dir/p.png"),
                ("area", "http://s.gov.cn/map.html"),
                ("embed", "http://s.gov.cn/e.swf"),
                ("object", "http://s.gov.cn/o.pdf"),
                ("a", "http://s.gov.cn/a.html"),
            ]
        );
        assert_eq!(f.links[3].text, "图片");
    }

    #[test]
    fn base_href_and_dot_segments() {
        let f = facts(
            r#"<base href="http://s.gov.cn/x/y/"><a href="../z.html">z</a><a href="./w.html">w</a>"#,
            "http://s.gov.cn/other/",
        );
        assert_eq!(f.links[0].url.as_str(), "http://s.gov.cn/x/z.html");
        assert_eq!(f.links[1].url.as_str(), "http://s.gov.cn/x/y/w.html");
    }

    #[test]
    fn chinese_path_is_utf8_percent_encoded_and_gbk_query_is_gbk_encoded() {
        let url = Url::parse("http://s.gov.cn/a/").unwrap();
        let f = extract(
            r#"<a href="/files/附件1.pdf?q=通知">附件</a>"#,
            &url,
            encoding_rs::GB18030,
        );
        assert_eq!(
            f.links[0].url.as_str(),
            "http://s.gov.cn/files/%E9%99%84%E4%BB%B61.pdf?q=%CD%A8%D6%AA"
        );
    }

    fn kind(html: &str) -> (PageKind, usize) {
        let url = Url::parse("http://s.gov.cn/lm/").unwrap();
        let c = page_content(&parse_html(html), &url, false);
        (c.kind, c.items.len())
    }

    #[test]
    fn a_single_page_with_column_tags_is_not_an_empty_column() {
        let head = r#"<meta name="ColumnName" content="单位概况"><title>单位概况_某局</title>"#;
        let nav = r#"<ul><li><a href="/">首页</a></li><li><a href="/gzdt/">工作动态</a></li></ul>"#;
        // named like a single page, no prose
        assert_eq!(
            kind(&format!("{head}{nav}<p>地址：某路1号</p>")).0,
            PageKind::Other
        );
        // a page of prose under any name, even with an empty sidebar box
        let prose =
            "本局是市政府工作部门，负责全市相关工作的统筹协调和监督管理，组织实施各项制度。"
                .repeat(3);
        let html = format!(
            r#"<meta name="ColumnName" content="本局"><p>{prose}</p><div>最新公告</div><p>暂无信息</p>"#
        );
        assert_eq!(kind(&html).0, PageKind::Other);
        // column tags and nothing at all (a list a script fills in): not judged either
        assert_eq!(
            kind(&format!(
                r#"<meta name="ColumnName" content="工作动态">{nav}<div id="app"></div>"#
            ))
            .0,
            PageKind::Other
        );
    }

    #[test]
    fn a_placeholder_list_without_column_tags_is_an_empty_column() {
        let html = r#"<title>政策法规</title><table><tr><td><a href="/">首页</a> | <a href="/news.htm">新闻</a></td></tr>
            <tr><td colspan="2">没有记录</td></tr></table>"#;
        assert_eq!(kind(html), (PageKind::List, 0));
        // a channel page: one empty box beside a box of article links is not an empty column
        let channel = r#"<title>政务公开</title><div><h3>通知公告</h3><p>暂无信息</p></div>
            <div><h3>工作动态</h3><ul><li><a href="/a/1.html">关于开展年度安全生产检查的通知</a></li>
            <li><a href="/a/2.html">市局召开第四季度工作部署会议</a></li>
            <li><a href="/a/3.html">全市生态环境保护工作推进会召开</a></li></ul></div>"#;
        assert_eq!(kind(channel).0, PageKind::Other);
    }

    #[test]
    fn soft_404_by_title_or_short_body_but_not_a_long_article() {
        assert!(soft404_reason("页面不存在", "").is_some());
        assert!(soft404_reason("404 Not Found", "").is_some());
        assert!(soft404_reason("示例部", "抱歉，您访问的页面不存在。返回首页").is_some());
        assert!(soft404_reason("关于第404期简报的通知", "").is_none());
        let long = "正文".repeat(400) + "页面不存在";
        assert!(soft404_reason("某文章", &long).is_none());
    }

    #[test]
    fn fingerprint_ignores_the_path_echoed_in_an_error_page() {
        let a = fingerprint("错误", "您访问的页面 /abc123.html 不存在");
        let b = fingerprint("错误", "您访问的页面 /zzz999.html 不存在");
        assert_eq!(a, b);
        assert_ne!(a, fingerprint("错误", "正常的文章内容"));
    }

    #[test]
    fn deep_nesting_is_flattened_but_links_survive() {
        let deep = format!(
            "{}<a href=\"/x\">深处</a>{}",
            "<div>".repeat(2000),
            "</div>".repeat(2000)
        );
        let limited = limit_nesting(&deep, 100);
        assert_eq!(limited.matches("<div>").count(), 100);
        let f = facts(&deep, "http://s.gov.cn/");
        assert_eq!(f.links.len(), 1);
        assert_eq!(f.links[0].text, "深处");
        let normal = "<html><body><ul><li><a href=\"/a\">a</a><li>b</ul><script>if (a<b) {}</script></body></html>";
        assert!(matches!(limit_nesting(normal, 100), Cow::Borrowed(_)));
    }

    #[test]
    fn session_ids_are_dropped_from_links_and_nothing_else_changes() {
        let f = extract(
            "<a href=\"/a/page.jsp;jsessionid=9F8E7D6C5B4A3210?id=7\">a</a>\
             <a href=\"/b.php?PHPSESSID=abcdef0123456789&amp;p=2\">b</a>\
             <a href=\"/c.asp?id=1&amp;ASPSESSIONIDQATQDRCS=KJHGFDSAPOIU\">c</a>\
             <a href=\"/d.html?sid=Zx81kd02mQ7sLw3pRt5v\">d</a>\
             <a href=\"/e.html?sid=12&amp;q=通知\">e</a>\
             <a href=\"/f;JSESSIONID=AB12CD34/g.html\">f</a>\
             <a href=\"/h.html;v=2\">h</a>",
            &Url::parse("http://s.gov.cn/").unwrap(),
            encoding_rs::GB18030,
        );
        let got: Vec<&str> = f.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "http://s.gov.cn/a/page.jsp?id=7",
                "http://s.gov.cn/b.php?p=2",
                "http://s.gov.cn/c.asp?id=1",
                "http://s.gov.cn/d.html",
                // a short numeric sid is a site or column id, and the GBK query stays GBK
                "http://s.gov.cn/e.html?sid=12&q=%CD%A8%D6%AA",
                "http://s.gov.cn/f/g.html",
                "http://s.gov.cn/h.html;v=2",
            ]
        );
    }

    #[test]
    fn control_and_bidi_characters_never_reach_titles_or_link_texts() {
        let f = facts(
            "<title>\x07=HYPERLINK(\"x\")\x1b[31m 通知\u{202E}gpj.exe</title>\
             <a href=\"/x\">\u{2066}附件\x08\u{009B}下载\u{2069}</a>",
            "http://s.gov.cn/",
        );
        assert_eq!(f.title, "=HYPERLINK(\"x\")[31m 通知gpj.exe");
        assert_eq!(f.links[0].text, "附件下载");
        assert!(!f
            .title
            .chars()
            .chain(f.links[0].text.chars())
            .any(is_control));
    }

    #[test]
    fn meta_names_are_lowercased_and_title_collapsed() {
        let f = facts(
            "<head><title>\n 通知\u{3000}公告 </title><meta name=\"PubDate\" content=\"2026-11-20 09:30\"></head>",
            "http://s.gov.cn/",
        );
        assert_eq!(f.title, "通知 公告");
        assert_eq!(
            f.meta.get("pubdate").map(String::as_str),
            Some("2026-11-20 09:30")
        );
    }
}
