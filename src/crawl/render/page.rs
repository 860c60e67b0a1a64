//! Rendering one page in a tab of the browser, with every request answered by govpatrol.
//!
//! The tab lives in a browser context of its own (no cookies or storage shared with other
//! pages) and intercepts every request at its start (`Fetch.enable`, `Fetch.requestPaused`):
//!
//! - the page itself is answered with the bytes the crawl already fetched (no second request);
//! - the page's scripts (`Script`) and data requests (`XHR`, `Fetch`) are fetched by the crawl's
//!   own [`Fetcher`] — the same User-Agent, robots.txt, per-host rate limit and concurrency, SSRF
//!   guard, time limit and body cap as every other request — and handed to the browser; scripts
//!   are kept for the run ([`ScriptCache`]), so a script shared by every page is fetched once;
//! - only `GET` is made: a script that sends `POST` or another method is not obeyed;
//! - everything else (images, fonts, stylesheets, media, frames, beacons) is refused without a
//!   request: the DOM does not need it.
//!
//! A page is only as good as the answers its scripts got. When a data request, or a script of
//! the site itself, could not be made (robots.txt, the guard, a method other than `GET`,
//! too many requests) or failed (an error status, a network error), what the browser shows may
//! be the script's error branch (暂无数据) rather than the column, so the render is refused and
//! the crawl reads the page statically ([`Failure`]). A script from another host that fails
//! (a visitor counter, a share button) does not count.
//!
//! The page counts as ready when it has loaded and no request has been pending for
//! [`QUIET`]; its DOM is then read (`document.documentElement.outerHTML`, at most
//! `max_body_bytes` characters). The caller bounds the whole by its time limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};
use tokio::sync::{mpsc, OnceCell};
use url::Url;

use super::cdp::Cdp;
use crate::config::Site;
use crate::crawl::fetch::{Fetched, Fetcher, Want};

/// How long a loaded page must have had no pending request before its DOM is read.
pub const QUIET: Duration = Duration::from_millis(500);

/// Most requests one page may make (scripts and data); the render is refused past it.
pub const MAX_REQUESTS: usize = 100;

/// Most bytes of scripts kept for the run.
const SCRIPT_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Why a page was not rendered, in words (stored with the page and said in its evidence).
pub type Failure = String;

/// The page to render, as the crawl fetched it.
pub struct Source<'a> {
    pub url: &'a Url,
    pub body: &'a [u8],
    /// Its `Content-Type`, with the charset the crawl decoded it with when the server named none.
    pub content_type: String,
}

/// A script as fetched for the run: status, `Content-Type`, body.
type Answer = Arc<(u16, Option<String>, Vec<u8>)>;

/// One cached script: fetched once, by the first page that asks for it.
type Cached = Arc<OnceCell<Result<Answer, String>>>;

/// Scripts fetched for rendered pages, kept for the run (at most 32 MiB): the
/// jQuery and the list script every page of a site loads are fetched once. Concurrent requests
/// for one script wait for the one fetch.
#[derive(Default)]
pub struct ScriptCache {
    entries: Mutex<HashMap<String, Cached>>,
    bytes: AtomicUsize,
}

impl ScriptCache {
    async fn get(
        &self,
        url: &Url,
        fetch: impl std::future::Future<Output = Result<Answer, String>>,
    ) -> Result<Answer, String> {
        let cell = self
            .entries
            .lock()
            .expect("not poisoned")
            .entry(url.to_string())
            .or_default()
            .clone();
        let answer = cell.get_or_init(|| fetch).await.clone();
        let size = answer.as_ref().map_or(0, |a| a.2.len());
        // Past the budget, later scripts are fetched each time they are asked for.
        if self.bytes.fetch_add(size, Ordering::Relaxed) + size > SCRIPT_CACHE_BYTES {
            self.entries
                .lock()
                .expect("not poisoned")
                .remove(url.as_str());
            self.bytes.fetch_sub(size, Ordering::Relaxed);
        }
        answer
    }
}

/// What a request of the page came to: `None` when it was answered as asked, else why the
/// render cannot be trusted.
type Outcome = Option<String>;

/// Renders `source` in a new tab of the browser behind `cdp` and returns its DOM as HTML.
pub async fn render(
    cdp: &Arc<Cdp>,
    fetcher: &Arc<Fetcher>,
    site: &Arc<Site>,
    scripts: &Arc<ScriptCache>,
    source: Source<'_>,
) -> Result<String, Failure> {
    let ctx = cdp
        .call(None, "Target.createBrowserContext", json!({}))
        .await?;
    let ctx = Context {
        cdp: cdp.clone(),
        id: ctx["browserContextId"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    };
    in_context(cdp, fetcher, site, scripts, &ctx.id, source).await
}

/// A page's browser context: closed (its tab, cookies and storage dropped) when this is dropped,
/// whether the render ended, failed or was cut off by its time limit.
struct Context {
    cdp: Arc<Cdp>,
    id: String,
}

impl Drop for Context {
    fn drop(&mut self) {
        let (cdp, id) = (self.cdp.clone(), std::mem::take(&mut self.id));
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = cdp
                    .call(
                        None,
                        "Target.disposeBrowserContext",
                        json!({ "browserContextId": id }),
                    )
                    .await;
            });
        }
    }
}

