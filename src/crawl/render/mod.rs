//! Render: read pages built by script through headless Chromium, politely and within bounds.
//!
//! Some CMSs build a column's list or an article's body in the browser (JSON fetched by a
//! script, a Vue or React front end, `document.write`): the HTML the server sends holds no rows
//! and no links. With `render = "auto"` for a site (targets.toml, or `--render auto`), a page
//! whose HTML looks built by script ([`crate::extract::script_built`]) is rendered in headless
//! Chromium and its DOM read by the same extractors as any page; `render = "always"` renders
//! every page of the site. The page's stored facts say it was rendered (`pages.render`), and so
//! does the evidence of every finding on it (`rendered: true`, [`crate::checks::mark_rendered`]).
//!
//! Bounds, so that a run still ends and stays polite:
//!
//! - one browser per run ([`browser`]), started on the first page that needs it, killed with
//!   every process it started when the run ends, fails or is stopped;
//! - [`TABS`] pages at a time (a semaphore; the crawl goes on with other pages meanwhile);
//! - each page within `render_timeout_secs` (30 s): past it, or when the browser cannot give a
//!   faithful DOM (a data request failed or was refused, see [`page`]), the page is read
//!   statically and the reason is stored with it (`render_failed` in the evidence) and logged;
//! - every request the browser makes is answered by govpatrol's own fetcher (same User-Agent,
//!   robots.txt, per-host rate limit, SSRF guard); the browser itself has no network.
//!
//! Without a browser (no `chromium`, or it does not start), the first page that asks says once
//! in the log that rendering is unavailable, and every page is read statically.
//!
//! A rendered page keeps no validators for the next run's conditional request: the server's
//! `304` for the page's HTML says nothing of the data its script fetches, so it is fetched and
//! rendered again. The render mode is part of [`crate::crawl::facts_key`], so a run never copies
//! the facts of a run read another way.

pub mod browser;
pub mod cdp;
pub mod page;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{OnceCell, Semaphore};

pub use crate::domain::Rendering;

use crate::config::{Render, Site};
use crate::crawl::fetch::{Fetched, Fetcher};
use crate::crawl::ParsedPage;

/// Pages rendered at once, over all sites of a run.
pub const TABS: usize = 2;

/// The run's renderer: the browser (started when first needed), the tab pool and the scripts
/// fetched for rendered pages.
pub struct Renderer {
    binary: Option<PathBuf>,
    browser: OnceCell<Result<browser::Browser, String>>,
    tabs: Semaphore,
    scripts: Arc<page::ScriptCache>,
}

impl Default for Renderer {
    fn default() -> Self {
        Renderer::new()
    }
}

impl Renderer {
    /// A renderer that will start the browser [`browser::find`] finds, on the first page.
    pub fn new() -> Renderer {
        Renderer {
            binary: None,
            browser: OnceCell::new(),
            tabs: Semaphore::new(TABS),
            scripts: Arc::default(),
        }
    }

    /// A renderer for `govpatrol page` and tests: this browser binary.
    pub fn with_binary(binary: PathBuf) -> Renderer {
        Renderer {
            binary: Some(binary),
            ..Renderer::new()
        }
    }

