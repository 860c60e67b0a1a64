//! List items: the rows of a column page, their dates, its pagination and its column metadata.
//!
//! Pure functions over a parsed page (no I/O), used by the crawler's extract step (to find a
//! column's newest item and the next pages to fetch) and by `govpatrol page` (to show what was
//! read). Everything is structure-based, never one site's class names, so that TRS, Hanweb/大汉,
//! gkmlpt, ASP.NET and home-made CMS pages are read alike:
//!
//! - [`list_items`] finds the main repeated block of links: sibling elements of the same tag
//!   (`li`, `tr`, `div`, `dd`, `p` …) each holding a link, grouped with their same-shaped
//!   neighbour containers (`<ul>`s split by separators), and picks the block with the most dated
//!   items on the site itself; navigation, breadcrumbs, footers and pagination lose because
//!   they carry no dates. A row's date is read outside its title link (a `<span>`/`<td>`, `[10-12]`
//!   with the year taken from the link or from the other rows), or at the end of the link text.
//! - Pinned rows (`置顶`, or older rows above newer ones at the top) are flagged; callers take the
//!   newest date of all rows, not the first row's.
//! - [`pagination_urls`] reads 下一页/尾页/numbered links and `createPageHTML(…)` /
//!   `var countPage = N` scripts; [`is_list_page`] tells a column page from an article or a
//!   navigation page; [`column_meta`] reads `ColumnName`/`ColumnType`/… and the breadcrumb.
//!
//! ```
//! use govpatrol::extract::items::{list_items, column_meta};
//! let html = r#"<meta name="ColumnName" content="通知公告">
//!   <div>当前位置：<a href="/">首页</a> &gt; <a href="./">通知公告</a></div>
//!   <ul><li><a href="./202405/t20240511_1.html">关于开展检查的通知</a><span>2024-05-11</span></li>
//!       <li><a href="./202405/t20240502_2.html">关于调整办公时间的通知</a><span>[05-02]</span></li></ul>"#;
//! let doc = scraper::Html::parse_document(html);
//! let base = url::Url::parse("https://www.example.gov.cn/tzgg/").unwrap();
//! let items = list_items(&doc, &base);
//! assert_eq!(items.len(), 2);
//! assert_eq!(items[1].date.unwrap().to_string(), "2024-05-02");
//! assert_eq!(column_meta(&doc).breadcrumb, vec!["首页", "通知公告"]);
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::extract::dates::{find_dates, month_in_url, parse_date};

/// One row of a column list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    pub title: String,
    pub url: Url,
    pub date: Option<NaiveDate>,
    /// How the date was written (`2024-05-11`, `[05-11]`); kept even when the year is unknown
    /// and `date` is `None`.
    pub date_raw: Option<String>,
    /// Marked 置顶, or an older row above newer ones at the top of the list.
    pub pinned: bool,
}

/// Column metadata from the national meta tags, and the breadcrumb as a fallback name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMeta {
    pub name: Option<String>,
    pub column_type: Option<String>,
    pub description: Option<String>,
    pub keywords: Option<String>,
    /// `当前位置：首页 > 新闻 > 省厅动态` → `["首页", "新闻", "省厅动态"]`.
    pub breadcrumb: Vec<String>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

// Parsed once, not on every page (or every element) that uses them.
static A_HREF: LazyLock<Selector> = LazyLock::new(|| sel("a[href]"));
static A: LazyLock<Selector> = LazyLock::new(|| sel("a"));

/// A stable identity for an element within one parsed page.
fn key(e: ElementRef<'_>) -> usize {
    e.value() as *const scraper::node::Element as usize
}

fn parent_el(e: ElementRef<'_>) -> Option<ElementRef<'_>> {
    e.parent().and_then(ElementRef::wrap)
}

use super::{collapse, collapsed_len};

fn text_of(e: ElementRef<'_>) -> String {
    collapse(&e.text().collect::<String>())
}

/// `href` resolved against the base, or `None` for script, mail and in-page links.
pub(crate) fn link_url(a: ElementRef<'_>, base: &Url) -> Option<Url> {
    let href = a.value().attr("href")?.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty()
        || href.starts_with('#')
        || lower.starts_with("javascript:")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
    {
        return None;
    }
    let mut u = base.join(href).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    super::normalise(&mut u);
    Some(u)
}

fn has_link(e: ElementRef<'_>) -> bool {
    if e.value().name() == "a" && e.value().attr("href").is_some() {
        return true;
    }
    e.descendent_elements()
        .any(|d| d.value().name() == "a" && d.value().attr("href").is_some())
}

fn in_chrome(e: ElementRef<'_>) -> bool {
    e.ancestors().filter_map(ElementRef::wrap).any(|a| {
        matches!(a.value().name(), "nav" | "header" | "footer" | "aside")
            || a.value().attr("role") == Some("navigation")
    })
}

const PAGER_WORDS: &[&str] = &[
    "下一页",
    "下页",
    "尾页",
    "末页",
    "上一页",
    "上页",
    "首页",
    "前一页",
    "后一页",
    "下一頁",
    "上一頁",
    "最后一页",
    "第一页",
    "更多",
    "more",
    "More",
    "next",
    "Next",
    "prev",
    "last",
    ">",
    ">>",
    "<",
    "<<",
    "»",
    "«",
    "›",
    "‹",
];
const PAGER_CORE: &[&str] = &[
    "下一页",
    "下页",
    "尾页",
    "末页",
    "上一页",
    "上页",
    "下一頁",
    "最后一页",
];

/// Whether an element's text has at most `max` characters besides spaces (looked at no
/// further than the one after `max`).
fn short_text(e: ElementRef<'_>, max: usize) -> bool {
    e.text()
        .flat_map(str::chars)
        .filter(|c| !super::is_separator(*c))
        .nth(max)
        .is_none()
}

fn is_pager_text(t: &str) -> bool {
    let t = t.trim();
    PAGER_WORDS.contains(&t)
        || (!t.is_empty() && t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit()))
}

fn same_site(a: &Url, b: &Url) -> bool {
    let strip = |u: &Url| {
        u.host_str()
            .unwrap_or("")
            .trim_start_matches("www.")
            .to_string()
    };
    let (x, y) = (strip(a), strip(b));
    x == y || x.ends_with(&format!(".{y}")) || y.ends_with(&format!(".{x}"))
}

