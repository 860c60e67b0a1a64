//! Run: one inspection of the configured sites, from targets to reports.
//!
//! ```text
//! targets ─▶ frontier ─▶ fetch ─▶ extract ─▶ store ─▶ checks ─▶ store (findings) ─▶ reports
//! ```
//!
//! [`crawl()`] does it for every selected site concurrently (politeness is per host, so sites on
//! different hosts do not slow each other): it begins or resumes each site's run in the store,
//! crawls, re-checks failures, runs the checks over what was stored, records the findings with
//! their `first_seen`, and
//! writes `<out>/<YYYY-MM>/<site>/` (findings.jsonl, broken_links.csv, stale_columns.csv,
//! interpretations.csv, messages.csv, solicitations.csv, summary.csv). A stop signal ends it
//! early with every finished URL stored; running the same command again continues: only what
//! is not stored yet is fetched (the re-check continues, robots.txt answers are read from the
//! store), and a site whose run of the same period and check point finished is reported again
//! from the store, not crawled.
//!
//! The time budget (`max_duration`, from the run's start) is a second stop signal
//! (`halt_at`): when it passes, the crawl and the re-check stop as they would on Ctrl-C, but
//! the run goes on to the checks and writes every report, with the site's
//! [`store::Coverage`] saying what is left; the run stays unfinished, so the same command
//! continues it.
//!
//! The checks come in two parts. The checks over pages ([`check_pages`]: the columns,
//! [`gather_columns`]; policy interpretations, [`gather_interpretations`]; messages and
//! solicitations, [`gather_messages`]; metadata; the links to URLs not yet settled as fine) need
//! every page read but no link's result: they start on their own thread as soon as the crawl
//! has read and committed its last page, while the site's resources and the last links are
//! checked. The rest
//! ([`check_and_report`]: broken links, availability, transport, the consultation channel,
//! scores and reports) follows the re-check of failures. Rebuilding a report from the store
//! (`govpatrol report`) runs both parts in a row.
//!
//! An output folder is used by one run at a time (a lock file, `<out>/.govpatrol.lock`).

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::watch;

use crate::checks::columns::{
    self, ColumnStatus, HomepageStatus, Item, ItemDateSource, VetoCounts,
};
use crate::checks::messages::{MessageStats, SolicitationStatusRow};
use crate::checks::{self, interpretations, links::LinkRef, Finding};
use crate::config::{Site, Targets};
use crate::crawl::{self, fetch::Fetcher, frontier::Frontier, CrawlEnd, Progress};
use crate::report::{self, ReportError};
use crate::score::{ScoringConfig, SiteScore};
use crate::store::{self, Store, StoreError, Write, Writer};

/// Errors of a run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("cannot use the output folder {path}: {source}")]
    Out {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "another govpatrol run is using {0} (lock file .govpatrol.lock); wait for it to finish"
    )]
    Locked(PathBuf),
    #[error("site {site}: {detail}")]
    NoRun { site: String, detail: String },
}

/// What a run is asked to do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub out: PathBuf,
    /// The check point; the period folder is its month.
    pub as_of: NaiveDate,
    /// Start over instead of continuing an interrupted run of the same period. It does not
    /// forget the finished runs: with `conditional_requests` (the default) the new run still
    /// asks the server whether each page changed since the site's last finished run, and a
    /// `304` is the server's word that the stored facts are current. Turn `conditional_requests`
    /// off to download every page again.
    pub fresh: bool,
    /// Show progress bars (stderr is a terminal and not `--quiet`).
    pub progress_bars: bool,
    /// Log progress lines every so often (not a terminal, not `--quiet`).
    pub progress_lines: bool,
}

/// The result for one site.
#[derive(Debug, Clone)]
pub struct SiteSummary {
    pub site: String,
    pub dir: PathBuf,
    pub resumed: bool,
    pub urls: usize,
    pub pages: usize,
    pub findings: Vec<Finding>,
    /// Set when the homepage itself could not be fetched.
    pub homepage_error: Option<String>,
    /// The site's columns with their verdicts at the check point.
    pub columns: Vec<ColumnStatus>,
    /// Whether the homepage was updated within 14 days (`None` when it was not read).
    pub homepage: Option<HomepageStatus>,
    /// The three veto counts of 栏目不更新.
    pub veto: VetoCounts,
    /// Veto items, deductions, score and verdict ([`crate::score`]).
    pub score: SiteScore,
    /// Pages the server answered `304 Not Modified` (conditional requests): read from the
    /// store instead of downloaded again.
    pub unchanged: usize,
    /// The bytes those pages would have cost (their body length when last downloaded).
    pub saved_bytes: u64,
    /// How much of the site was read ([`store::Coverage`]): incomplete when the time budget
    /// (`max_duration`) passed first, and the pages the page and depth budgets left unread.
    pub coverage: store::Coverage,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub period: String,
    pub sites: Vec<SiteSummary>,
    /// True when a stop signal ended it early (resume with the same command).
    pub interrupted: bool,
}

impl RunSummary {
    /// Whether a site's crawl was cut short by the time budget (`max_duration`): its reports
    /// are written and say so; the same command continues it.
    pub fn incomplete(&self) -> bool {
        self.sites.iter().any(|s| !s.coverage.crawl_complete)
    }
}

/// robots.txt answers kept in the history store
/// ([`crate::crawl::politeness::RobotsCache`]); a store error only means asking the host again.
struct StoredRobots(std::sync::Mutex<Store>);

impl crate::crawl::politeness::RobotsCache for StoredRobots {
    fn load(&self, authority: &str) -> Option<crate::crawl::politeness::RobotsAnswer> {
        let store = self.0.lock().unwrap_or_else(|e| e.into_inner());
        store.robots(authority).ok().flatten()
    }

    fn save(&self, authority: &str, answer: &crate::crawl::politeness::RobotsAnswer) {
        let store = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = store.save_robots(authority, answer) {
            tracing::debug!("robots.txt of {authority} not kept: {e}");
        }
    }
}

