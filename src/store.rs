//! Store: the history database (SQLite, `<out>/govpatrol.sqlite`).
//!
//! It holds every run (one site, one period), every URL the run met with what fetching it gave,
//! the facts of every parsed page (title, encoding, links, meta tags), what the column checks
//! need of it (`page_content`: kind, publication date and candidates, column meta, list rows with
//! their dates, pagination; see [`crate::extract::PageContent`]), the findings of each run,
//! and each finding's `first_seen` across runs. It is what makes a crawl resumable and a report
//! rebuildable without crawling again.
//!
//! Writes during a crawl go through [`Writer`], a thread that owns its own connection and commits
//! in transactions: a page is marked done in the same transaction that records its links and
//! queues the URLs it discovered, so after a crash or `kill -9` the database is always a
//! consistent prefix of the crawl, and `crawl` picks up from there ([`Store::begin_run`]).
//!
//! A page read with GET and `200` also keeps its `ETag`, `Last-Modified` and body length, so
//! the next run can ask for it conditionally; a page answered `304` gets its rows copied from
//! the earlier run ([`Write::Revalidated`], [`Previous`]). A database from before these columns
//! is upgraded in place when opened (`ALTER TABLE … ADD COLUMN`).
//!
//! Invariants: one row per (run, URL); `state = 'done'` only with its result; findings of a run
//! are replaced as a whole; `history.first_seen` is never moved later.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::Finding;

mod availability;
mod previous;
mod scan;
pub use availability::{PageIdentity, Probe};
pub use previous::{Previous, Unchanged, Validators};
pub use scan::ScannedPage;

/// A stored page, as column discovery reads it.
#[derive(Debug, Clone)]
pub struct StoredPage {
    pub id: u32,
    /// The URL as crawled, and where it redirected to.
    pub url: String,
    pub final_url: Option<String>,
    pub depth: u32,
    pub fetched_at: String,
    pub title: Option<String>,
    pub content: crate::extract::PageContent,
}

/// Errors of the history store.
#[derive(Debug, thiserror::Error)]
#[allow(clippy::large_enum_variant)]
pub enum StoreError {
    #[error("history database {path}: {source}{hint}", hint = io_hint(source))]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "history database {path} is damaged or not a govpatrol database ({source}); \
         move it aside (e.g. rename it to {path}.bak) and run again to start a new history"
    )]
    Corrupt {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("history database {path}: the writer stopped: {message}")]
    Writer { path: PathBuf, message: String },
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    period TEXT NOT NULL,
    as_of TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,            -- crawling | checking | done
    home_url TEXT NOT NULL,
    notfound_status INTEGER,         -- what the site answers for a path that does not exist
    notfound_fingerprint INTEGER,
    notfound_probed INTEGER,         -- 1 once the not-found probe ran (whatever it answered)
    facts_key TEXT                   -- what decides the stored facts (`crawl::facts_key`)
);
CREATE TABLE IF NOT EXISTS urls (
    run_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    url TEXT NOT NULL,
    depth INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- page | resource | external
    state TEXT NOT NULL,             -- queued | done | skipped
    status INTEGER,
    error TEXT,
    final_url TEXT,
    content_type TEXT,
    method TEXT,
    attempts INTEGER,
    redirects TEXT,
    fetched_at TEXT,
    rechecked INTEGER NOT NULL DEFAULT 0,
    etag TEXT,                       -- validators of a page read with GET and 200, for the
    last_modified TEXT,              --   next run's conditional request (see `Previous`)
    body_bytes INTEGER,              -- the page's body length (what a 304 saves)
    soft404 TEXT,                    -- a resource answered 200 with an error page: why, in words
    budget TEXT,                     -- a page only checked, not read: max_pages | max_depth
    read_limit TEXT,                 -- not read whole: too_large | too_complex | too_slow
    PRIMARY KEY (run_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pages (
    run_id INTEGER NOT NULL,
    url_id INTEGER NOT NULL,
    title TEXT,
    encoding TEXT,
    encoding_source TEXT,
    soft404 TEXT,
    fingerprint INTEGER,
    truncated INTEGER NOT NULL DEFAULT 0,
    links TEXT NOT NULL,             -- JSON [[target url id, element, text], ...]
    meta TEXT NOT NULL,              -- JSON {name: content}
    render TEXT,                     -- rendered: WHY | not rendered: WHY (`render::Rendering`)
    PRIMARY KEY (run_id, url_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_content (
    run_id INTEGER NOT NULL,
    url_id INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- list | article | other
    pub_date TEXT,                   -- YYYY-MM-DD, articles
    pub_source TEXT,                 -- meta_pub_date | labelled_text | text | url
    content TEXT NOT NULL,           -- JSON extract::PageContent (items, candidates, column meta …)
    PRIMARY KEY (run_id, url_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    site TEXT NOT NULL,
    check_name TEXT NOT NULL,
    severity TEXT NOT NULL,
    url TEXT NOT NULL,
    page_url TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (run_id, id)
);
CREATE TABLE IF NOT EXISTS scores (
    run_id INTEGER PRIMARY KEY,
    score REAL NOT NULL,
    pass INTEGER NOT NULL,
    detail TEXT NOT NULL             -- JSON score::SiteScore
);
CREATE TABLE IF NOT EXISTS robots (
    authority TEXT PRIMARY KEY,      -- host:port
    fetched_at INTEGER NOT NULL,     -- unix seconds; read back for 24 hours (RFC 9309)
    status INTEGER NOT NULL,
    html INTEGER NOT NULL,
    body BLOB
);
CREATE TABLE IF NOT EXISTS history (
    site TEXT NOT NULL,
    id TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (site, id)
);
";

/// The SQL condition (over `urls u`, `runs r`, `pages p`) of a URL whose fetch did not give a
/// clean 2xx/3xx page: an error, a 4xx/5xx status, a soft 404 (of a page or a resource), or the
/// site's own not-found page.
const FAILED: &str = "(u.state = 'done' AND (u.error IS NOT NULL OR u.status >= 400
    OR p.soft404 IS NOT NULL OR u.soft404 IS NOT NULL
    OR (r.notfound_fingerprint IS NOT NULL AND p.fingerprint = r.notfound_fingerprint)))";

/// The SQL condition of a URL the guard kept the crawler from contacting.
fn not_contacted_sql() -> String {
    format!(
        "(u.state = 'skipped' AND u.error LIKE '{}%')",
        crate::domain::NOT_CONTACTED
    )
}

/// What a person can do about an SQLite error, in words.
pub fn io_hint(e: &rusqlite::Error) -> &'static str {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => {
            " (the disk is full: free some space and run the same command again; finished work is kept)"
        }
        Some(rusqlite::ErrorCode::SystemIoFailure) => {
            " (a disk I/O error: is the disk full or failing? free space and run the same command again; finished work is kept)"
        }
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            " (another program holds the database; wait for it and run again)"
        }
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen) => {
            " (cannot write there: check the folder's permissions)"
        }
        _ => "",
    }
}

