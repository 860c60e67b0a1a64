//! The built-in sample websites: a realistic sample ministry portal and two affiliated-unit
//! sites, plus a fake "external" host and a closed port, each served by axum on `127.0.0.1`
//! with an ephemeral port. `govpatrol demo` crawls them, and every integration test uses them.
//!
//! The sites carry planted defects (broken links of every kind, links that need a person;
//! columns of every category that are fresh, stale a few days over their window, empty, undated,
//! with an old pinned row, a finished topic excluded by configuration; a unit whose homepage has
//! not changed in three weeks; two articles with suspect dates; policy documents with every
//! interpretation outcome, see [`InterpretationCase`]);
//! not changed in three weeks; two articles with suspect dates; a mailbox and solicitations with
//! every message and solicitation outcome, see `portal/mailbox.rs`) and
//! tricky-but-fine links (transient errors, redirects, a slow page, GBK pages with Chinese hrefs,
//! robots-disallowed pages). [`SampleSites::planted`] is the exact list a correct crawler must
//! report; it is computed from the same data that renders the pages, by walking the sites the way
//! a correct crawler does, so it cannot drift from what is served. [`SampleSites::expected_columns`]
//! lists every column with its verdict, from the same column definitions.
//!
//! Layout:
//! - `content`: what each host serves, and the classification giving the planted list;
//! - `html`: the page builder that records the links it writes, formats, text pools;
//! - `portal`: the TRS-style ministry portal (site id `portal`, ~140 pages, 16 columns);
//! - `units`: `unit-a` (Hanweb-style) and `unit-b` (ASP.NET-like, soft-404 site);
//! - `server`: the axum servers, request counters and request log.
//!
//! Special URLs on the portal (paths; the host is `sites[0].url`):
//! - `/sjfb/kqzl/index.html` always `503` (broken), `/hdjl/zxzx/index.html` always `429` with
//!   `Retry-After: 1` (needs review), `/loop/a` ⇄ `/loop/b` (`302` loop, broken),
//!   `/ztzl/2019zt/index.html` (`200` saying 您访问的页面不存在, broken);
//! - the 7th 工作动态 article (`/xwdt/gzdt/…`, linked from the homepage) answers `503` on its first
//!   request and `200` afterwards; the 3rd 图片新闻 article's second image answers `429` with
//!   `Retry-After: 1` once, then `200`; the 5th 通知公告 article's `.doc` attachment answers
//!   `HEAD` with `405` and `GET` with `200`; `/xxgk/index.html` is a `301` to `/zcwj/index.html`;
//!   the site map `/wzdt/index.html` (linked from every footer) answers after 1 s.

mod content;
mod html;
mod identity;
mod portal;
mod rules;
mod server;
mod units;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::NaiveDate;
use tokio::net::{TcpListener, TcpSocket};
use tokio::task::JoinHandle;
use url::Url;

use content::{Behavior, Resource, SiteContent, World};

/// One sample site to crawl.
#[derive(Debug, Clone)]
pub struct SampleSite {
    /// Site id, as in `targets.toml`: `portal`, `unit-a`, `unit-b`.
    pub id: String,
    /// Site name (the `SiteName` meta).
    pub name: String,
    /// `"portal"` or `"unit"`.
    pub role: &'static str,
    /// Homepage, `http://127.0.0.1:PORT/`.
    pub url: Url,
    /// The unit that runs the site (主办单位).
    pub owner: String,
    /// The 网站标识码 the office expects (`site_id_code` in targets.toml).
    pub site_id_code: Option<String>,
    /// The ICP备案编号 the office expects (`icp` in targets.toml).
    pub icp: Option<String>,
}

/// One defect planted in the sample sites that a correct crawler must report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// Site id.
    pub site: String,
    /// `"broken_link"`, `"link_needs_review"`, `"stale_column"`, `"empty_column"`,
    /// `"homepage_not_updated"`, `"suspect_date"` or one of the `*_interpretation` checks (for
    /// those, `page_url` and `url` are the object itself and the link fields are empty).
    pub check: &'static str,
    /// Absolute URL of the page holding the link, as the crawler reaches it (no fragment).
    pub page_url: String,
    /// Absolute target URL as `url::Url::join` normalises it (path percent-encoded as UTF-8).
    pub url: String,
    /// `a`, `img`, `script`, `link`, `iframe`, …
    pub element: &'static str,
    /// Text of the `<a>` (or `alt` of the `<img>`), trimmed, whitespace collapsed; `""` if none.
    pub link_text: String,
    /// The page holding the link is the site's homepage.
    pub on_homepage: bool,
    /// The target is on the same host:port as the page's site.
    pub internal: bool,
    /// What kind of defect, for humans.
    pub note: &'static str,
    /// For aggregated findings (metadata): the finding's `evidence.item`, e.g.
    /// `meta:ColumnKeywords` or `footer:ICP备案编号`; `""` for link findings.
    pub detail: String,
}