/// A stop signal that also turns true at `deadline` (see the module doc) (the run's `max_duration`): the crawl and
/// the re-check stop at either; the run then tells a stop (abandon, exit 130) from a deadline
/// (check and report what is stored) by the original signal. The task ends with the signal.
fn halt_at(
    mut stop: watch::Receiver<bool>,
    deadline: Option<tokio::time::Instant>,
    site: &str,
) -> (watch::Receiver<bool>, Option<tokio::task::JoinHandle<()>>) {
    let Some(deadline) = deadline else {
        return (stop, None);
    };
    let (tx, rx) = watch::channel(*stop.borrow());
    let site = site.to_string();
    let task = tokio::spawn(async move {
        let stopped = async {
            while !*stop.borrow_and_update() {
                if stop.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            _ = stopped => {}
            _ = tokio::time::sleep_until(deadline) => {
                tracing::warn!(site = %site, "the time budget (max_duration) has passed: fetching stops; the checks run on what is stored and the reports say what is left");
            }
        }
        let _ = tx.send(true);
        // Kept open: a closed channel would read as a change to the receivers.
        std::future::pending::<()>().await;
    });
    (rx, Some(task))
}

/// The monthly period (`YYYY-MM`) of a check point: the folder `govpatrol crawl` writes to.
pub fn period_of(as_of: NaiveDate) -> String {
    as_of.format("%Y-%m").to_string()
}

/// Holds the output folder's lock for as long as it lives.
pub struct OutLock(#[allow(dead_code)] File);

/// Takes the output folder's lock or says who holds it.
pub fn lock_out(out: &Path) -> Result<OutLock, RunError> {
    let io = |source| RunError::Out {
        path: out.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(out).map_err(io)?;
    let f = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".govpatrol.lock"))
        .map_err(io)?;
    match f.try_lock() {
        Ok(()) => Ok(OutLock(f)),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Locked(out.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

/// A stop signal that turns true on Ctrl-C or SIGTERM.
pub fn stop_on_signals() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::warn!("stopping: finished work is saved; run the same command again to continue");
        let _ = tx.send(true);
    });
    rx
}

/// Crawls, checks and reports every site of `targets` into the check point's month
/// (`<out>/<YYYY-MM>/`).
pub async fn crawl(
    targets: &Targets,
    opts: &RunOptions,
    stop: watch::Receiver<bool>,
) -> Result<RunSummary, RunError> {
    crawl_period(targets, opts, &period_of(opts.as_of), stop).await
}

/// Like [`crawl()`], into the given period's folder (`YYYY-MM` for the monthly self-inspection,
/// `YYYY-Qn` for the quarterly spot check; see [`crate::period`]).
pub async fn crawl_period(
    targets: &Targets,
    opts: &RunOptions,
    period: &str,
    stop: watch::Receiver<bool>,
) -> Result<RunSummary, RunError> {
    let started = tokio::time::Instant::now();
    let _lock = lock_out(&opts.out)?;
    let db = store::db_path(&opts.out);
    let period = period.to_string();
    Store::open(&db)?; // creates the schema before concurrent use
    let writer = Arc::new(Writer::start(&db)?);
    let max_conn = targets
        .sites
        .iter()
        .map(|s| s.settings.max_connections)
        .max()
        .unwrap_or(64);
    let ua = targets.defaults.user_agent.clone();
    let guard = crate::crawl::guard::Guard::new(
        targets.sites.iter().flat_map(|s| {
            let home = s.url.host_str().map(str::to_string);
            home.into_iter().chain(
                s.hosts
                    .iter()
                    .map(|h| h.split(':').next().unwrap_or(h).to_string()),
            )
        }),
        targets.defaults.allow_private,
    );
    let fetcher = Arc::new(Fetcher::new(&ua, max_conn, guard));
    fetcher
        .polite
        .set_robots_cache(Arc::new(StoredRobots(std::sync::Mutex::new(Store::open(
            &db,
        )?))));
    // One browser for the run, started by the first page that needs it (`render`).
    let renderer = crate::render::Renderer::for_sites(&targets.sites);
    let mut tasks = tokio::task::JoinSet::new();
    for (i, site) in targets.sites.iter().enumerate() {
        let site = Arc::new(site.clone());
        let scoring = targets.scoring.clone();
        let (fetcher, writer, stop) = (fetcher.clone(), writer.clone(), stop.clone());
        let (db, period, opts) = (db.clone(), period.clone(), opts.clone());
        let renderer = renderer.clone();
        let interp = targets.interpretation.clone();
        let bar = opts
            .progress_bars
            .then(|| crate::progress::site_bar(&site.id));
        tasks.spawn(async move {
            let deadline = site.settings.max_duration.map(|d| started + d);
            let r = inspect_site(
                site,
                deadline,
                &db,
                &period,
                &opts,
                &scoring,
                fetcher,
                &writer,
                stop,
                bar.as_ref(),
                &interp,
                renderer,
            )
            .await;
            (i, r)
        });
    }
    let mut results: Vec<(usize, SiteSummary)> = Vec::new();
    let mut interrupted = false;
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((i, Ok(Some(s)))) => results.push((i, s)),
            Ok((_, Ok(None))) => interrupted = true,
            Ok((_, Err(e))) => {
                first_error.get_or_insert(e);
            }
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    if let Some(r) = &renderer {
        r.shutdown().await;
    }
    if let Ok(w) = Arc::try_unwrap(writer) {
        w.close()?;
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    results.sort_by_key(|(i, _)| *i);
    Ok(RunSummary {
        period,
        sites: results.into_iter().map(|(_, s)| s).collect(),
        interrupted,
    })
}

/// One site: begin or resume, crawl, re-check, check, report. `None` when stopped.
#[allow(clippy::too_many_arguments)]
async fn inspect_site(
    site: Arc<Site>,
    deadline: Option<tokio::time::Instant>,
    db: &Path,
    period: &str,
    opts: &RunOptions,
    scoring: &ScoringConfig,
    fetcher: Arc<Fetcher>,
    writer: &Writer,
    stop: watch::Receiver<bool>,
    bar: Option<&indicatif::ProgressBar>,
    interp: &interpretations::Settings,
    renderer: Option<Arc<crate::render::Renderer>>,
) -> Result<Option<SiteSummary>, RunError> {
    let mut store = Store::open(db)?;
    let as_of = opts.as_of.to_string();
    let facts_key = crawl::facts_key(&site);
    let run = store.begin_run(
        &site.id,
        period,
        &as_of,
        site.url.as_str(),
        opts.fresh,
        &facts_key,
    )?;
    if run.resumed {
        tracing::info!(site = %site.id, "continuing the interrupted run of {period}");
    } else if run.status == "done" {
        tracing::info!(site = %site.id, "the run of {period} at {as_of} is finished: its reports are written again from the store, nothing is fetched (--fresh starts over)");
    }
    let mut page_checks = None;
    // The time budget passed before the crawl or the re-check ended.
    let mut timed_out = false;
    let (halt, halt_task) = halt_at(stop.clone(), deadline, &site.id);
    if run.status == "crawling" {
        let frontier = if run.resumed {
            Frontier::resume(store.urls(run.id)?)
        } else {
            let (mut f, home) = Frontier::new(&site.url);
            let mut urls = vec![home];
            // Configured columns are read even when no page links them.
            for c in &site.columns {
                if site.in_scope(&c.url) && !site.excluded(&c.url) {
                    urls.extend(f.add(&c.url, 1, store::UrlKind::Page).1);
                }
            }
            writer.send(Write::Queue { run: run.id, urls })?;
            f
        };
        let (mut nf_status, mut nf_fingerprint) = (run.notfound_status, run.notfound_fingerprint);
        if !run.notfound_probed && !*halt.borrow() {
            (nf_status, nf_fingerprint) = crawl::probe_notfound(&fetcher, &site).await;
            store.set_notfound(run.id, nf_status, nf_fingerprint)?;
        }
        // What the probe learnt decides which resources are asked again with GET.
        let soft404 = Arc::new(crawl::resource::Soft404::new(nf_status, nf_fingerprint));
        let previous = if site.settings.conditional_requests {
            store::Previous::open(db, &site.id, run.id, &facts_key)?.map(Arc::new)
        } else {
            None
        };
        if let Some(p) = &previous {
            tracing::info!(
                site = %site.id,
                "conditional requests: {} pages of the run of {} can be revalidated",
                p.len(),
                p.run.period
            );
        }
        let progress = Arc::new(Progress::default());
        let reporter = spawn_progress(
            &site.id,
            progress.clone(),
            bar.cloned(),
            opts.progress_lines,
        );
        // The checks over pages run on their own thread once the crawl says every page is read
        // and committed; the crawl meanwhile finishes its last link checks.
        let (pages_read, all_read) = std::sync::mpsc::channel();
        page_checks = Some(tokio::task::spawn_blocking({
            let (db, site, run) = (db.to_path_buf(), site.clone(), run.id);
            move || -> Option<PageChecks> {
                all_read.recv().ok()?;
                let store = Store::open(&db).ok()?;
                match check_pages(&store, &site, run) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        tracing::debug!(site = %site.id, "checks over pages, run again later: {e}");
                        None
                    }
                }
            }
        }));
        let end = crawl::crawl_site(
            fetcher.clone(),
            site.clone(),
            run.id,
            frontier,
            writer,
            &progress,
            previous.clone(),
            halt.clone(),
            Some(pages_read),
            soft404.clone(),
            renderer.filter(|_| site.settings.render != crate::config::Render::Off),
        )
        .await;
        reporter.abort();
        if let Some(b) = bar {
            b.set_message(format!(
                "{} URLs; re-checking failures",
                progress.done.load(Ordering::Relaxed)
            ));
        }
        if end? == CrawlEnd::Stopped {
            writer.flush()?;
            if *stop.borrow() {
                if let Some(b) = bar {
                    b.finish_with_message("stopped");
                }
                return Ok(None);
            }
            timed_out = true;
        }
        writer.flush()?;
        if let Some(p) = &previous {
            let (pages, unchanged, bytes) = store.revalidated(run.id)?;
            tracing::info!(
                site = %site.id,
                "{unchanged} of {pages} pages unchanged since the run of {} (304): links read from the store, {unchanged} downloads saved ({})",
                p.run.period,
                human_bytes(bytes)
            );
        }
        if !timed_out {
            // Only the failures not re-checked yet: a re-check cut short by a kill or a stop
            // is continued, not started over.
            let failures = store.failures_to_recheck(run.id)?;
            tracing::info!(
                site = %site.id,
                "crawl done: {} URLs; re-checking {} failures",
                progress.done.load(Ordering::Relaxed),
                failures.len()
            );
            let (end, recovered) = crawl::recheck(
                fetcher.clone(),
                site.clone(),
                run.id,
                failures,
                writer,
                halt.clone(),
                soft404,
            )
            .await?;
            writer.flush()?;
            if end == CrawlEnd::Stopped {
                if *stop.borrow() {
                    return Ok(None);
                }
                timed_out = true;
            }
            if recovered > 0 {
                tracing::info!(site = %site.id, "{recovered} failures recovered on re-check and are not reported");
            }
        }
        if !timed_out {
            store.set_status(run.id, "checking")?;
        }
    }
    if let Some(t) = halt_task {
        t.abort();
    }
    // After the time budget nothing more is fetched: without its transport facts a site is
    // judged on the rest.
    if !timed_out {
        crate::site_health::record_transport(&mut store, &fetcher, &site, run.id).await?;
    }
    let pages = match page_checks {
        Some(task) => task.await.ok().flatten(),
        None => None,
    };
    let summary = check_and_report(
        &mut store, &site, run.id, &opts.out, period, scoring, interp, pages,
    )?;
    if timed_out {
        let c = &summary.coverage;
        tracing::warn!(
            site = %site.id,
            "reports written incomplete: {} URLs left, {} failures not re-checked; run the same command again to finish",
            c.urls_left,
            c.failures_not_rechecked
        );
    } else {
        store.set_status(run.id, "done")?;
    }
    tracing::info!(site = %site.id, "{} findings written to {}", summary.findings.len(), summary.dir.display());
    if let Some(b) = bar {
        b.finish_with_message(format!(
            "{} URLs, {} pages, {} findings",
            summary.urls,
            summary.pages,
            summary.findings.len()
        ));
    }
    Ok(Some(SiteSummary {
        resumed: run.resumed,
        ..summary
    }))
}

