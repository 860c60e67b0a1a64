//! Columns (栏目): `stale_column`, `empty_column`, `homepage_not_updated`, `suspect_date`, and
//! the three veto counts of 栏目不更新.
//!
//! Pure functions over what the crawl stored (see [`crate::extract::PageContent`]); the run
//! ([`crate::run`]) reads the store and calls them, `govpatrol columns` lists what they built.
//!
//! 1. [`discover_columns`] turns the stored list pages into columns: the site's configured
//!    `[[site.column]]`s when it lists any (besides `exclude = true` markers), else every list
//!    page recognised by structure, later pages of a list (`index_1.html`, `?page=2`) folded into
//!    their first page. Names come from `ColumnName`, then the breadcrumb, then the link text
//!    that leads to the list; the category from the configuration, then `ColumnType`, then the
//!    name ([`categorise`]); the level from the breadcrumb, else the link depth.
//! 2. [`judge_column`]: a column's last update is the newest dated item of its first list page
//!    (pinned rows do not hide newer ones: the maximum is taken); rows without a date on the list
//!    take their article's publication date; a list whose rows have no date at all counts as not
//!    updated (the inspectors' rule) and is reported as undated.
//! 3. [`veto_counts`]: (1) news columns stale (2 weeks) plus first-level notice/policy columns
//!    stale (6 months) ≥ 5; (2) stale columns of any category ≥ 10; (3) empty columns ≥ 5.
//!    Excluded columns never count; `other` never counts toward (1).
//! 4. [`judge_homepage`]: no dated item linked from the homepage (or, for a navigation-only
//!    homepage, from the pages it links) within 14 days before the check point is a veto.
//! 5. [`suspect_date`]: an article whose `PubDate` and printed date disagree by more than a day,
//!    or that is dated before the date in its own URL (伪造发稿日期 evidence, for a person).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::{Finding, Severity};
use crate::extract::dates::{DateSource, FoundDate};

pub use crate::config::ColumnConfig;
pub use crate::domain::EMPTY_COLUMN;
pub use crate::domain::HOMEPAGE_NOT_UPDATED;
pub use crate::domain::STALE_COLUMN;
pub use crate::domain::SUSPECT_DATE;
pub use crate::domain::{Category, Window, CATEGORIES};
pub use crate::store::StoredPage;

/// Veto thresholds of 栏目不更新 (国办秘函〔2019〕19号).
pub const VETO_NEWS_NOTICE_POLICY: usize = 5;
pub const VETO_STALE: usize = 10;
pub const VETO_EMPTY: usize = 5;
/// The homepage must show a new item within this many days before the check point.
pub const HOMEPAGE_WINDOW_DAYS: i64 = 14;

/// A column's category from, in order, its `ColumnType` meta and its name; else `other`.
///
/// ```
/// use govpatrol::checks::columns::{categorise, Category};
/// assert_eq!(categorise(Some("工作动态"), "本部要闻"), Category::News);
/// assert_eq!(categorise(Some("督察管理"), "通知公告"), Category::Notice);
/// assert_eq!(categorise(None, "直播访谈"), Category::Other);
/// ```
pub fn categorise(column_type: Option<&str>, name: &str) -> Category {
    column_type
        .and_then(Category::from_words)
        .or_else(|| Category::from_words(name))
        .unwrap_or(Category::Other)
}

/// Where a column came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnSource {
    /// `[[site.column]]` in targets.toml.
    Config,
    /// Recognised by structure during the crawl.
    Discovered,
}

impl ColumnSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnSource::Config => "config",
            ColumnSource::Discovered => "discovered",
        }
    }
}

/// Where a row's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemDateSource {
    /// Printed next to the row on the list page.
    List,
    /// The publication date of the article the row links to.
    Article,
}

/// One row of a column's first list page, with the date the checks use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub title: String,
    pub url: String,
    pub date: Option<NaiveDate>,
    pub date_source: Option<ItemDateSource>,
    pub pinned: bool,
}

/// A column to judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub name: String,
    /// The first list page.
    pub url: String,
    pub category: Category,
    pub level: u8,
    pub window: Window,
    pub source: ColumnSource,
    pub exclude: bool,
    /// Rows of the first list page; `None` when that page was not read in this run.
    pub items: Option<Vec<Item>>,
    /// Other pages of the list that were folded into this column.
    pub pages: usize,
    /// When the first list page was fetched (RFC 3339).
    pub observed_at: String,
}

/// What a column is found to be at the check point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Fresh,
    /// The newest dated item is older than the window.
    Stale,
    /// Items, but none with a date: counts as not updated.
    Undated,
    /// No item at all (空白栏目).
    Empty,
    /// `exclude = true`: not judged.
    Excluded,
    /// The list page was not read in this run (not reached, or it failed).
    NotRead,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fresh => "fresh",
            Verdict::Stale => "stale",
            Verdict::Undated => "undated",
            Verdict::Empty => "empty",
            Verdict::Excluded => "excluded",
            Verdict::NotRead => "not_read",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Verdict::Fresh => "正常更新",
            Verdict::Stale => "未按时更新",
            Verdict::Undated => "信息无发布日期（视为未更新）",
            Verdict::Empty => "空白栏目",
            Verdict::Excluded => "已排除（专题结束）",
            Verdict::NotRead => "未能读取",
        }
    }
    /// Stale or undated: "should be updated but has not been".
    pub fn is_stale(self) -> bool {
        matches!(self, Verdict::Stale | Verdict::Undated)
    }
}

