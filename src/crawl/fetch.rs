//! Fetch: one URL over HTTP, politely, with retries, redirects recorded and bodies capped.
//!
//! [`Fetcher::fetch`] is the only place govpatrol talks to a server. It goes through
//! [`super::politeness::Politeness`] for every hop, follows redirects itself (so the
//! chain is recorded and loops are caught), retries what may be transient (timeouts, resets,
//! 5xx, 429 with its `Retry-After`) with exponential back-off, and reads at most
//! `max_body_bytes` of a body, decompressed. Each request has a total time limit (`timeout_secs`,
//! headers and body: a body trickled byte by byte times out like silence), and each URL a budget
//! over all its attempts, redirects and back-offs (`url_budget_secs`, from its first request
//! sent): past it the URL is given up as [`FetchError::TooSlow`]. Link checks ([`Want::Check`]) use HEAD and fall back
//! to GET (without reading the body) when a server rejects HEAD or answers it with an error, so a
//! link is never called broken on a HEAD answer alone. [`Fetcher::fetch_if`] adds the
//! validators of an earlier read (`If-None-Match`, `If-Modified-Since`); a `304` comes back
//! without a body.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::Method;
use serde::Serialize;
use url::Url;

use super::guard::{Guard, GuardedResolver, BLOCKED_MARKER};

use super::politeness::{self, Politeness};
use crate::config::Settings;
pub use crate::domain::NOT_CONTACTED;

/// A body larger than this is a big body: it is read only with one of the [`BIG_BODIES`] turns.
pub const BIG_BODY: usize = 1024 * 1024;
/// Bodies over [`BIG_BODY`] read (and held until parsed) at once over the whole run: memory is
/// bounded by `2 × max_body_bytes` plus `BIG_BODY` per connection, whatever the pages. A
/// request waiting for a turn has its time limit and its URL's budget extended by the wait
/// (its server is only kept waiting).
pub static BIG_BODIES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
/// Longest wait for a [`BIG_BODIES`] turn (also never longer than `timeout_secs`); past it the
/// body is read without one, so that nothing can wait for a turn forever.
pub const MAX_TURN_WAIT: Duration = Duration::from_secs(10);

/// The time limits of one request: its own (`timeout_secs`, over the whole answer) and its
/// URL's budget (`url_budget_secs`).
struct Clock {
    request_end: Instant,
    deadline: Instant,
}

impl Clock {
    fn limit(&self) -> tokio::time::Instant {
        self.request_end.min(self.deadline).into()
    }

    /// The error when [`Clock::limit`] passed.
    fn expired(&self, settings: &Settings) -> FetchError {
        if self.request_end <= self.deadline {
            FetchError::Timeout(settings.timeout.as_secs())
        } else {
            FetchError::TooSlow(settings.url_budget.as_secs())
        }
    }

    fn extend(&mut self, by: Duration) {
        self.request_end += by;
        self.deadline += by;
    }
}

/// The least of a URL's budget a retry must have left to be made.
const MIN_ATTEMPT: Duration = Duration::from_secs(1);

/// How much of a body the GET of a link check reads (see [`Want::Check`]).
pub const CHECK_BODY_BYTES: u64 = 16 * 1024;

/// Most redirects followed for one URL.
pub const MAX_REDIRECTS: usize = 10;

/// What the caller wants from a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// GET; read the body when it is HTML (a page to parse).
    Page,
    /// Is it there? HEAD, then GET if HEAD is refused or fails, reading the first
    /// [`CHECK_BODY_BYTES`] of the body (a body that trickles or breaks off is a failure).
    Check,
    /// GET and read whatever body comes (`govpatrol page`).
    Body,
    /// The re-check of a link that failed: GET at once (its HEAD already failed or answered
    /// an error, and is not asked twice), reading the first [`CHECK_BODY_BYTES`] of the body.
    Confirm,
}