/// The database file inside an output folder.
pub fn db_path(out: &Path) -> PathBuf {
    out.join("govpatrol.sqlite")
}

/// A run as stored.
#[derive(Debug, Clone)]
pub struct Run {
    pub id: i64,
    pub site: String,
    pub period: String,
    pub as_of: String,
    pub status: String,
    pub home_url: String,
    pub notfound_status: Option<u16>,
    pub notfound_fingerprint: Option<u64>,
    /// Whether the not-found probe ran for this run (its answer may be no answer at all).
    pub notfound_probed: bool,
    /// True when this run was interrupted earlier and is being continued.
    pub resumed: bool,
}

/// How much of a site a run read: said in every report of the site ([`crate::wording::coverage`])
/// so that a report cut short by a time budget, a page budget or a depth budget is never taken
/// for a whole one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Every URL met was fetched and every failure re-checked.
    pub crawl_complete: bool,
    /// URLs met but not fetched (the run stopped at its time budget, `max_duration`).
    pub urls_left: usize,
    /// Failures not re-checked before the report (the time budget passed first): reported as
    /// they stood after their retries.
    pub failures_not_rechecked: usize,
    /// Pages only checked, not read, because the site had `max_pages` pages already: their
    /// links were not followed.
    pub pages_over_max_pages: usize,
    /// Pages only checked, not read, because they are deeper than `max_depth`.
    pub pages_over_max_depth: usize,
    /// URLs not read whole: the body cut at `max_body_bytes`, a page over 2 MiB or 60,000 tags
    /// read for its links only, or an attempt cut by `url_budget_secs` (`urls.read_limit`).
    pub urls_not_read_whole: usize,
}

/// A site read whole.
impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            crawl_complete: true,
            urls_left: 0,
            failures_not_rechecked: 0,
            pages_over_max_pages: 0,
            pages_over_max_depth: 0,
            urls_not_read_whole: 0,
        }
    }
}

impl Coverage {
    /// Whether anything of the site was left unread or unconfirmed.
    pub fn is_partial(&self) -> bool {
        !self.crawl_complete
            || self.pages_over_max_pages > 0
            || self.pages_over_max_depth > 0
            || self.urls_not_read_whole > 0
    }
}

/// One URL of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlRow {
    pub id: u32,
    pub url: String,
    pub depth: u32,
    pub kind: UrlKind,
    pub done: bool,
}

/// How a URL is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// On the site: fetched with GET and parsed when it is HTML.
    Page,
    /// On the site but not a page (attachment, image, script …): checked.
    Resource,
    /// On another host: checked.
    External,
}

impl UrlKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UrlKind::Page => "page",
            UrlKind::Resource => "resource",
            UrlKind::External => "external",
        }
    }
    fn parse(s: &str) -> UrlKind {
        match s {
            "page" => UrlKind::Page,
            "resource" => UrlKind::Resource,
            _ => UrlKind::External,
        }
    }
}

/// What fetching one URL gave.
#[derive(Debug, Clone, Default)]
pub struct UrlResult {
    pub status: Option<u16>,
    pub error: Option<String>,
    pub final_url: Option<String>,
    pub content_type: Option<String>,
    pub method: Option<String>,
    pub attempts: u32,
    pub redirects: Option<String>,
    pub fetched_at: String,
    /// Not fetched on purpose (robots.txt, budget); `error` says why.
    pub skipped: bool,
    /// A parsed page's `ETag` and `Last-Modified` (the next run's conditional request).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// A parsed page's body length in bytes.
    pub body_bytes: Option<u64>,
    /// A resource (attachment, image …) that answered 200 with an error page, confirmed by GET
    /// (see [`crate::crawl::resource`]): the sign seen and what confirmed it, in words.
    pub soft404: Option<String>,
    /// Why the URL was not read whole, when it was not: `too_large` (body over
    /// `max_body_bytes`, or a page over the DOM cap read for its links only), `too_complex`
    /// (more tags than a DOM is built for) or `too_slow` (over `url_budget_secs`); see
    /// [`crate::crawl::parse_text`].
    pub read_limit: Option<String>,
}