/// A column with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnStatus {
    #[serde(flatten)]
    pub column: Column,
    pub verdict: Verdict,
    pub window_days: i64,
    /// The newest dated item.
    pub newest: Option<Item>,
    pub days_since_update: Option<i64>,
    pub item_count: usize,
    pub undated_items: usize,
}

/// The newest dated item: the maximum over all rows, pinned or not (a pinned old row at the top
/// hides nothing, a pinned new row counts like any other). Of several rows of that date, the
/// first in `items`' order (the one shown highest), so the evidence is the same on every run.
pub fn newest_item(items: &[Item]) -> Option<&Item> {
    items
        .iter()
        .filter(|i| i.date.is_some())
        .min_by_key(|i| std::cmp::Reverse(i.date))
}

/// Judges one column at the check point.
pub fn judge_column(c: &Column, as_of: NaiveDate) -> ColumnStatus {
    let items = c.items.as_deref().unwrap_or(&[]);
    let newest = newest_item(items).cloned();
    let undated_items = items.iter().filter(|i| i.date.is_none()).count();
    let verdict = if c.exclude {
        Verdict::Excluded
    } else if c.items.is_none() {
        Verdict::NotRead
    } else if items.is_empty() {
        Verdict::Empty
    } else {
        match newest.as_ref().and_then(|n| n.date) {
            None => Verdict::Undated,
            Some(d) if d < c.window.cutoff(as_of) => Verdict::Stale,
            Some(_) => Verdict::Fresh,
        }
    };
    ColumnStatus {
        window_days: c.window.days_at(as_of),
        days_since_update: newest
            .as_ref()
            .and_then(|n| n.date)
            .map(|d| (as_of - d).num_days()),
        newest,
        item_count: items.len(),
        undated_items,
        verdict,
        column: c.clone(),
    }
}

/// The three veto counts of 栏目不更新.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VetoCounts {
    /// News columns not updated within their window plus first-level notice/policy columns not
    /// updated within theirs (veto at ≥ 5).
    pub news_notice_policy: usize,
    /// Columns of any category not updated (veto at ≥ 10).
    pub stale: usize,
    /// Empty columns (veto at ≥ 5).
    pub empty: usize,
}

impl VetoCounts {
    /// Any of the three counts reaches its threshold.
    pub fn veto(&self) -> bool {
        self.news_notice_policy >= VETO_NEWS_NOTICE_POLICY
            || self.stale >= VETO_STALE
            || self.empty >= VETO_EMPTY
    }
}

/// Counts the columns toward the veto items; excluded (and unread) columns never count.
pub fn veto_counts(statuses: &[ColumnStatus]) -> VetoCounts {
    let mut v = VetoCounts::default();
    for s in statuses {
        let c = &s.column;
        if s.verdict.is_stale() {
            v.stale += 1;
            let first_level_doc =
                c.level == 1 && matches!(c.category, Category::Notice | Category::Policy);
            if c.category == Category::News || first_level_doc {
                v.news_notice_policy += 1;
            }
        } else if s.verdict == Verdict::Empty {
            v.empty += 1;
        }
    }
    v
}

fn item_json(i: Option<&Item>) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    match i {
        Some(i) => (
            json!(i.date.map(|d| d.to_string())),
            json!(i.url),
            json!(i.title),
        ),
        None => (json!(null), json!(null), json!(null)),
    }
}

/// `stale_column` and `empty_column` findings (severity `deduction`; the veto counts show in
/// summary.csv).
pub fn column_findings(site: &str, statuses: &[ColumnStatus]) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in statuses {
        let check = match s.verdict {
            Verdict::Stale | Verdict::Undated => STALE_COLUMN,
            Verdict::Empty => EMPTY_COLUMN,
            _ => continue,
        };
        let c = &s.column;
        let (date, url, title) = item_json(s.newest.as_ref());
        out.push(Finding::new(
            check,
            Severity::Deduction,
            site,
            &c.url,
            &c.url,
            &c.observed_at,
            json!({
                "column_name": c.name,
                "category": c.category.as_str(),
                "level": c.level,
                "source": c.source.as_str(),
                "window": c.window.to_string(),
                "window_days": s.window_days,
                "verdict": s.verdict.as_str(),
                "newest_item_date": date,
                "newest_item_url": url,
                "newest_item_title": title,
                "newest_item_date_source": s.newest.as_ref().and_then(|n| n.date_source),
                "days_since_update": s.days_since_update,
                "items": s.item_count,
                "undated_items": s.undated_items,
            }),
        ));
    }
    out
}

/// What the homepage check needs.
#[derive(Debug, Clone, Default)]
pub struct HomepageFacts {
    pub url: String,
    pub observed_at: String,
    /// Dated items linked from the homepage: its own rows and the articles it links.
    pub items: Vec<Item>,
    /// Dated items on the pages the homepage links (used when the homepage has none).
    pub second_level: Vec<Item>,
}

/// The homepage's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomepageStatus {
    pub url: String,
    pub updated: bool,
    /// The homepage itself carries no dated item: judged on its second-level pages.
    pub navigation_only: bool,
    pub newest: Option<Item>,
    pub days_since_update: Option<i64>,
}

/// Judges whether the homepage shows a new item within 14 days before the check point.
pub fn judge_homepage(h: &HomepageFacts, as_of: NaiveDate) -> HomepageStatus {
    let navigation_only = newest_item(&h.items).is_none();
    let pool = if navigation_only {
        &h.second_level
    } else {
        &h.items
    };
    let newest = newest_item(pool).cloned();
    let cutoff = as_of - chrono::Duration::days(HOMEPAGE_WINDOW_DAYS);
    let date = newest.as_ref().and_then(|n| n.date);
    HomepageStatus {
        url: h.url.clone(),
        updated: date.is_some_and(|d| d >= cutoff),
        navigation_only,
        days_since_update: date.map(|d| (as_of - d).num_days()),
        newest,
    }
}