/// The homepage URLs of a stored run (as configured, and where it redirected), and its stored
/// record.
fn homepages_of(
    store: &Store,
    site: &Site,
    run: i64,
) -> Result<(Vec<String>, Option<store::UrlRecord>), StoreError> {
    let home = store.records(run, "AND u.id = 0")?.pop();
    let mut homepages = vec![site.url.to_string()];
    if let Some(f) = home.as_ref().and_then(|h| h.result.final_url.clone()) {
        homepages.push(f);
    }
    Ok((homepages, home))
}

/// What the checks over a run's pages found: columns, policy interpretations, messages and
/// solicitations, metadata; and the links the link check may judge. They read the pages' stored
/// content and nothing of the links' results, so a crawl starts them as soon as its last page is
/// read ([`check_pages`]), while the site's resources and the last links are still being
/// checked.
pub struct PageChecks {
    /// The homepage URLs they were judged with (a homepage that redirects elsewhere on the
    /// re-check makes them stale: [`check_and_report`] then runs them again).
    homepages: Vec<String>,
    /// Every link to a URL not settled as fine when the pages were read (see [`check_pages`]),
    /// and how many pages were read.
    links: Vec<LinkRef>,
    pages_read: usize,
    /// [`crate::site_health::metadata`].
    metadata: Vec<Finding>,
    cols: ColumnsReport,
    docs: Vec<interpretations::PolicyDoc>,
    interps: Vec<interpretations::Interpretation>,
    msgs: MessagesReport,
}

