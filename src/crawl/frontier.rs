//! Frontier: which URLs a site's crawl has met, in what order they are fetched, and what each is.
//!
//! Breadth-first: pages are fetched in the order they were discovered, so depth grows one level
//! at a time and a page budget cuts the deepest pages first. Every URL gets a small integer id
//! the first time it is seen and is fetched at most once per run. URLs arrive already normalised
//! by the `url` crate (scheme and host lower-cased, default port dropped, path percent-encoded as
//! UTF-8, dot segments removed) with the fragment and session ids (`;jsessionid=…`,
//! `PHPSESSID`, a random `sid` …) dropped by the extract step ([`crate::extract::normalise`]).
//!
//! Three lanes, popped in this order ([`Frontier::pop`]):
//!
//! 1. **external links**, as soon as they are met, while the crawl loop has room for more of
//!    them in flight: they wait on other hosts (a slow one takes seconds to answer) and reveal
//!    nothing, so their waiting overlaps the site's crawl instead of trailing it. The crawl loop
//!    keeps them to three quarters of the connections, so the site always has a quarter;
//! 2. **pages of the site**, breadth-first: every page is read before the site's resources are
//!    checked, so the checks over pages start as early as they can;
//! 3. **resources of the site** (attachments, images, pages beyond a budget): checked when no
//!    page is waiting.
//!
//! [`Frontier::classify`] decides what a link is: a page of the site to parse, a resource of the
//! site to check (attachment, image, script …, or a page beyond the depth or page budget), an
//! external link to check, or nothing (excluded by the site's patterns, external checks turned
//! off, or a crawler trap).
//!
//! Crawler traps (calendars, session ids in URLs, ever-growing query strings, `../` loops that
//! repeat path segments, the same page under endless URLs) are cut by URL shape, besides the page
//! and depth budgets: a URL longer than [`MAX_URL_LEN`], a path that repeats one segment
//! [`MAX_SEGMENT_REPEATS`] times, or more than [`MAX_PER_PATTERN`] URLs of one pattern (the path
//! with digit runs folded, plus the sorted query keys), or more than
//! [`MAX_NEW_PER_SHAPE_PER_PAGE`] new URLs of one host and pattern from one page (external
//! links included). Each kind of cut is counted in
//! [`Frontier::cuts`] and reported once in the run log.
//!
//! Memory: the frontier is the one structure of a crawl that grows with the site, so it holds
//! no more than it must. The seen-set keeps a 64-bit hash of each URL (keyed per process, so a
//! hostile site cannot craft collisions; an accidental one is about 3 in 10^8 at a million
//! URLs), not the URL; a queued URL is kept as its text, parsed again when it is popped. The
//! URLs themselves are in the store from the moment they are queued.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};

use url::Url;

use crate::config::Site;
use crate::store::{NewUrl, UrlKind, UrlRow};

/// A URL waiting to be fetched.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: u32,
    pub url: Url,
    pub depth: u32,
    pub kind: UrlKind,
}

/// A queued URL as the frontier holds it: the text, not a parsed [`Url`] (half the memory).
struct Queued {
    id: u32,
    url: Box<str>,
    depth: u32,
    kind: UrlKind,
}

/// The crawl order and the seen-set of one site's run.
#[derive(Default)]
pub struct Frontier {
    /// Hash of each URL met (see the module doc) → its id.
    seen: HashMap<u64, u32>,
    hasher: RandomState,
    /// The lanes (see the module doc).
    external_queue: VecDeque<Queued>,
    page_queue: VecDeque<Queued>,
    resource_queue: VecDeque<Queued>,
    next_id: u32,
    pages: usize,
    /// Pages fetched (and read, or failed) so far.
    pages_done: usize,
    /// Pages turned into plain checks because the page budget was spent.
    pub over_budget: usize,
    /// URLs of the site per pattern (see [`pattern`]).
    patterns: HashMap<String, usize>,
    /// URLs dropped as crawler traps, by reason.
    pub cuts: BTreeMap<&'static str, usize>,
}