/// The `homepage_not_updated` finding (a veto item), if any.
pub fn homepage_finding(site: &str, h: &HomepageStatus, observed_at: &str) -> Option<Finding> {
    if h.updated {
        return None;
    }
    let (date, url, title) = item_json(h.newest.as_ref());
    Some(Finding::new(
        HOMEPAGE_NOT_UPDATED,
        Severity::Veto,
        site,
        &h.url,
        &h.url,
        observed_at,
        json!({
            "window_days": HOMEPAGE_WINDOW_DAYS,
            "navigation_only": h.navigation_only,
            "newest_item_date": date,
            "newest_item_url": url,
            "newest_item_title": title,
            "days_since_update": h.days_since_update,
        }),
    ))
}

/// A `suspect_date` finding (severity `review`) for an article whose meta `PubDate` and printed
/// date disagree by more than a day, or whose publication date is before the date in its URL.
pub fn suspect_date(
    site: &str,
    url: &str,
    observed_at: &str,
    pub_date: Option<&FoundDate>,
    candidates: &[FoundDate],
) -> Option<Finding> {
    let first = |f: &dyn Fn(DateSource) -> bool| candidates.iter().find(|c| f(c.source));
    let meta = first(&|s| s == DateSource::MetaPubDate);
    let printed = first(&|s| matches!(s, DateSource::LabelledText | DateSource::Text));
    let in_url = first(&|s| s == DateSource::Url);
    let mut reasons = Vec::new();
    if let (Some(m), Some(p)) = (meta, printed) {
        if (m.date - p.date).num_days().abs() > 1 {
            reasons.push("meta_vs_printed");
        }
    }
    if let (Some(p), Some(u)) = (pub_date, in_url) {
        if p.date < u.date {
            reasons.push("before_url_date");
        }
    }
    if reasons.is_empty() {
        return None;
    }
    let d = |f: Option<&FoundDate>| json!(f.map(|f| f.date.to_string()));
    Some(Finding::new(
        SUSPECT_DATE,
        Severity::Review,
        site,
        url,
        url,
        observed_at,
        json!({
            "reasons": reasons,
            "pub_date": d(pub_date),
            "pub_date_source": pub_date.map(|p| p.source.as_str()),
            "meta_date": d(meta),
            "printed_date": d(printed),
            "printed_raw": printed.map(|p| p.raw.clone()),
            "url_date": d(in_url),
        }),
    ))
}

/// A page that is not a list but that `targets.toml` pins as a column (a single page such as
/// 领导信息 an office wants judged): the column's one item is the page itself, dated by its
/// publication date (none: the column counts as not updated, as for any undated item).
pub fn pinned_single_page(mut page: StoredPage) -> StoredPage {
    let c = &mut page.content;
    let url = page.final_url.as_deref().unwrap_or(&page.url);
    c.items = url::Url::parse(url)
        .map(|url| crate::extract::items::ListItem {
            title: c
                .headline
                .clone()
                .or_else(|| page.title.clone())
                .unwrap_or_default(),
            url,
            date: c.pub_date.as_ref().map(|d| d.date),
            date_raw: c.pub_date.as_ref().map(|d| d.raw.clone()),
            pinned: false,
        })
        .into_iter()
        .collect();
    c.kind = crate::extract::PageKind::List;
    c.pagination.clear();
    page
}

/// A list page as column discovery keeps it while it reads the rest of the run: its rows and
/// column meta, with its pagination reduced to the hashed [`page_key`]s of the later pages in
/// its folder. A TRS list names up to 200 other pages on every page, so a site's list pages
/// named each other tens of millions of bytes' worth of URLs (150 MB at 100,000 pages); the
/// hashes are all the grouping needs.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub page: StoredPage,
    later: Vec<u64>,
}

impl From<StoredPage> for ListPage {
    fn from(mut page: StoredPage) -> ListPage {
        let here = page.final_url.as_deref().unwrap_or(&page.url).to_string();
        // Later pages of a list live next to it (same folder, or the same path with another
        // query); a 首页 link to the site's homepage is not one of them.
        let later = std::mem::take(&mut page.content.pagination)
            .iter()
            .filter(|u| same_folder(&here, u.as_str()))
            .map(|u| key_hash(&page_key(u.as_str())))
            .collect();
        let c = &mut page.content;
        // What column discovery never reads of a list page.
        (c.date_candidates, c.related, c.messages, c.solicitations) = Default::default();
        ListPage { page, later }
    }
}

/// The list pages of a run as column discovery keeps them while the store is read (in crawl
/// order), each as a [`ListPage`].
///
/// A later page of a list (`index_3.html`, `?page=3`) whose key a first-looking page read
/// earlier names among its later pages is grouped with that page, which comes first in the
/// group (whether it looks like a later page is the first thing the choice looks at): its rows
/// are never judged, so they are not kept. Those rows were nearly all of the memory of column
/// discovery (a TRS column of 400 items has 20 list pages). A later-looking page no first page
/// names keeps its rows: it may be the first of its group.
#[derive(Debug, Default)]
pub struct ListPages {
    pages: Vec<ListPage>,
    /// Hashed page keys named as later pages by the pages that do not look like later ones.
    named_later: std::collections::HashSet<u64>,
}

