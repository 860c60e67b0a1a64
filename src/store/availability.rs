//! Store tables for availability and identity (issue 7), kept apart from the crawl tables:
//!
//! - `probes`: one row per homepage probe (`govpatrol probe`), committed as it is made, so a
//!   probe loop that is killed loses nothing but the probe in flight;
//! - `transport`: the TLS certificate, http→https and IPv6 facts of a run's homepage (JSON);
//! - `page_identity`: the kind (list / article / other) of every parsed page of a run and, for
//!   the homepage, the footer items found (JSON), written in the same transaction as the page.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::domain::TransportFacts;
use crate::extract::identity::{FooterFacts, PageKind};

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS probes (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    at TEXT NOT NULL,                -- RFC 3339, local offset
    at_unix INTEGER NOT NULL,        -- seconds since the epoch (window queries)
    ok INTEGER NOT NULL,
    status INTEGER,
    ttfb_ms INTEGER,                 -- time to the response head
    total_ms INTEGER,                -- time to the end of the body
    error TEXT
);
CREATE INDEX IF NOT EXISTS probes_site_time ON probes (site, at_unix);
CREATE TABLE IF NOT EXISTS transport (
    run_id INTEGER PRIMARY KEY,
    facts TEXT NOT NULL              -- JSON TransportFacts
);
CREATE TABLE IF NOT EXISTS page_identity (
    run_id INTEGER NOT NULL,
    url_id INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- list | article | other
    footer TEXT,                     -- JSON FooterFacts (homepage only)
    PRIMARY KEY (run_id, url_id)
) WITHOUT ROWID;
";

/// One homepage probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    pub site: String,
    pub url: String,
    /// RFC 3339.
    pub at: String,
    pub at_unix: i64,
    /// The homepage opened (2xx/3xx within the timeout).
    pub ok: bool,
    pub status: Option<u16>,
    pub ttfb_ms: Option<u64>,
    pub total_ms: Option<u64>,
    pub error: Option<String>,
}

/// A parsed page of a run with what the metadata checks need.
#[derive(Debug, Clone)]
pub struct PageIdentity {
    pub id: u32,
    /// Where the page was read (the final URL after redirects).
    pub url: String,
    /// `<meta name>` tags, names lower-cased.
    pub meta: BTreeMap<String, String>,
    pub kind: PageKind,
    /// Stored for the homepage only.
    pub footer: Option<FooterFacts>,
}

impl Store {
    /// Records one probe (committed at once).
    pub fn insert_probe(&self, p: &Probe) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO probes (site, url, at, at_unix, ok, status, ttfb_ms, total_ms, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    p.site,
                    p.url,
                    p.at,
                    p.at_unix,
                    p.ok,
                    p.status,
                    p.ttfb_ms.map(|v| v as i64),
                    p.total_ms.map(|v| v as i64),
                    p.error
                ],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// The probes of `site` with `from <= at_unix < to`, oldest first.
    pub fn probes(&self, site: &str, from: i64, to: i64) -> Result<Vec<Probe>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT site, url, at, at_unix, ok, status, ttfb_ms, total_ms, error FROM probes
                 WHERE site = ?1 AND at_unix >= ?2 AND at_unix < ?3 ORDER BY at_unix, id",
            )
            .map_err(self.err())?;
        let rows = st
            .query_map(params![site, from, to], |r| {
                Ok(Probe {
                    site: r.get(0)?,
                    url: r.get(1)?,
                    at: r.get(2)?,
                    at_unix: r.get(3)?,
                    ok: r.get(4)?,
                    status: r.get(5)?,
                    ttfb_ms: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
                    total_ms: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
                    error: r.get(8)?,
                })
            })
            .map_err(self.err())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.err())?;
        Ok(rows)
    }

    /// Saves the transport facts of a run (replacing earlier ones).
    pub fn save_transport(&self, run: i64, facts: &TransportFacts) -> Result<(), StoreError> {
        let json = serde_json::to_string(facts).unwrap_or_else(|_| "{}".into());
        self.conn
            .execute(
                "INSERT OR REPLACE INTO transport (run_id, facts) VALUES (?1, ?2)",
                params![run, json],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// The transport facts of a run, if they were recorded.
    pub fn transport(&self, run: i64) -> Result<Option<TransportFacts>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT facts FROM transport WHERE run_id = ?1",
                [run],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Every page of a run that opened as a real page (no error status, no soft 404), with its
    /// meta tags, kind and (homepage) footer, in URL id order. The homepage is one even when the
    /// server answers missing paths with it (its fingerprint is then the not-found page's). A page reached under several URLs
    /// (redirects) is listed once, under its final URL.
    pub fn for_each_page_identity(
        &self,
        run: i64,
        mut f: impl FnMut(PageIdentity),
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT u.id, COALESCE(u.final_url, u.url), p.meta, i.kind, i.footer
                 FROM pages p JOIN urls u ON u.run_id = p.run_id AND u.id = p.url_id
                 JOIN runs r ON r.id = p.run_id
                 LEFT JOIN page_identity i ON i.run_id = p.run_id AND i.url_id = p.url_id
                 WHERE p.run_id = ?1 AND p.soft404 IS NULL AND u.error IS NULL
                   AND (u.status IS NULL OR u.status < 400)
                   AND NOT (r.notfound_fingerprint IS NOT NULL AND p.fingerprint = r.notfound_fingerprint
                            AND u.id != 0)
                 ORDER BY u.id",
            )
            .map_err(self.err())?;
        let mut rows = st.query([run]).map_err(self.err())?;
        let mut seen = std::collections::HashSet::new();
        while let Some(r) = rows.next().map_err(self.err())? {
            let url: String = r.get(1).map_err(self.err())?;
            if !seen.insert(url.clone()) {
                continue;
            }
            f(PageIdentity {
                id: r.get(0).map_err(self.err())?,
                url,
                meta: serde_json::from_str(&r.get::<_, String>(2).map_err(self.err())?)
                    .unwrap_or_default(),
                kind: PageKind::parse(
                    &r.get::<_, Option<String>>(3)
                        .map_err(self.err())?
                        .unwrap_or_default(),
                ),
                footer: r
                    .get::<_, Option<String>>(4)
                    .map_err(self.err())?
                    .and_then(|j| serde_json::from_str(&j).ok()),
            });
        }
        Ok(())
    }
}

/// Writer side: a page's kind and (homepage) footer.
pub(super) fn apply_identity(
    tx: &rusqlite::Transaction<'_>,
    run: i64,
    id: u32,
    kind: PageKind,
    footer: Option<&FooterFacts>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO page_identity (run_id, url_id, kind, footer) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        run,
        id,
        kind.as_str(),
        footer.and_then(|f| serde_json::to_string(f).ok())
    ])?;
    Ok(())
}
