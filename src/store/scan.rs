//! One read of a run's stored pages for every check over pages (issue 19): each page's row of
//! `pages` with its links and, when it has one, its row of `page_content`, in one query and one
//! JSON parse each. The checks over pages (`run::check_pages`) used to read the store once per
//! check family (columns, interpretations, messages, the link check's links), parsing every
//! page's content and links three times.

use std::collections::HashSet;

use super::{Store, StoreError, StoredPage};

/// One stored page as [`Store::for_each_page`] hands it over: its id and URL as crawled, its
/// content when it has some (every page read with `GET` and parsed has), and its links
/// (target URL id, element, text), borrowed from the row.
pub struct ScannedPage<'a> {
    pub id: u32,
    pub url: &'a str,
    pub content: Option<StoredPage>,
    pub links: &'a [(u32, &'a str, &'a str)],
}

impl Store {
    /// Calls `f` for every stored page of a run, in URL id order, one page at a time (the
    /// checks keep only what they judge).
    pub fn for_each_page(&self, run: i64, f: impl FnMut(ScannedPage)) -> Result<(), StoreError> {
        self.scan_pages(run, None, f)
    }

    /// [`Store::for_each_page`] for the pages of `ids` only (each read at most once).
    pub fn for_pages(
        &self,
        run: i64,
        ids: &[u32],
        f: impl FnMut(ScannedPage),
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.scan_pages(run, Some(ids), f)
    }

    fn scan_pages(
        &self,
        run: i64,
        ids: Option<&[u32]>,
        mut f: impl FnMut(ScannedPage),
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT p.url_id, u.url, u.final_url, u.depth, u.fetched_at, p.title, p.links, c.content
             FROM pages p JOIN urls u ON u.run_id = p.run_id AND u.id = p.url_id
             LEFT JOIN page_content c ON c.run_id = p.run_id AND c.url_id = p.url_id
             WHERE p.run_id = ?1 {} ORDER BY p.url_id",
            if ids.is_some() { "AND p.url_id = ?2" } else { "" }
        );
        let mut st = self.conn.prepare(&sql).map_err(self.err())?;
        let mut one = |r: &rusqlite::Row| -> Result<(), StoreError> {
            let id: u32 = r.get(0).map_err(self.err())?;
            let url: String = r.get(1).map_err(self.err())?;
            let text = |i: usize| text_at(r, i).map_err(self.err());
            let content = match text(7)? {
                Some(c) => Some(StoredPage {
                    id,
                    url: url.clone(),
                    final_url: r.get(2).map_err(self.err())?,
                    depth: r.get(3).map_err(self.err())?,
                    fetched_at: r
                        .get::<_, Option<String>>(4)
                        .map_err(self.err())?
                        .unwrap_or_default(),
                    title: r.get(5).map_err(self.err())?,
                    content: serde_json::from_str(c).unwrap_or_default(),
                }),
                None => None,
            };
            let links = text(6)?.unwrap_or("[]");
            // Borrowed from the row (1.2 million links at 20,000 pages, most of them never
            // looked at); a text with an escape in it needs the owned form.
            let owned: Vec<(u32, String, String)>;
            let borrowed: Vec<(u32, &str, &str)> = match serde_json::from_str(links) {
                Ok(b) => b,
                Err(_) => {
                    owned = serde_json::from_str(links).unwrap_or_default();
                    owned
                        .iter()
                        .map(|(t, e, x)| (*t, e.as_str(), x.as_str()))
                        .collect()
                }
            };
            f(ScannedPage {
                id,
                url: &url,
                content,
                links: &borrowed,
            });
            Ok(())
        };
        match ids {
            None => {
                let mut rows = st.query([run]).map_err(self.err())?;
                while let Some(r) = rows.next().map_err(self.err())? {
                    one(r)?;
                }
            }
            Some(ids) => {
                let mut ids = ids.to_vec();
                ids.sort_unstable();
                ids.dedup();
                for id in ids {
                    let mut rows = st.query(rusqlite::params![run, id]).map_err(self.err())?;
                    while let Some(r) = rows.next().map_err(self.err())? {
                        one(r)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The ids of a run's pages stored as `kind` (from `page_content.kind`, no JSON read).
    pub fn page_ids_of_kind(
        &self,
        run: i64,
        kind: crate::extract::PageKind,
    ) -> Result<HashSet<u32>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT url_id FROM page_content WHERE run_id = ?1 AND kind = ?2")
            .map_err(self.err())?;
        let ids = st
            .query_map(rusqlite::params![run, kind_name(kind)], |r| r.get(0))
            .map_err(self.err())?
            .collect::<Result<HashSet<u32>, _>>()
            .map_err(self.err())?;
        Ok(ids)
    }

    /// The ids of a run's pages that may be list pages: stored as lists, or whose URL (as
    /// crawled or where it redirected) is `pinned`.
    pub fn list_page_ids(
        &self,
        run: i64,
        pinned: impl Fn(&str) -> bool,
    ) -> Result<HashSet<u32>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT c.url_id, c.kind = ?2, u.url, u.final_url FROM page_content c
                 JOIN urls u ON u.run_id = c.run_id AND u.id = c.url_id WHERE c.run_id = ?1",
            )
            .map_err(self.err())?;
        let mut rows = st
            .query(rusqlite::params![
                run,
                kind_name(crate::extract::PageKind::List)
            ])
            .map_err(self.err())?;
        let mut ids = HashSet::new();
        while let Some(r) = rows.next().map_err(self.err())? {
            let list: bool = r.get(1).map_err(self.err())?;
            let url = text_at(r, 2).map_err(self.err())?.unwrap_or_default();
            let final_url = text_at(r, 3).map_err(self.err())?;
            if list || pinned(url) || final_url.is_some_and(&pinned) {
                ids.insert(r.get(0).map_err(self.err())?);
            }
        }
        Ok(ids)
    }
}

/// A page kind as `page_content.kind` stores it.
fn kind_name(kind: crate::extract::PageKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A text column of a row (`None` for NULL), borrowed from the row.
fn text_at<'r>(r: &'r rusqlite::Row, i: usize) -> Result<Option<&'r str>, rusqlite::Error> {
    use rusqlite::types::ValueRef;
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(b) => std::str::from_utf8(b)
            .map(Some)
            .map_err(rusqlite::Error::Utf8Error),
        other => Err(rusqlite::Error::InvalidColumnType(
            i,
            String::new(),
            other.data_type(),
        )),
    }
}