/// Longest URL followed on a site.
pub const MAX_URL_LEN: usize = 2048;
/// A path that repeats one segment this often is a `../` or relative-link loop.
pub const MAX_SEGMENT_REPEATS: usize = 3;
/// Most URLs of one pattern followed on a site (calendars, session ids, endless queries).
pub const MAX_PER_PATTERN: usize = 50_000;
/// Most new URLs of one host and pattern taken from one page (see
/// [`Frontier::admit_from_page`]).
pub const MAX_NEW_PER_SHAPE_PER_PAGE: usize = 1_000;

/// The shape of a URL: path with digit runs folded to `0`, then the sorted query keys.
/// `/cal?d=2026-01-05` and `/cal?d=2031-07-12` share one; two different columns do not.
pub fn pattern(url: &Url) -> String {
    let mut p = String::with_capacity(url.path().len() + 16);
    let mut in_digits = false;
    for c in url.path().chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                p.push('0');
            }
            in_digits = true;
        } else {
            in_digits = false;
            p.push(c);
        }
    }
    let mut keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    keys.sort();
    keys.dedup();
    if !keys.is_empty() {
        p.push('?');
        p.push_str(&keys.join("&"));
    }
    p
}

/// Why a URL of the site looks like a crawler trap, if it does.
pub fn trap(url: &Url) -> Option<&'static str> {
    if url.as_str().len() > MAX_URL_LEN {
        return Some("URL longer than 2048 characters");
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for seg in url.path().split('/').filter(|s| !s.is_empty()) {
        let n = counts.entry(seg).or_default();
        *n += 1;
        if *n >= MAX_SEGMENT_REPEATS {
            return Some("path repeats a segment (relative-link loop)");
        }
    }
    None
}

impl Frontier {
    /// A frontier that starts at the homepage (id 0).
    pub fn new(home: &Url) -> (Frontier, NewUrl) {
        let mut f = Frontier::default();
        let (_, new) = f.add(home, 0, UrlKind::Page);
        (f, new.expect("empty frontier"))
    }

    /// The frontier of an interrupted run, rebuilt from the store: finished URLs are seen, the
    /// rest queued again in their original order.
    pub fn resume(rows: Vec<UrlRow>) -> Frontier {
        let mut f = Frontier::default();
        for r in rows {
            f.next_id = f.next_id.max(r.id + 1);
            if r.kind == UrlKind::Page {
                f.pages += 1;
                f.pages_done += usize::from(r.done);
            }
            f.seen.insert(f.hasher.hash_one(r.url.as_str()), r.id);
            if !r.done {
                f.push(Queued {
                    id: r.id,
                    url: r.url.into_boxed_str(),
                    depth: r.depth,
                    kind: r.kind,
                });
            }
        }
        f
    }

    /// The id of `url`, and the row to store when it is new (then it is queued too).
    pub fn add(&mut self, url: &Url, depth: u32, kind: UrlKind) -> (u32, Option<NewUrl>) {
        let key = self.hasher.hash_one(url.as_str());
        self.add_keyed(key, url, depth, kind)
    }

    /// [`Frontier::classify`] then [`Frontier::add`], hashing the URL once (this runs for every
    /// link of every page).
    pub fn admit(
        &mut self,
        site: &Site,
        url: &Url,
        element: &str,
        depth: u32,
    ) -> Option<(u32, Option<NewUrl>)> {
        let key = self.hasher.hash_one(url.as_str());
        self.admit_keyed(key, site, url, element, depth)
    }

    fn admit_keyed(
        &mut self,
        key: u64,
        site: &Site,
        url: &Url,
        element: &str,
        depth: u32,
    ) -> Option<(u32, Option<NewUrl>)> {
        let (kind, budget) = self.classify_keyed(key, site, url, element, depth)?;
        let (id, mut new) = self.add_keyed(key, url, depth, kind);
        if let Some(n) = &mut new {
            n.budget = budget;
        }
        Some((id, new))
    }

