//! The earlier run a new crawl revalidates against (conditional requests, issue "second run").
//!
//! A page read with GET and `200` keeps its `ETag` and `Last-Modified` in `urls`. The next run
//! of the same site sends them back (`If-None-Match`, `If-Modified-Since`); a server that answers
//! `304 Not Modified` has not changed the page, so its stored rows are copied instead of fetching
//! and parsing it again ([`super::Write::Revalidated`]). [`Previous`] finds that earlier run —
//! the latest *done* run of the site, any period, whose stored facts mean the same as this
//! run's would (the same [`crate::crawl::facts_key`]: the same extractor, the same site scope)
//! — and answers, URL by URL, what to send and what was stored.
//!
//! Memory stays small at 100,000 pages: it keeps one 64-bit hash of each revalidatable URL with
//! the URL's old id (a few MB), and reads the validators and rows of one URL at a time through
//! its own read connection, when that URL comes up in the crawl.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use url::Url;

use super::{Run, Store, StoreError};
use crate::extract::Link;

/// What to send for one URL, and what the earlier run stored of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Validators {
    /// The earlier run, and the URL's id in it.
    pub old_run: i64,
    pub old_id: u32,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Where the page was read (after redirects): a `304` from anywhere else is not this page.
    pub final_url: String,
    pub content_type: Option<String>,
    pub body_bytes: Option<u64>,
}

/// An unchanged page's links as the earlier run stored them, with URLs instead of that run's
/// ids, and the pages of its list (pagination), to classify and queue like a parsed page's.
#[derive(Debug, Clone, Default)]
pub struct Unchanged {
    pub links: Vec<Link>,
    pub pagination: Vec<Url>,
}

/// The earlier run of a site, for conditional requests.
pub struct Previous {
    /// The earlier run (its `period` names it in the log).
    pub run: Run,
    /// Hash of the URL → the URL's id in the earlier run, for pages that can be revalidated.
    index: HashMap<u64, u32>,
    hasher: RandomState,
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Previous {
    /// The latest finished run of `site` other than `current`, recorded with the same
    /// `facts_key`, with pages that can be revalidated; or `None`.
    pub fn open(
        path: &Path,
        site: &str,
        current: i64,
        facts_key: &str,
    ) -> Result<Option<Previous>, StoreError> {
        let store = Store::open(path)?;
        let id: Option<i64> = store
            .conn
            .query_row(
                "SELECT id FROM runs WHERE site = ?1 AND status = 'done' AND id != ?2
                   AND facts_key = ?3 ORDER BY id DESC LIMIT 1",
                params![site, current, facts_key],
                |r| r.get(0),
            )
            .optional()
            .map_err(store.err())?;
        let Some(id) = id else { return Ok(None) };
        let run = store.run(id)?;
        let hasher = RandomState::new();
        let mut index = HashMap::new();
        {
            // Pages read with GET and 200 that carried a validator and have their rows; not
            // those re-checked at the end of that run (their rows and validators may disagree).
            let mut st = store
                .conn
                .prepare(
                    "SELECT u.id, u.url FROM urls u
                     JOIN pages p ON p.run_id = u.run_id AND p.url_id = u.id
                     WHERE u.run_id = ?1 AND u.kind = 'page' AND u.status = 200 AND u.rechecked = 0
                       AND (u.etag IS NOT NULL OR u.last_modified IS NOT NULL)",
                )
                .map_err(store.err())?;
            let mut rows = st.query([id]).map_err(store.err())?;
            while let Some(r) = rows.next().map_err(store.err())? {
                let url_id: u32 = r.get(0).map_err(store.err())?;
                let url: String = r.get(1).map_err(store.err())?;
                index.insert(hasher.hash_one(&url), url_id);
            }
        }
        if index.is_empty() {
            return Ok(None);
        }
        index.shrink_to_fit();
        Ok(Some(Previous {
            run,
            index,
            hasher,
            conn: Mutex::new(store.conn),
            path: path.to_path_buf(),
        }))
    }

    /// How many pages of the earlier run can be revalidated.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The validators stored for `url`, if the earlier run read it as a page.
    pub fn validators(&self, url: &str) -> Result<Option<Validators>, StoreError> {
        let Some(&old_id) = self.index.get(&self.hasher.hash_one(url)) else {
            return Ok(None);
        };
        let conn = self.conn();
        let row = conn
            .prepare_cached(
                "SELECT url, etag, last_modified, COALESCE(final_url, url), content_type, body_bytes
                 FROM urls WHERE run_id = ?1 AND id = ?2",
            )
            .and_then(|mut st| {
                st.query_row(params![self.run.id, old_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        Validators {
                            old_run: self.run.id,
                            old_id,
                            etag: r.get(1)?,
                            last_modified: r.get(2)?,
                            final_url: r.get(3)?,
                            content_type: r.get(4)?,
                            body_bytes: r.get::<_, Option<i64>>(5)?.map(|b| b as u64),
                        },
                    ))
                })
                .optional()
            })
            .map_err(self.err())?;
        // the hash matched; the URL itself must too
        Ok(row.filter(|(u, _)| u == url).map(|(_, v)| v))
    }

    /// The links and pagination the earlier run stored for its page `old_id`, or `None` when
    /// any of its rows is missing or unreadable (the caller then fetches the page afresh).
    pub fn unchanged(&self, old_id: u32) -> Result<Option<Unchanged>, StoreError> {
        let conn = self.conn();
        let run = self.run.id;
        let rows = conn
            .prepare_cached(
                "SELECT p.links, c.content FROM pages p
                 JOIN page_content c ON c.run_id = p.run_id AND c.url_id = p.url_id
                 JOIN page_identity i ON i.run_id = p.run_id AND i.url_id = p.url_id
                 WHERE p.run_id = ?1 AND p.url_id = ?2",
            )
            .and_then(|mut st| {
                st.query_row(params![run, old_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .optional()
            })
            .map_err(self.err())?;
        let Some((links, content)) = rows else {
            return Ok(None);
        };
        let Ok(links) = serde_json::from_str::<Vec<(u32, String, String)>>(&links) else {
            return Ok(None);
        };
        #[derive(serde::Deserialize)]
        struct Pagination {
            #[serde(default)]
            pagination: Vec<Url>,
        }
        let Ok(Pagination { pagination }) = serde_json::from_str(&content) else {
            return Ok(None);
        };
        let mut url_of = conn
            .prepare_cached("SELECT url FROM urls WHERE run_id = ?1 AND id = ?2")
            .map_err(self.err())?;
        let mut out = Vec::with_capacity(links.len());
        for (target, element, text) in links {
            let url: Option<String> = url_of
                .query_row(params![run, target], |r| r.get(0))
                .optional()
                .map_err(self.err())?;
            let Some(url) = url.and_then(|u| Url::parse(&u).ok()) else {
                return Ok(None);
            };
            out.push(Link { url, element, text });
        }
        Ok(Some(Unchanged {
            links: out,
            pagination,
        }))
    }
}
