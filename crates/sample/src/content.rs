//! The resource model of the sample sites: what each sample server answers for each path, and
//! the classification that turns the rendered pages into the exact list of planted defects.
//!
//! The page builders ([`super::portal`], [`super::units`]) fill one [`SiteContent`] per host; the
//! servers ([`super::server`]) answer from it, and [`planted`] walks the same data the way a
//! correct crawler would (from the homepage, skipping robots-disallowed paths) to list every link
//! that a correct crawler must report. Pages and findings therefore come from one source of truth.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use url::Url;

use super::Planted;

/// How a resource answers, beyond a plain `200`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Behavior {
    /// `200` with the body.
    Ok,
    /// Always this status (a `429` also carries `Retry-After: 1`).
    Always(u16),
    /// This status on the first request to the URL (any method), `200` with the body afterwards.
    FailFirst(u16),
    /// `HEAD` answers `405 Method Not Allowed`, `GET` answers `200`.
    HeadNotAllowed,
    /// A redirect with this status to this location (an absolute path or URL).
    Redirect(u16, String),
    /// `200` with an error page saying 页面不存在 (a soft 404 on a site that otherwise gives 404).
    SoftNotFound,
}

/// A link written on a page, as the page's HTML carries it.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    /// The attribute value as written (unescaped), resolved against the page's base.
    pub href: String,
    /// Element name: `a`, `img`, `script`, `link`, `iframe`.
    pub element: &'static str,
    /// Text of the `<a>` or `alt` of the `<img>`, trimmed and whitespace-collapsed.
    pub text: String,
}

/// What an HTML page carries, for the classification.
#[derive(Debug, Clone)]
pub(crate) struct PageInfo {
    /// The URL links are resolved against (the page URL, or its `<base href>`).
    pub base: Url,
    pub links: Vec<Link>,
}

/// One path a sample server answers.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub behavior: Behavior,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Set for HTML pages built by the page builder.
    pub page: Option<PageInfo>,
}

impl Resource {
    pub(crate) fn new(content_type: &'static str, body: Vec<u8>) -> Resource {
        Resource {
            content_type,
            body,
            behavior: Behavior::Ok,
            delay: None,
            page: None,
        }
    }

    pub(crate) fn with(mut self, behavior: Behavior) -> Resource {
        self.behavior = behavior;
        self
    }
}

/// Everything one sample host serves.
#[derive(Debug)]
pub(crate) struct SiteContent {
    pub id: String,
    /// Homepage, `http://127.0.0.1:PORT/`.
    pub home: Url,
    /// Keyed by path and query exactly as the `url` crate serialises them (percent-encoded UTF-8).
    pub resources: HashMap<String, Resource>,
    /// Path prefixes disallowed by this host's robots.txt.
    pub disallow: Vec<String>,
    /// `true`: unknown paths answer `200` with `not_found_body` (a soft-404 site).
    pub soft_404_site: bool,
    /// Body of the answer for unknown paths (status 404, or 200 on a soft-404 site).
    pub not_found_body: Vec<u8>,
}

impl SiteContent {
    pub(crate) fn new(id: &str, home: Url) -> SiteContent {
        SiteContent {
            id: id.to_string(),
            home,
            resources: HashMap::new(),
            disallow: Vec::new(),
            soft_404_site: false,
            not_found_body: Vec::new(),
        }
    }

    /// `host:port` of this site.
    pub(crate) fn authority(&self) -> String {
        authority(&self.home)
    }

    /// The key of a path (with optional query) as the `url` crate normalises it.
    pub(crate) fn key_of(&self, path: &str) -> String {
        let u = self.home.join(path).expect("valid sample path");
        path_and_query(&u)
    }

    /// Adds a resource at `path` (normalised), replacing any previous one.
    pub(crate) fn insert(&mut self, path: &str, res: Resource) {
        let k = self.key_of(path);
        self.resources.insert(k, res);
    }

    /// The resource answering a request for `pq` (path and query as sent): the exact key, else
    /// the path without its query (static servers ignore query strings).
    pub(crate) fn lookup(&self, pq: &str) -> Option<&Resource> {
        if let Some(r) = self.resources.get(pq) {
            return Some(r);
        }
        let path = pq.split('?').next().unwrap_or(pq);
        if path.len() < pq.len() {
            return self.resources.get(path);
        }
        None
    }

    pub(crate) fn disallowed(&self, pq: &str) -> bool {
        self.disallow.iter().any(|d| pq.starts_with(d.as_str()))
    }
}

pub(crate) fn authority(u: &Url) -> String {
    format!(
        "{}:{}",
        u.host_str().unwrap_or(""),
        u.port_or_known_default().unwrap_or(0)
    )
}

pub(crate) fn path_and_query(u: &Url) -> String {
    match u.query() {
        Some(q) => format!("{}?{}", u.path(), q),
        None => u.path().to_string(),
    }
}

/// What a correct crawler concludes about a link target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Not fetched at all (`javascript:`, `mailto:`, robots-disallowed, …).
    Skip,
    Fine,
    Broken(&'static str),
    Review(&'static str),
}

/// All hosts known to the sample, for classification.
pub(crate) struct World<'a> {
    pub hosts: Vec<&'a SiteContent>,
    pub closed: &'a Url,
}

