//! Serves one sample host with axum on `127.0.0.1`: answers each request from the host's
//! [`SiteContent`], applies the special behaviours (transient and persistent errors, redirects,
//! `HEAD` refused, delays) with a per-URL request counter, and appends every request with the
//! status it got to the request log shared by all sample servers (see
//! [`super::SampleSites::requests`]).
//!
//! Like nginx for static files, every `200` carries an `ETag` (a hash of the body) and a
//! `Last-Modified` (when the server started, or when the page was last edited through
//! [`super::SampleSites::edit_page`]), and a request whose `If-None-Match` (or, without one,
//! `If-Modified-Since`) says the client has the current version gets `304 Not Modified` with
//! no body.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::content::{Behavior, Resource, SiteContent};
use super::RequestRecord;

/// The request log shared by all sample servers.
pub(crate) type RequestLog = Arc<Mutex<Vec<RequestRecord>>>;

/// Edits made to a host's pages while it runs: path-and-query → (HTML inserted before
/// `</body>`, when).
pub(crate) type Edits = Arc<Mutex<HashMap<String, (String, DateTime<Utc>)>>>;

struct HostState {
    content: SiteContent,
    authority: String,
    log: RequestLog,
    /// Requests seen per path-and-query (any method).
    counters: Mutex<HashMap<String, u32>>,
    /// `Last-Modified` of every unedited resource: when the server started, whole seconds.
    started: DateTime<Utc>,
    edits: Edits,
}

/// Starts serving `content` on `listener`; the task runs until aborted.
pub(crate) fn spawn(
    listener: TcpListener,
    content: SiteContent,
    log: RequestLog,
    edits: Edits,
) -> JoinHandle<()> {
    let started = DateTime::<Utc>::from(SystemTime::now());
    let state = Arc::new(HostState {
        authority: content.authority(),
        content,
        log,
        counters: Mutex::new(HashMap::new()),
        started: DateTime::from_timestamp(started.timestamp(), 0).unwrap_or(started),
        edits,
    });
    let app = Router::new().fallback(handle).with_state(state);
    tokio::spawn(async move {
        // errors only happen when the listener fails; the sample then simply stops answering
        let _ = axum::serve(listener, app).await;
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn handle(State(st): State<Arc<HostState>>, req: Request) -> Response {
    let method = req.method().clone();
    let pq = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let at = {
        // timestamp under the lock so the log is in time order; the status is filled in below
        let mut log = lock(&st.log);
        let at = Instant::now();
        log.push(RequestRecord {
            method: method.to_string(),
            authority: st.authority.clone(),
            path_and_query: pq.clone(),
            user_agent,
            at,
            status: 0,
        });
        (log.len() - 1, at)
    };
    let cond = Validators::of(&req);
    let resp = respond_to(&st, &method, &pq, &cond).await;
    let mut log = lock(&st.log);
    // (unless the log was cleared meanwhile)
    if let Some(r) = log.get_mut(at.0).filter(|r| r.at == at.1) {
        r.status = resp.status().as_u16();
    }
    resp
}

/// What the client says it has: `If-None-Match`, `If-Modified-Since`.
struct Validators {
    if_none_match: Option<String>,
    if_modified_since: Option<DateTime<Utc>>,
}

impl Validators {
    fn of(req: &Request) -> Validators {
        let h = |name| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Validators {
            if_none_match: h(header::IF_NONE_MATCH),
            if_modified_since: h(header::IF_MODIFIED_SINCE)
                .and_then(|d| DateTime::parse_from_rfc2822(&d).ok())
                .map(|d| d.with_timezone(&Utc)),
        }
    }

    /// Whether the client's copy is current (RFC 9110 §13.2.2: `If-None-Match` wins when sent).
    fn fresh(&self, etag: &str, last_modified: DateTime<Utc>) -> bool {
        match (&self.if_none_match, self.if_modified_since) {
            (Some(inm), _) => inm
                .split(',')
                .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag),
            (None, Some(ims)) => last_modified <= ims,
            (None, None) => false,
        }
    }
}

/// `"<16 hex digits of the body's SHA-256>"`, as nginx derives one from the file.
fn etag_of(body: &[u8]) -> String {
    let d = Sha256::digest(body);
    let hex: String = d[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

async fn respond_to(st: &HostState, method: &Method, pq: &str, cond: &Validators) -> Response {
    let nth = {
        let mut c = lock(&st.counters);
        let n = c.entry(pq.to_string()).or_insert(0);
        *n += 1;
        *n
    };
    let Some(res) = st.content.lookup(pq) else {
        let status = if st.content.soft_404_site {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        return respond(
            status,
            "text/html; charset=utf-8",
            st.content.not_found_body.clone(),
        );
    };
    if let Some(d) = res.delay {
        tokio::time::sleep(d).await;
    }
    let edit = lock(&st.edits).get(pq).cloned();
    let (body, last_modified) = match edit {
        Some((html, at)) => {
            let mut b = res.body.clone();
            let at_end = b
                .windows(7)
                .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
                .unwrap_or(b.len());
            b.splice(at_end..at_end, html.into_bytes());
            (b, at)
        }
        None => (res.body.clone(), st.started),
    };
    answer(res, body, last_modified, method, nth, cond)
}

fn respond(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::SERVER, "Apache")
        .body(Body::from(body))
        .expect("valid response")
}

fn status_page(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = respond(
        status,
        "text/html; charset=utf-8",
        format!(
            "<html><head><title>{status}</title></head><body><h1>{status}</h1></body></html>\n"
        )
        .into_bytes(),
    );
    if code == 429 || code == 503 {
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    r
}

fn answer(
    res: &Resource,
    body: Vec<u8>,
    last_modified: DateTime<Utc>,
    method: &Method,
    nth: u32,
    cond: &Validators,
) -> Response {
    let etag = etag_of(&body);
    let ok = || {
        let mut r = if cond.fresh(&etag, last_modified) {
            Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .header(header::SERVER, "Apache")
                .body(Body::empty())
                .expect("valid response")
        } else {
            respond(StatusCode::OK, res.content_type, body.clone())
        };
        let h = r.headers_mut();
        for (name, value) in [
            (header::ETAG, etag.clone()),
            (header::LAST_MODIFIED, http_date(last_modified)),
        ] {
            if let Ok(v) = header::HeaderValue::from_str(&value) {
                h.insert(name, v);
            }
        }
        r
    };
    match &res.behavior {
        Behavior::Ok | Behavior::SoftNotFound => ok(),
        Behavior::Always(code) => {
            if *code == 429 || *code >= 500 {
                status_page(*code)
            } else {
                let mut r = respond(StatusCode::OK, res.content_type, body.clone());
                *r.status_mut() = StatusCode::from_u16(*code).unwrap_or(StatusCode::FORBIDDEN);
                r
            }
        }
        Behavior::FailFirst(code) => {
            if nth == 1 {
                status_page(*code)
            } else {
                ok()
            }
        }
        Behavior::HeadNotAllowed => {
            if method == Method::HEAD {
                let mut r = status_page(405);
                r.headers_mut()
                    .insert(header::ALLOW, header::HeaderValue::from_static("GET"));
                r
            } else {
                ok()
            }
        }
        Behavior::Redirect(code, loc) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::FOUND);
            Response::builder()
                .status(status)
                .header(header::LOCATION, loc.as_str())
                .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
                .body(Body::from(format!(
                    "<html><body>Moved: <a href=\"{loc}\">{loc}</a></body></html>"
                )))
                .expect("valid response")
        }
    }
}
