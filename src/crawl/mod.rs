//! Crawl: walk one site breadth-first, fetch every URL once, and hand the results to the store.
//!
//! The flow for one site (driven by `cmd::crawl`):
//!
//! 1. [`probe_notfound`]: ask for a path that cannot exist, to learn the site's own answer (a
//!    real 404, or a 200 "not found" page whose fingerprint marks soft 404s later);
//! 2. [`crawl_site`]: pop URLs from the [`frontier::Frontier`] (external links as soon as they
//!    are met, in a set of their own holding at most three quarters of the connections; the
//!    site's pages, then its resources), fetch them concurrently through
//!    [`fetch::Fetcher`] (which applies [`politeness`]), parse pages with [`crate::extract`]
//!    (links and meta tags, and what the column checks need: [`extract::page_content`] — the
//!    page's kind, publication date, column meta, list rows with dates, pagination), classify
//!    their links and queue the new ones; every finished URL goes to the store writer in one
//!    atomic write with the links it revealed and its content; when the last page is read, it
//!    tells the run (the checks over pages start while the last links are checked);
//!    A resource whose `200` may be an error page (the probe found the host answers unknown paths
//!    with 200, or its `Content-Type` is HTML for a file extension) is asked again with GET and
//!    compared with the not-found pages ([`resource::Soft404`]);
//! 3. [`recheck`]: fetch every failure once more before anyone calls it broken (a resource's
//!    soft 404 is confirmed again the same way).
//!
//! On a new run of a site that was crawled before, a page the earlier run stored is asked for
//! conditionally (its `ETag` / `Last-Modified`, see [`store::Previous`]); when the server says
//! `304 Not Modified`, the page is not downloaded or parsed: its stored rows are copied and its
//! links go through the same classification and queueing as a parsed page's (`follow`), so
//! budgets, traps and findings come out exactly as if it had been downloaded. It is recorded as
//! a `200` read with method `GET 304`.
//!
//! A stop request (Ctrl-C, SIGTERM) makes [`crawl_site`] stop launching fetches, abandon the ones
//! in flight (they stay queued in the store) and return [`CrawlEnd::Stopped`]; the next `crawl`
//! of the same period continues from the store. The run's time budget (`max_duration`) stops it
//! the same way ([`crate::run`] then checks and reports what is stored).

pub mod fetch;
pub mod frontier;
pub mod guard;
pub mod politeness;
pub mod render;
pub mod resource;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinSet;
use url::Url;

use crate::config::Site;
use crate::extract::{self, charset};
use crate::render::Renderer;
use crate::store::{
    self, PageRow, Previous, Unchanged, UrlKind, UrlRecord, UrlResult, Validators, Write, Writer,
};
use fetch::{Fetched, Fetcher, Outcome, Want};
use frontier::{Frontier, Item};

/// The values of `urls.read_limit` (why a URL was not read whole).
pub use crate::domain::{TOO_COMPLEX, TOO_LARGE, TOO_SLOW};

/// Counters a progress display reads while a site is crawled.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub seen: AtomicUsize,
    pub pages: AtomicUsize,
    pub failures: AtomicUsize,
}

/// How a crawl ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrawlEnd {
    Finished,
    Stopped,
}

/// A fetched URL, parsed when it was a page of the site.
struct Job {
    item: Item,
    outcome: Outcome,
    read: Read,
    /// A resource's answer is an error page ([`resource::Soft404::confirm`]): why.
    soft404: Option<String>,
    /// The length of the body read (the body itself is dropped once the page is read).
    body_bytes: Option<u64>,
}

/// What the crawl learnt of a fetched URL's content.
enum Read {
    /// Not a page of the site, or not HTML, or an error: nothing to store but the result.
    Nothing,
    /// A page parsed now.
    Parsed(Box<Parsed>),
    /// A page the server says is unchanged (`304`) since the earlier run stored it: its rows are
    /// copied from that run, its links classified again like a parsed page's.
    Unchanged { old: Validators, stored: Unchanged },
}

struct Parsed {
    page: ParsedPage,
    truncated: bool,
}

impl Parsed {
    /// Why the page was not read whole (`urls.read_limit`): too large or too complex for a DOM,
    /// or its body cut at `max_body_bytes`.
    fn read_limit(&self) -> Option<&'static str> {
        self.page.read_limit.or(self.truncated.then_some(TOO_LARGE))
    }
}