impl World<'_> {
    fn host(&self, u: &Url) -> Option<&SiteContent> {
        let a = authority(u);
        self.hosts.iter().copied().find(|h| h.authority() == a)
    }

    /// Classifies a link target (fragment already dropped).
    pub(crate) fn classify(&self, target: &Url, element: &str, text: &str) -> Outcome {
        if target.scheme() != "http" && target.scheme() != "https" {
            return Outcome::Skip;
        }
        let mut cur = target.clone();
        let mut seen = HashSet::new();
        for hop in 0..10 {
            if authority(&cur) == authority(self.closed) {
                return Outcome::Broken("connection refused");
            }
            let Some(host) = self.host(&cur) else {
                return Outcome::Broken("unknown host");
            };
            let pq = path_and_query(&cur);
            if hop == 0 && host.disallowed(&pq) {
                return Outcome::Skip;
            }
            if !seen.insert(cur.as_str().to_string()) {
                return Outcome::Broken("redirect loop");
            }
            let Some(res) = host.lookup(&pq) else {
                if host.soft_404_site {
                    return Outcome::Broken("missing page on a soft-404 site (200 error page)");
                }
                return Outcome::Broken(missing_note(host.id == "external", &cur, element, text));
            };
            return match &res.behavior {
                Behavior::Ok | Behavior::FailFirst(_) | Behavior::HeadNotAllowed => Outcome::Fine,
                Behavior::SoftNotFound => Outcome::Broken("soft 404: 200 page saying 页面不存在"),
                Behavior::Always(403) => Outcome::Review("403 Forbidden (needs a person)"),
                Behavior::Always(401) => Outcome::Review("401 Unauthorized (needs a person)"),
                Behavior::Always(429) => {
                    Outcome::Review("always 429 with Retry-After: 1 (needs a person)")
                }
                Behavior::Always(s) if *s >= 500 => Outcome::Broken("persistent 503"),
                Behavior::Always(_) => Outcome::Broken("error status"),
                Behavior::Redirect(_, loc) => {
                    cur = cur.join(loc).expect("valid redirect location");
                    continue;
                }
            };
        }
        Outcome::Broken("redirect loop")
    }
}

fn missing_note(external: bool, target: &Url, element: &str, text: &str) -> &'static str {
    if external {
        return "external page missing (404)";
    }
    if text.starts_with('=') {
        return "missing page (404); link text starts with '=' (CSV formula injection)";
    }
    match element {
        "img" => return "missing image (404)",
        "script" => return "missing script (404)",
        "link" => return "missing stylesheet (404)",
        _ => {}
    }
    let path = target.path().to_ascii_lowercase();
    let attachment = [
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar",
    ]
    .iter()
    .any(|e| path.ends_with(e));
    if attachment && path.contains('%') {
        "missing Chinese-named attachment (404)"
    } else if attachment {
        "missing attachment (404)"
    } else {
        "missing page (404)"
    }
}

/// Resolves a link written on a page: `base.join(href)` without the fragment.
pub(crate) fn resolve(base: &Url, href: &str) -> Option<Url> {
    let mut u = base.join(href).ok()?;
    u.set_fragment(None);
    Some(u)
}

/// The HTML pages of `site` a correct crawler reaches from the homepage (following same-site
/// links and redirects, never robots-disallowed paths), in BFS order, as `(page URL, page)`.
pub(crate) fn reachable<'a>(world: &World<'a>, site: &'a SiteContent) -> Vec<(Url, &'a PageInfo)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut done = HashSet::new();
    let mut queue = VecDeque::new();
    queue.push_back(site.home.clone());
    seen.insert(site.home.as_str().to_string());
    while let Some(u) = queue.pop_front() {
        // follow redirects on the same site to the final page
        let mut cur = u;
        let mut res = None;
        for _ in 0..10 {
            let pq = path_and_query(&cur);
            match site.lookup(&pq) {
                Some(r) => match &r.behavior {
                    Behavior::Redirect(_, loc) => {
                        let next = cur.join(loc).expect("valid redirect location");
                        if authority(&next) != site.authority() {
                            break;
                        }
                        cur = next;
                    }
                    _ => {
                        res = Some(r);
                        break;
                    }
                },
                None => break,
            }
        }
        let Some(res) = res else { continue };
        if res.behavior == Behavior::SoftNotFound {
            continue;
        }
        let Some(page) = &res.page else { continue };
        if !done.insert(cur.as_str().to_string()) {
            continue;
        }
        out.push((cur.clone(), page));
        for l in &page.links {
            let Some(t) = resolve(&page.base, l.href.as_str()) else {
                continue;
            };
            if authority(&t) != site.authority() || site.disallowed(&path_and_query(&t)) {
                continue;
            }
            if world.classify(&t, l.element, &l.text) != Outcome::Fine {
                continue;
            }
            if seen.insert(t.as_str().to_string()) {
                queue.push_back(t);
            }
        }
    }
    out
}

/// The planted defects of `site`: every link on a reachable page whose target a correct
/// crawler must report, one entry per (page, link).
pub(crate) fn planted(world: &World<'_>, site: &SiteContent) -> Vec<Planted> {
    let mut out = Vec::new();
    for (page_url, page) in reachable(world, site) {
        let mut on_page = HashSet::new();
        for l in &page.links {
            let Some(t) = resolve(&page.base, l.href.as_str()) else {
                continue;
            };
            if !on_page.insert(t.as_str().to_string()) {
                continue;
            }
            let (check, note) = match world.classify(&t, l.element, &l.text) {
                Outcome::Broken(n) => ("broken_link", n),
                Outcome::Review(n) => ("link_needs_review", n),
                Outcome::Skip | Outcome::Fine => continue,
            };
            out.push(Planted {
                site: site.id.clone(),
                check,
                page_url: page_url.to_string(),
                url: t.to_string(),
                element: l.element,
                link_text: l.text.clone(),
                on_homepage: page_url.as_str() == site.home.as_str(),
                internal: authority(&t) == site.authority(),
                note,
                detail: String::new(),
            });
        }
    }
    out
}