/// The stored facts of a parsed page.
#[derive(Debug, Clone)]
pub struct PageRow {
    pub title: String,
    pub encoding: String,
    pub encoding_source: String,
    pub soft404: Option<String>,
    pub fingerprint: u64,
    pub truncated: bool,
    /// (target URL id, element, text)
    pub links: Vec<(u32, String, String)>,
    pub meta: String,
    /// What the column checks need; written in the same transaction as the page.
    pub content: crate::extract::PageContent,
    /// How the page was read when its site renders pages ([`crate::render::Rendering::stored`]):
    /// from the DOM headless Chromium rendered, or statically and why.
    pub render: Option<String>,
}

/// A fetched URL with its result, read back for the checks.
#[derive(Debug, Clone)]
pub struct UrlRecord {
    pub id: u32,
    pub url: String,
    pub kind: UrlKind,
    pub result: UrlResult,
    pub soft404: Option<String>,
    pub fingerprint: Option<u64>,
    pub title: Option<String>,
}

/// A connection for reads and run bookkeeping.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the history database.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let wrap = |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let corrupt = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt {
                    path: path.to_path_buf(),
                    source,
                }
            }
            _ => wrap(source),
        };
        let conn = open_conn(path).map_err(corrupt)?;
        conn.execute_batch(SCHEMA).map_err(corrupt)?;
        conn.execute_batch(availability::SCHEMA).map_err(corrupt)?;
        upgrade(&conn).map_err(wrap)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Continues the unfinished run of `site` in `period`, or starts a new one (always new when
    /// `fresh`). A new run records `facts_key` ([`crate::crawl::facts_key`]).
    ///
    /// A run of the same period and check point that already finished is returned as it is
    /// (status `done`, not resumed): running the same command again rebuilds its reports from
    /// the store and fetches nothing. Not when the site's scope or the extractor changed since
    /// (`facts_key`), and not with `fresh`: then a new run starts.
    pub fn begin_run(
        &mut self,
        site: &str,
        period: &str,
        as_of: &str,
        home_url: &str,
        fresh: bool,
        facts_key: &str,
    ) -> Result<Run, StoreError> {
        let existing: Option<(i64, String, String)> = self
            .conn
            .query_row(
                "SELECT id, status, as_of FROM runs WHERE site = ?1 AND period = ?2 AND status != 'done'
                 ORDER BY id DESC LIMIT 1",
                params![site, period],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(self.err())?;
        if let Some((id, _status, prev_as_of)) = existing {
            if !fresh && prev_as_of == as_of {
                let mut run = self.run(id)?;
                run.resumed = true;
                return Ok(run);
            }
            // An abandoned attempt: drop it so it cannot be mistaken for a result.
            self.delete_run(id)?;
        } else if !fresh {
            let done: Option<i64> = self
                .conn
                .query_row(
                    "SELECT id FROM runs WHERE site = ?1 AND period = ?2 AND status = 'done'
                     AND as_of = ?3 AND home_url = ?4 AND facts_key = ?5 ORDER BY id DESC LIMIT 1",
                    params![site, period, as_of, home_url, facts_key],
                    |r| r.get(0),
                )
                .optional()
                .map_err(self.err())?;
            if let Some(id) = done {
                return self.run(id);
            }
        }
        self.conn
            .execute(
                "INSERT INTO runs (site, period, as_of, started_at, status, home_url, facts_key)
                 VALUES (?1, ?2, ?3, ?4, 'crawling', ?5, ?6)",
                params![site, period, as_of, now(), home_url, facts_key],
            )
            .map_err(self.err())?;
        let id = self.conn.last_insert_rowid();
        self.run(id)
    }

    fn delete_run(&mut self, id: i64) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|source| StoreError::Sqlite {
                path: self.path.clone(),
                source,
            })?;
        for table in [
            "urls",
            "pages",
            "page_content",
            "findings",
            "page_identity",
            "transport",
        ] {
            tx.execute(&format!("DELETE FROM {table} WHERE run_id = ?1"), [id])
                .map_err(|source| StoreError::Sqlite {
                    path: self.path.clone(),
                    source,
                })?;
        }
        tx.execute("DELETE FROM runs WHERE id = ?1", [id])
            .and_then(|_| tx.commit())
            .map_err(|source| StoreError::Sqlite {
                path: self.path.clone(),
                source,
            })
    }

    /// A run by id.
    pub fn run(&self, id: i64) -> Result<Run, StoreError> {
        self.conn
            .query_row(
                "SELECT id, site, period, as_of, status, home_url, notfound_status, notfound_fingerprint,
                        notfound_probed
                 FROM runs WHERE id = ?1",
                [id],
                |r| {
                    Ok(Run {
                        id: r.get(0)?,
                        site: r.get(1)?,
                        period: r.get(2)?,
                        as_of: r.get(3)?,
                        status: r.get(4)?,
                        home_url: r.get(5)?,
                        notfound_status: r.get::<_, Option<u16>>(6)?,
                        notfound_fingerprint: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
                        notfound_probed: r.get::<_, Option<i64>>(8)?.is_some_and(|v| v != 0),
                        resumed: false,
                    })
                },
            )
            .map_err(self.err())
    }

    /// The latest finished run of a site in a period.
    pub fn latest_done_run(&self, site: &str, period: &str) -> Result<Option<Run>, StoreError> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM runs WHERE site = ?1 AND period = ?2 AND status = 'done' ORDER BY id DESC LIMIT 1",
                params![site, period],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?;
        id.map(|id| self.run(id)).transpose()
    }

    pub fn set_status(&self, run: i64, status: &str) -> Result<(), StoreError> {
        let finished = (status == "done").then(now);
        self.conn
            .execute(
                "UPDATE runs SET status = ?2, finished_at = COALESCE(?3, finished_at) WHERE id = ?1",
                params![run, status, finished],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Records what the site answers for a path that does not exist (soft-404 detection).
    pub fn set_notfound(
        &self,
        run: i64,
        status: Option<u16>,
        fingerprint: Option<u64>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE runs SET notfound_status = ?2, notfound_fingerprint = ?3, notfound_probed = 1
                 WHERE id = ?1",
                params![run, status, fingerprint.map(|f| f as i64)],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Every URL of a run, in discovery order.
    pub fn urls(&self, run: i64) -> Result<Vec<UrlRow>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id, url, depth, kind, state FROM urls WHERE run_id = ?1 ORDER BY id")
            .map_err(self.err())?;
        let rows = st
            .query_map([run], |r| {
                Ok(UrlRow {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    depth: r.get(2)?,
                    kind: UrlKind::parse(&r.get::<_, String>(3)?),
                    done: r.get::<_, String>(4)? != "queued",
                })
            })
            .map_err(self.err())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.err())?;
        Ok(rows)
    }

    /// The URLs whose fetch did not give a clean 2xx/3xx page: candidates for findings.
    pub fn failures(&self, run: i64) -> Result<Vec<UrlRecord>, StoreError> {
        self.records(run, &format!("AND {FAILED}"))
    }

    /// The failures not re-checked yet ([`crate::crawl::recheck`]): a re-check interrupted
    /// and continued does not ask again for what it already confirmed.
    pub fn failures_to_recheck(&self, run: i64) -> Result<Vec<UrlRecord>, StoreError> {
        self.records(run, &format!("AND u.rechecked = 0 AND {FAILED}"))
    }

    /// How much of the site a run read ([`Coverage`]).
    pub fn coverage(&self, run: i64) -> Result<Coverage, StoreError> {
        let status = self.run(run)?.status;
        let count = |sql: &str| -> Result<usize, StoreError> {
            self.conn
                .query_row(sql, [run], |r| r.get::<_, i64>(0))
                .map(|n| n as usize)
                .map_err(self.err())
        };
        let urls_left = count("SELECT COUNT(*) FROM urls WHERE run_id = ?1 AND state = 'queued'")?;
        // Once the re-check has run to its end the run is `checking` or `done`.
        let failures_not_rechecked = if status == "crawling" {
            count(&format!(
                "SELECT COUNT(*) FROM urls u JOIN runs r ON r.id = u.run_id
                 LEFT JOIN pages p ON p.run_id = u.run_id AND p.url_id = u.id
                 WHERE u.run_id = ?1 AND u.rechecked = 0 AND {FAILED}"
            ))?
        } else {
            0
        };
        let budget = |b: &str| {
            count(&format!(
                "SELECT COUNT(*) FROM urls WHERE run_id = ?1 AND budget = '{b}'"
            ))
        };
        Ok(Coverage {
            crawl_complete: status != "crawling" || (urls_left == 0 && failures_not_rechecked == 0),
            urls_left,
            failures_not_rechecked,
            pages_over_max_pages: budget("max_pages")?,
            pages_over_max_depth: budget("max_depth")?,
            // Cut at the body cap, read for links only (too large, too complex) or cut by the
            // URL's budget (`urls.read_limit`, set by the crawl).
            urls_not_read_whole: count(
                "SELECT COUNT(*) FROM urls u
                 LEFT JOIN pages p ON p.run_id = u.run_id AND p.url_id = u.id
                 WHERE u.run_id = ?1 AND (COALESCE(u.read_limit, '') != '' OR p.truncated != 0)",
            )?,
        })
    }

    /// A host's robots.txt answer read less than 24 hours ago
    /// ([`crate::crawl::politeness::RobotsCache`]).
    pub fn robots(
        &self,
        authority: &str,
    ) -> Result<Option<crate::domain::RobotsAnswer>, StoreError> {
        let since = chrono::Utc::now().timestamp() - 24 * 3600;
        self.conn
            .query_row(
                "SELECT status, html, body FROM robots WHERE authority = ?1 AND fetched_at >= ?2",
                params![authority, since],
                |r| {
                    Ok(crate::domain::RobotsAnswer {
                        status: r.get(0)?,
                        html: r.get::<_, i64>(1)? != 0,
                        body: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(self.err())
    }

    /// Keeps a host's robots.txt answer (replacing an older one).
    pub fn save_robots(
        &self,
        authority: &str,
        a: &crate::domain::RobotsAnswer,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO robots (authority, fetched_at, status, html, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    authority,
                    chrono::Utc::now().timestamp(),
                    a.status,
                    a.html,
                    a.body
                ],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// The latest run of a site in a period, finished or not.
    pub fn latest_run(&self, site: &str, period: &str) -> Result<Option<Run>, StoreError> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM runs WHERE site = ?1 AND period = ?2 ORDER BY id DESC LIMIT 1",
                params![site, period],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?;
        id.map(|id| self.run(id)).transpose()
    }

    /// The URLs of a run the guard kept the crawler from contacting (internal addresses linked
    /// or redirected to from the site): reported for review, never as broken.
    pub fn not_contacted(&self, run: i64) -> Result<Vec<UrlRecord>, StoreError> {
        self.records(run, &format!("AND {}", not_contacted_sql()))
    }

    /// The ids of the URLs not settled as fine: [`Store::failures`], [`Store::not_contacted`]
    /// and those not fetched yet, without reading their records.
    pub fn unsettled(&self, run: i64) -> Result<HashSet<u32>, StoreError> {
        let sql = format!(
            "SELECT u.id FROM urls u JOIN runs r ON r.id = u.run_id
             LEFT JOIN pages p ON p.run_id = u.run_id AND p.url_id = u.id
             WHERE u.run_id = ?1 AND ({FAILED} OR {} OR u.state = 'queued')",
            not_contacted_sql()
        );
        let mut st = self.conn.prepare(&sql).map_err(self.err())?;
        let ids = st
            .query_map([run], |r| r.get(0))
            .map_err(self.err())?
            .collect::<Result<HashSet<u32>, _>>()
            .map_err(self.err())?;
        Ok(ids)
    }

    /// How a run's pages were read: (pages stored, pages revalidated with `304` and copied from
    /// an earlier run, bytes those would have cost; the body length the earlier run recorded).
    pub fn revalidated(&self, run: i64) -> Result<(usize, usize, u64), StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM pages WHERE run_id = ?1),
                        COUNT(*), COALESCE(SUM(body_bytes), 0)
                 FROM urls WHERE run_id = ?1 AND method = 'GET 304'",
                [run],
                |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64)),
            )
            .map_err(self.err())
    }

    /// The number of URLs a run met.
    pub fn url_count(&self, run: i64) -> Result<usize, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM urls WHERE run_id = ?1", [run], |r| {
                r.get(0)
            })
            .map_err(self.err())
    }

    /// Every fetched URL of a run with its result.
    pub fn records(&self, run: i64, filter: &str) -> Result<Vec<UrlRecord>, StoreError> {
        let sql = format!(
            "SELECT u.id, u.url, u.kind, u.status, u.error, u.final_url, u.content_type, u.method,
                    u.attempts, u.redirects, u.fetched_at, u.state, COALESCE(p.soft404, u.soft404),
                    p.fingerprint, p.title, u.read_limit
             FROM urls u JOIN runs r ON r.id = u.run_id
             LEFT JOIN pages p ON p.run_id = u.run_id AND p.url_id = u.id
             WHERE u.run_id = ?1 {filter} ORDER BY u.id"
        );
        let mut st = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = st
            .query_map([run], |r| {
                Ok(UrlRecord {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    kind: UrlKind::parse(&r.get::<_, String>(2)?),
                    result: UrlResult {
                        status: r.get(3)?,
                        error: r.get(4)?,
                        final_url: r.get(5)?,
                        content_type: r.get(6)?,
                        method: r.get(7)?,
                        attempts: r.get::<_, Option<u32>>(8)?.unwrap_or(0),
                        redirects: r.get(9)?,
                        fetched_at: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                        skipped: r.get::<_, String>(11)? == "skipped",
                        read_limit: r.get(15)?,
                        ..Default::default()
                    },
                    soft404: r.get(12)?,
                    fingerprint: r.get::<_, Option<i64>>(13)?.map(|v| v as u64),
                    title: r.get(14)?,
                })
            })
            .map_err(self.err())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.err())?;
        Ok(rows)
    }

    /// The pages of a run that were to be rendered ([`crate::render`]): their URL (as crawled,
    /// and where it redirected to) and how they were read (`pages.render`).
    pub fn rendered_pages(
        &self,
        run: i64,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT u.url, u.final_url, p.render FROM pages p
                 JOIN urls u ON u.run_id = p.run_id AND u.id = p.url_id
                 WHERE p.run_id = ?1 AND p.render IS NOT NULL",
            )
            .map_err(self.err())?;
        let mut out = std::collections::HashMap::new();
        let mut rows = st.query([run]).map_err(self.err())?;
        while let Some(r) = rows.next().map_err(self.err())? {
            let render: String = r.get(2).map_err(self.err())?;
            if let Some(f) = r.get::<_, Option<String>>(1).map_err(self.err())? {
                out.insert(f, render.clone());
            }
            out.insert(r.get(0).map_err(self.err())?, render);
        }
        Ok(out)
    }

    /// The links of one page (the homepage is id 0): (target URL id, element, text).
    pub fn page_links(&self, run: i64, id: u32) -> Result<Vec<(u32, String, String)>, StoreError> {
        let links: Option<String> = self
            .conn
            .query_row(
                "SELECT links FROM pages WHERE run_id = ?1 AND url_id = ?2",
                params![run, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?;
        Ok(links
            .and_then(|l| serde_json::from_str(&l).ok())
            .unwrap_or_default())
    }

    /// The latest finished run of a site in any period.
    pub fn latest_done_run_any(&self, site: &str) -> Result<Option<Run>, StoreError> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM runs WHERE site = ?1 AND status = 'done' ORDER BY as_of DESC, id DESC LIMIT 1",
                params![site],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?;
        id.map(|id| self.run(id)).transpose()
    }

    /// Replaces a run's findings and fills in each one's `first_seen` from the history.
    pub fn save_findings(&mut self, run: i64, findings: &mut [Finding]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let e = move |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&e)?;
        tx.execute("DELETE FROM findings WHERE run_id = ?1", [run])
            .map_err(&e)?;
        {
            let mut hist = tx
                .prepare(
                    "INSERT INTO history (site, id, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
                     ON CONFLICT (site, id) DO UPDATE SET last_seen = excluded.last_seen
                     RETURNING first_seen",
                )
                .map_err(&e)?;
            let mut ins = tx
                .prepare(
                    "INSERT OR REPLACE INTO findings (run_id, id, site, check_name, severity, url, page_url,
                        observed_at, first_seen, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(&e)?;
            for f in findings.iter_mut() {
                f.first_seen = hist
                    .query_row(params![f.site, f.id, f.observed_at], |r| r.get(0))
                    .map_err(&e)?;
                ins.execute(params![
                    run,
                    f.id,
                    f.site,
                    f.check,
                    f.severity.as_str(),
                    f.url,
                    f.page_url,
                    f.observed_at,
                    f.first_seen,
                    f.evidence.to_string()
                ])
                .map_err(&e)?;
            }
        }
        tx.commit().map_err(&e)
    }

    /// Records a run's score (replacing an earlier one).
    pub fn save_score(&self, run: i64, score: &crate::domain::SiteScore) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO scores (run_id, score, pass, detail) VALUES (?1, ?2, ?3, ?4)",
                params![
                    run,
                    score.score,
                    score.pass,
                    serde_json::to_string(score).unwrap_or_default()
                ],
            )
            .map(|_| ())
            .map_err(self.err())
    }

    /// A run's score and verdict, if it was scored.
    pub fn score(&self, run: i64) -> Result<Option<(f64, bool)>, StoreError> {
        self.conn
            .query_row(
                "SELECT score, pass FROM scores WHERE run_id = ?1",
                [run],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.err())
    }

    /// The latest finished run of every (period, site) whose period matches the SQLite `GLOB`
    /// pattern, oldest period first.
    pub fn done_runs(&self, period_glob: &str) -> Result<Vec<Run>, StoreError> {
        let ids: Vec<i64> = {
            let mut st = self
                .conn
                .prepare(
                    "SELECT MAX(id) FROM runs WHERE status = 'done' AND period GLOB ?1
                     GROUP BY period, site ORDER BY period, site",
                )
                .map_err(self.err())?;
            let rows = st
                .query_map([period_glob], |r| r.get(0))
                .map_err(self.err())?
                .collect::<Result<Vec<_>, _>>()
                .map_err(self.err())?;
            rows
        };
        ids.into_iter().map(|id| self.run(id)).collect()
    }

    /// The findings saved for a run.
    pub fn findings(&self, run: i64) -> Result<Vec<Finding>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, site, check_name, severity, url, page_url, observed_at, first_seen, evidence
                 FROM findings WHERE run_id = ?1 ORDER BY check_name, page_url, url",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map([run], |r| {
                Ok(Finding {
                    id: r.get(0)?,
                    site: r.get(1)?,
                    check: crate::domain::check_name(&r.get::<_, String>(2)?),
                    severity: crate::domain::Severity::parse(&r.get::<_, String>(3)?),
                    url: r.get(4)?,
                    page_url: r.get(5)?,
                    observed_at: r.get(6)?,
                    first_seen: r.get(7)?,
                    evidence: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
                })
            })
            .map_err(self.err())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.err())?;
        Ok(rows)
    }
}