/// Runs the checks over a stored run's pages (see [`PageChecks`]): one read of the stored pages
/// ([`Store::for_each_page`]) feeds the columns, interpretations, messages and the link check's
/// links, each page's content and links parsed once; what the checks judge needs every page read
/// (a column's items, the policy columns' documents), so each check keeps per page only its facts
/// and judges after the read.
pub fn check_pages(store: &Store, site: &Site, run: i64) -> Result<PageChecks, StoreError> {
    let t = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!(site = %site.id, "checks: {what} after {:?}, {}", t.elapsed(), resident_memory());
    let stored = store.run(run)?;
    let (homepages, _) = homepages_of(store, site, run)?;
    let as_of = as_of_of(&stored);
    // The links the link check may judge: to a URL that failed so far, was not contacted, or is
    // not checked yet. A URL checked fine stays fine (the re-check is of failures only), so
    // this holds every link to what will be judged broken.
    let unsettled = store.unsettled(run)?;
    let mut links = LinksPass::new(unsettled);
    let mut columns = ColumnsPass::new(store, site, run)?;
    let mut interpretations = InterpretationsPass::new(store, run)?;
    let mut messages = MessagesPass::default();
    store.for_each_page(run, |p| {
        links.page(&p);
        columns.links(&p);
        interpretations.page(&p);
        let Some(mut content) = p.content else {
            return;
        };
        messages.page(&mut content);
        columns.page(content);
    })?;
    lap("pages read");
    let cols = columns.finish(homepages.as_slice(), as_of);
    lap("columns");
    let (docs, interps) = interpretations.finish(store, run, &cols.columns)?;
    lap("interpretations");
    let msgs = messages.finish(site, as_of, &cols);
    lap("messages");
    let metadata = crate::site_health::metadata(store, site, run)?;
    lap("metadata");
    // Links to URLs settled fine while the pages were read are let go.
    let (links, pages_read) = links.finish(&store.unsettled(run)?);
    lap("links to unsettled URLs");
    Ok(PageChecks {
        homepages,
        links,
        pages_read,
        metadata,
        cols,
        docs,
        interps,
        msgs,
    })
}

/// The link check's part of the read of a run's pages: every link to one of the URLs not
/// settled as fine when the read began, and how many pages were read. The read begins before
/// the site's resources are checked, so most of those links are to resources (every page links
/// the logo): each is kept in 12 bytes, the page's URL and the link's element and text once
/// each.
struct LinksPass {
    targets: HashSet<u32>,
    /// (index in `pages`, target, index in `labels`)
    links: Vec<(u32, u32, u32)>,
    pages: Vec<String>,
    /// (element, text) of the links kept
    labels: Vec<(String, String)>,
    label_ids: std::collections::HashMap<(String, String), u32>,
    read: usize,
}

impl LinksPass {
    fn new(targets: HashSet<u32>) -> Self {
        LinksPass {
            targets,
            links: Vec::new(),
            pages: Vec::new(),
            labels: Vec::new(),
            label_ids: Default::default(),
            read: 0,
        }
    }

    fn page(&mut self, p: &store::ScannedPage) {
        self.read += 1;
        let mut kept = false;
        for &(target, element, text) in p.links {
            if !self.targets.contains(&target) {
                continue;
            }
            if !kept {
                self.pages.push(p.url.to_string());
                kept = true;
            }
            let page = (self.pages.len() - 1) as u32;
            let key = (element.to_string(), text.to_string());
            let label = match self.label_ids.get(&key) {
                Some(l) => *l,
                None => {
                    let l = self.labels.len() as u32;
                    self.labels.push(key.clone());
                    self.label_ids.insert(key, l);
                    l
                }
            };
            self.links.push((page, target, label));
        }
    }

    /// The links to a URL of `unsettled` (asked again after the read: fewer), as the link check
    /// takes them.
    fn finish(self, unsettled: &HashSet<u32>) -> (Vec<LinkRef>, usize) {
        let links = self
            .links
            .into_iter()
            .filter(|(_, target, _)| unsettled.contains(target))
            .map(|(page, target, label)| {
                let (element, text) = &self.labels[label as usize];
                LinkRef {
                    page_url: self.pages[page as usize].clone(),
                    target,
                    element: element.clone(),
                    text: text.clone(),
                }
            })
            .collect();
        (links, self.read)
    }
}

/// The check point of a stored run.
fn as_of_of(stored: &store::Run) -> NaiveDate {
    NaiveDate::parse_from_str(&stored.as_of, "%Y-%m-%d")
        .unwrap_or_else(|_| chrono::Local::now().date_naive())
}

/// Runs the checks over a stored run, saves the findings and writes the site's reports.
/// `pages` are the page checks when the crawl already ran them ([`check_pages`]).
#[allow(clippy::too_many_arguments)]
pub fn check_and_report(
    store: &mut Store,
    site: &Site,
    run: i64,
    out: &Path,
    period: &str,
    scoring: &ScoringConfig,
    interp: &interpretations::Settings,
    pages: Option<PageChecks>,
) -> Result<SiteSummary, RunError> {
    let stored = store.run(run)?;
    let (homepages, home) = homepages_of(store, site, run)?;
    let home = home.as_ref();
    let homepage_error = home.and_then(|h| match (&h.result.error, h.result.status) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(s)) if s >= 400 => Some(format!("HTTP {s}")),
        _ => None,
    });
    if let Some(e) = &homepage_error {
        tracing::error!(site = %site.id, "the homepage {} could not be opened: {e}", site.url);
    }
    let facts = checks::links::SiteFacts {
        site: site.id.clone(),
        homepages,
        notfound_fingerprint: stored
            .notfound_status
            .filter(|s| *s < 300)
            .and(stored.notfound_fingerprint),
    };
    let t = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!(site = %site.id, "checks: {what} after {:?}, {}", t.elapsed(), resident_memory());
    let failures = store.failures(run)?;
    // What the link check judges: the failures, and the internal addresses not contacted.
    let mut judged = failures.clone();
    judged.extend(store.not_contacted(run)?);
    let failing: HashSet<u32> = judged.iter().map(|r| r.id).collect();
    let PageChecks {
        mut links,
        pages_read,
        metadata,
        mut cols,
        docs,
        interps,
        mut msgs,
        ..
    } = match pages.filter(|p| p.homepages == facts.homepages) {
        Some(p) => p,
        None => check_pages(store, site, run)?,
    };
    links.retain(|l| failing.contains(&l.target));
    let mut findings = checks::links::check_links(&facts, &judged, links);
    lap("links");
    let as_of = as_of_of(&stored);
    msgs.findings.extend(consultation_channel(
        site,
        &cols,
        &facts.homepages,
        &failures,
        &msgs.observed_at,
    ));
    findings.append(&mut cols.findings);
    let mut health = crate::site_health::check(store, site, run, metadata)?;
    findings.append(&mut health.findings);
    lap("site health");
    let mut interpretation = interpretations::check(&site.id, &docs, &interps, interp, as_of);
    drop((docs, interps));
    findings.append(&mut interpretation.findings);
    findings.append(&mut msgs.findings);
    checks::mark_rendered(&mut findings, &store.rendered_pages(run)?);
    findings.sort_by(|a, b| (a.check, &a.page_url, &a.url).cmp(&(b.check, &b.page_url, &b.url)));
    store.save_findings(run, &mut findings)?;
    let score = crate::score::score_site(&findings, &cols.veto, scoring);
    let mut summary = report::summary_rows(&findings, &cols.veto, cols.homepage.as_ref());
    summary.extend(report::interpretation_rows(&interpretation));
    summary.extend(report::messages::summary_rows(
        &msgs.site_stats,
        &msgs.column_stats,
        &findings,
    ));
    // How the pages were read (not an indicator): those a conditional request found unchanged.
    let (stored_pages, unchanged, saved_bytes) = store.revalidated(run)?;
    summary.push(report::SummaryRow {
        indicator: "抓取：未变化页面（服务器答复304，读自历史库，未重新下载）".into(),
        key: "pages_unchanged",
        value: format!(
            "{unchanged}/{stored_pages}（节省 {}）",
            human_bytes(saved_bytes)
        ),
        threshold: String::new(),
        verdict: String::new(),
        deduction: String::new(),
    });
    let coverage = store.coverage(run)?;
    summary.extend(report::coverage_rows(&coverage));
    report::add_score_rows(&mut summary, &score);
    store.save_score(run, &score)?;
    lap("findings saved");
    let dir = report::write_site(out, period, &site.id, &findings, &summary)?;
    crate::site_health::write_report(&dir, &health)?;
    report::write_interpretations(&dir, &interpretation, &findings)?;
    report::messages::write(&dir, &findings, &msgs.solicitations)?;
    lap("reports written");
    Ok(SiteSummary {
        site: site.id.clone(),
        dir,
        resumed: false,
        urls: store.url_count(run)?,
        pages: pages_read,
        unchanged,
        saved_bytes,
        coverage,
        findings,
        homepage_error,
        columns: cols.columns,
        homepage: cols.homepage,
        veto: cols.veto,
        score,
    })
}