/// The repeated element a link belongs to, and its container: walking up from the link, the
/// first element whose parent has at least two same-tag children, most of them holding links.
///
/// `repeated` remembers that answer per (parent, tag): it depends on the parent's children
/// only, and a list of 100,000 rows would otherwise count its rows again for every row's link
/// (quadratic: minutes on one page).
fn item_of<'a>(
    a: ElementRef<'a>,
    repeated: &mut HashMap<(usize, &'a str), bool>,
) -> Option<(ElementRef<'a>, ElementRef<'a>)> {
    let mut e = a;
    for _ in 0..7 {
        let p = parent_el(e)?;
        if matches!(p.value().name(), "body" | "html") {
            return None;
        }
        let name = e.value().name();
        let qualifies = *repeated.entry((key(p), name)).or_insert_with(|| {
            let (mut same, mut with_link) = (0usize, 0usize);
            for c in p.child_elements().filter(|c| c.value().name() == name) {
                same += 1;
                with_link += usize::from(has_link(c));
            }
            same >= 2 && with_link >= 2 && with_link * 10 >= same * 6
        });
        if qualifies {
            return Some((e, p));
        }
        e = p;
    }
    None
}

fn sig(e: ElementRef<'_>) -> String {
    format!(
        "{}.{}",
        e.value().name(),
        e.value().attr("class").unwrap_or("").trim()
    )
}

/// Text of an item split into what is inside its main link and what is outside.
struct ItemText {
    inside: String,
    outside: String,
    outside_nodes: Vec<String>,
}

fn item_text(item: ElementRef<'_>, main: ElementRef<'_>) -> ItemText {
    let mut t = ItemText {
        inside: String::new(),
        outside: String::new(),
        outside_nodes: Vec::new(),
    };
    let main_key = key(main);
    for d in item.descendants() {
        if let Node::Text(s) = d.value() {
            let inside = d
                .ancestors()
                .filter_map(ElementRef::wrap)
                .take_while(|a| key(*a) != key(item))
                .any(|a| key(a) == main_key);
            let hidden_or_script = d.ancestors().filter_map(ElementRef::wrap).any(|a| {
                matches!(a.value().name(), "script" | "style")
                    || crate::extract::dates::is_hidden(a.value())
            });
            if hidden_or_script {
                continue;
            }
            if inside {
                t.inside.push_str(s);
            } else {
                t.outside.push(' ');
                t.outside.push_str(s);
                let c = collapse(s);
                if !c.is_empty() {
                    t.outside_nodes.push(c);
                }
            }
        }
    }
    t.inside = collapse(&t.inside);
    t.outside = collapse(&t.outside);
    t
}

/// The date of a row: a full date outside the title link (the latest, for rows with several),
/// else a whole text node that is a date (`05-11` with the year given), else a date closing the
/// link text (`标题 [2024-05-11]`).
fn row_date(t: &ItemText, year: Option<i32>) -> Option<(Option<NaiveDate>, String)> {
    // A paragraph of prose around a link is not a list row; its dates are events. A row with an
    // intro (DedeCMS `ul.e2`: title, `日期：2026-11-20`, then a sentence or two) still shows its
    // date in a short text of its own.
    let prose = t.outside.contains('。') || t.outside.chars().count() > 150;
    if !prose {
        let found = find_dates(&t.outside, year);
        if let Some((d, _, r)) = found.iter().max_by_key(|(d, _, _)| *d) {
            return Some((Some(*d), t.outside[r.clone()].to_string()));
        }
    }
    for n in &t.outside_nodes {
        if prose && (n.contains(['。', '，']) || n.chars().count() > 30) {
            continue;
        }
        if let Some((d, _)) = parse_date(n, year) {
            return Some((Some(d), n.clone()));
        }
    }
    // A date closing the title: only spaces and brackets may follow it.
    if let Some((d, _, r)) = find_dates(&t.inside, year).last() {
        let rest = &t.inside[r.end..];
        if rest
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, ')' | ']' | '）' | '】'))
        {
            return Some((Some(*d), t.inside[r.clone()].to_string()));
        }
    }
    // A year-less date we cannot place yet: keep its spelling.
    if year.is_none() && !prose {
        for n in &t.outside_nodes {
            if parse_date(n, Some(2000)).is_some() {
                return Some((None, n.clone()));
            }
        }
    }
    None
}

fn is_pinned_mark(item: ElementRef<'_>, t: &ItemText) -> bool {
    if t.outside.contains("置顶")
        || t.inside.starts_with("[置顶]")
        || t.inside.starts_with("【置顶】")
    {
        return true;
    }
    item.descendent_elements()
        .filter(|e| e.value().name() == "img")
        .any(|img| {
            let alt = img.value().attr("alt").unwrap_or("");
            let title = img.value().attr("title").unwrap_or("");
            let src = img.value().attr("src").unwrap_or("").to_ascii_lowercase();
            let file = src.rsplit('/').next().unwrap_or("");
            alt.contains("置顶")
                || title.contains("置顶")
                || file.contains("zhiding")
                || file.starts_with("zd.")
                || file.starts_with("top.")
        })
}

/// One candidate block of list rows.
#[derive(Debug, Clone)]
struct Block {
    items: Vec<ListItem>,
    dated: usize,
    /// Rows showing a date, even one whose year is unknown.
    shows_date: usize,
    dated_internal: usize,
    internal: usize,
    avg_title: usize,
    chrome: bool,
}

impl Block {
    fn score(&self) -> (bool, bool, usize, usize, usize, usize) {
        let n = self.items.len();
        let is_dated = self.shows_date >= 2 || (n == 1 && self.shows_date == 1);
        (
            is_dated,
            !self.chrome,
            self.dated_internal,
            self.dated,
            if self.avg_title >= 5 {
                self.internal
            } else {
                0
            },
            n,
        )
    }
}