impl Planted {
    /// A defect about a page itself (a column's list page, the homepage, an article): no link.
    pub(crate) fn about(
        site: &str,
        check: &'static str,
        url: String,
        note: &'static str,
    ) -> Planted {
        Planted {
            site: site.to_string(),
            check,
            page_url: url.clone(),
            url,
            element: "",
            link_text: String::new(),
            on_homepage: false,
            internal: true,
            note,
            detail: String::new(),
        }
    }
}

/// A policy document of the sample portal and the interpretation outcome it must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterpretationCase {
    /// What it exercises, for humans.
    pub name: &'static str,
    pub doc_url: String,
    pub doc_title: String,
    /// The 文号 its page shows.
    pub doc_number: String,
    pub doc_date: NaiveDate,
    /// Its interpretation, if it has one.
    pub interp_url: Option<String>,
    pub interp_date: Option<NaiveDate>,
    /// The strongest signal that must tie them: `link`, `title`, `doc_number` (`""`: none).
    pub matched_by: &'static str,
    /// The missing link directions, comma-separated (`""`: none missing).
    pub missing_links: &'static str,
    /// The finding it must get (`""`: none).
    pub finding: &'static str,
}

/// A column of a sample site as an inspector finds it at the check point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedColumn {
    pub site: String,
    /// The column's first list page.
    pub url: String,
    pub name: String,
    /// `news`, `notice`, `policy`, … as `checks::columns::Category` names them.
    pub category: &'static str,
    pub level: u8,
    /// `fresh`, `stale`, `undated`, `empty` or `excluded`.
    pub verdict: &'static str,
    /// The newest dated item of its first list page (list date or article date).
    pub newest: Option<NaiveDate>,
    /// Configured `exclude = true` (a finished topic) in the sample's targets.
    pub exclude: bool,
}

impl ExpectedColumn {
    /// A column judged the inspectors' way: excluded, empty (no item), undated (items without
    /// any date), stale (newest older than the category's window) or fresh.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn judged(
        site: &str,
        url: String,
        name: &str,
        category: &'static str,
        level: u8,
        count: usize,
        newest: Option<NaiveDate>,
        exclude: bool,
        as_of: NaiveDate,
    ) -> ExpectedColumn {
        let window = rules::default_window(category).expect("a known category");
        let verdict = match (exclude, count, newest) {
            (true, _, _) => "excluded",
            (_, 0, _) => "empty",
            (_, _, None) => "undated",
            (_, _, Some(d)) if d < window.cutoff(as_of) => "stale",
            _ => "fresh",
        };
        ExpectedColumn {
            site: site.to_string(),
            url,
            name: name.to_string(),
            category,
            level,
            verdict,
            newest,
            exclude,
        }
    }

    /// The finding a correct crawler reports for this column, if any.
    pub(crate) fn planted(&self) -> Option<Planted> {
        let (check, note) = match self.verdict {
            "stale" => ("stale_column", "column not updated within its window"),
            "undated" => ("stale_column", "column whose items carry no date"),
            "empty" => ("empty_column", "column without any item"),
            _ => return None,
        };
        Some(Planted::about(&self.site, check, self.url.clone(), note))
    }
}

/// One request received by a sample server.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// `127.0.0.1:PORT` of the server that received it.
    pub authority: String,
    /// Path and query as sent.
    pub path_and_query: String,
    /// The `User-Agent` header, `""` if none.
    pub user_agent: String,
    /// When the server received it.
    pub at: Instant,
    /// The status it answered (`304` for a conditional request whose page had not changed).
    pub status: u16,
}

/// Everything the page builders need to know: the check point and every base URL.
pub(crate) struct Ctx {
    pub as_of: NaiveDate,
    pub portal: Url,
    pub unit_a: Url,
    pub unit_b: Url,
    pub external: Url,
    pub closed: Url,
}