/// Columns added since the first release: a database written by an older govpatrol gains them
/// in place (`ALTER TABLE … ADD COLUMN`; the old rows read as NULL), so the history is kept.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("urls", "etag", "TEXT"),
    ("urls", "last_modified", "TEXT"),
    ("urls", "body_bytes", "INTEGER"),
    ("runs", "facts_key", "TEXT"),
    ("urls", "soft404", "TEXT"),
    ("pages", "render", "TEXT"),
    ("urls", "budget", "TEXT"),
    ("runs", "notfound_probed", "INTEGER"),
    ("urls", "read_limit", "TEXT"),
];

fn upgrade(conn: &Connection) -> rusqlite::Result<()> {
    for (table, column, ty) in ADDED_COLUMNS {
        let mut st = conn.prepare(&format!(
            "SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"
        ))?;
        if !st.exists([column])? {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {ty}"))?;
        }
    }
    Ok(())
}

fn open_conn(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // 512 KiB of page cache (the default is 2 MB per connection): a run streams its tables
    // once, and a crawl keeps three connections open.
    conn.pragma_update(None, "cache_size", -512)?;
    Ok(conn)
}

/// The current time, RFC 3339, local offset, seconds.
pub fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A URL discovered on a page, to queue.
#[derive(Debug, Clone)]
pub struct NewUrl {
    pub id: u32,
    pub url: String,
    pub depth: u32,
    pub kind: UrlKind,
    /// A page turned into a plain check by a budget: `max_pages` or `max_depth`.
    pub budget: Option<&'static str>,
}