fn build_blocks(doc: &Html, base: &Url) -> Vec<Block> {
    let a_sel: &Selector = &A_HREF;
    // group key -> (items in document order)
    let mut groups: HashMap<(usize, String, String), Vec<ElementRef>> = HashMap::new();
    let mut order: Vec<(usize, String, String)> = Vec::new();
    let mut seen_items: HashMap<usize, ()> = HashMap::new();
    let mut repeated = HashMap::new();
    for a in super::elements_with(doc, &["a"], "href") {
        if link_url(a, base).is_none() {
            continue;
        }
        let Some((item, container)) = item_of(a, &mut repeated) else {
            continue;
        };
        if seen_items.insert(key(item), ()).is_some() {
            continue;
        }
        let gp = parent_el(container).map(key).unwrap_or(0);
        let k = (gp, sig(container), item.value().name().to_string());
        if !groups.contains_key(&k) {
            order.push(k.clone());
        }
        groups.entry(k).or_default().push(item);
    }

    let mut blocks = Vec::new();
    for k in order {
        let els = &groups[&k];
        let mut rows: Vec<(ListItem, ItemText, Option<i32>)> = Vec::new();
        for item in els {
            // The main link: the longest link text in the row.
            let anchors: Vec<ElementRef> = if item.value().name() == "a" {
                vec![*item]
            } else {
                item.select(a_sel).collect()
            };
            let Some(main) = anchors
                .iter()
                .filter(|a| link_url(**a, base).is_some())
                .max_by_key(|a| collapsed_len(**a))
                .copied()
            else {
                continue;
            };
            let Some(url) = link_url(main, base) else {
                continue;
            };
            let mut title = text_of(main);
            if let Some(t) = main.value().attr("title") {
                let t = collapse(t);
                let truncated = title.ends_with("...") || title.ends_with('…');
                if title.is_empty() || (truncated && t.chars().count() > title.chars().count()) {
                    title = t;
                }
            }
            if title.is_empty() || is_pager_text(&title) {
                continue;
            }
            let mut t = item_text(*item, main);
            if item.value().name() == "a" {
                // Bare sibling links: the date follows the link, up to the next link.
                let mut next = item.next_sibling();
                while let Some(n) = next {
                    match n.value() {
                        Node::Text(s) => {
                            t.outside.push(' ');
                            t.outside.push_str(s);
                            let c = collapse(s);
                            if !c.is_empty() {
                                t.outside_nodes.push(c);
                            }
                        }
                        Node::Element(e) if e.name() == "a" => break,
                        Node::Element(_) => {
                            if let Some(el) = ElementRef::wrap(n) {
                                t.outside.push(' ');
                                t.outside.push_str(&text_of(el));
                                // Each text of its own, as in a row element: `<small>日期：</small>
                                // 2026-11-20` is a label and a date, not one string.
                                for s in el.text() {
                                    let c = collapse(s);
                                    if !c.is_empty() {
                                        t.outside_nodes.push(c);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                    next = n.next_sibling();
                }
                t.outside = collapse(&t.outside);
            }
            let url_year = month_in_url(&url).map(|(y, _)| y);
            let pinned = is_pinned_mark(*item, &t);
            rows.push((
                ListItem {
                    title,
                    url,
                    date: None,
                    date_raw: None,
                    pinned,
                },
                t,
                url_year,
            ));
        }
        if rows.is_empty() {
            continue;
        }
        // First pass: dates that carry their year.
        for (li, t, _) in rows.iter_mut() {
            if let Some((d, raw)) = row_date(t, None) {
                li.date = d;
                li.date_raw = Some(raw);
            }
        }
        // The year most rows carry, for `[05-11]` rows whose link gives none.
        let mut years: HashMap<i32, usize> = HashMap::new();
        for (li, _, _) in &rows {
            if let Some(d) = li.date {
                *years.entry(d.year()).or_default() += 1;
            }
        }
        let block_year = years
            .into_iter()
            .max_by_key(|(y, n)| (*n, *y))
            .map(|(y, _)| y);
        for (li, t, url_year) in rows.iter_mut() {
            if li.date.is_none() {
                if let Some(y) = url_year.or(block_year) {
                    if let Some((d, raw)) = row_date(t, Some(y)) {
                        li.date = d;
                        li.date_raw = Some(raw);
                    }
                }
            }
        }
        let items: Vec<ListItem> = rows.into_iter().map(|(li, _, _)| li).collect();
        let mut items = dedupe(items);
        mark_pinned(&mut items);
        let dated = items.iter().filter(|i| i.date.is_some()).count();
        let internal = items.iter().filter(|i| same_site(&i.url, base)).count();
        let dated_internal = items
            .iter()
            .filter(|i| i.date.is_some() && same_site(&i.url, base))
            .count();
        let avg_title = items.iter().map(|i| i.title.chars().count()).sum::<usize>() / items.len();
        let chrome = els.first().is_some_and(|e| in_chrome(*e));
        let shows_date = items.iter().filter(|i| i.date_raw.is_some()).count();
        blocks.push(Block {
            items,
            dated,
            shows_date,
            dated_internal,
            internal,
            avg_title,
            chrome,
        });
    }
    blocks.sort_by_key(|b| std::cmp::Reverse(b.score()));
    blocks
}

/// Picture-plus-title rows link the same page twice: keep one row per URL (found by a map, not
/// a scan of the rows kept: a block can hold 100,000 rows).
fn dedupe(items: Vec<ListItem>) -> Vec<ListItem> {
    let mut out: Vec<ListItem> = Vec::new();
    let mut at: HashMap<Url, usize> = HashMap::new();
    for it in items {
        if let Some(prev) = at.get(&it.url).map(|i| &mut out[*i]) {
            if prev.date.is_none() && it.date.is_some() {
                prev.date = it.date;
                prev.date_raw = it.date_raw;
            }
            continue;
        }
        at.insert(it.url.clone(), out.len());
        out.push(it);
    }
    out
}

/// Older rows above newer ones at the top of a list otherwise ordered newest first are pinned.
fn mark_pinned(items: &mut [ListItem]) {
    let dates: Vec<Option<NaiveDate>> = items.iter().map(|i| i.date).collect();
    let n = dates.len();
    if n < 4 {
        return;
    }
    let max_lead = 5.min(n / 2);
    for i in 0..max_lead {
        let Some(d) = dates[i] else { break };
        let rest: Vec<NaiveDate> = dates[i + 1..].iter().flatten().copied().collect();
        let Some(newest_rest) = rest.iter().max() else {
            break;
        };
        if d >= *newest_rest {
            break;
        }
        // The rest must read newest first for "above newer ones" to mean pinned.
        let descending = rest.windows(2).filter(|w| w[0] >= w[1]).count();
        if descending * 10 < (rest.len().saturating_sub(1)) * 8 {
            break;
        }
        items[i].pinned = true;
    }
}

/// The items of a column list page: the main repeated block of links that carry dates (ul/li,
/// table rows, div rows; the date in a separate span/td or in the link text, `[10-12]` with the
/// year from the link or the other rows), ignoring navigation menus, breadcrumbs, footers,
/// pagination links and sidebars. The largest block of same-shaped sibling elements each holding
/// one main link wins; dated blocks win over undated ones, and rows on the site itself over
/// rows linking elsewhere. In page order; see [`ListItem::pinned`].
pub fn list_items(doc: &Html, base: &Url) -> Vec<ListItem> {
    Blocks::new(doc, base).list_items()
}

/// Every block of list rows on the page, best first (the first is [`list_items`]' pick when it
/// qualifies). A homepage or a channel page carries several columns' blocks; the homepage
/// update check wants the newest date among all of them.
pub fn list_blocks(doc: &Html, base: &Url) -> Vec<Vec<ListItem>> {
    Blocks::new(doc, base).list_blocks()
}

/// The blocks of rows of one page, built once ([`build_blocks`] is a tenth of the parse) for
/// every question the extract step asks of them: [`Blocks::list_items`],
/// [`Blocks::list_blocks`], [`Blocks::is_list_page`] answer as [`list_items`], [`list_blocks`]
/// and [`is_list_page`] do on the same page and base.
pub(crate) struct Blocks(Vec<Block>);

impl Blocks {
    pub(crate) fn new(doc: &Html, base: &Url) -> Blocks {
        Blocks(build_blocks(doc, base))
    }
    /// [`list_items`].
    pub(crate) fn list_items(&self) -> Vec<ListItem> {
        main_block(&self.0)
            .map(|b| b.items.clone())
            .unwrap_or_default()
    }
    /// [`list_blocks`].
    pub(crate) fn list_blocks(self) -> Vec<Vec<ListItem>> {
        self.0
            .into_iter()
            .filter(|b| b.items.len() >= 2 || b.shows_date > 0)
            .map(|b| b.items)
            .collect()
    }
    /// [`is_list_page`], given whether [`pagination_urls`] found any page.
    pub(crate) fn is_list_page(&self, doc: &Html, has_pages: bool) -> bool {
        list_page(doc, &self.0, has_pages)
    }
}

/// The block [`list_items`] reads, when one qualifies.
fn main_block(blocks: &[Block]) -> Option<&Block> {
    blocks
        .first()
        .filter(|b| b.shows_date > 0 || (b.items.len() >= 3 && b.avg_title >= 5 && !b.chrome))
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

fn string_literals(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' || c == '\'' {
            let mut lit = String::new();
            for d in chars.by_ref() {
                if d == c {
                    break;
                }
                lit.push(d);
            }
            out.push(lit);
        }
    }
    out
}

fn number_after(s: &str, name: &str) -> Option<u32> {
    let i = s.find(name)?;
    let rest = s[i + name.len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    n.parse().ok()
}

const PAGE_EXTS: &[&str] = &["shtml", "html", "htm", "jhtml", "jsp", "aspx", "php"];

/// Pages advertised by TRS-style scripts: `createPageHTML(31, 0, "index", "shtml")` or
/// `var countPage = 31` with `currentPage`.
fn script_pages(doc: &Html, base: &Url) -> Vec<Url> {
    let mut out = Vec::new();
    for s in super::elements(doc, &["script"]) {
        let js: String = s.text().collect();
        let mut count = None;
        let mut current = 0;
        let mut prefix = None;
        let mut ext = None;
        if let Some(i) = js.find("createPageHTML(") {
            let args = &js[i + "createPageHTML(".len()..];
            let args = &args[..args.find(')').unwrap_or(args.len())];
            let nums: Vec<u32> = args
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect();
            let lits = string_literals(args);
            if let Some(p) = lits.iter().position(|l| PAGE_EXTS.contains(&l.as_str())) {
                ext = Some(lits[p].clone());
                if p > 0 {
                    prefix = Some(lits[p - 1].clone());
                }
            }
            if let (Some(c), Some(cur)) = (nums.first(), nums.get(1)) {
                count = Some(*c);
                current = *cur;
            }
        }
        if count.is_none() {
            if let Some(c) = number_after(&js, "countPage") {
                count = Some(c);
                current = number_after(&js, "currentPage").unwrap_or(0);
            }
        }
        let Some(count) = count else { continue };
        let lits = string_literals(&js);
        let ext = ext
            .or_else(|| {
                lits.iter()
                    .map(|l| l.trim_start_matches('.'))
                    .find(|l| PAGE_EXTS.contains(l))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "html".to_string());
        let prefix = prefix
            .or_else(|| lits.iter().find(|l| l.as_str() == "index").cloned())
            .unwrap_or_else(|| "index".to_string());
        for i in 0..count.min(2000) {
            if i == current {
                continue;
            }
            let name = if i == 0 {
                format!("{prefix}.{ext}")
            } else {
                format!("{prefix}_{i}.{ext}")
            };
            if let Ok(mut u) = base.join(&name) {
                super::normalise(&mut u);
                out.push(u);
            }
        }
    }
    out
}

fn same_page(a: &Url, b: &Url) -> bool {
    let norm = |u: &Url| {
        let mut s = format!("{}{}", u.host_str().unwrap_or(""), u.path());
        for idx in ["index.html", "index.shtml", "index.htm", "index.jhtml"] {
            if let Some(t) = s.strip_suffix(idx) {
                s = t.to_string();
            }
        }
        (s, u.query().map(str::to_string))
    };
    norm(a) == norm(b)
}

/// Pagination: absolute URLs of the other pages of this list that the page advertises —
/// numbered and 下一页/上一页/尾页 links (`index_2.html`, `?page=2`, `_2.html` …) found next to
/// a 下一页/尾页 link or among several numbered links, and the pages of `createPageHTML(N, cur,
/// "index", "html")` / `var countPage = N` scripts. The page itself is left out; order is first
/// seen.
pub fn pagination_urls(doc: &Html, base: &Url) -> Vec<Url> {
    let a_sel: &Selector = &A_HREF;
    let mut containers: Vec<ElementRef> = Vec::new();
    let mut is_container: HashSet<usize> = HashSet::new();
    // What is counted of an element's links is counted once per element (a page of 100,000
    // numbered links would otherwise count its parent's links again for every one of them).
    let mut pagers: HashMap<usize, usize> = HashMap::new();
    let mut numbers: HashMap<usize, usize> = HashMap::new();
    let numbered = |t: &str| !t.is_empty() && t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit());
    for a in super::elements(doc, &["a", "span"]) {
        if !short_text(a, 5) {
            continue; // no pager word is longer; the text is not collected
        }
        let t = text_of(a);
        if PAGER_CORE.contains(&t.as_str()) {
            let mut c = parent_el(a);
            // Climb while the container holds no other pager link.
            for _ in 0..2 {
                let Some(p) = c else { break };
                let n = *pagers.entry(key(p)).or_insert_with(|| {
                    p.select(a_sel)
                        .filter(|x| is_pager_text(&text_of(*x)))
                        .count()
                });
                if n >= 2 {
                    break;
                }
                c = parent_el(p);
            }
            if let Some(c) = c {
                if is_container.insert(key(c)) {
                    containers.push(c);
                }
            }
        }
    }
    // Runs of numbered links without a 下一页 word.
    for a in super::elements_with(doc, &["a"], "href") {
        if !short_text(a, 5) || !numbered(&text_of(a)) {
            continue;
        }
        if let Some(p) = parent_el(a) {
            let n = *numbers
                .entry(key(p))
                .or_insert_with(|| p.select(a_sel).filter(|x| numbered(&text_of(*x))).count());
            if n >= 3 && is_container.insert(key(p)) {
                containers.push(p);
            }
        }
    }
    let mut out: Vec<Url> = Vec::new();
    let mut kept: HashSet<Url> = HashSet::new();
    let mut push = |u: Url, out: &mut Vec<Url>| {
        if same_site(&u, base) && !same_page(&u, base) && kept.insert(u.clone()) {
            out.push(u);
        }
    };
    for c in &containers {
        for a in c.select(a_sel) {
            if !is_pager_text(&text_of(a)) {
                continue;
            }
            if let Some(u) = link_url(a, base) {
                push(u, &mut out);
            }
        }
    }
    for u in script_pages(doc, base) {
        push(u, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Page kind and column metadata
// ---------------------------------------------------------------------------------------------

pub(crate) fn meta(doc: &Html, name: &str) -> Option<String> {
    super::elements(doc, &["meta"]).find_map(|m| {
        let n = m.value().attr("name")?;
        if !n.trim().eq_ignore_ascii_case(name) {
            return None;
        }
        let c = collapse(m.value().attr("content")?);
        (!c.is_empty()).then_some(c)
    })
}

/// Characters of body text in sentences (with 。), outside links: an article has many.
pub(crate) fn sentence_text_len(doc: &Html) -> usize {
    let mut n = 0;
    for p in super::elements(doc, &["p", "div", "td", "span", "font"]) {
        for child in p.children() {
            if let Node::Text(t) = child.value() {
                let t = t.trim();
                if t.contains('。') || t.contains('，') {
                    n += t.chars().count();
                }
            }
        }
    }
    n
}

/// Does this page look like a column (list) page rather than an article or a navigation page?
/// Articles carry `ArticleTitle`/`PubDate` or a body of sentences; a list page has a main block
/// of dated rows (or column meta tags over a block of rows, or pagination); a navigation page
/// (a homepage, a channel portal without column tags) has several dated blocks none of which
/// dominates.
pub fn is_list_page(doc: &Html, base: &Url) -> bool {
    // An article says so in its meta tags: no need to build its blocks to hear `list_page` say it.
    if meta(doc, "ArticleTitle").is_some() || meta(doc, "PubDate").is_some() {
        return false;
    }
    Blocks::new(doc, base).is_list_page(doc, !pagination_urls(doc, base).is_empty())
}

/// [`is_list_page`] over the page's blocks and whether it has pagination.
fn list_page(doc: &Html, blocks: &[Block], pages: bool) -> bool {
    if meta(doc, "ArticleTitle").is_some() || meta(doc, "PubDate").is_some() {
        return false;
    }
    let Some(main) = blocks.first() else {
        return false;
    };
    let column_tags = meta(doc, "ColumnName").is_some() || meta(doc, "ColumnType").is_some();
    let main_rows = main.items.len();
    let main_text: usize = main.items.iter().map(|i| i.title.chars().count()).sum();
    if main.dated < 3 && !(pages && main_rows >= 5 && main.avg_title >= 5) {
        return false;
    }
    if sentence_text_len(doc) > (main_text * 2).max(600) {
        return false;
    }
    if column_tags || pages {
        return true;
    }
    let others = blocks[1..]
        .iter()
        .filter(|b| b.dated >= 3 && !b.chrome)
        .collect::<Vec<_>>();
    // One other dated block of similar size is already a navigation page (a unit's homepage
    // with two columns side by side); a small sidebar next to a big list is not.
    others.iter().all(|b| main.dated >= b.dated * 2)
}

const CRUMB_LABELS: &[&str] = &[
    "您当前的位置",
    "您当前位置",
    "您现在的位置",
    "当前的位置",
    "当前位置",
    "您的位置",
    "所在位置",
    "现在位置",
];
const CRUMB_SEPS: &[char] = &['>', '＞', '»', '›', '→', '〉', '≫', '/'];

fn split_crumbs(s: &str) -> Vec<String> {
    s.split(CRUMB_SEPS)
        .map(|p| {
            collapse(p)
                .trim_matches(|c: char| c == ':' || c == '：')
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty() && p != "正文" && p != "详情")
        .collect()
}

fn breadcrumb(doc: &Html) -> Vec<String> {
    let body = super::elements(doc, &["body"]).next();
    let root = body.unwrap_or_else(|| doc.root_element());
    for d in root.descendants() {
        let Node::Text(t) = d.value() else { continue };
        let Some(label) = CRUMB_LABELS.iter().find(|l| t.contains(*l)) else {
            continue;
        };
        let mut anc = d.parent().and_then(ElementRef::wrap);
        for _ in 0..4 {
            let Some(a) = anc else { break };
            if matches!(a.value().name(), "script" | "style") {
                break;
            }
            let text = text_of(a);
            if let Some(i) = text.find(label) {
                let rest = &text[i + label.len()..];
                let rest = rest.trim_start_matches([':', '：', ' ']);
                let parts = split_crumbs(rest);
                if parts.len() >= 2 || (!parts.is_empty() && has_link(a)) {
                    return parts;
                }
            }
            anc = parent_el(a);
        }
    }
    // No label: an element named for it, holding two or more links.
    for e in root.descendent_elements() {
        let names = format!(
            "{} {}",
            e.value().attr("class").unwrap_or(""),
            e.value().attr("id").unwrap_or("")
        )
        .to_ascii_lowercase();
        if ["crumb", "dqwz", "weizhi", "position", "location", "mbx"]
            .iter()
            .any(|w| names.contains(w))
            && e.select(&A_HREF).count() >= 2
        {
            let parts = split_crumbs(&text_of(e));
            if parts.len() >= 2 {
                return parts;
            }
            // <ol><li><a>首页</a></li><li><a>要闻动态</a></li></ol>: no separators in the text.
            let links: Vec<String> = e
                .select(&A)
                .map(text_of)
                .filter(|t| !t.is_empty())
                .collect();
            if links.len() >= 2 {
                return links;
            }
        }
    }
    Vec::new()
}

/// Column metadata from the national meta tags (`ColumnName`, `ColumnType`,
/// `ColumnDescription`, `ColumnKeywords`; `None` when absent or empty) and the breadcrumb
/// (`当前位置：首页 > … > …`) as a fallback name.
pub fn column_meta(doc: &Html) -> ColumnMeta {
    ColumnMeta {
        name: meta(doc, "ColumnName"),
        column_type: meta(doc, "ColumnType"),
        description: meta(doc, "ColumnDescription"),
        keywords: meta(doc, "ColumnKeywords"),
        breadcrumb: breadcrumb(doc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> Html {
        Html::parse_document(s)
    }
    fn base() -> Url {
        Url::parse("https://www.example.gov.cn/xwdt/tzgg/").unwrap()
    }
    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    const NAV: &str = r#"<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xxgk/">信息公开</a></li>
        <li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>"#;
    const FOOT: &str = r#"<div><ul><li><a href="http://www.gov.cn/">中国政府网</a></li>
        <li><a href="http://www.moe.gov.cn/">教育部</a></li><li><a href="http://www.mee.gov.cn/">生态环境部</a></li></ul>
        <p>Copyright © 2005-2026 主办单位：某某局</p></div>"#;

    #[test]
    fn ul_li_with_date_span_ignoring_nav_and_footer() {
        let html = format!(
            r#"{NAV}<div>当前位置：<a href="/">首页</a> &gt; <a href="./">通知公告</a></div>
            <ul class="list"><li><span>2024-05-11</span><a href="./202405/t20240511_1.html">关于开展安全检查的通知</a></li>
            <li><span>2024-05-02</span><a href="./202405/t20240502_2.html">关于调整办公时间的通知</a></li>
            <li><span>2024-04-20</span><a href="./202404/t20240420_3.html">关于公布检查结果的公告</a></li></ul>{FOOT}"#
        );
        let items = list_items(&doc(&html), &base());
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].title, "关于开展安全检查的通知");
        assert_eq!(
            items[0].url.as_str(),
            "https://www.example.gov.cn/xwdt/tzgg/202405/t20240511_1.html"
        );
        assert_eq!(items[0].date, Some(ymd(2024, 5, 11)));
        assert_eq!(items[2].date_raw.as_deref(), Some("2024-04-20"));
        assert!(items.iter().all(|i| !i.pinned));
    }

    #[test]
    fn table_rows_with_date_cell() {
        let html = r#"<table><tr><th>标题</th><th>文号</th><th>发布日期</th></tr>
            <tr><td><a href="/a/1.html">某某市人民政府关于印发实施方案的通知</a></td><td>某政发〔2024〕3号</td><td>2024年3月5日</td></tr>
            <tr><td><a href="/a/2.html">某某市人民政府办公室关于做好春耕工作的通知</a></td><td>某政办〔2024〕1号</td><td>2024年2月1日</td></tr>
            <tr><td><a href="/a/3.html">某某市人民政府关于表彰先进的决定</a></td><td>某政发〔2024〕1号</td><td>2024年1月9日</td></tr></table>"#;
        let items = list_items(&doc(html), &base());
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].date, Some(ymd(2024, 3, 5)));
        assert_eq!(items[2].title, "某某市人民政府关于表彰先进的决定");
    }

    #[test]
    fn div_rows_and_date_in_link_text() {
        let html = r#"<div class="c"><div class="row"><a href="/n/1.html">全市召开安全生产工作会议 2024-06-03</a></div>
            <div class="row"><a href="/n/2.html">关于2024年5月1日放假安排的通知 2024-04-28</a></div>
            <div class="row"><a href="/n/3.html">我局开展普法宣传活动 2024-04-20</a></div></div>"#;
        let items = list_items(&doc(html), &base());
        assert_eq!(items.len(), 3);
        // The date closing the title, not the date inside it.
        assert_eq!(items[1].date, Some(ymd(2024, 4, 28)));
    }

    #[test]
    fn bare_sibling_links_with_following_dates() {
        let html = r#"<div><h3>工作动态</h3><div class="box"><a href="/d/1.html">市领导调研重点项目建设</a><span>2024-06-01</span><br>
            <a href="/d/2.html">全市防汛工作部署会召开</a><span>2024-05-28</span><br>
            <a href="/d/3.html">我市举办招商推介会</a><span>2024-05-20</span></div></div>"#;
        let items = list_items(&doc(html), &base());
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].date, Some(ymd(2024, 5, 28)));
    }

    #[test]
    fn short_dates_take_the_year_from_the_link_or_the_other_rows() {
        let html = r#"<ul><li><a href="./202312/t20231230_1.html">年终工作总结会议召开</a><span>[12-30]</span></li>
            <li><a href="./202312/t20231215_2.html">开展冬季安全检查</a><span>[12-15]</span></li>
            <li><a href="/c/3.html">召开党组会议</a><span>12-01</span></li>
            <li><a href="/c/4.html">举办业务培训班</a><span>2023-11-20</span></li></ul>"#;
        let items = list_items(&doc(html), &base());
        assert_eq!(items[0].date, Some(ymd(2023, 12, 30)));
        assert_eq!(items[0].date_raw.as_deref(), Some("12-30"));
        assert_eq!(items[2].date, Some(ymd(2023, 12, 1)));
        // No year anywhere: the spelling is kept, the date is unknown.
        let html = r#"<ul><li><a href="/c/1.html">召开党组会议</a><span>(12-01)</span></li>
            <li><a href="/c/2.html">举办业务培训班</a><span>(11-20)</span></li></ul>"#;
        let items = list_items(&doc(html), &base());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].date, None);
        assert_eq!(items[0].date_raw.as_deref(), Some("(12-01)"));
    }

    #[test]
    fn pinned_rows_marked_and_inferred() {
        let html = r#"<ul><li><img src="/images/zhiding.gif"><a href="/p/0.html">关于举报违法线索有奖励的通告</a><span>2022-01-05</span></li>
            <li><a href="/p/1.html">我省在技能竞赛中载誉而归</a><span>2024-09-07</span></li>
            <li><a href="/p/2.html">基础测绘能力提升</a><span>2024-08-31</span></li>
            <li><a href="/p/3.html">圈定七项重点任务</a><span>2024-08-25</span></li>
            <li><a href="/p/4.html">廉洁文化作品展开展</a><span>2024-08-11</span></li></ul>"#;
        let items = list_items(&doc(html), &base());
        assert!(items[0].pinned);
        assert!(!items[1].pinned);
        // Unmarked, but older than everything below it.
        let html = html.replace(r#"<img src="/images/zhiding.gif">"#, "");
        let items = list_items(&doc(&html), &base());
        assert!(items[0].pinned);
        assert!(items[1..].iter().all(|i| !i.pinned));
        assert_eq!(
            items.iter().filter_map(|i| i.date).max(),
            Some(ymd(2024, 9, 7))
        );
        // Text mark.
        let html = r#"<ul><li><a href="/p/0.html">[置顶] 重要通知</a><span>2022-01-05</span></li>
            <li><a href="/p/1.html">一般通知</a><span>2021-09-07</span></li></ul>"#;
        assert!(list_items(&doc(html), &base())[0].pinned);
    }

    #[test]
    fn dated_block_beats_bigger_undated_menu_and_internal_beats_external() {
        let mut menu = String::from("<ul>");
        for i in 0..30 {
            menu.push_str(&format!(
                r#"<li><a href="/lm{i}/">栏目名称第{i}个</a></li>"#
            ));
        }
        menu.push_str("</ul>");
        let html = format!(
            r#"{menu}<div><ul class="l"><li><a href="https://other.example.com/a.html">外部链接新闻一则</a><span>2024-07-01</span></li>
            <li><a href="https://other.example.com/b.html">外部链接新闻两则</a><span>2024-07-02</span></li>
            <li><a href="https://other.example.com/c.html">外部链接新闻三则</a><span>2024-07-03</span></li></ul></div>
            <div><ul class="l"><li><a href="/x/1.html">本站新闻标题一</a><span>2024-06-01</span></li>
            <li><a href="/x/2.html">本站新闻标题二</a><span>2024-06-02</span></li>
            <li><a href="/x/3.html">本站新闻标题三</a><span>2024-06-03</span></li></ul></div>"#
        );
        let items = list_items(&doc(&html), &base());
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].title, "本站新闻标题一");
        assert_eq!(list_blocks(&doc(&html), &base()).len(), 3);
    }

    #[test]
    fn sibling_lists_split_by_separators_are_one_block() {
        let html = r#"<div class="box"><ul class="list01"><li><a href="/a/1.html">新闻标题第一条</a><span>(2024-09-16)</span></li>
            <li><a href="/a/2.html">新闻标题第二条</a><span>(2024-09-15)</span></li></ul><div class="line"></div>
            <ul class="list01"><li><a href="/a/3.html">新闻标题第三条</a><span>(2024-09-13)</span></li>
            <li><a href="/a/4.html">新闻标题第四条</a><span>(2024-09-12)</span></li></ul></div>"#;
        assert_eq!(list_items(&doc(html), &base()).len(), 4);
    }

    #[test]
    fn pagination_links() {
        let html = r#"<ul><li><a href="1.html">一条新闻的标题</a><span>2024-01-01</span></li></ul>
            <div class="page"><span>首页</span><span>上一页</span><a href="index_1.html">2</a><a href="index_2.html">3</a>
            <a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div>
            <div><a href="/">首页</a></div>"#;
        let p = pages_of(html, &base());
        assert_eq!(
            p,
            vec![
                "https://www.example.gov.cn/xwdt/tzgg/index_1.html",
                "https://www.example.gov.cn/xwdt/tzgg/index_2.html",
                "https://www.example.gov.cn/xwdt/tzgg/index_9.html",
            ]
        );
        let html = r#"<div><a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a><a href="?page=2">下一页</a></div>"#;
        let b = Url::parse("https://www.example.gov.cn/list.aspx?page=1").unwrap();
        let p = pagination_urls(&doc(html), &b);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].as_str(), "https://www.example.gov.cn/list.aspx?page=2");
    }

    /// The pagination URLs of `html` read at `base`, as strings.
    fn pages_of(html: &str, base: &Url) -> Vec<String> {
        pagination_urls(&doc(html), base)
            .iter()
            .map(|u| u.to_string())
            .collect()
    }

    #[test]
    fn pagination_drops_session_ids_like_every_other_link() {
        let html = r#"<div><a href="list.jsp;jsessionid=A1B2C3D4E5F6?page=2">2</a><a href="list.jsp?page=3&amp;PHPSESSID=0f9e8d7c6b5a">3</a><a href="list.jsp;jsessionid=F6E5D4C3B2A1?page=2">下一页</a></div>"#;
        let b = Url::parse("https://www.example.gov.cn/list.jsp?page=1").unwrap();
        let p = pages_of(html, &b);
        assert_eq!(
            p,
            vec![
                "https://www.example.gov.cn/list.jsp?page=2",
                "https://www.example.gov.cn/list.jsp?page=3",
            ]
        );
    }

    #[test]
    fn pagination_scripts() {
        let html = r#"<script>createPageHTML(4, 0, "index", "shtml");</script>"#;
        let p = pages_of(html, &base());
        assert_eq!(
            p,
            vec![
                "https://www.example.gov.cn/xwdt/tzgg/index_1.shtml",
                "https://www.example.gov.cn/xwdt/tzgg/index_2.shtml",
                "https://www.example.gov.cn/xwdt/tzgg/index_3.shtml",
            ]
        );
        let html = r#"<script>var currentPage = 1;var countPage = 3//共多少页
            document.write("<a href=\"index"+"_" + nextPage + "."+"html\">下一页</a>");</script>"#;
        let b = Url::parse("https://www.example.gov.cn/xwdt/tzgg/index_1.html").unwrap();
        let p = pages_of(html, &b);
        assert_eq!(
            p,
            vec![
                "https://www.example.gov.cn/xwdt/tzgg/index.html",
                "https://www.example.gov.cn/xwdt/tzgg/index_2.html",
            ]
        );
    }

    #[test]
    fn list_page_vs_article_vs_navigation() {
        let list = r#"<meta name="ColumnName" content="通知公告"><ul>
            <li><a href="/a/1.html">关于开展安全检查的通知</a><span>2024-05-11</span></li>
            <li><a href="/a/2.html">关于调整办公时间的通知</a><span>2024-05-02</span></li>
            <li><a href="/a/3.html">关于公布检查结果的公告</a><span>2024-04-20</span></li></ul>"#;
        assert!(is_list_page(&doc(list), &base()));
        let article = r#"<meta name="ArticleTitle" content="关于开展安全检查的通知"><h1>关于开展安全检查的通知</h1>
            <p>各单位：为做好安全工作，现将有关事项通知如下。</p>"#;
        assert!(!is_list_page(&doc(article), &base()));
        let mut nav = String::new();
        for col in 0..4 {
            nav.push_str(&format!("<div><h3>栏目{col}</h3><ul>"));
            for i in 0..5 {
                nav.push_str(&format!(
                    r#"<li><a href="/c{col}/{i}.html">栏目{col}的第{i}条新闻标题</a><span>2024-05-1{i}</span></li>"#
                ));
            }
            nav.push_str("</ul></div>");
        }
        assert!(!is_list_page(&doc(&nav), &base()));
    }

    #[test]
    fn column_meta_tags_and_breadcrumbs() {
        let html = r#"<meta name="columnname" content=" 督察管理 "><meta name="ColumnType" content="">
            <div class="location"><span>您当前的位置 </span>&gt; <span><a href="/">首页</a></span>&gt;<span><a href="/xw/">新闻</a>&gt;<a href="./">省厅动态</a></span></div>"#;
        let m = column_meta(&doc(html));
        assert_eq!(m.name.as_deref(), Some("督察管理"));
        assert_eq!(m.column_type, None);
        assert_eq!(m.description, None);
        assert_eq!(m.breadcrumb, vec!["首页", "新闻", "省厅动态"]);
        let html = r#"<ol class="breadcrumb"><li><a href="/">首页</a></li><li><a href="/yw/">要闻动态</a></li></ol>"#;
        assert_eq!(column_meta(&doc(html)).breadcrumb, vec!["首页", "要闻动态"]);
    }
}

/// The real list pages under `tests/fixtures/pages/` (see its README for sources and labels).
#[cfg(test)]
mod fixture_tests {
    use super::*;

    fn load(rel: &str) -> Html {
        let path = format!("{}/tests/fixtures/pages/{rel}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let text = if bytes.starts_with(&[0xFF, 0xFE]) {
            encoding_rs::UTF_16LE.decode(&bytes).0.into_owned()
        } else {
            match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
            }
        };
        Html::parse_document(&text)
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn mee_list() {
        let doc = load("list/mee_gov_cn.html");
        let base = Url::parse("http://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/").unwrap();
        assert!(is_list_page(&doc, &base));
        let items = list_items(&doc, &base);
        assert_eq!(items.len(), 15);
        assert_eq!(items[0].title, "中央生态环境保护督察集中通报典型案例");
        assert_eq!(
            items[0].url.as_str(),
            "http://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/202606/t20260602_1157667.shtml"
        );
        assert!(items.iter().all(|i| i.date.is_some() && !i.pinned));
        assert_eq!(
            items.iter().filter_map(|i| i.date).max(),
            Some(d("2026-06-02"))
        );
        assert_eq!(items[14].date, Some(d("2026-05-07")));
        let pages = pagination_urls(&doc, &base);
        assert_eq!(pages.len(), 30);
        assert_eq!(
            pages[0].as_str(),
            "http://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/index_1.shtml"
        );
        assert_eq!(
            pages[29].as_str(),
            "http://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/index_30.shtml"
        );
        let m = column_meta(&doc);
        assert_eq!(m.name.as_deref(), Some("督察管理"));
        assert_eq!(m.column_type.as_deref(), Some("督察管理"));
        assert_eq!(
            m.breadcrumb,
            vec!["首页", "业务工作", "中央生态环境保护督察", "督察管理"]
        );
    }

    #[test]
    fn nea_channel_page() {
        let doc = load("list/nea_gov_cn.html");
        let base = Url::parse("http://www.nea.gov.cn/xwzx/index.htm").unwrap();
        assert!(is_list_page(&doc, &base));
        // A channel page with four blocks: 要闻 (10), 领导活动 (15, links to news.cn),
        // 能源要闻 (15), 图片新闻 (4, undated). The main block is the biggest dated one on
        // the site itself.
        let items = list_items(&doc, &base);
        assert_eq!(items.len(), 15);
        assert_eq!(items[0].title, "5年再增约10亿“风光”意味着什么");
        assert_eq!(
            items.iter().filter_map(|i| i.date).max(),
            Some(d("2026-09-11"))
        );
        let newest_on_page = list_blocks(&doc, &base)
            .iter()
            .flatten()
            .filter_map(|i| i.date)
            .max();
        assert_eq!(newest_on_page, Some(d("2026-09-16")));
        assert!(pagination_urls(&doc, &base).is_empty());
        let m = column_meta(&doc);
        assert_eq!(m.name, None);
        assert_eq!(m.column_type.as_deref(), Some("工作动态"));
        assert_eq!(m.breadcrumb, vec!["首页", "新闻中心"]);
    }

    #[test]
    fn hebei_list_with_pinned_row() {
        let doc = load("list/zrzy_hebei_gov_cn.html");
        let base = Url::parse("https://zrzy.hebei.gov.cn/heb/xinwen/stdt/").unwrap();
        assert!(is_list_page(&doc, &base));
        let items = list_items(&doc, &base);
        assert_eq!(items.len(), 20);
        assert_eq!(items[0].date, Some(d("2024-09-20")));
        assert!(items[0].pinned, "an older row above newer ones");
        assert!(items[1..].iter().all(|i| !i.pinned));
        assert_eq!(
            items.iter().filter_map(|i| i.date).max(),
            Some(d("2026-09-07"))
        );
        let pages: Vec<String> = pagination_urls(&doc, &base)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(pages.len(), 5);
        assert!(
            pages.contains(&"https://zrzy.hebei.gov.cn/heb/xinwen/stdt/index_5.html".to_string())
        );
        let m = column_meta(&doc);
        assert_eq!(m.name.as_deref(), Some("新闻"));
        assert_eq!(m.column_type.as_deref(), Some("省厅动态"));
        assert_eq!(m.breadcrumb, vec!["首页", "新闻", "省厅动态"]);
    }

    #[test]
    fn articles_are_not_list_pages() {
        let dir = format!("{}/tests/fixtures/pages", env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for sub in ["article", "policy", "interactive", "reference_dates"] {
            for e in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
                let name = e.unwrap().file_name().into_string().unwrap();
                let doc = load(&format!("{sub}/{name}"));
                let base = Url::parse("https://www.example.gov.cn/a/b.html").unwrap();
                assert!(!is_list_page(&doc, &base), "{sub}/{name}");
                n += 1;
            }
        }
        assert_eq!(n, 26);
    }
}