impl ListPages {
    pub fn push(&mut self, page: StoredPage) {
        let mut l = ListPage::from(page);
        let p = &l.page;
        if looks_like_later_page(&p.url) {
            let named = std::iter::once(&p.url)
                .chain(p.final_url.as_ref())
                .any(|u| self.named_later.contains(&key_hash(&page_key(u))));
            if named {
                l.page.content.items = Vec::new();
            }
        } else {
            self.named_later.extend(l.later.iter().copied());
        }
        self.pages.push(l);
    }

    pub fn pages(&self) -> &[ListPage] {
        &self.pages
    }
}

/// [`page_key`] hashed to 64 bits, as this check keys its pages: for sets of many keys (the pages
/// each policy document and interpretation links to).
pub fn page_hash(url: &str) -> u64 {
    key_hash(&page_key(url))
}

/// A stable 64-bit hash of a key (URL or page key). Collisions are negligible at the sizes of a
/// site (about 1 in 10^9 for 200,000 keys), and a hash takes 8 bytes where the URL took 100.
fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// Articles' publication dates by URL (as crawled and as redirected to), for list rows that
/// print no date. Keyed by hashed URL: at 100,000 pages the URLs themselves took 30 MB.
#[derive(Debug, Clone, Default)]
pub struct ArticleDates(HashMap<u64, NaiveDate>);

impl ArticleDates {
    pub fn insert(&mut self, url: &str, date: NaiveDate) {
        self.0.insert(key_hash(url), date);
    }