/// The running sample sites. Dropping it (or [`SampleSites::shutdown`]) stops the servers.
pub struct SampleSites {
    /// The portal first (id `portal`), then `unit-a`, `unit-b`.
    pub sites: Vec<SampleSite>,
    /// Base URL of the fake external host: `/ok.html` (200), `/missing.html` (404),
    /// `/forbidden` (403); any other path gives 404.
    pub external: Url,
    /// Base URL of a port where nothing listens (connection refused).
    pub closed: Url,
    /// The exact list of defects a correct crawler must report (links, columns, homepage,
    /// suspect dates).
    pub planted: Vec<Planted>,
    /// Every column of the sample sites with its verdict at the check point.
    pub expected_columns: Vec<ExpectedColumn>,
    /// Every policy document of the portal with its interpretation outcome.
    pub interpretation_cases: Vec<InterpretationCase>,
    /// The public holiday the sample's targets add (`[calendar] holidays`): without it,
    /// the over-a-holiday interpretation would be late.
    pub holidays: Vec<NaiveDate>,
    disallowed: Vec<(String, String)>,
    log: server::RequestLog,
    /// Per host (`127.0.0.1:PORT`): the edits made with [`SampleSites::edit_page`].
    edits: Vec<(String, server::Edits)>,
    tasks: Vec<JoinHandle<()>>,
    /// Keeps the closed port reserved (bound, not listening).
    _closed_guard: TcpSocket,
}