/// The process's resident memory, for the debug log (`VmRSS` on Linux; empty elsewhere).
fn resident_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| format!("resident {}", l[6..].trim()))
        })
        .unwrap_or_default()
}

/// What the column checks found for one stored run.
#[derive(Debug, Clone)]
pub struct ColumnsReport {
    pub columns: Vec<ColumnStatus>,
    pub homepage: Option<HomepageStatus>,
    pub veto: VetoCounts,
    /// `stale_column`, `empty_column`, `homepage_not_updated` and `suspect_date` findings.
    pub findings: Vec<Finding>,
}

/// Reads a stored run's pages (one at a time, keeping only list pages' rows and articles'
/// dates) and runs the column checks at `as_of`. Used by `govpatrol columns`; the run reads the
/// pages once for every check ([`check_pages`]).
pub fn gather_columns(
    store: &Store,
    site: &Site,
    run: i64,
    homepages: &[String],
    as_of: NaiveDate,
) -> Result<ColumnsReport, StoreError> {
    let mut columns = ColumnsPass::new(store, site, run)?;
    store.for_each_page(run, |p| {
        columns.links(&p);
        if let Some(content) = p.content {
            columns.page(content);
        }
    })?;
    Ok(columns.finish(homepages, as_of))
}

/// The column checks' part of the read of a run's pages: list pages' rows, articles' dates,
/// the homepage's and its second level's rows, the texts of the links to list pages.
struct ColumnsPass<'s> {
    site: &'s Site,
    home_targets: HashSet<u32>,
    /// The homepage's links in page order, once each: the order the homepage shows them.
    home_order: Vec<u32>,
    /// Pages the office pinned as columns are judged whatever their kind (a single page too).
    pinned: HashSet<String>,
    /// The pages that may be list pages (stored as lists, or pinned): whose link texts are
    /// counted (a column's name may come from them).
    list_ids: HashSet<u32>,
    link_texts: columns::LinkTexts,
    list_pages: columns::ListPages,
    article_dates: columns::ArticleDates,
    /// Articles the homepage links, by id: (date, url, title), for the homepage check.
    articles: std::collections::HashMap<u32, (NaiveDate, String, String)>,
    homepage: Option<(String, Vec<Item>)>,
    second_level: Vec<Item>,
    findings: Vec<Finding>,
}

impl<'s> ColumnsPass<'s> {
    fn new(store: &Store, site: &'s Site, run: i64) -> Result<Self, StoreError> {
        let home_links = store.page_links(run, 0)?;
        let home_targets: HashSet<u32> = home_links.iter().map(|(t, _, _)| *t).collect();
        let mut met = HashSet::new();
        let home_order = home_links
            .iter()
            .map(|(t, _, _)| *t)
            .filter(|t| met.insert(*t))
            .collect();
        let pinned: HashSet<String> = site
            .columns
            .iter()
            .filter(|c| !c.exclude)
            .map(|c| columns::page_key(c.url.as_str()))
            .collect();
        let list_ids = store.list_page_ids(run, |u| pinned.contains(&columns::page_key(u)))?;
        Ok(ColumnsPass {
            site,
            home_targets,
            home_order,
            pinned,
            list_ids,
            link_texts: Default::default(),
            list_pages: Default::default(),
            article_dates: Default::default(),
            articles: Default::default(),
            homepage: None,
            second_level: Vec::new(),
            findings: Vec::new(),
        })
    }

    /// A page's links: the texts of those to a list page.
    fn links(&mut self, p: &store::ScannedPage) {
        for &(target, element, text) in p.links {
            if element == "a" && self.list_ids.contains(&target) {
                *self
                    .link_texts
                    .entry(target)
                    .or_default()
                    .entry(text.to_string())
                    .or_default() += 1;
            }
        }
    }

    /// A page's stored content.
    fn page(&mut self, p: columns::StoredPage) {
        let dated_rows = |p: &columns::StoredPage| -> Vec<Item> {
            p.content
                .items
                .iter()
                .filter(|i| i.date.is_some())
                .map(|i| Item {
                    title: i.title.clone(),
                    url: i.url.to_string(),
                    date: i.date,
                    date_source: Some(ItemDateSource::List),
                    pinned: i.pinned,
                })
                .collect()
        };
        if let Some(d) = &p.content.pub_date {
            self.article_dates.insert(&p.url, d.date);
            if let Some(f) = &p.final_url {
                self.article_dates.insert(f, d.date);
            }
            if self.home_targets.contains(&p.id) {
                let title = p.title.clone().unwrap_or_default();
                self.articles.insert(p.id, (d.date, p.url.clone(), title));
            }
            self.findings.extend(columns::suspect_date(
                &self.site.id,
                &p.url,
                &p.fetched_at,
                Some(d),
                &p.content.date_candidates,
            ));
        }
        if p.id == 0 {
            self.homepage = Some((p.fetched_at.clone(), dated_rows(&p)));
        } else if self.home_targets.contains(&p.id) {
            self.second_level.extend(dated_rows(&p));
        }
        if p.content.kind == crate::extract::PageKind::List {
            self.list_pages.push(p);
        } else if !self.pinned.is_empty()
            && [Some(&p.url), p.final_url.as_ref()]
                .into_iter()
                .flatten()
                .any(|u| self.pinned.contains(&columns::page_key(u)))
        {
            self.list_pages.push(columns::pinned_single_page(p));
        }
    }