/// What the crawl reads of one HTML page's bytes ([`parse_page`]): its facts, its content for
/// the column checks, and the encoding it was decoded with and why.
#[derive(Debug, Clone)]
pub struct ParsedPage {
    pub facts: extract::PageFacts,
    pub content: extract::PageContent,
    pub encoding: &'static str,
    pub encoding_source: &'static str,
    /// Why the page's HTML looks built by script ([`extract::script_built`]), when it does.
    pub script_built: Option<String>,
    /// How it was read when its site renders pages ([`crate::render`]): `None` when no
    /// rendering was asked for it.
    pub render: Option<crate::render::Rendering>,
    /// Why the page was not read whole, when it was not: [`TOO_LARGE`] or [`TOO_COMPLEX`]
    /// ([`extract::stream::too_big`]); only its links, title and meta tags were read.
    pub read_limit: Option<&'static str>,
}

/// What decides the facts a run stores of an unchanged page, besides the page itself: the
/// extractor ([`extract::EXTRACTOR`]) and which links are kept (the homepage, the site's hosts,
/// its exclude patterns, whether external links are checked: a link the frontier drops is not
/// stored, so a run under another scope must read the page afresh). A run revalidates only
/// against an earlier run with the same key.
pub fn facts_key(site: &Site) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(site.url.as_str());
    let mut hosts = site.hosts.clone();
    hosts.sort();
    for host in &hosts {
        h.update(b"\0host:");
        h.update(host);
    }
    for re in &site.exclude {
        h.update(b"\0exclude:");
        h.update(re.as_str());
    }
    h.update(if site.settings.check_external {
        b"\0external" as &[u8]
    } else {
        b"\0internal"
    });
    // A page read from a rendered DOM has other facts than its HTML read statically.
    if site.settings.render != crate::config::Render::Off {
        h.update(b"\0render:");
        h.update(site.settings.render.as_str());
    }
    let d = h.finalize();
    let hex: String = d[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{} scope:{hex}", extract::EXTRACTOR)
}

/// Fetches a path that does not exist on the site: `(status, fingerprint when it answered 200)`.
pub async fn probe_notfound(fetcher: &Fetcher, site: &Site) -> (Option<u16>, Option<u64>) {
    let token: String = (0..12).map(|_| fastrand::alphanumeric()).collect();
    let Ok(url) = site.url.join(&format!("/govpatrol-notfound-{token}.html")) else {
        return (None, None);
    };
    let out = fetcher.fetch(&url, Want::Page, &site.settings).await;
    match out.result {
        Ok(f) => {
            let fp = (f.status < 300)
                .then(|| parse(site, &f, false, false).map(|p| p.page.facts.fingerprint))
                .flatten();
            (Some(f.status), fp)
        }
        Err(_) => (None, None),
    }
}

/// Decodes and extracts a fetched page when it is an HTML page of the site; `content` adds what
/// the column checks need (skipped for the not-found probe and the re-check).
fn parse(site: &Site, f: &Fetched, content: bool, homepage: bool) -> Option<Parsed> {
    let body = f.body.as_deref()?;
    if f.status >= 300 || !f.is_html() || !site.in_scope(&f.final_url) {
        return None;
    }
    Some(Parsed {
        page: parse_page(
            body,
            f.content_type.as_deref(),
            &f.final_url,
            content,
            homepage,
        ),
        truncated: f.truncated,
    })
}

/// The per-page parse path, the crawl's hot spot: decodes an HTML page's bytes (with the
/// `Content-Type` header, if any), parses it once and extracts its facts and, when `content`,
/// what the column checks need (`homepage` reads the footer and all dated blocks). Everything
/// the crawl stores of a page it parsed comes from here; `examples/parse_bench.rs` times it.
pub fn parse_page(
    body: &[u8],
    content_type: Option<&str>,
    url: &Url,
    content: bool,
    homepage: bool,
) -> ParsedPage {
    let decoded = charset::decode(body, content_type);
    parse_text(
        &decoded.text,
        decoded.encoding,
        decoded.source.as_str(),
        url,
        content,
        homepage,
    )
}