fn base_url(l: &TcpListener) -> std::io::Result<Url> {
    let addr = l.local_addr()?;
    Url::parse(&format!("http://127.0.0.1:{}/", addr.port()))
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn external_site(url: &Url) -> SiteContent {
    let mut s = SiteContent::new("external", url.clone());
    s.not_found_body = portal::not_found_page().into_bytes();
    s.insert(
        "/robots.txt",
        Resource::new(
            "text/plain; charset=utf-8",
            b"User-agent: *\nDisallow:\n".to_vec(),
        ),
    );
    s.insert(
        "/ok.html",
        Resource::new(
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>中国政府网</title></head><body><p>外部网站正常页面。</p></body></html>\n"
                .as_bytes()
                .to_vec(),
        ),
    );
    s.insert(
        "/forbidden",
        Resource::new(
            "text/html; charset=utf-8",
            b"<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>\n"
                .to_vec(),
        )
        .with(Behavior::Always(403)),
    );
    s
}

impl SampleSites {
    /// Starts the three sites, the external host and picks a closed port. Content is dated
    /// relative to `as_of` (news a few days before it, notices within weeks, policies within
    /// months), so every column is fresh at that check point.
    pub async fn start(as_of: NaiveDate) -> std::io::Result<SampleSites> {
        SampleSites::start_on(as_of, [0; 5]).await
    }

    /// The ports of the portal, unit-a, unit-b, the external host and the closed port.
    pub fn ports(&self) -> [u16; 5] {
        let p = |u: &Url| u.port().unwrap_or(0);
        [
            p(&self.sites[0].url),
            p(&self.sites[1].url),
            p(&self.sites[2].url),
            p(&self.external),
            p(&self.closed),
        ]
    }

    /// Like [`SampleSites::start`] on given ports (0: any free port), so that a later check
    /// point can be served at the same URLs as an earlier one (`ports()` of a stopped instance):
    /// the same problem then has the same finding id, as on a real site from month to month.
    pub async fn start_on(as_of: NaiveDate, ports: [u16; 5]) -> std::io::Result<SampleSites> {
        let bind = |p: u16| TcpListener::bind(std::net::SocketAddr::from(([127, 0, 0, 1], p)));
        let l_portal = bind(ports[0]).await?;
        let l_a = bind(ports[1]).await?;
        let l_b = bind(ports[2]).await?;
        let l_ext = bind(ports[3]).await?;
        // a port bound but never listened on: reserved for us, and connecting is refused
        let closed_guard = TcpSocket::new_v4()?;
        closed_guard.bind(std::net::SocketAddr::from(([127, 0, 0, 1], ports[4])))?;
        let closed = Url::parse(&format!(
            "http://127.0.0.1:{}/",
            closed_guard.local_addr()?.port()
        ))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
        let ctx = Ctx {
            as_of,
            portal: base_url(&l_portal)?,
            unit_a: base_url(&l_a)?,
            unit_b: base_url(&l_b)?,
            external: base_url(&l_ext)?,
            closed,
        };
        let portal = portal::build(&ctx);
        let unit_a = units::build_a(&ctx);
        let unit_b = units::build_b(&ctx);
        let external = external_site(&ctx.external);

        let (planted, disallowed) = {
            let world = World {
                hosts: vec![&portal, &unit_a, &unit_b, &external],
                closed: &ctx.closed,
            };
            let mut planted = Vec::new();
            let mut disallowed = Vec::new();
            for s in [&portal, &unit_a, &unit_b] {
                planted.extend(content::planted(&world, s));
                for d in &s.disallow {
                    disallowed.push((s.id.clone(), d.clone()));
                }
            }
            planted.extend(identity::planted_identity(&ctx));
            (planted, disallowed)
        };
        let mut planted = planted;
        let interpretation_cases = portal::interpretation_cases(&ctx);
        let holidays = vec![portal::sample_holiday(ctx.as_of)];
        let (mut expected_columns, p) = portal::expected(&ctx);
        planted.extend(p);
        let (c, p) = units::expected(&ctx);
        expected_columns.extend(c);
        planted.extend(p);

        let sites = vec![
            SampleSite {
                id: "portal".to_string(),
                name: portal::SITE_NAME.to_string(),
                role: "portal",
                url: ctx.portal.clone(),
                owner: portal::SITE_NAME.to_string(),
                site_id_code: Some(portal::SITE_ID_CODE.to_string()),
                icp: Some(portal::ICP.to_string()),
            },
            SampleSite {
                id: "unit-a".to_string(),
                name: units::UNIT_A_NAME.to_string(),
                role: "unit",
                url: ctx.unit_a.clone(),
                owner: units::UNIT_A_NAME.to_string(),
                site_id_code: Some(units::UNIT_A_CODE.to_string()),
                icp: Some(units::UNIT_A_ICP.to_string()),
            },
            SampleSite {
                id: "unit-b".to_string(),
                name: units::UNIT_B_NAME.to_string(),
                role: "unit",
                url: ctx.unit_b.clone(),
                owner: units::UNIT_B_NAME.to_string(),
                site_id_code: Some(units::UNIT_B_CODE.to_string()),
                icp: None,
            },
        ];

        let log: server::RequestLog = Arc::new(Mutex::new(Vec::new()));
        let mut edits = Vec::new();
        let mut tasks = Vec::new();
        for (l, content) in [
            (l_portal, portal),
            (l_a, unit_a),
            (l_b, unit_b),
            (l_ext, external),
        ] {
            let e = server::Edits::default();
            edits.push((content.authority(), e.clone()));
            tasks.push(server::spawn(l, content, log.clone(), e));
        }
        Ok(SampleSites {
            sites,
            external: ctx.external,
            closed: ctx.closed,
            planted,
            expected_columns,
            interpretation_cases,
            holidays,
            disallowed,
            log,
            edits,
            tasks,
            _closed_guard: closed_guard,
        })
    }

    /// Every request every sample server (sites and external host) received, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Edits the page at `url` from now on, as a webmaster would: `html` goes in before its
    /// `</body>` (after any earlier edit of it is dropped), so its `ETag` and `Last-Modified`
    /// change and a conditional request gets the new page. `false` when no sample host serves
    /// `url`. Meant for tests of a second run; [`SampleSites::planted`] does not follow edits.
    pub fn edit_page(&self, url: &Url, html: &str) -> bool {
        let Some((_, edits)) = self
            .edits
            .iter()
            .find(|(authority, _)| *authority == content::authority(url))
        else {
            return false;
        };
        let pq = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        // one second later than anything served so far, as a file's new mtime would be
        let at = chrono::Utc::now() + chrono::Duration::seconds(1);
        edits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(pq, (html.to_string(), at));
        true
    }

    /// `(site id, path prefix)` for every `Disallow:` in the sites' robots.txt.
    pub fn disallowed_paths(&self) -> Vec<(String, String)> {
        self.disallowed.clone()
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&SampleSite> {
        self.sites.iter().find(|s| s.id == id)
    }

    /// Stops the servers (the same as dropping).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for SampleSites {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