    /// The column checks, once every page is read.
    fn finish(self, homepages: &[String], as_of: NaiveDate) -> ColumnsReport {
        let ColumnsPass {
            site,
            home_order,
            link_texts,
            list_pages,
            article_dates,
            articles,
            homepage,
            mut second_level,
            mut findings,
            ..
        } = self;
        let cols = columns::discover_columns(
            &site.columns,
            list_pages.pages(),
            &article_dates,
            &link_texts,
            homepages,
        );
        drop(list_pages);
        let statuses: Vec<ColumnStatus> = cols
            .iter()
            .map(|c| columns::judge_column(c, as_of))
            .collect();
        let veto = columns::veto_counts(&statuses);
        findings.extend(columns::column_findings(&site.id, &statuses));
        let homepage = homepage.map(|(observed_at, mut rows)| {
            let article = |id: &u32| {
                articles.get(id).map(|(d, url, title)| Item {
                    title: title.clone(),
                    url: url.clone(),
                    date: Some(*d),
                    date_source: Some(ItemDateSource::Article),
                    pinned: false,
                })
            };
            // In the homepage's order, not a hash map's: of two items of the same newest date
            // the evidence names the first shown, the same on every run.
            rows.extend(home_order.iter().filter_map(article));
            second_level.extend(home_order.iter().filter_map(article));
            let facts = columns::HomepageFacts {
                url: site.url.to_string(),
                observed_at: observed_at.clone(),
                items: rows,
                second_level,
            };
            let status = columns::judge_homepage(&facts, as_of);
            findings.extend(columns::homepage_finding(&site.id, &status, &observed_at));
            status
        });
        ColumnsReport {
            columns: statuses,
            homepage,
            veto,
            findings,
        }
    }
}

/// Reads a stored run's policy documents and interpretations (see
/// [`crate::checks::interpretations`]): the items of policy columns and the articles whose column
/// meta says policy; the items of interpretation columns, the articles whose column meta says
/// interpretation and the articles whose title reads like one. Each page's outgoing links are
/// kept for the documents and interpretations only. The run reads the pages once for every
/// check ([`check_pages`]).
pub fn gather_interpretations(
    store: &Store,
    run: i64,
    columns: &[ColumnStatus],
) -> Result<
    (
        Vec<interpretations::PolicyDoc>,
        Vec<interpretations::Interpretation>,
    ),
    StoreError,
> {
    let mut pass = InterpretationsPass::new(store, run)?;
    store.for_each_page(run, |p| pass.page(&p))?;
    pass.finish(store, run, columns)
}

/// An article read for the interpretation check.
struct Art {
    id: u32,
    url: String,
    title: String,
    date: Option<NaiveDate>,
    numbers: Vec<String>,
    category: Option<columns::Category>,
    observed_at: String,
    /// Its page keys (as crawled, and where it redirected).
    keys: Vec<u64>,
    /// The targets of its `<a>` links that are articles.
    links: Vec<u32>,
}

/// The interpretation check's part of the read of a run's pages. Which articles are documents
/// or interpretations is known from the article alone (its column meta, its title) or from the
/// columns that list it, known only once every page is read: the first are kept with their
/// links as they are read; of the others only their hashed keys, and the few a policy or
/// interpretation column lists are read again at the end ([`Store::for_pages`]).
struct InterpretationsPass {
    /// The pages stored as articles: only links to them can join two documents.
    articles: HashSet<u32>,
    /// Documents and interpretations by their own words.
    kept: Vec<Art>,
    /// (key, id) of every other article.
    others: Vec<(u64, u32)>,
}

impl InterpretationsPass {
    fn new(store: &Store, run: i64) -> Result<Self, StoreError> {
        Ok(InterpretationsPass {
            articles: store.page_ids_of_kind(run, crate::extract::PageKind::Article)?,
            kept: Vec::new(),
            others: Vec::new(),
        })
    }