/// The validators of an earlier read of a page, sent back as `If-None-Match` and
/// `If-Modified-Since`: a server whose page has not changed answers `304 Not Modified`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditional {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One redirect hop.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    pub url: String,
    pub status: u16,
}

/// A response, after redirects.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub final_url: Url,
    pub status: u16,
    pub redirects: Vec<Hop>,
    pub content_type: Option<String>,
    pub body: Option<Vec<u8>>,
    pub truncated: bool,
    pub method: &'static str,
    pub elapsed: Duration,
    /// The response's `ETag` and `Last-Modified` headers.
    pub validators: Conditional,
    /// A body over [`BIG_BODY`] holds one of the few turns for big bodies ([`BIG_BODIES`])
    /// until it is dropped: drop this with the body.
    pub big: Option<Arc<tokio::sync::SemaphorePermit<'static>>>,
}

impl Fetched {
    /// Whether the response is an HTML page (by Content-Type, or sniffed when there is none).
    pub fn is_html(&self) -> bool {
        match &self.content_type {
            Some(ct) => {
                let ct = ct.to_ascii_lowercase();
                ct.contains("text/html") || ct.contains("application/xhtml")
            }
            None => self
                .body
                .as_deref()
                .is_some_and(|b| b.trim_ascii_start().starts_with(b"<")),
        }
    }
}

/// Why a URL could not be fetched at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum FetchError {
    #[error("timed out after {0} s")]
    Timeout(u64),
    #[error("DNS lookup failed: {0}")]
    Dns(String),
    #[error("connection refused")]
    Refused,
    #[error("connection reset or closed: {0}")]
    Reset(String),
    #[error("TLS failure: {0}")]
    Tls(String),
    #[error("redirect loop back to {0}")]
    RedirectLoop(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("not fetched: {0}")]
    Robots(String),
    /// A loopback, private, link-local or metadata address no configured site lives on.
    #[error("not contacted: {0}")]
    Blocked(String),
    /// Over the per-URL budget (`url_budget_secs`): fetching (and reading) it took too long.
    #[error("gave up after {0} s (the per-URL budget): too slow")]
    TooSlow(u64),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Worth trying again soon?
    fn transient(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout(_) | FetchError::Reset(_) | FetchError::Other(_)
        )
    }
}

/// The result of [`Fetcher::fetch`] with how many requests it took.
#[derive(Debug)]
pub struct Outcome {
    pub result: Result<Fetched, FetchError>,
    pub attempts: u32,
    /// The redirects the last attempt followed before it failed (a loop, too many hops, a
    /// timeout at the end of a chain): the evidence of an error. Empty on success (the chain is
    /// in [`Fetched::redirects`]).
    pub failed_chain: Vec<Hop>,
    /// The URL's budget (`url_budget_secs`) cut an attempt short: `result` is
    /// [`FetchError::TooSlow`], or the answer of the attempt before the one cut.
    pub over_budget: bool,
}

/// The HTTP client plus politeness.
pub struct Fetcher {
    client: reqwest::Client,
    guard: Guard,
    pub polite: Politeness,
}

/// Builds the reqwest client all requests share.
pub fn client(user_agent: &str, follow_redirects: bool, guard: &Guard) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::ACCEPT,
        HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
    );
    headers.insert(
        header::ACCEPT_LANGUAGE,
        HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.5"),
    );
    reqwest::Client::builder()
        .user_agent(user_agent)
        .default_headers(headers)
        .redirect(if follow_redirects {
            reqwest::redirect::Policy::limited(5)
        } else {
            reqwest::redirect::Policy::none()
        })
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(16)
        .tcp_nodelay(true)
        .dns_resolver(Arc::new(GuardedResolver(guard.clone())))
        .build()
        .expect("TLS backend and resolver are available")
}

impl Fetcher {
    /// `guard` says which internal addresses may be contacted (see [`super::guard`]).
    pub fn new(user_agent: &str, max_connections: usize, guard: Guard) -> Self {
        Fetcher {
            client: client(user_agent, false, &guard),
            polite: Politeness::new(client(user_agent, true, &guard), max_connections),
            guard,
        }
    }

