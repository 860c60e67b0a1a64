//! Serves one sample host with axum on `127.0.0.1`: answers each request from the host's
//! [`SiteContent`], applies the special behaviours (transient and persistent errors, redirects,
//! `HEAD` refused, delays) with a per-URL request counter, and appends every request to the
//! request log shared by all sample servers (see [`super::SampleSites::requests`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

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

struct HostState {
    content: SiteContent,
    authority: String,
    log: RequestLog,
    /// Requests seen per path-and-query (any method).
    counters: Mutex<HashMap<String, u32>>,
}

/// Starts serving `content` on `listener`; the task runs until aborted.
pub(crate) fn spawn(
    listener: TcpListener,
    content: SiteContent,
    log: RequestLog,
) -> JoinHandle<()> {
    let state = Arc::new(HostState {
        authority: content.authority(),
        content,
        log,
        counters: Mutex::new(HashMap::new()),
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
    {
        // timestamp under the lock so the log is in time order
        let mut log = lock(&st.log);
        log.push(RequestRecord {
            method: method.to_string(),
            authority: st.authority.clone(),
            path_and_query: pq.clone(),
            user_agent,
            at: Instant::now(),
        });
    }
    let nth = {
        let mut c = lock(&st.counters);
        let n = c.entry(pq.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let Some(res) = st.content.lookup(&pq) else {
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
    answer(res, &method, nth)
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

fn answer(res: &Resource, method: &Method, nth: u32) -> Response {
    let ok = || respond(StatusCode::OK, res.content_type, res.body.clone());
    match &res.behavior {
        Behavior::Ok | Behavior::SoftNotFound => ok(),
        Behavior::Always(code) => {
            if *code == 429 || *code >= 500 {
                status_page(*code)
            } else {
                let mut r = ok();
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