    /// An article of a stored page, and whether its own words make it a document or an
    /// interpretation; `None` when the page is not an article.
    fn art(p: &store::ScannedPage) -> Option<(Art, bool)> {
        use columns::Category;
        let c = p.content.as_ref()?;
        if c.content.kind != crate::extract::PageKind::Article {
            return None;
        }
        let meta_cat = [
            c.content.column.column_type.as_deref(),
            c.content.column.name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .find_map(Category::from_words);
        let title = c
            .content
            .headline
            .clone()
            .or(c.title.clone())
            .unwrap_or_default();
        let keys: Vec<u64> = std::iter::once(columns::page_hash(&c.url))
            .chain(c.final_url.as_deref().map(columns::page_hash))
            .collect();
        let own = meta_cat.is_some_and(|c| c == Category::Policy || c == Category::Interpretation)
            || interpretations::is_interpretation_title(&title);
        Some((
            Art {
                id: p.id,
                url: c.url.clone(),
                title,
                date: c.content.pub_date.as_ref().map(|d| d.date),
                numbers: c.content.doc_numbers.clone(),
                category: meta_cat,
                observed_at: c.fetched_at.clone(),
                keys,
                links: Vec::new(),
            },
            own,
        ))
    }

    fn page(&mut self, p: &store::ScannedPage) {
        let Some((mut art, own)) = Self::art(p) else {
            return;
        };
        if own {
            art.links = self.article_links(p);
            self.kept.push(art);
        } else {
            // Only documents and interpretations are kept whole (at 100,000 pages, every
            // article's URL, title and keys took 40 MB).
            self.others.extend(art.keys.iter().map(|k| (*k, art.id)));
        }
    }

    fn article_links(&self, p: &store::ScannedPage) -> Vec<u32> {
        let mut links: Vec<u32> = p
            .links
            .iter()
            .filter(|(t, e, _)| *e == "a" && self.articles.contains(t))
            .map(|(t, _, _)| *t)
            .collect();
        links.sort_unstable();
        links.dedup();
        links
    }

    /// The documents and interpretations, once every page is read and the columns are known.
    fn finish(
        mut self,
        store: &Store,
        run: i64,
        columns: &[ColumnStatus],
    ) -> Result<
        (
            Vec<interpretations::PolicyDoc>,
            Vec<interpretations::Interpretation>,
        ),
        StoreError,
    > {
        use columns::{page_hash, Category};
        use std::collections::HashMap;
        // (column name, category) of every item of a policy or interpretation column, by page key
        let mut listed: HashMap<u64, (String, Category, crate::checks::columns::Item)> =
            HashMap::new();
        for c in columns.iter().filter(|c| !c.column.exclude) {
            let cat = c.column.category;
            if cat != Category::Policy && cat != Category::Interpretation {
                continue;
            }
            for i in c.column.items.iter().flatten() {
                listed
                    .entry(page_hash(&i.url))
                    .or_insert_with(|| (c.column.name.clone(), cat, i.clone()));
            }
        }
        // The articles a policy or interpretation column lists, read again.
        let again: Vec<u32> = std::mem::take(&mut self.others)
            .into_iter()
            .filter(|(k, _)| listed.contains_key(k))
            .map(|(_, id)| id)
            .collect();
        store.for_pages(run, &again, |p| {
            if let Some((mut art, _)) = Self::art(&p) {
                art.links = self.article_links(&p);
                self.kept.push(art);
            }
        })?;
        let mut all = std::mem::take(&mut self.kept);
        drop(self);
        all.sort_by_key(|a| a.id);
        let mut arts: HashMap<u64, usize> = HashMap::new();
        let mut by_id: HashMap<u32, u64> = HashMap::new();
        for (n, a) in all.iter().enumerate() {
            // where it redirected, else as crawled
            by_id.insert(a.id, a.keys.last().copied().unwrap_or_default());
            for k in &a.keys {
                arts.insert(*k, n);
            }
        }
        let mut wanted: HashSet<u32> = HashSet::new();
        // with the id of the article read for each (its links are gathered below)
        let mut docs_at: Vec<(Option<u32>, interpretations::PolicyDoc)> = Vec::new();
        let mut interps_at: Vec<(Option<u32>, interpretations::Interpretation)> = Vec::new();
        let mut done: HashSet<u64> = HashSet::new();
        for (k, (col, cat, item)) in &listed {
            let a = arts.get(k).copied();
            let art = a.map(|i| &all[i]);
            done.insert(*k);
            if let Some(art) = art {
                wanted.insert(art.id);
            }
            // the article's own title (a list may shorten it with …)
            let title = art
                .map(|a| a.title.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| item.title.clone());
            let date = art.and_then(|a| a.date).or(item.date);
            // an interpretation listed among the policy documents is an interpretation
            if *cat == Category::Policy && !interpretations::is_interpretation_title(&title) {
                docs_at.push((
                    art.map(|a| a.id),
                    interpretations::PolicyDoc {
                        url: art
                            .map(|a| a.url.clone())
                            .unwrap_or_else(|| item.url.clone()),
                        title,
                        date,
                        doc_number: art.and_then(|a| a.numbers.first().cloned()),
                        column: col.clone(),
                        links: None,
                        observed_at: art.map(|a| a.observed_at.clone()).unwrap_or_default(),
                    },
                ));
            } else {
                interps_at.push((
                    art.map(|a| a.id),
                    interpretations::Interpretation {
                        url: art
                            .map(|a| a.url.clone())
                            .unwrap_or_else(|| item.url.clone()),
                        title,
                        date,
                        doc_numbers: art.map(|a| a.numbers.clone()).unwrap_or_default(),
                        links: None,
                    },
                ));
            }
        }
        for a in &all {
            if done.contains(&page_hash(&a.url)) {
                continue;
            }
            let interp = a.category == Some(Category::Interpretation)
                || interpretations::is_interpretation_title(&a.title);
            if interp {
                wanted.insert(a.id);
                interps_at.push((
                    Some(a.id),
                    interpretations::Interpretation {
                        url: a.url.clone(),
                        title: a.title.clone(),
                        date: a.date,
                        doc_numbers: a.numbers.clone(),
                        links: None,
                    },
                ));
            } else if a.category == Some(Category::Policy) {
                wanted.insert(a.id);
                docs_at.push((
                    Some(a.id),
                    interpretations::PolicyDoc {
                        url: a.url.clone(),
                        title: a.title.clone(),
                        date: a.date,
                        doc_number: a.numbers.first().cloned(),
                        column: String::new(),
                        links: None,
                        observed_at: a.observed_at.clone(),
                    },
                ));
            }
        }
        drop((arts, listed, done));
        let mut links: HashMap<u32, HashSet<u64>> = HashMap::new();
        for a in all.iter().filter(|a| wanted.contains(&a.id)) {
            let set: HashSet<u64> = a
                .links
                .iter()
                .filter_map(|t| by_id.get(t).copied())
                .collect();
            links.insert(a.id, set);
        }
        drop((all, wanted, by_id));
        // An article's set moves to the last document or interpretation read from it (an article
        // can be both, listed in two columns) and is copied to the others.
        let mut uses: HashMap<u32, usize> = HashMap::new();
        let ids = docs_at
            .iter()
            .map(|(a, _)| a)
            .chain(interps_at.iter().map(|(a, _)| a));
        for id in ids.flatten() {
            *uses.entry(*id).or_default() += 1;
        }
        let mut links_of = |a: Option<u32>| {
            a.map(|id| {
                let n = uses.entry(id).or_default();
                *n = n.saturating_sub(1);
                if *n == 0 {
                    links.remove(&id).unwrap_or_default()
                } else {
                    links.get(&id).cloned().unwrap_or_default()
                }
            })
        };
        let mut docs: Vec<_> = docs_at
            .into_iter()
            .map(|(a, mut d)| {
                d.links = links_of(a);
                d
            })
            .collect();
        let mut interps: Vec<_> = interps_at
            .into_iter()
            .map(|(a, mut i)| {
                i.links = links_of(a);
                i
            })
            .collect();
        docs.sort_by(|a, b| a.url.cmp(&b.url));
        interps.sort_by(|a, b| a.url.cmp(&b.url));
        Ok((docs, interps))
    }
}

/// What the message and solicitation checks found for one stored run.
#[derive(Debug, Clone, Default)]
pub struct MessagesReport {
    /// Per consultation column (and one for messages outside any known column).
    pub column_stats: Vec<MessageStats>,
    pub site_stats: MessageStats,
    pub solicitations: Vec<SolicitationStatusRow>,
    /// `unanswered_message`, `late_reply`, `stale_column` (replies), `solicitation_without_feedback`,
    /// `short_solicitation_period`; the run adds `no_consultation_channel`.
    pub findings: Vec<Finding>,
    /// When the homepage was read (the findings' `observed_at`).
    pub observed_at: String,
}

/// Reads the messages and solicitations stored with a run's pages, assigns each message to its
/// consultation column (the column whose list shows it, else the column whose folder holds it)
/// and runs [`checks::messages`] at `as_of`. The run reads the pages once for every check
/// ([`check_pages`]).
pub fn gather_messages(
    store: &Store,
    site: &Site,
    run: i64,
    as_of: NaiveDate,
    cols: &ColumnsReport,
) -> Result<MessagesReport, StoreError> {
    let mut pass = MessagesPass::default();
    store.for_each_page(run, |p| {
        if let Some(mut content) = p.content {
            pass.page(&mut content);
        }
    })?;
    Ok(pass.finish(site, as_of, cols))
}

/// The message and solicitation checks' part of the read of a run's pages.
#[derive(Default)]
struct MessagesPass {
    messages: Vec<(String, crate::extract::messages::Message)>,
    solicitations: Vec<(String, crate::extract::messages::Solicitation)>,
    /// Only the titles that can report a solicitation's result: every row of the site would be
    /// tens of megabytes at 100,000 pages.
    titles: Vec<(String, String)>,
    observed_at: String,
}

impl MessagesPass {
    /// A page's stored content: its messages and solicitations are taken from it.
    fn page(&mut self, p: &mut columns::StoredPage) {
        use checks::messages as m;
        if p.id == 0 {
            self.observed_at = p.fetched_at.clone();
        }
        for i in &p.content.items {
            if m::is_result_title(&i.title) {
                self.titles.push((i.title.clone(), i.url.to_string()));
            }
        }
        if let (Some(t), crate::extract::PageKind::Article) = (&p.title, p.content.kind) {
            if m::is_result_title(t) {
                self.titles.push((t.clone(), p.url.clone()));
            }
        }
        for msg in std::mem::take(&mut p.content.messages) {
            self.messages.push((p.url.clone(), msg));
        }
        for s in std::mem::take(&mut p.content.solicitations) {
            self.solicitations.push((p.url.clone(), s));
        }
    }