    /// Fetches `url` as `want` says, with retries and back-off (see the module doc).
    pub async fn fetch(&self, url: &Url, want: Want, settings: &Settings) -> Outcome {
        self.fetch_if(url, want, settings, None).await
    }

    /// Like [`Fetcher::fetch`], and when `cond` is given, asks only for a page changed since
    /// (`If-None-Match`, `If-Modified-Since`): an unchanged page answers `304` without a body.
    pub async fn fetch_if(
        &self,
        url: &Url,
        want: Want,
        settings: &Settings,
        cond: Option<&Conditional>,
    ) -> Outcome {
        let mut attempts = 0u32;
        let mut failures = 0u32;
        let mut method = if want == Want::Check {
            Method::HEAD
        } else {
            Method::GET
        };
        // The per-URL budget runs from the first request sent (waiting for the host's turn
        // is politeness, not the URL's fault).
        let mut deadline = None;
        // The last real answer of an attempt that is retried, with its redirect chain.
        let mut previous: Option<(Result<Fetched, FetchError>, Vec<Hop>)> = None;
        loop {
            attempts += 1;
            let mut chain = Vec::new();
            let result = self
                .once(
                    url,
                    &method,
                    want,
                    settings,
                    cond,
                    &mut deadline,
                    &mut chain,
                )
                .await;
            let done = |result: Result<Fetched, FetchError>, chain, over_budget| Outcome {
                failed_chain: if result.is_err() { chain } else { Vec::new() },
                result,
                attempts,
                over_budget,
            };
            if matches!(result, Err(FetchError::TooSlow(_))) {
                // A retry cut short by the budget: the answer the URL gave before stands (a
                // 503, a timeout …), and the URL is marked as over its budget.
                let (result, chain) = previous.unwrap_or((result, chain));
                return done(result, chain, true);
            }
            // A HEAD that fails in any way is asked again as GET before anything is concluded.
            if method == Method::HEAD {
                let head_failed = match &result {
                    Ok(f) => f.status >= 400 && f.status != 429,
                    Err(
                        FetchError::Robots(_)
                        | FetchError::Blocked(_)
                        | FetchError::Refused
                        | FetchError::Dns(_),
                    ) => false,
                    Err(_) => true,
                };
                if head_failed {
                    method = Method::GET;
                    continue;
                }
            }
            let retry = match &result {
                Ok(f) => f.status == 429 || f.status >= 500,
                Err(e) => e.transient(),
            };
            if !retry || failures >= settings.retries {
                return done(result, chain, false);
            }
            failures += 1;
            // A 429 or 503 paused the host for its Retry-After ([`Politeness::back_off`]): the
            // next attempt waits for that too, when it asks for the host's turn.
            let backoff =
                Duration::from_millis(500 * 2u64.pow(failures)).min(Duration::from_secs(30));
            // A retry that could not start with a second of the budget left is not made: the
            // answer in hand (a 503, a timeout …) is the verdict.
            if deadline.is_some_and(|d: Instant| Instant::now() + backoff + MIN_ATTEMPT >= d) {
                return done(result, chain, false);
            }
            previous = Some((result, chain));
            tokio::time::sleep(backoff).await;
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn once(
        &self,
        url: &Url,
        method: &Method,
        want: Want,
        settings: &Settings,
        cond: Option<&Conditional>,
        deadline: &mut Option<Instant>,
        redirects: &mut Vec<Hop>,
    ) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let budget = settings.url_budget;
        let mut current = url.clone();
        let mut method = method.clone();
        let mut seen: HashSet<String> = HashSet::from([current.as_str().to_string()]);
        for _ in 0..=MAX_REDIRECTS {
            self.guard
                .check_literal(current.host_str().unwrap_or_default())
                .map_err(FetchError::Blocked)?;
            let host = self.polite.host(&current, settings);
            // Waiting for robots.txt and for the host's turn (its rate, its pause after a 429,
            // a 503 or a streak of failures) is politeness, not the URL's time: it does not
            // count against the URL's budget, on any attempt or hop.
            let waiting = Instant::now();
            self.polite
                .robots_allow(&host, &current)
                .await
                .map_err(FetchError::Robots)?;
            let permit = self.polite.acquire(&host).await;
            if let Some(d) = deadline.as_mut() {
                *d += waiting.elapsed();
            }
            let mut clock = Clock {
                request_end: Instant::now() + settings.timeout,
                deadline: *deadline.get_or_insert_with(|| Instant::now() + budget),
            };
            let mut req = self.client.request(method.clone(), current.clone());
            // On every hop: the validators belong to the end of the chain, and a redirect
            // answers the same whatever they say.
            if let Some(c) = cond {
                if let Some(v) = c.etag.as_deref() {
                    req = req.header(header::IF_NONE_MATCH, v);
                }
                if let Some(v) = c.last_modified.as_deref() {
                    req = req.header(header::IF_MODIFIED_SINCE, v);
                }
            }
            let sent = tokio::time::timeout_at(clock.limit(), req.send()).await;
            let Ok(sent) = sent else {
                self.polite.record(&host, true);
                return Err(clock.expired(settings));
            };
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    let e = classify(&e, settings);
                    self.polite.record(
                        &host,
                        matches!(e, FetchError::Timeout(_) | FetchError::Reset(_)),
                    );
                    return Err(e);
                }
            };
            let status = resp.status().as_u16();
            self.polite.record(&host, status >= 500);
            if status == 429 || status == 503 {
                let pause = resp
                    .headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(politeness::retry_after)
                    .unwrap_or(Duration::from_secs(1));
                self.polite.back_off(&host, pause);
            }
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                if let Some(next) = resp
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|loc| current.join(loc.trim()).ok())
                {
                    let mut next = next;
                    next.set_fragment(None);
                    redirects.push(Hop {
                        url: current.to_string(),
                        status,
                    });
                    if !matches!(next.scheme(), "http" | "https") {
                        return Err(FetchError::Other(format!(
                            "redirect to unsupported scheme: {next}"
                        )));
                    }
                    if !seen.insert(next.as_str().to_string()) {
                        return Err(FetchError::RedirectLoop(next.to_string()));
                    }
                    if status == 303 && method == Method::POST {
                        method = Method::GET;
                    }
                    drop(permit);
                    current = next;
                    continue;
                }
            }
            let text = |name| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type = text(header::CONTENT_TYPE);
            let validators = Conditional {
                etag: text(header::ETAG),
                last_modified: text(header::LAST_MODIFIED),
            };
            let mut fetched = Fetched {
                final_url: current,
                status,
                redirects: std::mem::take(redirects),
                content_type,
                body: None,
                truncated: false,
                method: if method == Method::HEAD {
                    "HEAD"
                } else {
                    "GET"
                },
                elapsed: Duration::ZERO,
                validators,
                big: None,
            };
            let read_body = method != Method::HEAD
                && status != 304
                && match want {
                    Want::Body => true,
                    Want::Page => fetched.content_type.is_none() || fetched.is_html(),
                    Want::Check | Want::Confirm => false,
                };
            if method == Method::GET && matches!(want, Want::Check | Want::Confirm) && status < 400
            {
                // The GET of a link whose HEAD failed: its first 16 KiB must come, within the
                // request's time limit, for the link to be fine (a body that trickles or is
                // reset is what a person clicking the link would get). The bytes are dropped.
                let cap = CHECK_BODY_BYTES.min(settings.max_body_bytes);
                read_body_capped(resp, cap, settings, &mut clock).await?;
            } else if read_body {
                let read =
                    read_body_capped(resp, settings.max_body_bytes, settings, &mut clock).await;
                *deadline = Some(clock.deadline);
                let (body, truncated, big) = read?;
                fetched.body = Some(body);
                fetched.truncated = truncated;
                fetched.big = big;
            }
            drop(permit);
            fetched.elapsed = started.elapsed();
            return Ok(fetched);
        }
        Err(FetchError::TooManyRedirects(MAX_REDIRECTS))
    }
}