/// A write for the [`Writer`] thread; each message is applied atomically.
#[derive(Debug)]
pub enum Write {
    /// URLs to queue (the homepage at the start of a run).
    Queue { run: i64, urls: Vec<NewUrl> },
    /// One URL finished: its result, its page facts if it was parsed, the URLs it revealed.
    Done {
        run: i64,
        id: u32,
        result: UrlResult,
        /// Boxed: a page's facts are much larger than the other writes.
        page: Option<Box<PageRow>>,
        discovered: Vec<NewUrl>,
    },
    /// One page answered `304 Not Modified`: its result, and its stored rows copied from the
    /// earlier run `from` = (run id, URL id) with `links` (new URL ids) in place of the old ones.
    Revalidated {
        run: i64,
        id: u32,
        result: UrlResult,
        from: (i64, u32),
        links: Vec<(u32, String, String)>,
        discovered: Vec<NewUrl>,
    },
    /// The end-of-crawl re-check of a failure; `page` is the new (soft-404 reason, fingerprint)
    /// when the page was parsed again.
    Recheck {
        run: i64,
        id: u32,
        result: UrlResult,
        page: Option<(Option<String>, u64)>,
    },
    /// A parsed page's kind and, for the homepage, its footer items (sent in the same batch as
    /// the page's `Done`, so both are committed together).
    Identity {
        run: i64,
        id: u32,
        kind: crate::extract::identity::PageKind,
        footer: Option<crate::extract::identity::FooterFacts>,
    },
    /// Several writes at once (fewer wake-ups of the writer thread during a fast crawl).
    Batch(Vec<Write>),
    /// Answered once everything sent before is committed.
    Flush(mpsc::Sender<()>),
}