    /// The message and solicitation checks, once every page is read and the columns are known.
    fn finish(self, site: &Site, as_of: NaiveDate, cols: &ColumnsReport) -> MessagesReport {
        use checks::messages as m;
        use std::collections::HashMap;
        let rules = &site.messages;
        let MessagesPass {
            messages,
            solicitations,
            titles,
            observed_at,
        } = self;
        // Where each message is listed: its list page.
        let mut listed: HashMap<String, String> = HashMap::new();
        for (page, msg) in &messages {
            if msg.layout != crate::extract::messages::Layout::Page {
                if let Some(u) = &msg.url {
                    listed.entry(u.to_string()).or_insert_with(|| page.clone());
                }
            }
        }
        let consultation: Vec<&ColumnStatus> = consultation_columns(cols).collect();
        let folder = |u: &str| u.rsplit_once('/').map_or(u, |(d, _)| d).to_string();
        let column_of = |u: &str| -> Option<&ColumnStatus> {
            consultation
                .iter()
                .find(|c| c.column.url == u)
                .or_else(|| {
                    consultation
                        .iter()
                        .filter(|c| u.starts_with(&(folder(&c.column.url) + "/")))
                        .max_by_key(|c| c.column.url.len())
                })
                .copied()
        };
        let mut by_column: Vec<m::ColumnMessages> = Vec::new();
        for (page, msg) in m::merge(messages) {
            let key = msg.url.as_ref().map(|u| u.to_string());
            let list = key
                .and_then(|k| listed.get(&k).cloned())
                .unwrap_or(page.clone());
            let (name, url) = match column_of(&list) {
                Some(c) => (c.column.name.clone(), c.column.url.clone()),
                None => ("未识别栏目".to_string(), folder(&list) + "/"),
            };
            let reply_days = site
                .columns
                .iter()
                .find(|c| c.url.as_str() == url)
                .and_then(|c| c.reply_days);
            match by_column.iter_mut().find(|c| c.url == url) {
                Some(c) => c.messages.push((page, msg)),
                None => by_column.push(m::ColumnMessages {
                    name,
                    url,
                    reply_days,
                    messages: vec![(page, msg)],
                }),
            }
        }
        let mut report = MessagesReport::default();
        let stale: std::collections::HashSet<&str> = cols
            .findings
            .iter()
            .filter(|f| f.check == columns::STALE_COLUMN)
            .map(|f| f.url.as_str())
            .collect();
        for c in &by_column {
            let (f, s) = m::judge_column(&site.id, c, as_of, rules, &observed_at);
            report.findings.extend(
                f.into_iter().filter(|f| {
                    !(f.check == columns::STALE_COLUMN && stale.contains(f.url.as_str()))
                }),
            );
            report.column_stats.push(s);
        }
        report.site_stats = m::site_stats(&report.column_stats);
        let (f, rows) = m::judge_solicitations(
            &site.id,
            &m::merge_solicitations(solicitations),
            &titles,
            as_of,
            rules,
            &observed_at,
        );
        report.findings.extend(f);
        report.solicitations = rows;
        report.observed_at = observed_at;
        report
    }
}

/// The portal's consultation channel (`no_consultation_channel`): its consultation columns, each
/// with whether it failed for good (401/403/429 need a person, they are not broken).
fn consultation_channel(
    site: &Site,
    cols: &ColumnsReport,
    homepages: &[String],
    failures: &[store::UrlRecord],
    observed_at: &str,
) -> Vec<Finding> {
    if site.role != crate::config::Role::Portal {
        return Vec::new();
    }
    let broken = |u: &str| {
        failures
            .iter()
            .any(|r| r.url == u && !matches!(r.result.status, Some(401 | 403 | 429)))
    };
    let entries: Vec<(String, bool)> = consultation_columns(cols)
        .map(|c| (c.column.url.clone(), broken(&c.column.url)))
        .collect();
    let home = homepages.first().cloned().unwrap_or_default();
    checks::messages::channel_finding(&site.id, &home, &entries, observed_at)
        .into_iter()
        .collect()
}

/// The consultation (咨询、留言答复) columns of a run that are judged.
fn consultation_columns(cols: &ColumnsReport) -> impl Iterator<Item = &ColumnStatus> {
    cols.columns
        .iter()
        .filter(|c| c.column.category == columns::Category::Consultation && !c.column.exclude)
}

/// `1.2 MB`, `340 kB`, `512 B`.
pub fn human_bytes(b: u64) -> String {
    match b {
        0..1_000 => format!("{b} B"),
        1_000..1_000_000 => format!("{:.0} kB", b as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        _ => format!("{:.2} GB", b as f64 / 1e9),
    }
}

fn spawn_progress(
    site: &str,
    p: Arc<Progress>,
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
) -> tokio::task::JoinHandle<()> {
    let site = site.to_string();
    tokio::spawn(async move {
        let mut tick = 0u64;
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            tick += 1;
            let (done, seen) = (
                p.done.load(Ordering::Relaxed),
                p.seen.load(Ordering::Relaxed),
            );
            let (pages, failures) = (
                p.pages.load(Ordering::Relaxed),
                p.failures.load(Ordering::Relaxed),
            );
            if let Some(b) = &bar {
                b.set_length(seen as u64);
                b.set_position(done as u64);
                b.set_message(format!("{pages} pages parsed, {failures} failures so far"));
            } else if lines && tick.is_multiple_of(40) {
                tracing::info!(
                    site = %site,
                    "{done} of {seen} URLs fetched, {pages} pages parsed, {failures} failures so far"
                );
            }
        }
    })
}