/// Reads at most `cap` bytes of a body within `clock`: `(body, truncated, big-body turn)`. A
/// body that grows over [`BIG_BODY`] waits for a [`BIG_BODIES`] turn (at most
/// [`MAX_TURN_WAIT`]; the wait extends `clock`) and keeps it.
#[allow(clippy::type_complexity)]
async fn read_body_capped(
    mut resp: reqwest::Response,
    cap: u64,
    settings: &Settings,
    clock: &mut Clock,
) -> Result<
    (
        Vec<u8>,
        bool,
        Option<Arc<tokio::sync::SemaphorePermit<'static>>>,
    ),
    FetchError,
> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    // Never more than a big body's threshold up front, whatever Content-Length claims.
    let mut body = Vec::with_capacity(
        resp.content_length()
            .map_or(16 * 1024, |l| usize::try_from(l).unwrap_or(cap).min(cap))
            .min(BIG_BODY),
    );
    let (mut big, mut asked) = (None, false);
    loop {
        let next = tokio::time::timeout_at(clock.limit(), resp.chunk())
            .await
            .map_err(|_| clock.expired(settings))?;
        match next {
            Ok(Some(chunk)) => {
                if !asked && body.len() + chunk.len() > BIG_BODY && cap > BIG_BODY {
                    // The wait is bounded: a task that holds a turn and fetches again (a
                    // resource's confirming GET, a rendered page's requests) must never wait
                    // for itself. Past the bound the body is read without a turn.
                    asked = true;
                    let since = Instant::now();
                    let wait = settings.timeout.min(MAX_TURN_WAIT);
                    big = tokio::time::timeout(wait, BIG_BODIES.acquire())
                        .await
                        .ok()
                        .map(|t| Arc::new(t.expect("never closed")));
                    clock.extend(since.elapsed());
                }
                let room = cap.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= cap {
                    return Ok((body, true, big));
                }
            }
            Ok(None) => return Ok((body, false, big)),
            Err(e) => return Err(classify(&e, settings)),
        }
    }
}