async fn in_context(
    cdp: &Arc<Cdp>,
    fetcher: &Arc<Fetcher>,
    site: &Arc<Site>,
    scripts: &Arc<ScriptCache>,
    ctx: &str,
    source: Source<'_>,
) -> Result<String, Failure> {
    let target = cdp
        .call(
            None,
            "Target.createTarget",
            json!({ "url": "about:blank", "browserContextId": ctx }),
        )
        .await?;
    let target = target["targetId"].as_str().unwrap_or_default().to_string();
    let session = cdp
        .call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
        )
        .await?;
    let session = session["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut events = cdp.events(&session);
    let result = drive(
        cdp,
        fetcher,
        site,
        scripts,
        &session,
        &target,
        source,
        &mut events,
    )
    .await;
    cdp.forget(&session);
    result
}

#[allow(clippy::too_many_arguments)]
async fn drive(
    cdp: &Arc<Cdp>,
    fetcher: &Arc<Fetcher>,
    site: &Arc<Site>,
    scripts: &Arc<ScriptCache>,
    session: &str,
    main_frame: &str,
    source: Source<'_>,
    events: &mut mpsc::UnboundedReceiver<crate::render::cdp::Event>,
) -> Result<String, Failure> {
    let s = Some(session);
    cdp.call(
        s,
        "Fetch.enable",
        json!({ "patterns": [{ "urlPattern": "*", "requestStage": "Request" }] }),
    )
    .await?;
    cdp.call(s, "Page.enable", json!({})).await?;
    let navigate = cdp.call(s, "Page.navigate", json!({ "url": source.url.as_str() }));
    tokio::pin!(navigate);
    let mut navigated = false;
    let mut loaded = false;
    let mut page_served = false;
    let mut requests = 0usize;
    let mut pending = 0usize;
    let mut quiet_since = tokio::time::Instant::now();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Outcome>();
    loop {
        let ready = navigated && loaded && pending == 0;
        tokio::select! {
            answer = &mut navigate, if !navigated => {
                navigated = true;
                let answer = answer?;
                if let Some(e) = answer["errorText"].as_str().filter(|e| !e.is_empty()) {
                    return Err(format!("the browser could not open the page ({e})"));
                }
            }
            outcome = done_rx.recv() => {
                pending -= 1;
                quiet_since = tokio::time::Instant::now();
                if let Some(Some(why)) = outcome {
                    return Err(why);
                }
            }
            _ = tokio::time::sleep_until(quiet_since + QUIET), if ready => break,
            event = events.recv() => {
                let Some(event) = event else {
                    return Err("the browser closed the page".into());
                };
                match event.method.as_str() {
                    "Page.loadEventFired" => {
                        loaded = true;
                        quiet_since = tokio::time::Instant::now();
                    }
                    "Inspector.targetCrashed" => return Err("the page crashed the browser's renderer".into()),
                    "Page.javascriptDialogOpening" => {
                        // An alert() or confirm() would hold the page's scripts until answered.
                        let _ = cdp
                            .call(s, "Page.handleJavaScriptDialog", json!({ "accept": true }))
                            .await;
                    }
                    "Fetch.requestPaused" => {
                        let p = event.params;
                        let id = p["requestId"].as_str().unwrap_or_default().to_string();
                        let kind = p["resourceType"].as_str().unwrap_or_default();
                        let url = p["request"]["url"].as_str().unwrap_or_default();
                        let method = p["request"]["method"].as_str().unwrap_or_default();
                        let main = kind == "Document" && p["frameId"].as_str() == Some(main_frame);
                        if main && !page_served && same_page(url, source.url) {
                            page_served = true;
                            fulfil(cdp, s, &id, 200, Some(&source.content_type), source.body).await?;
                            continue;
                        }
                        if main {
                            refuse(cdp, s, &id).await;
                            return Err(format!("the page's script leaves it for {url}"));
                        }
                        if !matches!(kind, "Script" | "XHR" | "Fetch") {
                            // Images, fonts, stylesheets, media, frames, beacons: not needed to
                            // read the DOM, not asked for.
                            refuse(cdp, s, &id).await;
                            continue;
                        }
                        requests += 1;
                        let why = if method != "GET" {
                            Some(format!("the page's script sends {method} to {url} (govpatrol only reads, with GET)"))
                        } else if requests > MAX_REQUESTS {
                            Some(format!("the page makes more than {MAX_REQUESTS} requests"))
                        } else {
                            None
                        };
                        if let Some(why) = why {
                            refuse(cdp, s, &id).await;
                            return Err(why);
                        }
                        pending += 1;
                        let job = Request {
                            cdp: cdp.clone(),
                            fetcher: fetcher.clone(),
                            site: site.clone(),
                            scripts: scripts.clone(),
                            session: session.to_string(),
                            id,
                            url: url.to_string(),
                            script: kind == "Script",
                        };
                        let done = done_tx.clone();
                        tokio::spawn(async move {
                            let _ = done.send(job.answer().await);
                        });
                    }
                    _ => {}
                }
            }
        }
    }
    let limit = site.settings.max_body_bytes.min(32 * 1024 * 1024);
    let dom = cdp
        .call(
            s,
            "Runtime.evaluate",
            json!({
                "expression": format!(
                    "(() => {{ const e = document.documentElement; const h = e ? e.outerHTML : ''; \
                     return h.length > {limit} ? h.slice(0, {limit}) : h; }})()"
                ),
                "returnByValue": true,
            }),
        )
        .await?;
    dom["result"]["value"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "the page's DOM could not be read".to_string())
}