    /// [`Frontier::admit`] for one of a page's links, `shapes` counting the new URLs this page
    /// revealed per host and [`pattern`]: past [`MAX_NEW_PER_SHAPE_PER_PAGE`] new URLs of one
    /// shape, the page's further ones are cut (counted in [`Frontier::cuts`]). A page of
    /// 100,000 links to one generated shape (or to one other host) costs 1,000 requests, not
    /// 100,000; URLs already known keep their ids whatever the count.
    pub fn admit_from_page(
        &mut self,
        site: &Site,
        url: &Url,
        element: &str,
        depth: u32,
        shapes: &mut HashMap<u64, usize>,
    ) -> Option<(u32, Option<NewUrl>)> {
        let key = self.hasher.hash_one(url.as_str());
        if let Some(id) = self.seen.get(&key) {
            return Some((*id, None));
        }
        let shape = self
            .hasher
            .hash_one((url.host_str().unwrap_or(""), url.port(), pattern(url)));
        let n = shapes.entry(shape).or_default();
        if *n >= MAX_NEW_PER_SHAPE_PER_PAGE {
            *self
                .cuts
                .entry("more than 1,000 new URLs of one pattern on one page")
                .or_default() += 1;
            return None;
        }
        let admitted = self.admit_keyed(key, site, url, element, depth)?;
        *n += 1;
        Some(admitted)
    }

    fn add_keyed(
        &mut self,
        key: u64,
        url: &Url,
        depth: u32,
        kind: UrlKind,
    ) -> (u32, Option<NewUrl>) {
        if let Some(id) = self.seen.get(&key) {
            return (*id, None);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.seen.insert(key, id);
        if kind == UrlKind::Page {
            self.pages += 1;
        }
        self.push(Queued {
            id,
            url: url.as_str().into(),
            depth,
            kind,
        });
        (
            id,
            Some(NewUrl {
                id,
                url: url.to_string(),
                depth,
                kind,
                budget: None,
            }),
        )
    }

    fn push(&mut self, q: Queued) {
        match q.kind {
            UrlKind::External => self.external_queue.push_back(q),
            UrlKind::Page => self.page_queue.push_back(q),
            UrlKind::Resource => self.resource_queue.push_back(q),
        }
    }

    /// The next URL to fetch: an external link when `external` (the caller has room for one more
    /// in flight), else the next page breadth-first, else the next resource.
    pub fn pop(&mut self, external: bool) -> Option<Item> {
        loop {
            let lane = if external && !self.external_queue.is_empty() {
                &mut self.external_queue
            } else if !self.page_queue.is_empty() {
                &mut self.page_queue
            } else {
                &mut self.resource_queue
            };
            let q = lane.pop_front()?;
            // The text came from a parsed URL (or the store's copy of one): it parses again.
            if let Ok(url) = Url::parse(&q.url) {
                return Some(Item {
                    id: q.id,
                    url,
                    depth: q.depth,
                    kind: q.kind,
                });
            }
        }
    }

    /// URLs waiting in any lane.
    pub fn queued(&self) -> usize {
        self.external_queue.len() + self.page_queue.len() + self.resource_queue.len()
    }

    pub fn seen(&self) -> usize {
        self.seen.len()
    }

    /// Pages queued or fetched so far (the page budget counts these).
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Records that a popped page has been fetched and its links followed.
    pub fn page_done(&mut self) {
        self.pages_done += 1;
    }

    /// Pages queued or in flight. Only a page reveals pages, so once this is 0 the site's pages
    /// are all read, though links may still be being checked.
    pub fn pages_left(&self) -> usize {
        self.pages - self.pages_done
    }

    /// What a link found at `depth` on a page of `site` is, if it is to be fetched at all.
    pub fn classify(
        &mut self,
        site: &Site,
        url: &Url,
        element: &str,
        depth: u32,
    ) -> Option<UrlKind> {
        let key = self.hasher.hash_one(url.as_str());
        self.classify_keyed(key, site, url, element, depth)
            .map(|(kind, _)| kind)
    }

    /// [`Frontier::classify`], and which budget made a page a plain check (`max_pages`,
    /// `max_depth`), stored with the URL so every report can say how much was left unread.
    fn classify_keyed(
        &mut self,
        key: u64,
        site: &Site,
        url: &Url,
        element: &str,
        depth: u32,
    ) -> Option<(UrlKind, Option<&'static str>)> {
        if site.excluded(url) {
            return None;
        }
        if !site.in_scope(url) {
            return site
                .settings
                .check_external
                .then_some((UrlKind::External, None));
        }
        if self.seen.contains_key(&key) {
            // Already known: its kind is settled; only the id is needed.
            return Some((UrlKind::Resource, None));
        }
        if let Some(why) = trap(url) {
            *self.cuts.entry(why).or_default() += 1;
            return None;
        }
        let n = self.patterns.entry(pattern(url)).or_default();
        *n += 1;
        if *n > MAX_PER_PATTERN {
            *self
                .cuts
                .entry("more than 50,000 URLs of one pattern")
                .or_default() += 1;
            return None;
        }
        let navigable = matches!(element, "a" | "area" | "iframe" | "frame");
        if !navigable || looks_like_file(url) {
            return Some((UrlKind::Resource, None));
        }
        if depth as usize > site.settings.max_depth {
            self.over_budget += 1;
            return Some((UrlKind::Resource, Some("max_depth")));
        }
        if self.pages >= site.settings.max_pages {
            self.over_budget += 1;
            return Some((UrlKind::Resource, Some("max_pages")));
        }
        Some((UrlKind::Page, None))
    }
}

/// File extensions that are never HTML pages.
const FILE_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "txt", "csv",
    "zip", "rar", "7z", "gz", "tar", "jpg", "jpeg", "png", "gif", "bmp", "svg", "webp", "ico",
    "tif", "tiff", "mp3", "mp4", "avi", "flv", "wmv", "mov", "swf", "css", "js", "apk", "exe",
    "msi", "dmg", "iso", "xml", "json", "ceb", "caj",
];