/// Turns a reqwest error into what a webmaster can act on.
fn classify(e: &reqwest::Error, settings: &Settings) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout(settings.timeout.as_secs());
    }
    let mut chain = String::new();
    // The innermost cause: what happened, without reqwest's "error sending request for url
    // (…)" and hyper's "client error (SendRequest)" wrappers around it.
    let mut root = String::new();
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        root = s.to_string();
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return FetchError::Refused,
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::BrokenPipe => return FetchError::Reset(io.to_string()),
                std::io::ErrorKind::TimedOut => {
                    return FetchError::Timeout(settings.timeout.as_secs())
                }
                _ => {}
            }
        }
        if !chain.is_empty() {
            chain.push_str(": ");
        }
        chain.push_str(&s.to_string());
        src = s.source();
    }
    if let Some(i) = chain.find(BLOCKED_MARKER) {
        return FetchError::Blocked(
            chain[i + BLOCKED_MARKER.len()..]
                .trim_start_matches(':')
                .trim()
                .to_string(),
        );
    }
    let lower = chain.to_ascii_lowercase();
    if lower.contains("dns error") || lower.contains("failed to lookup") {
        FetchError::Dns(chain)
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        FetchError::Tls(chain)
    } else if lower.contains("connection refused") {
        FetchError::Refused
    } else if lower.contains("reset") || lower.contains("closed") || lower.contains("incomplete") {
        FetchError::Reset(root)
    } else {
        FetchError::Other(chain)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_blocked_address_is_stored_with_the_not_contacted_marker() {
        let e = super::FetchError::Blocked("10.0.0.7 is an internal address".into());
        assert_eq!(
            e.to_string(),
            format!("{}10.0.0.7 is an internal address", super::NOT_CONTACTED)
        );
    }
}