    pub fn get(&self, url: &str) -> Option<NaiveDate> {
        self.0.get(&key_hash(url)).copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Link texts that are not names (更多, 首页, pagination).
const NOT_NAMES: &[&str] = &[
    "更多",
    "更多>>",
    "更多>",
    "more",
    "More",
    "MORE",
    "首页",
    "下一页",
    "上一页",
    "尾页",
    "返回列表",
    "详细",
    "查看更多",
];

/// Whether a file name is a folder's default document: `index.html`, `index.shtml`,
/// `Default.aspx`, `index.php`, `index.jsp` … (what a server answers for the folder itself).
fn is_default_document(file: &str) -> bool {
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    (stem.eq_ignore_ascii_case("index") || stem.eq_ignore_ascii_case("default"))
        && ["html", "shtml", "htm", "jhtml", "php", "asp", "aspx", "jsp"]
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
}

/// A key that treats `/a/`, `/a/index.html`, `/Default.aspx` and http/https as the same page.
pub fn page_key(url: &str) -> String {
    let Ok(u) = url::Url::parse(url) else {
        return url.to_string();
    };
    let mut path = u.path().to_string();
    if let Some(slash) = path.rfind('/') {
        if is_default_document(&path[slash + 1..]) {
            path.truncate(slash + 1);
        }
    }
    let host = u.host_str().unwrap_or("");
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    match u.query() {
        Some(q) => format!("{host}{port}{path}?{q}"),
        None => format!("{host}{port}{path}"),
    }
}

/// Does this URL look like a later page of a list (`index_2.html`, `?page=3`, `pageNum=2`)?
fn looks_like_later_page(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    let file = u.path().rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    if let Some((_, n)) = stem.rsplit_once('_') {
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            return true;
        }
    }
    u.query_pairs().any(|(k, v)| {
        let k = k.to_ascii_lowercase();
        matches!(
            k.as_str(),
            "page" | "pagenum" | "pageno" | "pageindex" | "p" | "curpage" | "currentpage"
        ) && v.parse::<u32>().is_ok_and(|n| n >= 2)
    })
}

/// Same host and port and same folder (the path up to its last `/`).
fn same_folder(a: &str, b: &str) -> bool {
    let (Ok(a), Ok(b)) = (url::Url::parse(a), url::Url::parse(b)) else {
        return false;
    };
    let dir = |u: &url::Url| u.path()[..u.path().rfind('/').map_or(0, |i| i + 1)].to_string();
    a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && dir(&a) == dir(&b)
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut j = i;
    while parent[j] != r {
        let next = parent[j];
        parent[j] = r;
        j = next;
    }
    r
}

fn is_home_crumb(s: &str) -> bool {
    matches!(s, "首页" | "网站首页" | "主页" | "首 页" | "Home" | "home")
}

/// The texts of the links that lead to each page id, with how often each text is used (a
/// navigation link repeated on 100,000 pages is one entry, not 100,000).
pub type LinkTexts = HashMap<u32, HashMap<String, usize>>;

/// The column's name: `ColumnName`, the breadcrumb's last part, the most common link text
/// leading to the list, the page title.
fn column_name(p: &StoredPage, link_texts: Option<&HashMap<String, usize>>) -> String {
    if let Some(n) = &p.content.column.name {
        return n.clone();
    }
    if let Some(last) = p.content.column.breadcrumb.last() {
        if !is_home_crumb(last) {
            return last.clone();
        }
    }
    if let Some(texts) = link_texts {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (t, n) in texts {
            let t = t.trim();
            if !t.is_empty() && !NOT_NAMES.contains(&t) && t.chars().count() <= 20 {
                *counts.entry(t).or_default() += n;
            }
        }
        if let Some((t, _)) = counts.into_iter().max_by_key(|(t, n)| (*n, *t)) {
            return t.to_string();
        }
    }
    p.title.clone().unwrap_or_else(|| p.url.clone())
}

/// The column's level: from the breadcrumb (`首页 > 要闻动态 > 工作动态` is level 2; a breadcrumb
/// that stops at the parent section, as TRS list pages print it, adds one), else from how many
/// links away from the homepage the list is.
fn column_level(p: &StoredPage, name: &str) -> u8 {
    let trail: Vec<&String> = p
        .content
        .column
        .breadcrumb
        .iter()
        .filter(|c| !is_home_crumb(c))
        .collect();
    let level = if !p.content.column.breadcrumb.is_empty() {
        if trail.last().is_some_and(|l| l.as_str() == name) {
            trail.len()
        } else {
            trail.len() + 1
        }
    } else if p.depth <= 1 {
        1
    } else {
        2
    };
    u8::try_from(level.max(1)).unwrap_or(u8::MAX)
}

/// The rows of a list page, undated rows taking their article's publication date.
fn column_items(p: &StoredPage, article_dates: &ArticleDates) -> Vec<Item> {
    p.content
        .items
        .iter()
        .map(|i| {
            let url = i.url.to_string();
            let (date, date_source) = match i.date {
                Some(d) => (Some(d), Some(ItemDateSource::List)),
                None => match article_dates.get(&url) {
                    Some(d) => (Some(d), Some(ItemDateSource::Article)),
                    None => (None, None),
                },
            };
            Item {
                title: i.title.clone(),
                url,
                date,
                date_source,
                pinned: i.pinned,
            }
        })
        .collect()
}

/// The columns of a site: the configured ones when the site lists any column to judge, else the
/// list pages recognised during the crawl (configured entries still override what they match:
/// `exclude`, name, category, level, window).
///
/// `list_pages` are the stored pages of kind list; `article_dates` maps an article URL to its
/// publication date; `link_texts` the texts of links leading to a page id; `homepages` the
/// homepage URLs (never a column).
pub fn discover_columns(
    config: &[ColumnConfig],
    list_pages: &[ListPage],
    article_dates: &ArticleDates,
    link_texts: &LinkTexts,
    homepages: &[String],
) -> Vec<Column> {
    let n = list_pages.len();
    let mut by_key: HashMap<u64, usize> = HashMap::new();
    let mut parent: Vec<usize> = (0..n).collect();
    let union = |parent: &mut Vec<usize>, i: usize, j: usize| {
        let (a, b) = (find(parent, i), find(parent, j));
        if a != b {
            parent[a] = b;
        }
    };
    for (i, l) in list_pages.iter().enumerate() {
        let p = &l.page;
        // A page reached through a redirect is the page it redirected to.
        for u in std::iter::once(&p.url).chain(p.final_url.as_ref()) {
            let k = key_hash(&page_key(u));
            match by_key.get(&k) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_key.insert(k, i);
                }
            }
        }
    }
    // Pages that name the same later page are pages of one list, even when that page was not
    // read as a list (DedeCMS writes the first page twice, as `index.html` and `list_1_1.html`,
    // and both name `list_1_2.html`).
    let mut by_later: HashMap<u64, usize> = HashMap::new();
    for (i, l) in list_pages.iter().enumerate() {
        for k in &l.later {
            if let Some(&j) = by_key.get(k) {
                union(&mut parent, i, j);
            }
            match by_later.get(k) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_later.insert(*k, i);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let list_pages: Vec<&StoredPage> = list_pages.iter().map(|l| &l.page).collect();
    let home_keys: Vec<String> = homepages.iter().map(|h| page_key(h)).collect();
    // first page of each group, and the group size
    let mut firsts: Vec<(usize, usize)> = groups
        .values()
        .map(|g| {
            let first = *g
                .iter()
                .min_by_key(|&&i| {
                    let p = &list_pages[i];
                    let redirected = p.final_url.as_ref().is_some_and(|f| *f != p.url);
                    (looks_like_later_page(&p.url), redirected, p.depth, p.id)
                })
                .expect("non-empty group");
            (first, g.len())
        })
        .collect();
    firsts.sort_by_key(|(i, _)| list_pages[*i].id);
    let group_of_key = |key: &str| -> Option<(usize, usize)> {
        let i = *by_key.get(&key_hash(key))?;
        let r = find(&mut parent.clone(), i);
        let g = &groups[&r];
        firsts.iter().copied().find(|(f, _)| g.contains(f))
    };

    let build = |first: usize, pages: usize, cfg: Option<&ColumnConfig>| -> Column {
        let p = list_pages[first];
        let name = cfg
            .map(|c| c.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| column_name(p, link_texts.get(&p.id)));
        let category = cfg
            .and_then(|c| c.category)
            .unwrap_or_else(|| categorise(p.content.column.column_type.as_deref(), &name));
        Column {
            level: cfg
                .and_then(|c| c.level)
                .unwrap_or_else(|| column_level(p, &name)),
            window: cfg
                .and_then(|c| c.window)
                .unwrap_or_else(|| category.default_window()),
            source: if cfg.is_some_and(|c| !c.exclude) {
                ColumnSource::Config
            } else {
                ColumnSource::Discovered
            },
            exclude: cfg.is_some_and(|c| c.exclude),
            items: Some(column_items(p, article_dates)),
            pages: pages.saturating_sub(1),
            observed_at: p.fetched_at.clone(),
            url: p.url.clone(),
            name,
            category,
        }
    };

    let judged_config: Vec<&ColumnConfig> = config.iter().filter(|c| !c.exclude).collect();
    if !judged_config.is_empty() {
        return config
            .iter()
            .map(|c| match group_of_key(&page_key(c.url.as_str())) {
                Some((first, pages)) => {
                    let mut col = build(first, pages, Some(c));
                    col.source = ColumnSource::Config;
                    col.url = c.url.to_string();
                    col
                }
                None => {
                    let category = c.category.unwrap_or_else(|| categorise(None, &c.name));
                    Column {
                        name: c.name.clone(),
                        url: c.url.to_string(),
                        category,
                        level: c.level.unwrap_or(1),
                        window: c.window.unwrap_or_else(|| category.default_window()),
                        source: ColumnSource::Config,
                        exclude: c.exclude,
                        items: None,
                        pages: 0,
                        observed_at: String::new(),
                    }
                }
            })
            .collect();
    }
    let cfg_by_key: HashMap<String, &ColumnConfig> = config
        .iter()
        .map(|c| (page_key(c.url.as_str()), c))
        .collect();
    firsts
        .iter()
        .filter(|(i, _)| !home_keys.contains(&page_key(&list_pages[*i].url)))
        .map(|&(first, pages)| {
            let p = list_pages[first];
            let cfg = cfg_by_key.get(&page_key(&p.url)).copied().or_else(|| {
                p.final_url
                    .as_ref()
                    .and_then(|f| cfg_by_key.get(&page_key(f)).copied())
            });
            build(first, pages, cfg)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::items::{ColumnMeta, ListItem};
    use crate::extract::{PageContent, PageKind};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    const AS_OF: &str = "2026-11-25";

    fn item(date: Option<&str>, pinned: bool) -> Item {
        Item {
            title: "标题".into(),
            url: format!("http://s.gov.cn/a/{}.html", date.unwrap_or("x")),
            date: date.map(d),
            date_source: date.map(|_| ItemDateSource::List),
            pinned,
        }
    }

    fn column(category: Category, level: u8, items: Option<Vec<Item>>) -> Column {
        Column {
            name: "栏目".into(),
            url: "http://s.gov.cn/lm/".into(),
            category,
            level,
            window: category.default_window(),
            source: ColumnSource::Discovered,
            exclude: false,
            items,
            pages: 0,
            observed_at: "2026-11-25T10:00:00+08:00".into(),
        }
    }

    #[test]
    fn category_by_column_type_then_name() {
        for (name, want) in [
            ("要闻", Category::News),
            ("工作动态", Category::News),
            ("新闻发布", Category::News),
            ("图片新闻", Category::News),
            ("通知公告", Category::Notice),
            ("公示公告", Category::Notice),
            ("政策文件", Category::Policy),
            ("规范性文件", Category::Policy),
            ("部令", Category::Policy),
            ("政策解读", Category::Interpretation),
            ("留言选登", Category::Consultation),
            ("征集调查", Category::Solicitation),
            ("人事信息", Category::Personnel),
            ("规划计划", Category::Personnel),
            ("空气质量日报", Category::Data),
            ("办件统计", Category::Data),
            ("数据发布", Category::Data),
            ("直播访谈", Category::Other),
            ("专题专栏", Category::Other),
        ] {
            assert_eq!(categorise(None, name), want, "{name}");
        }
        // ColumnType wins over the name; an unknown ColumnType falls back to the name.
        assert_eq!(categorise(Some("政策文件"), "本部文件"), Category::Policy);
        assert_eq!(
            categorise(Some("咨询投诉"), "部长信箱"),
            Category::Consultation
        );
        assert_eq!(categorise(Some("督察管理"), "通知公告"), Category::Notice);
    }

    #[test]
    fn window_strings() {
        assert_eq!(Window::parse("14d"), Ok(Window::Days(14)));
        assert_eq!(Window::parse("2w"), Ok(Window::Days(14)));
        assert_eq!(Window::parse("6mo"), Ok(Window::Months(6)));
        assert_eq!(Window::parse("1y"), Ok(Window::Months(12)));
        assert_eq!(Window::parse("1d"), Ok(Window::Days(1)));
        for bad in ["", "6", "mo", "0d", "6m", "six mo", "-3d", "1.5y"] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Window::Months(12).to_string(), "1y");
        assert_eq!(Window::Months(6).cutoff(d("2026-11-25")), d("2026-05-25"));
        assert_eq!(Window::Days(14).days_at(d("2026-11-25")), 14);
        assert_eq!(Window::Months(6).days_at(d("2026-11-25")), 184);
    }

    #[test]
    fn of_two_newest_items_of_one_date_the_first_shown_is_the_evidence() {
        let mut a = item(Some("2026-11-20"), false);
        a.url = "http://s.gov.cn/a.html".into();
        let mut b = item(Some("2026-11-20"), false);
        b.url = "http://s.gov.cn/b.html".into();
        let older = item(Some("2026-11-01"), false);
        let items = vec![older.clone(), a, b];
        assert_eq!(newest_item(&items).unwrap().url, "http://s.gov.cn/a.html");
    }

    #[test]
    fn newest_date_is_the_max_even_under_an_old_pinned_row() {
        let items = vec![
            item(Some("2024-01-01"), true),
            item(Some("2026-11-20"), false),
            item(Some("2026-11-01"), false),
        ];
        assert_eq!(newest_item(&items).unwrap().date, Some(d("2026-11-20")));
        let s = judge_column(&column(Category::News, 2, Some(items)), d(AS_OF));
        assert_eq!(s.verdict, Verdict::Fresh);
        assert_eq!(s.days_since_update, Some(5));
    }

    #[test]
    fn stale_just_over_the_window_fresh_on_its_edge() {
        let at = |date: &str| {
            judge_column(
                &column(Category::News, 2, Some(vec![item(Some(date), false)])),
                d(AS_OF),
            )
            .verdict
        };
        assert_eq!(at("2026-11-11"), Verdict::Fresh);
        assert_eq!(at("2026-11-10"), Verdict::Stale);
        let notice = |date: &str| {
            judge_column(
                &column(Category::Notice, 1, Some(vec![item(Some(date), false)])),
                d(AS_OF),
            )
            .verdict
        };
        assert_eq!(notice("2026-05-25"), Verdict::Fresh);
        assert_eq!(notice("2026-05-24"), Verdict::Stale);
    }

    #[test]
    fn undated_items_count_as_not_updated_and_empty_is_empty() {
        let s = judge_column(
            &column(
                Category::Other,
                1,
                Some(vec![item(None, false), item(None, false)]),
            ),
            d(AS_OF),
        );
        assert_eq!(s.verdict, Verdict::Undated);
        assert_eq!(s.undated_items, 2);
        assert!(s.verdict.is_stale());
        let f = column_findings("s", &[s]);
        assert_eq!(f[0].check, STALE_COLUMN);
        assert_eq!(f[0].evidence["verdict"], "undated");
        assert!(f[0].evidence["newest_item_date"].is_null());
        let e = judge_column(&column(Category::News, 1, Some(vec![])), d(AS_OF));
        assert_eq!(e.verdict, Verdict::Empty);
        assert_eq!(column_findings("s", &[e])[0].check, EMPTY_COLUMN);
        let mut x = column(
            Category::News,
            1,
            Some(vec![item(Some("2020-01-01"), false)]),
        );
        x.exclude = true;
        assert_eq!(judge_column(&x, d(AS_OF)).verdict, Verdict::Excluded);
    }

    #[test]
    fn veto_counting() {
        let stale = |c: Category, level: u8| {
            judge_column(
                &column(c, level, Some(vec![item(Some("2020-01-01"), false)])),
                d(AS_OF),
            )
        };
        let mut all = vec![
            stale(Category::News, 2),
            stale(Category::News, 1),
            stale(Category::Notice, 1),
            stale(Category::Policy, 1),
            stale(Category::Policy, 2), // second-level policy: not in count (1)
            stale(Category::Other, 1),  // other: never in count (1)
            stale(Category::Personnel, 1),
        ];
        let mut excluded = stale(Category::News, 1);
        excluded.column.exclude = true;
        excluded.verdict = judge_column(&excluded.column, d(AS_OF)).verdict;
        all.push(excluded);
        let v = veto_counts(&all);
        assert_eq!(v.news_notice_policy, 4);
        assert_eq!(v.stale, 7);
        assert!(!v.veto());
        all.push(stale(Category::Notice, 1));
        assert!(veto_counts(&all).veto(), "5 news/notice/policy columns");
        let empties: Vec<ColumnStatus> = (0..5)
            .map(|_| judge_column(&column(Category::Other, 2, Some(vec![])), d(AS_OF)))
            .collect();
        let v = veto_counts(&empties);
        assert_eq!((v.empty, v.stale), (5, 0));
        assert!(v.veto());
        let ten: Vec<ColumnStatus> = (0..10).map(|_| stale(Category::Other, 2)).collect();
        let v = veto_counts(&ten);
        assert_eq!((v.news_notice_policy, v.stale), (0, 10));
        assert!(v.veto());
    }

    #[test]
    fn homepage_within_14_days_or_navigation_only_second_level() {
        let h = HomepageFacts {
            url: "http://s.gov.cn/".into(),
            items: vec![item(Some("2026-11-11"), false)],
            ..Default::default()
        };
        assert!(judge_homepage(&h, d(AS_OF)).updated);
        let old = HomepageFacts {
            items: vec![item(Some("2026-11-10"), false), item(None, false)],
            ..h.clone()
        };
        let s = judge_homepage(&old, d(AS_OF));
        assert!(!s.updated);
        let f = homepage_finding("s", &s, "t").unwrap();
        assert_eq!(f.severity, Severity::Veto);
        assert_eq!(f.evidence["days_since_update"], 15);
        let nav = HomepageFacts {
            items: vec![item(None, false)],
            second_level: vec![item(Some("2026-11-20"), false)],
            ..h
        };
        let s = judge_homepage(&nav, d(AS_OF));
        assert!(s.navigation_only && s.updated);
    }

    fn found(date: &str, source: DateSource) -> FoundDate {
        FoundDate {
            date: d(date),
            time: None,
            source,
            raw: date.into(),
        }
    }

    #[test]
    fn suspect_dates() {
        let meta = found("2023-05-12", DateSource::MetaPubDate);
        let printed = found("2009-09-30", DateSource::LabelledText);
        let f = suspect_date(
            "s",
            "http://s/a",
            "t",
            Some(&meta),
            &[meta.clone(), printed],
        )
        .unwrap();
        assert_eq!(f.severity, Severity::Review);
        assert_eq!(f.evidence["reasons"][0], "meta_vs_printed");
        let next_day = found("2023-05-13", DateSource::Text);
        assert!(suspect_date("s", "u", "t", Some(&meta), &[meta.clone(), next_day]).is_none());
        let url = found("2023-05-20", DateSource::Url);
        let f = suspect_date("s", "u", "t", Some(&meta), &[meta.clone(), url]).unwrap();
        assert_eq!(f.evidence["reasons"][0], "before_url_date");
        let same = found("2023-05-12", DateSource::Url);
        assert!(suspect_date("s", "u", "t", Some(&meta), &[meta.clone(), same]).is_none());
    }

    fn list_page(
        id: u32,
        url: &str,
        depth: u32,
        pagination: &[&str],
        rows: &[(&str, Option<&str>)],
    ) -> StoredPage {
        StoredPage {
            id,
            url: url.into(),
            final_url: None,
            depth,
            fetched_at: "t".into(),
            title: Some("标题".into()),
            content: PageContent {
                kind: PageKind::List,
                column: ColumnMeta::default(),
                items: rows
                    .iter()
                    .map(|(u, date)| ListItem {
                        title: "某条信息标题".into(),
                        url: url::Url::parse(u).unwrap(),
                        date: date.map(d),
                        date_raw: date.map(str::to_string),
                        pinned: false,
                    })
                    .collect(),
                pagination: pagination
                    .iter()
                    .map(|u| url::Url::parse(u).unwrap())
                    .collect(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn later_pages_fold_into_the_first_and_undated_rows_take_article_dates() {
        let pages = vec![
            list_page(
                3,
                "http://s/tzgg/index_1.html",
                2,
                &["http://s/tzgg/index.html"],
                &[("http://s/tzgg/a1.html", Some("2026-01-01"))],
            ),
            list_page(
                2,
                "http://s/tzgg/index.html",
                1,
                &["http://s/tzgg/index_1.html"],
                &[("http://s/tzgg/a0.html", None)],
            ),
            list_page(4, "http://s/News/List.aspx", 1, &[], &[]),
            list_page(
                5,
                "http://s/",
                0,
                &[],
                &[("http://s/x.html", Some("2026-11-01"))],
            ),
        ];
        let count = |ts: &[&str]| {
            let mut m: HashMap<String, usize> = HashMap::new();
            for t in ts {
                *m.entry(t.to_string()).or_default() += 1;
            }
            m
        };
        let mut texts: LinkTexts = HashMap::new();
        texts.insert(2, count(&["通知公告", "更多", "通知公告", "更多"][..3]));
        texts.insert(4, count(&["中心新闻"]));
        let pages: Vec<ListPage> = pages.into_iter().map(ListPage::from).collect();
        let mut dates = ArticleDates::default();
        dates.insert("http://s/tzgg/a0.html", d("2026-11-20"));
        let cols = discover_columns(&[], &pages, &dates, &texts, &["http://s/".into()]);
        assert_eq!(cols.len(), 2, "{cols:#?}");
        let tz = &cols[0];
        assert_eq!(tz.url, "http://s/tzgg/index.html");
        assert_eq!(tz.name, "通知公告");
        assert_eq!(tz.category, Category::Notice);
        assert_eq!((tz.level, tz.pages), (1, 1));
        let items = tz.items.as_ref().unwrap();
        assert_eq!(items[0].date, Some(d("2026-11-20")));
        assert_eq!(items[0].date_source, Some(ItemDateSource::Article));
        assert_eq!(cols[1].category, Category::News);

        // A configured exclude marks a discovered column; configured columns replace discovery.
        let ex = ColumnConfig {
            name: String::new(),
            url: url::Url::parse("http://s/News/List.aspx").unwrap(),
            category: None,
            level: None,
            window: None,
            exclude: true,
            reply_days: None,
        };
        let cols = discover_columns(std::slice::from_ref(&ex), &pages, &dates, &texts, &[]);
        assert_eq!(cols.len(), 3);
        assert!(cols.iter().any(|c| c.exclude && c.name == "中心新闻"));
        let only = ColumnConfig {
            name: "通知".into(),
            url: url::Url::parse("http://s/tzgg/").unwrap(),
            category: Some(Category::Notice),
            level: Some(1),
            window: Some(Window::Months(1)),
            exclude: false,
            reply_days: None,
        };
        let cols = discover_columns(&[only], &pages, &dates, &texts, &[]);
        assert_eq!(cols.len(), 1);
        assert_eq!(cols[0].source, ColumnSource::Config);
        assert_eq!(cols[0].window, Window::Months(1));
        assert!(
            cols[0].items.is_some(),
            "matched /tzgg/ to /tzgg/index.html"
        );
    }

    /// DedeCMS writes a list's first page twice (`/a/xinwen/` and `list_1_1.html`); both name
    /// `list_1_2.html`, which holds too few rows to be read as a list: one column, not two.
    #[test]
    fn pages_naming_the_same_later_page_are_one_column() {
        let row = [("http://s/a/xinwen/2026/1120/31.html", Some("2026-11-20"))];
        let pages: Vec<ListPage> = vec![
            list_page(
                2,
                "http://s/a/xinwen/",
                1,
                &["http://s/a/xinwen/list_1_2.html"],
                &row,
            ),
            list_page(
                5,
                "http://s/a/xinwen/list_1_1.html",
                2,
                &["http://s/a/xinwen/list_1_2.html"],
                &row,
            ),
        ]
        .into_iter()
        .map(ListPage::from)
        .collect();
        let cols = discover_columns(&[], &pages, &ArticleDates::default(), &HashMap::new(), &[]);
        assert_eq!(cols.len(), 1, "{cols:#?}");
        assert_eq!(
            (cols[0].url.as_str(), cols[0].pages),
            ("http://s/a/xinwen/", 1)
        );
    }

    #[test]
    fn a_pinned_single_page_is_one_item_dated_by_its_publication_date() {
        let mut p = list_page(7, "http://s/ldxx/", 1, &[], &[]);
        p.content.kind = PageKind::Other;
        let col = pinned_single_page(p.clone());
        assert_eq!(col.content.kind, PageKind::List);
        assert_eq!(col.content.items.len(), 1);
        assert_eq!(col.content.items[0].date, None);
        p.content.pub_date = Some(FoundDate {
            date: d("2026-03-01"),
            time: None,
            source: DateSource::LabelledText,
            raw: "发布时间：2026-03-01".into(),
        });
        let col = pinned_single_page(p);
        assert_eq!(col.content.items[0].date, Some(d("2026-03-01")));
        assert_eq!(col.content.items[0].url.as_str(), "http://s/ldxx/");
    }
}