    /// A renderer when any site of `sites` renders pages.
    pub fn for_sites<'a>(sites: impl IntoIterator<Item = &'a Site>) -> Option<Arc<Renderer>> {
        sites
            .into_iter()
            .any(|s| s.settings.render != Render::Off)
            .then(|| Arc::new(Renderer::new()))
    }

    /// The browser, started on first use; `Err` (said once in the log) when it cannot be.
    async fn browser(&self) -> Result<&browser::Browser, String> {
        self.browser
            .get_or_init(|| async {
                let started = match &self.binary {
                    Some(b) => Ok(b.clone()),
                    None => browser::find(),
                };
                let started = match started {
                    Ok(bin) => browser::Browser::launch(&bin).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = &started {
                    tracing::warn!(
                        "rendering is unavailable: {e}; pages are read without a browser (static)"
                    );
                }
                started
            })
            .await
            .as_ref()
            .map_err(|e| format!("no browser: {e}"))
    }

    /// The browser's process id, once it runs.
    pub fn browser_pid(&self) -> Option<i32> {
        self.browser.get()?.as_ref().ok()?.pid()
    }

    /// Whether a page should be rendered: always, or `auto` and `script_built` says why.
    pub fn wanted(mode: Render, script_built: Option<&str>) -> Option<String> {
        match (mode, script_built) {
            (Render::Off, _) => None,
            (Render::Always, None) => Some("render = always".into()),
            (_, Some(why)) => Some(why.to_string()),
            (Render::Auto, None) => None,
        }
    }

    /// Renders a page the crawl fetched (its body and `Content-Type`, `charset` the encoding it
    /// was decoded with when the server named none) and returns its DOM as HTML, within the
    /// site's `render_timeout` once a tab is free (the crawl's window of pages in flight bounds
    /// the wait for one).
    pub async fn render(
        &self,
        fetcher: &Arc<Fetcher>,
        site: &Arc<Site>,
        fetched: &Fetched,
        charset: Option<&str>,
    ) -> Result<String, String> {
        let limit = site.settings.render_timeout;
        let _tab = self.tabs.acquire().await.expect("never closed");
        let work = async {
            let browser = self.browser().await?;
            let body = fetched.body.as_deref().unwrap_or_default();
            let mut content_type = fetched
                .content_type
                .clone()
                .unwrap_or_else(|| "text/html".into());
            if let Some(cs) = charset {
                if !content_type.to_ascii_lowercase().contains("charset") {
                    content_type = format!("{content_type}; charset={cs}");
                }
            }
            page::render(
                &browser.cdp,
                fetcher,
                site,
                &self.scripts,
                page::Source {
                    url: &fetched.final_url,
                    body,
                    content_type,
                },
            )
            .await
        };
        match tokio::time::timeout(limit, work).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "not rendered within {} s (render_timeout_secs)",
                limit.as_secs()
            )),
        }
    }

    /// Reads a page the crawl parsed (`page`, from `fetched`) again from the DOM the browser
    /// renders, when its site asks for it: always, or with `auto` when its HTML looks built by
    /// script. The page comes back with [`ParsedPage::render`] saying how it was read: from the
    /// rendered DOM, or statically (the page as it was) and why the render failed.
    pub async fn read(
        &self,
        fetcher: &Arc<Fetcher>,
        site: &Arc<Site>,
        fetched: &Fetched,
        mut page: ParsedPage,
        homepage: bool,
    ) -> ParsedPage {
        let wanted = Renderer::wanted(site.settings.render, page.script_built.as_deref());
        let Some(why) = wanted.filter(|_| page.facts.soft404.is_none()) else {
            return page;
        };
        // The browser decodes the page as the crawl did: with the charset the crawl detected
        // when neither the header nor the page names one.
        let charset = (page.encoding_source == "detected").then_some(page.encoding);
        match self.render(fetcher, site, fetched, charset).await {
            Ok(html) => {
                tracing::debug!(site = %site.id, "rendered {} ({why})", fetched.final_url);
                let mut rendered = crate::crawl::parse_text(
                    &html,
                    page.encoding,
                    page.encoding_source,
                    &fetched.final_url,
                    true,
                    homepage,
                );
                rendered.script_built = page.script_built;
                rendered.render = Some(Rendering::Rendered(why));
                rendered
            }
            Err(e) => {
                tracing::info!(site = %site.id, "{}: read without a browser: {e}", fetched.final_url);
                page.render = Some(Rendering::Failed(e));
                page
            }
        }
    }

    /// Closes the browser, if one was started, and every process it started.
    pub async fn shutdown(&self) {
        // The cell is only read from here on; the browser is killed on drop if this is not
        // reached (a panic), so no process outlives the run either way.
        if let Some(Ok(b)) = self.browser.get() {
            b.close().await;
        }
    }
}