/// [`parse_page`] of a page already decoded (`encoding` and where it came from): the DOM a
/// browser rendered ([`crate::render`]) is read here, with the encoding its HTML was sent in
/// (links' query strings are encoded in it, as browsers do).
pub fn parse_text(
    text: &str,
    encoding: &'static str,
    encoding_source: &'static str,
    url: &Url,
    content: bool,
    homepage: bool,
) -> ParsedPage {
    let enc = charset::encoding_for(encoding);
    // A page too large or too complex for a DOM is read in one linear pass: its links, title
    // and meta tags, not what the column checks read. It is stored as not read whole.
    if let Some(limit) = extract::stream::too_big(text) {
        return ParsedPage {
            facts: extract::stream::facts(text, url, enc),
            content: extract::PageContent::default(),
            encoding,
            encoding_source,
            script_built: None,
            render: None,
            read_limit: Some(limit),
        };
    }
    // The parsed document is dropped before this returns: nothing of the page is kept but facts.
    let doc = extract::parse_html(text);
    let (mut facts, text) = extract::base_facts(&doc, url, enc);
    let read_content = content && facts.soft404.is_none();
    let content = if read_content {
        extract::page_content(&doc, url, homepage)
    } else {
        extract::PageContent::default()
    };
    // The kind is worked out once: by the column rules when they ran, else by the metadata rules.
    // When the column rules ran on a page other than the homepage and found nothing, the
    // metadata rules would say `Other` too (see `extract::page_content`); a debug build checks it.
    facts.kind = if content.kind != extract::PageKind::Other || content != Default::default() {
        content.kind
    } else if read_content && !homepage {
        debug_assert_eq!(
            extract::identity::page_kind(&doc, url, &facts.meta),
            extract::PageKind::Other,
            "{url}"
        );
        extract::PageKind::Other
    } else {
        extract::identity::page_kind(&doc, url, &facts.meta)
    };
    if homepage {
        facts.footer = extract::identity::footer_facts(&text, &facts.links);
    }
    let script_built = read_content
        .then(|| extract::script_built::reason(&doc, &content))
        .flatten();
    ParsedPage {
        facts,
        content,
        encoding,
        encoding_source,
        script_built,
        render: None,
        read_limit: None,
    }
}

/// The stored form of an outcome.
pub fn url_result(outcome: &Outcome) -> UrlResult {
    let mut r = UrlResult {
        attempts: outcome.attempts,
        fetched_at: store::now(),
        read_limit: outcome.over_budget.then(|| TOO_SLOW.to_string()),
        ..Default::default()
    };
    match &outcome.result {
        Ok(f) => {
            r.status = Some(f.status);
            r.final_url = Some(f.final_url.to_string());
            r.content_type = f.content_type.clone();
            r.method = Some(f.method.to_string());
            if !f.redirects.is_empty() {
                r.redirects = serde_json::to_string(&f.redirects).ok();
            }
        }
        Err(e) => {
            if !outcome.failed_chain.is_empty() {
                r.redirects = serde_json::to_string(&outcome.failed_chain).ok();
            }
            r.error = Some(e.to_string());
            r.skipped = matches!(
                e,
                fetch::FetchError::Robots(_) | fetch::FetchError::Blocked(_)
            );
        }
    }
    r
}

/// The validators to send for a page, when the earlier run stored it. A lookup that fails is
/// no reason to stop: the page is then fetched as on a first run.
///
/// The homepage (id 0) is revalidated too: its stored rows are copied whole (the footer items
/// and the dated blocks the homepage update check reads are among them), so the copy says
/// exactly what parsing the unchanged page again would say, and the check stays as fresh as
/// the server's answer. Only a page that was the homepage then and is now, or neither, is
/// copied: the homepage is read differently (footer, no list rows).
fn validators_for(previous: Option<&Previous>, item: &Item) -> Option<Validators> {
    if item.kind != UrlKind::Page {
        return None; // resources and external links are HEAD-checked: there is nothing to save
    }
    let v = previous?.validators(item.url.as_str()).ok().flatten()?;
    ((v.old_id == 0) == (item.id == 0)).then_some(v)
}