/// Whether the URL's path ends in an extension that is never a page.
pub fn looks_like_file(url: &Url) -> bool {
    let path = url.path();
    let last = path.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_gets_one_id_and_is_queued_once() {
        let home = Url::parse("http://s.gov.cn/").unwrap();
        let (mut f, first) = Frontier::new(&home);
        assert_eq!(first.id, 0);
        let a = Url::parse("http://s.gov.cn/a.html").unwrap();
        let (id1, new1) = f.add(&a, 1, UrlKind::Page);
        let (id2, new2) = f.add(&a, 1, UrlKind::Page);
        assert_eq!((id1, id2), (1, 1));
        assert!(new1.is_some() && new2.is_none());
        assert_eq!(f.queued(), 2);
    }

    #[test]
    fn resume_requeues_only_unfinished_urls_in_order() {
        let row = |id, url: &str, done| UrlRow {
            id,
            url: url.into(),
            depth: 1,
            kind: UrlKind::Page,
            done,
        };
        let mut f = Frontier::resume(vec![
            row(0, "http://s.gov.cn/", true),
            row(1, "http://s.gov.cn/a", false),
            row(2, "http://s.gov.cn/b", true),
            row(3, "http://s.gov.cn/c", false),
        ]);
        assert_eq!(f.pop(true).unwrap().id, 1);
        assert_eq!(f.pop(true).unwrap().id, 3);
        assert!(f.pop(true).is_none());
        let (id, new) = f.add(&Url::parse("http://s.gov.cn/b").unwrap(), 1, UrlKind::Page);
        assert_eq!((id, new.is_none()), (2, true));
        assert_eq!(
            f.add(&Url::parse("http://s.gov.cn/d").unwrap(), 1, UrlKind::Page)
                .0,
            4
        );
    }

    #[test]
    fn external_links_go_first_while_allowed_then_pages_breadth_first_then_resources() {
        let u = |s: &str| Url::parse(s).unwrap();
        let (mut f, _) = Frontier::new(&u("http://s.gov.cn/"));
        f.add(&u("http://s.gov.cn/a.pdf"), 1, UrlKind::Resource);
        f.add(&u("http://s.gov.cn/a.html"), 1, UrlKind::Page);
        f.add(&u("http://other.cn/x"), 1, UrlKind::External);
        f.add(&u("http://s.gov.cn/b.html"), 2, UrlKind::Page);
        f.add(&u("http://other.cn/y"), 2, UrlKind::External);
        let mut order = |external| f.pop(external).map(|i| i.url.to_string());
        assert_eq!(order(true).as_deref(), Some("http://other.cn/x"));
        // no room for another external link: the site's pages, in the order met, then resources
        assert_eq!(order(false).as_deref(), Some("http://s.gov.cn/"));
        assert_eq!(order(false).as_deref(), Some("http://s.gov.cn/a.html"));
        assert_eq!(order(false).as_deref(), Some("http://s.gov.cn/b.html"));
        assert_eq!(order(false).as_deref(), Some("http://s.gov.cn/a.pdf"));
        // the external link left waits for room rather than exceed the caller's limit
        assert_eq!(order(false), None);
        assert_eq!(order(true).as_deref(), Some("http://other.cn/y"));
        assert_eq!(order(true), None);
    }

    #[test]
    fn traps_are_recognised_by_shape() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(trap(&u("http://s.gov.cn/a/b/a/b/a/x.html")).is_some());
        assert!(trap(&u(&format!("http://s.gov.cn/q?x={}", "y".repeat(3000)))).is_some());
        assert!(trap(&u("http://s.gov.cn/xwdt/gzdt/202611/t20261120_1.html")).is_none());
        assert_eq!(
            pattern(&u("http://s.gov.cn/cal?d=2026-01-05&v=1")),
            "/cal?d&v"
        );
        assert_eq!(
            pattern(&u("http://s.gov.cn/xwdt/202611/t20261120_17.html")),
            pattern(&u("http://s.gov.cn/xwdt/202512/t20251201_9.html"))
        );
        assert_ne!(
            pattern(&u("http://s.gov.cn/xwdt/index_1.html")),
            pattern(&u("http://s.gov.cn/tzgg/index_1.html"))
        );
    }

    #[test]
    fn an_endless_calendar_is_cut_after_the_pattern_limit() {
        let site = crate::config::Targets::parse(
            "[[site]]\nid='s'\nname='s'\nurl='http://s.gov.cn/'\nrole='unit'\n[site.settings]\nmax_pages=1000000\n",
            "t.toml".as_ref(),
        )
        .unwrap()
        .sites
        .remove(0);
        let (mut f, _) = Frontier::new(&site.url);
        let mut followed = 0;
        for day in 0..(MAX_PER_PATTERN + 100) as i64 {
            let url = Url::parse(&format!("http://s.gov.cn/calendar?day={day}")).unwrap();
            if f.classify(&site, &url, "a", 1).is_some() {
                f.add(&url, 1, UrlKind::Page);
                followed += 1;
            }
        }
        assert_eq!(followed, MAX_PER_PATTERN);
        assert_eq!(f.cuts.values().sum::<usize>(), 100);
    }

    #[test]
    fn attachments_are_resources_even_from_anchors() {
        assert!(looks_like_file(
            &Url::parse("http://s.gov.cn/files/附件1.PDF").unwrap()
        ));
        assert!(!looks_like_file(
            &Url::parse("http://s.gov.cn/art/2024/6/19/art_1.html").unwrap()
        ));
        assert!(!looks_like_file(
            &Url::parse("http://s.gov.cn/News/List.aspx?page=2").unwrap()
        ));
    }

    #[test]
    fn one_page_reveals_at_most_1000_new_urls_of_one_shape_and_known_urls_keep_their_ids() {
        let home = Url::parse("http://s.gov.cn/").unwrap();
        let site = Site::adhoc(&home, crate::config::Settings::default());
        let (mut f, _) = Frontier::new(&home);
        let known = Url::parse("http://s.gov.cn/item/5000.html").unwrap();
        let (known_id, _) = f.add(&known, 1, UrlKind::Page);
        let mut shapes = HashMap::new();
        let mut new = 0;
        for i in 0..100_000 {
            let u = Url::parse(&format!("http://s.gov.cn/item/{i}.html")).unwrap();
            match f.admit_from_page(&site, &u, "a", 1, &mut shapes) {
                Some((id, None)) if i == 5000 => assert_eq!(id, known_id),
                Some((_, Some(_))) => new += 1,
                _ => {}
            }
        }
        assert_eq!(new, MAX_NEW_PER_SHAPE_PER_PAGE);
        // Another shape, another host: their own 1,000.
        let other = Url::parse("http://s.gov.cn/news/a.html").unwrap();
        assert!(matches!(
            f.admit_from_page(&site, &other, "a", 1, &mut shapes),
            Some((_, Some(_)))
        ));
        // The next page starts its own count.
        let next = Url::parse("http://s.gov.cn/item/200000.html").unwrap();
        assert!(matches!(
            f.admit_from_page(&site, &next, "a", 1, &mut HashMap::new()),
            Some((_, Some(_)))
        ));
    }
}