/// Whether the browser asks for the page it was sent to (fragments aside).
fn same_page(asked: &str, page: &Url) -> bool {
    Url::parse(asked).is_ok_and(|mut u| {
        u.set_fragment(None);
        let mut p = page.clone();
        p.set_fragment(None);
        u == p
    })
}

/// One request of the page's scripts, answered through the crawl's fetcher.
struct Request {
    cdp: Arc<Cdp>,
    fetcher: Arc<Fetcher>,
    site: Arc<Site>,
    scripts: Arc<ScriptCache>,
    session: String,
    id: String,
    url: String,
    script: bool,
}

impl Request {
    async fn answer(self) -> Outcome {
        let s = Some(self.session.as_str());
        let Ok(url) = Url::parse(&self.url) else {
            refuse(&self.cdp, s, &self.id).await;
            return None;
        };
        if !matches!(url.scheme(), "http" | "https") {
            refuse(&self.cdp, s, &self.id).await;
            return None;
        }
        // A data request, or a script of the site itself, must be answered for the DOM to be
        // what a visitor sees; another host's script (a counter, a share button) need not.
        let needed = !self.script || self.site.in_scope(&url);
        let fetched = if self.script {
            let (fetcher, settings) = (self.fetcher.clone(), self.site.settings.clone());
            let u = url.clone();
            self.scripts
                .get(&url, async move { fetch(&fetcher, &u, &settings).await })
                .await
        } else {
            fetch(&self.fetcher, &url, &self.site.settings).await
        };
        match fetched {
            Ok(a) => {
                let (status, ct, body) = (a.0, a.1.as_deref(), &a.2);
                if fulfil(&self.cdp, s, &self.id, status, ct, body)
                    .await
                    .is_err()
                {
                    return None; // the tab is gone already
                }
                (status >= 400 && needed).then(|| {
                    format!("a request of the page's scripts failed: {url} answered {status}")
                })
            }
            Err(why) => {
                refuse(&self.cdp, s, &self.id).await;
                needed.then(|| {
                    format!("a request of the page's scripts was not answered: {url} ({why})")
                })
            }
        }
    }
}

/// Fetches one URL of a page's scripts through the crawl's fetcher (GET, the body read).
async fn fetch(
    fetcher: &Fetcher,
    url: &Url,
    settings: &crate::config::Settings,
) -> Result<Answer, String> {
    let out = fetcher.fetch(url, Want::Body, settings).await;
    match out.result {
        Ok(Fetched {
            truncated: true, ..
        }) => Err(format!(
            "larger than max_body_bytes ({} bytes)",
            settings.max_body_bytes
        )),
        Ok(f) => Ok(Arc::new((
            f.status,
            f.content_type,
            f.body.unwrap_or_default(),
        ))),
        Err(e) => Err(e.to_string()),
    }
}

/// Answers a paused request with a response.
async fn fulfil(
    cdp: &Cdp,
    session: Option<&str>,
    id: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), Failure> {
    let mut headers = vec![json!({ "name": "Cache-Control", "value": "no-store" })];
    if let Some(ct) = content_type {
        headers.push(json!({ "name": "Content-Type", "value": ct }));
    }
    let params: Value = json!({
        "requestId": id,
        "responseCode": status,
        "responseHeaders": headers,
        "body": base64::engine::general_purpose::STANDARD.encode(body),
    });
    cdp.call(session, "Fetch.fulfillRequest", params)
        .await
        .map(|_| ())
}

/// Fails a paused request without making it.
async fn refuse(cdp: &Cdp, session: Option<&str>, id: &str) {
    let _ = cdp
        .call(
            session,
            "Fetch.failRequest",
            json!({ "requestId": id, "errorReason": "BlockedByClient" }),
        )
        .await;
}