async fn run_job(
    fetcher: Arc<Fetcher>,
    site: Arc<Site>,
    item: Item,
    previous: Option<Arc<Previous>>,
    soft404: Arc<resource::Soft404>,
    renderer: Option<Arc<Renderer>>,
) -> Job {
    let want = if item.kind == UrlKind::Page {
        Want::Page
    } else {
        Want::Check
    };
    let mut attempts = 0;
    if let Some(old) = validators_for(previous.as_deref(), &item) {
        let cond = fetch::Conditional {
            etag: old.etag.clone(),
            last_modified: old.last_modified.clone(),
        };
        let mut outcome = fetcher
            .fetch_if(&item.url, want, &site.settings, Some(&cond))
            .await;
        match &mut outcome.result {
            Ok(f) if f.status == 304 => {
                // The same page, read where it was read then, and its rows still there.
                let stored = (f.final_url.as_str() == old.final_url)
                    .then(|| previous.as_deref()?.unchanged(old.old_id).ok().flatten())
                    .flatten();
                if let Some(stored) = stored {
                    // A revalidated page is a healthy 200 page; `GET 304` in the stored method
                    // is the evidence that it was not downloaded again.
                    f.status = 200;
                    f.method = "GET 304";
                    f.content_type = old.content_type.clone();
                    if f.validators.etag.is_none() {
                        f.validators.etag = old.etag.clone();
                    }
                    if f.validators.last_modified.is_none() {
                        f.validators.last_modified = old.last_modified.clone();
                    }
                    return Job {
                        item,
                        outcome,
                        read: Read::Unchanged { old, stored },
                        soft404: None,
                        body_bytes: None,
                    };
                }
                // Something of the old page is missing: read it afresh.
                attempts = outcome.attempts;
            }
            _ => {
                let read = read_page(&site, &item, &mut outcome).await;
                let read =
                    render(renderer.as_deref(), &fetcher, &site, &item, &outcome, read).await;
                let body_bytes = drop_body(&mut outcome);
                return Job {
                    item,
                    outcome,
                    read,
                    soft404: None,
                    body_bytes,
                };
            }
        }
    }
    let mut outcome = fetcher.fetch(&item.url, want, &site.settings).await;
    outcome.attempts += attempts;
    let mut soft = None;
    if item.kind == UrlKind::Resource {
        (outcome, soft) = soft404.confirm(&fetcher, &site, &item.url, outcome).await;
    }
    let read = read_page(&site, &item, &mut outcome).await;
    let read = render(renderer.as_deref(), &fetcher, &site, &item, &outcome, read).await;
    let body_bytes = drop_body(&mut outcome);
    Job {
        item,
        outcome,
        read,
        soft404: soft,
        body_bytes,
    }
}

/// Frees a read page's body (its facts are extracted; up to `max_body_bytes` would otherwise
/// wait with the job until the crawl loop takes it) and returns its length.
fn drop_body(outcome: &mut Outcome) -> Option<u64> {
    match &mut outcome.result {
        // The big-body turn was given back by `read_page`.
        Ok(f) => f.body.take().map(|b| b.len() as u64),
        Err(_) => None,
    }
}

/// Reads a parsed page again from the DOM headless Chromium renders, when its site asks for it
/// ([`crate::render`]).
async fn render(
    renderer: Option<&Renderer>,
    fetcher: &Arc<Fetcher>,
    site: &Arc<Site>,
    item: &Item,
    outcome: &Outcome,
    read: Read,
) -> Read {
    match (renderer, read, &outcome.result) {
        (Some(r), Read::Parsed(mut p), Ok(f)) => {
            p.page = r.read(fetcher, site, f, p.page, item.id == 0).await;
            Read::Parsed(p)
        }
        (_, read, _) => read,
    }
}

/// Pages parsed at once over the whole run. Parsing is work for a core, and a page being parsed
/// holds its decoded text and its DOM (or its links) besides its body: bounding the parses
/// bounds that memory whatever the pages and the connections.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Parses a fetched page of the site, then gives back its big-body turn
/// ([`fetch::BIG_BODIES`]): a render that follows fetches again and must not wait for it.
async fn read_page(site: &Site, item: &Item, outcome: &mut Outcome) -> Read {
    let read = match (&outcome.result, item.kind) {
        (Ok(f), UrlKind::Page) if f.body.is_some() => {
            let _turn = PARSING.acquire().await.expect("never closed");
            parse(site, f, true, item.id == 0).map_or(Read::Nothing, |p| Read::Parsed(Box::new(p)))
        }
        _ => Read::Nothing,
    };
    if let Ok(f) = &mut outcome.result {
        f.big = None;
    }
    read
}