/// A thread that applies [`Write`]s in batched transactions.
pub struct Writer {
    tx: Option<mpsc::SyncSender<Write>>,
    thread: Option<JoinHandle<()>>,
    failed: Arc<Mutex<Option<String>>>,
    path: PathBuf,
}

impl Writer {
    pub fn start(path: &Path) -> Result<Writer, StoreError> {
        let conn = open_conn(path).map_err(|source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        let (tx, rx) = mpsc::sync_channel::<Write>(256);
        let failed = Arc::new(Mutex::new(None));
        let flag = failed.clone();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                if let Err(e) = writer_loop(conn, rx) {
                    tracing::error!("history database write failed: {e}");
                    *flag.lock().expect("flag") = Some(format!("{e}{}", io_hint(&e)));
                }
            })
            .expect("spawn store writer");
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
            failed,
            path: path.to_path_buf(),
        })
    }

    fn failure(&self) -> StoreError {
        StoreError::Writer {
            path: self.path.clone(),
            message: self
                .failed
                .lock()
                .expect("flag")
                .clone()
                .unwrap_or_else(|| "writer thread ended".into()),
        }
    }

    /// Queues a write; fails when the writer has stopped (disk full, database locked …).
    pub fn send(&self, w: Write) -> Result<(), StoreError> {
        self.tx
            .as_ref()
            .expect("writer open")
            .send(w)
            .map_err(|_| self.failure())
    }

    /// Waits until everything sent so far is committed.
    pub fn flush(&self) -> Result<(), StoreError> {
        let (tx, rx) = mpsc::channel();
        self.send(Write::Flush(tx))?;
        rx.recv().map_err(|_| self.failure())
    }

    /// Commits what is queued and stops the thread.
    pub fn close(mut self) -> Result<(), StoreError> {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        match self.failed.lock().expect("flag").clone() {
            Some(_) => Err(self.failure()),
            None => Ok(()),
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn writer_loop(mut conn: Connection, rx: mpsc::Receiver<Write>) -> rusqlite::Result<()> {
    while let Ok(first) = rx.recv() {
        let mut flushes = Vec::new();
        let tx = conn.transaction()?;
        let mut next = Some(first);
        let mut n = 0;
        while let Some(w) = next.take() {
            match w {
                Write::Flush(done) => flushes.push(done),
                w => apply(&tx, w)?,
            }
            n += 1;
            if n < 2000 {
                next = rx.try_recv().ok();
            }
        }
        tx.commit()?;
        for f in flushes {
            let _ = f.send(());
        }
    }
    Ok(())
}

fn apply(tx: &rusqlite::Transaction<'_>, w: Write) -> rusqlite::Result<()> {
    let queue = |run: i64, urls: &[NewUrl]| -> rusqlite::Result<()> {
        let mut st = tx.prepare_cached(
            "INSERT OR IGNORE INTO urls (run_id, id, url, depth, kind, state, budget)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6)",
        )?;
        for u in urls {
            st.execute(params![
                run,
                u.id,
                u.url,
                u.depth,
                u.kind.as_str(),
                u.budget
            ])?;
        }
        Ok(())
    };
    let result = |run: i64, id: u32, r: &UrlResult, recheck: bool| -> rusqlite::Result<()> {
        let mut st = tx.prepare_cached(
            "UPDATE urls SET state = ?3, status = ?4, error = ?5, final_url = ?6, content_type = ?7,
                method = ?8, attempts = ?9, redirects = ?10, fetched_at = ?11, rechecked = ?12,
                soft404 = ?13, read_limit = ?14
             WHERE run_id = ?1 AND id = ?2",
        )?;
        st.execute(params![
            run,
            id,
            if r.skipped { "skipped" } else { "done" },
            r.status,
            r.error,
            r.final_url,
            r.content_type,
            r.method,
            r.attempts,
            r.redirects,
            r.fetched_at,
            recheck,
            r.soft404,
            r.read_limit
        ])?;
        // The validators belong with the page rows they describe: the re-check of a failure
        // stores no page rows, so it leaves them alone.
        if !recheck {
            tx.prepare_cached(
                "UPDATE urls SET etag = ?3, last_modified = ?4, body_bytes = ?5
                 WHERE run_id = ?1 AND id = ?2",
            )?
            .execute(params![
                run,
                id,
                r.etag,
                r.last_modified,
                r.body_bytes.map(|b| b as i64)
            ])?;
        }
        Ok(())
    };
    match w {
        Write::Queue { run, urls } => queue(run, &urls),
        Write::Done {
            run,
            id,
            result: r,
            page,
            discovered,
        } => {
            queue(run, &discovered)?;
            result(run, id, &r, false)?;
            if let Some(p) = page {
                let mut st = tx.prepare_cached(
                    "INSERT OR REPLACE INTO pages (run_id, url_id, title, encoding, encoding_source, soft404,
                        fingerprint, truncated, links, meta, render)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?;
                st.execute(params![
                    run,
                    id,
                    p.title,
                    p.encoding,
                    p.encoding_source,
                    p.soft404,
                    p.fingerprint as i64,
                    p.truncated,
                    serde_json::to_string(&p.links).unwrap_or_else(|_| "[]".into()),
                    p.meta,
                    p.render
                ])?;
                let c = &p.content;
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO page_content (run_id, url_id, kind, pub_date, pub_source, content)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    run,
                    id,
                    serde_json::to_value(c.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    c.pub_date.as_ref().map(|d| d.date.to_string()),
                    c.pub_date.as_ref().map(|d| d.source.as_str()),
                    serde_json::to_string(c).unwrap_or_else(|_| "{}".into()),
                ])?;
            }
            Ok(())
        }
        Write::Revalidated {
            run,
            id,
            result: r,
            from: (old_run, old_id),
            links,
            discovered,
        } => {
            queue(run, &discovered)?;
            result(run, id, &r, false)?;
            // Every table keyed by (run, page): the page's facts with its links renumbered,
            // what the column checks read, and its kind and (homepage) footer.
            tx.prepare_cached(
                "INSERT OR REPLACE INTO pages (run_id, url_id, title, encoding, encoding_source, soft404,
                    fingerprint, truncated, links, meta)
                 SELECT ?1, ?2, title, encoding, encoding_source, soft404, fingerprint, truncated, ?5, meta
                 FROM pages WHERE run_id = ?3 AND url_id = ?4",
            )?
            .execute(params![
                run,
                id,
                old_run,
                old_id,
                serde_json::to_string(&links).unwrap_or_else(|_| "[]".into())
            ])?;
            for sql in [
                "INSERT OR REPLACE INTO page_content (run_id, url_id, kind, pub_date, pub_source, content)
                 SELECT ?1, ?2, kind, pub_date, pub_source, content
                 FROM page_content WHERE run_id = ?3 AND url_id = ?4",
                "INSERT OR REPLACE INTO page_identity (run_id, url_id, kind, footer)
                 SELECT ?1, ?2, kind, footer FROM page_identity WHERE run_id = ?3 AND url_id = ?4",
            ] {
                tx.prepare_cached(sql)?
                    .execute(params![run, id, old_run, old_id])?;
            }
            Ok(())
        }
        Write::Recheck {
            run,
            id,
            result: r,
            page,
        } => {
            result(run, id, &r, true)?;
            if let Some((soft404, fingerprint)) = page {
                tx.prepare_cached(
                    "UPDATE pages SET soft404 = ?3, fingerprint = ?4 WHERE run_id = ?1 AND url_id = ?2",
                )?
                .execute(params![run, id, soft404, fingerprint as i64])?;
            }
            Ok(())
        }
        Write::Identity {
            run,
            id,
            kind,
            footer,
        } => availability::apply_identity(tx, run, id, kind, footer.as_ref()),
        Write::Batch(ws) => ws.into_iter().try_for_each(|w| apply(tx, w)),
        Write::Flush(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same command after a finished run reports it again instead of crawling again; a run
    /// under another scope or extractor (`facts_key`), another check point, or `fresh`, starts
    /// anew; an unfinished run is continued.
    #[test]
    fn a_finished_run_is_reused_only_for_the_same_check_point_and_facts() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("h.sqlite")).unwrap();
        let begin = |s: &mut Store, as_of: &str, fresh: bool, key: &str| {
            s.begin_run("a", "2026-11", as_of, "http://a.gov.cn/", fresh, key)
                .unwrap()
        };
        let first = begin(&mut s, "2026-11-25", false, "k1");
        assert!(!first.resumed && first.status == "crawling");
        let again = begin(&mut s, "2026-11-25", false, "k1");
        assert!(
            again.resumed && again.id == first.id,
            "an unfinished run is continued"
        );
        s.set_status(first.id, "done").unwrap();
        let same = begin(&mut s, "2026-11-25", false, "k1");
        assert_eq!(
            (same.id, same.status.as_str(), same.resumed),
            (first.id, "done", false)
        );
        for (as_of, fresh, key) in [
            ("2026-11-25", true, "k1"),
            ("2026-11-25", false, "k2"),
            ("2026-11-26", false, "k1"),
        ] {
            let new = begin(&mut s, as_of, fresh, key);
            assert!(
                new.id != first.id && new.status == "crawling",
                "{as_of} {fresh} {key}"
            );
            s.set_status(new.id, "done").unwrap();
        }
    }
}