/// Classifies a page's links and the pages of its list (pagination) as the frontier sees them
/// now, queues the new ones into `discovered`, and returns the links as stored: (id, element,
/// text). A parsed page and an unchanged one read from the store go through the same steps.
fn follow(
    frontier: &mut Frontier,
    site: &Site,
    item: &Item,
    page_links: &[extract::Link],
    pagination: &[Url],
    discovered: &mut Vec<store::NewUrl>,
) -> Vec<(u32, String, String)> {
    let depth = item.depth + 1;
    let mut links = Vec::with_capacity(page_links.len());
    // Linear in the page's links: a set of the pagination, and new URLs counted per shape.
    let pages: std::collections::HashSet<&Url> = pagination.iter().collect();
    let mut shapes = std::collections::HashMap::new();
    for l in page_links {
        let depth = if pages.contains(&l.url) {
            item.depth
        } else {
            depth
        };
        let Some((id, new)) =
            frontier.admit_from_page(site, &l.url, &l.element, depth, &mut shapes)
        else {
            continue;
        };
        discovered.extend(new);
        links.push((id, l.element.clone(), l.text.clone()));
    }
    // Pagination that only a script writes (TRS `createPageHTML`, `var countPage`) is
    // followed too, so a column's later pages are read early and not one by one; they
    // are not links of this page, so a stale page count is never a link finding.
    // A column's later pages sit at the depth of its first page: a list of 300 pages
    // linked only by 下一页 must not run out of depth budget.
    for u in pagination {
        if frontier.classify(site, u, "a", item.depth) == Some(UrlKind::Page) {
            discovered.extend(frontier.add(u, item.depth, UrlKind::Page).1);
        }
    }
    links
}

/// Crawls one site until the frontier is empty or `stop` turns true.
///
/// When the last page is read (no page queued or in flight: only links are left to check, the
/// site's resources and the slow answers of other hosts), `pages_read` is handed to the store
/// writer, which answers on it once everything sent so far is committed: the run starts the
/// checks over pages then, while the crawl finishes. It is dropped unanswered when the crawl
/// stops first.
#[allow(clippy::too_many_arguments)]
pub async fn crawl_site(
    fetcher: Arc<Fetcher>,
    site: Arc<Site>,
    run: i64,
    mut frontier: Frontier,
    writer: &Writer,
    progress: &Progress,
    previous: Option<Arc<Previous>>,
    mut stop: watch::Receiver<bool>,
    mut pages_read: Option<std::sync::mpsc::Sender<()>>,
    soft404: Arc<resource::Soft404>,
    renderer: Option<Arc<Renderer>>,
) -> Result<CrawlEnd, store::StoreError> {
    let max_in_flight = in_flight_window(&site.settings);
    // External links are fetched as soon as they are met (see `frontier`), in their own set, so
    // a slow host's seconds of waiting overlap the site's crawl instead of trailing it. They
    // hold at most three quarters of the connections: the site keeps a quarter, so a host that
    // answers in seconds never stalls it (a quarter is plenty for a site that answers fast, and
    // a slow site is held to its own `concurrency` anyway).
    let max_external = (site.settings.max_connections - site.settings.max_connections / 4).max(1);
    let mut in_flight = JoinSet::new();
    let mut external = JoinSet::new();
    let mut budget_logged = false;
    let mut logged_cuts = std::collections::HashSet::new();
    let mut logged_blocks = std::collections::HashSet::new();
    // Finished URLs go to the writer in small batches: at most 64 of them or 20 ms of work is
    // ever unsent, and an unsent URL is simply fetched again after a crash. (100 ms lost a
    // fifth of a polite crawl's requests over three kills: at 50 requests a second to each of
    // four hosts, that is 20 answers per kill.)
    let mut batch = Vec::new();
    let mut last_send = std::time::Instant::now();
    loop {
        if !batch.is_empty() && (batch.len() >= 64 || last_send.elapsed() >= BATCH_DELAY) {
            writer.send(Write::Batch(std::mem::take(&mut batch)))?;
            last_send = std::time::Instant::now();
        }
        if *stop.borrow() {
            in_flight.abort_all();
            external.abort_all();
            if !batch.is_empty() {
                writer.send(Write::Batch(batch))?;
            }
            return Ok(CrawlEnd::Stopped);
        }
        while in_flight.len() + external.len() < max_in_flight {
            let Some(item) = frontier.pop(external.len() < max_external) else {
                break;
            };
            let set = if item.kind == UrlKind::External {
                &mut external
            } else {
                &mut in_flight
            };
            set.spawn(run_job(
                fetcher.clone(),
                site.clone(),
                item,
                previous.clone(),
                soft404.clone(),
                renderer.clone(),
            ));
        }
        if in_flight.is_empty() && external.is_empty() {
            if !batch.is_empty() {
                writer.send(Write::Batch(batch))?;
            }
            return Ok(CrawlEnd::Finished);
        }
        // A batch waits for no slow answer: it goes out when its time is up.
        let send_at = tokio::time::Instant::from_std(last_send + BATCH_DELAY);
        let job = tokio::select! {
            biased;
            _ = stop.changed() => continue,
            Some(j) = in_flight.join_next() => j,
            Some(j) = external.join_next() => j,
            _ = tokio::time::sleep_until(send_at), if !batch.is_empty() => continue,
        };
        let Ok(job) = job else { continue };
        let mut result = url_result(&job.outcome);
        result.soft404 = job.soft404;
        if result.error.is_some() || result.status.is_some_and(|s| s >= 400) {
            progress.failures.fetch_add(1, Ordering::Relaxed);
        }
        // A link or redirect to an internal address is not checked; the log says so once per
        // address (the reason names it), since no finding will.
        if let Err(fetch::FetchError::Blocked(why)) = &job.outcome.result {
            if logged_blocks.insert(why.clone()) {
                tracing::warn!(site = %site.id, "not contacted: {} ({why}; allow_private = true would allow it)", job.item.url);
            }
        }
        // A page stored with its rows keeps its validators for the next run's conditional request;
        // not one that was to be rendered: a `304` for its HTML says nothing of its scripts' data.
        let to_render = matches!(&job.read, Read::Parsed(p) if p.page.render.is_some());
        if let (Ok(f), Read::Parsed(_) | Read::Unchanged { .. }) = (&job.outcome.result, &job.read)
        {
            if f.status == 200 && !to_render {
                result.etag = f.validators.etag.clone();
                result.last_modified = f.validators.last_modified.clone();
                result.body_bytes = match &job.read {
                    Read::Unchanged { old, .. } => old.body_bytes,
                    _ => job.body_bytes,
                };
            }
        }
        let mut discovered = Vec::new();
        let mut identity = None;
        let write = match job.read {
            Read::Nothing => Write::Done {
                run,
                id: job.item.id,
                result,
                page: None,
                discovered,
            },
            Read::Unchanged { old, stored } => {
                let links = follow(
                    &mut frontier,
                    &site,
                    &job.item,
                    &stored.links,
                    &stored.pagination,
                    &mut discovered,
                );
                progress.pages.fetch_add(1, Ordering::Relaxed);
                Write::Revalidated {
                    run,
                    id: job.item.id,
                    result,
                    from: (old.old_run, old.old_id),
                    links,
                    discovered,
                }
            }
            Read::Parsed(p) => {
                result.read_limit = p.read_limit().map(str::to_string);
                let Parsed { page: p, truncated } = *p;
                identity = Some(Write::Identity {
                    run,
                    id: job.item.id,
                    kind: p.facts.kind,
                    // the footer items matter on the homepage only (URL id 0)
                    footer: (job.item.id == 0).then(|| p.facts.footer.clone()),
                });
                let links = follow(
                    &mut frontier,
                    &site,
                    &job.item,
                    &p.facts.links,
                    &p.content.pagination,
                    &mut discovered,
                );
                progress.pages.fetch_add(1, Ordering::Relaxed);
                Write::Done {
                    run,
                    id: job.item.id,
                    result,
                    page: Some(Box::new(PageRow {
                        title: p.facts.title,
                        encoding: p.encoding.to_string(),
                        encoding_source: p.encoding_source.to_string(),
                        soft404: p.facts.soft404,
                        fingerprint: p.facts.fingerprint,
                        truncated,
                        links,
                        meta: serde_json::to_string(&p.facts.meta).unwrap_or_else(|_| "{}".into()),
                        content: p.content,
                        render: p.render.map(|r| r.stored()),
                    })),
                    discovered,
                }
            }
        };
        for (why, n) in &frontier.cuts {
            if logged_cuts.insert(*why) {
                tracing::warn!(site = %site.id, "crawler trap cut ({why}); first seen on {}; {n} URL(s) so far", job.item.url);
            }
        }
        if frontier.over_budget > 0 && !budget_logged {
            budget_logged = true;
            tracing::warn!(
                site = %site.id,
                "page budget reached (max_pages = {}, max_depth = {}): further pages are only checked, not parsed",
                site.settings.max_pages,
                site.settings.max_depth
            );
        }
        batch.push(write);
        batch.extend(identity);
        progress.done.fetch_add(1, Ordering::Relaxed);
        progress.seen.store(frontier.seen(), Ordering::Relaxed);
        if job.item.kind == UrlKind::Page {
            frontier.page_done();
        }
        if frontier.pages_left() == 0 {
            if let Some(tx) = pages_read.take() {
                // Every page is read: once this is committed, the checks over pages can start
                // while the last links are still being checked.
                writer.send(Write::Batch(std::mem::take(&mut batch)))?;
                last_send = std::time::Instant::now();
                writer.send(Write::Flush(tx))?;
            }
        }
    }
}

/// Longest time a finished URL waits in the crawl loop before it goes to the store writer.
const BATCH_DELAY: std::time::Duration = std::time::Duration::from_millis(20);

/// How many fetch tasks the crawl and the re-check keep spawned at once: twice the connections
/// (the politeness layer lets `max_connections` of them send; the rest are ready the moment one
/// finishes), and never fewer than 8.
fn in_flight_window(settings: &crate::config::Settings) -> usize {
    (settings.max_connections * 2).max(8)
}

/// Fetches every failure once more (no further retries) and stores the new result. Returns how
/// many recovered.
pub async fn recheck(
    fetcher: Arc<Fetcher>,
    site: Arc<Site>,
    run: i64,
    failures: Vec<UrlRecord>,
    writer: &Writer,
    mut stop: watch::Receiver<bool>,
    soft404: Arc<resource::Soft404>,
) -> Result<(CrawlEnd, usize), store::StoreError> {
    let mut settings = site.settings.clone();
    settings.retries = 0;
    let settings = Arc::new(settings);
    let task = |rec: UrlRecord| {
        let (fetcher, site, settings) = (fetcher.clone(), site.clone(), settings.clone());
        let soft404 = soft404.clone();
        async move {
            let Ok(url) = Url::parse(&rec.url) else {
                return (rec, None, None, None, None);
            };
            // A link's failure is confirmed by GET (HEAD already failed, or answered an error).
            let want = if rec.kind == UrlKind::Page {
                Want::Page
            } else {
                Want::Confirm
            };
            let mut out = fetcher.fetch(&url, want, &settings).await;
            let mut soft = None;
            if rec.kind == UrlKind::Resource {
                (out, soft) = soft404.confirm(&fetcher, &site, &url, out).await;
            }
            let mut limit = None;
            let page = match (&out.result, rec.kind) {
                (Ok(f), UrlKind::Page) => {
                    let _turn = PARSING.acquire().await.expect("never closed");
                    parse(&site, f, false, false).map(|p| {
                        limit = p.read_limit();
                        (p.page.facts.soft404, p.page.facts.fingerprint)
                    })
                }
                _ => None,
            };
            (rec, Some(out), page, soft, limit)
        }
    };
    // Spawned a window at a time: a site can have thousands of failures, each task holds its
    // record and request, and the fetcher lets no more than `max_connections` be in flight.
    let window = in_flight_window(&settings);
    let mut pending = failures.into_iter().filter(|r| !r.result.skipped);
    let mut set = JoinSet::new();
    for rec in pending.by_ref().take(window) {
        set.spawn(task(rec));
    }
    let mut recovered = 0;
    loop {
        let next = tokio::select! {
            biased;
            _ = stop.changed() => { set.abort_all(); return Ok((CrawlEnd::Stopped, recovered)); }
            n = set.join_next() => n,
        };
        if let Some(rec) = pending.next() {
            set.spawn(task(rec));
        }
        let Some(joined) = next else { break };
        let Ok((rec, Some(out), page, soft, limit)) = joined else {
            continue;
        };
        let mut result = url_result(&out);
        result.attempts += rec.result.attempts;
        result.soft404 = soft;
        if let Some(limit) = limit {
            result.read_limit = Some(limit.to_string());
        }
        let ok = result.error.is_none()
            && result.soft404.is_none()
            && result.status.is_some_and(|s| s < 400)
            && page.as_ref().is_none_or(|(soft, _)| soft.is_none());
        if ok {
            recovered += 1;
            tracing::info!(url = %rec.url, "recovered on re-check");
        }
        writer.send(Write::Recheck {
            run,
            id: rec.id,
            result,
            page,
        })?;
    }
    Ok((CrawlEnd::Finished, recovered))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the crawl stores of the labelled real pages (`tests/fixtures/pages/`), hashed, and the
    /// [`extract::EXTRACTOR`] it was pinned with. A second run copies an unchanged page's stored
    /// facts from a run with the same `EXTRACTOR`, so a change to what is extracted without a
    /// bump would reuse facts this code no longer produces, silently.
    const PINNED: (&str, &str) = ("+facts.3", "3f4a8a542d36e3bab6efdfac");

    /// A page rendered in one run and read statically in the next (or the other way round)
    /// must not have its facts copied across: the render mode is part of the key.
    #[test]
    fn the_facts_key_changes_with_the_render_mode() {
        let site = |render: &str| {
            crate::config::Targets::parse(
                &format!("[[site]]\nid = \"s\"\nname = \"站\"\nurl = \"https://www.example.gov.cn/\"\nrole = \"unit\"\n{render}"),
                "t.toml".as_ref(),
            )
            .unwrap()
            .sites
            .remove(0)
        };
        let off = facts_key(&site(""));
        assert_eq!(off, facts_key(&site("[site.settings]\nrender = \"off\"\n")));
        let auto = facts_key(&site("[site.settings]\nrender = \"auto\"\n"));
        let always = facts_key(&site("[site.settings]\nrender = \"always\"\n"));
        assert!(off != auto && auto != always && off != always);
    }

    #[test]
    fn a_change_to_what_is_extracted_comes_with_a_new_extractor_version() {
        use sha2::{Digest, Sha256};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .flat_map(|d| std::fs::read_dir(d.unwrap().path()).into_iter().flatten())
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        files.sort();
        assert!(files.len() >= 20, "{} fixture pages", files.len());
        let site = crate::config::Targets::parse(
            "[[site]]\nid = \"s\"\nname = \"站\"\nurl = \"https://www.example.gov.cn/\"\nrole = \"portal\"\n",
            "t.toml".as_ref(),
        )
        .unwrap()
        .sites
        .remove(0);
        let mut h = Sha256::new();
        for path in &files {
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let fetched = fetch::Fetched {
                final_url: Url::parse(&format!("https://www.example.gov.cn/{rel}")).unwrap(),
                status: 200,
                redirects: Vec::new(),
                content_type: Some("text/html".into()),
                body: Some(std::fs::read(path).unwrap()),
                truncated: false,
                method: "GET",
                elapsed: std::time::Duration::ZERO,
                validators: fetch::Conditional::default(),
                big: None,
            };
            // Each page as an inner page and as a homepage (blocks and footer are read there).
            for homepage in [false, true] {
                let p = parse(&site, &fetched, true, homepage)
                    .expect("an HTML page")
                    .page;
                let json = serde_json::to_string(&(&p.facts, &p.content, p.encoding)).unwrap();
                h.update(rel.as_bytes());
                h.update(json.as_bytes());
            }
        }
        let got: String = h.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            extract::EXTRACTOR.ends_with(PINNED.0) && got == PINNED.1,
            "what the crawl extracts from the fixture pages changed (hash {got}, pinned {:?} with \
             {:?}; EXTRACTOR is {:?}): bump the number in extract::EXTRACTOR so that second runs \
             read every page afresh, then pin (\"+facts.N\", \"{got}\") here",
            PINNED.1,
            PINNED.0,
            extract::EXTRACTOR
        );
    }
}
