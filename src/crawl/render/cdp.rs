//! A small Chrome DevTools Protocol client over `--remote-debugging-pipe`.
//!
//! Chromium started with `--remote-debugging-pipe` reads protocol commands from its file
//! descriptor 3 and writes answers and events to descriptor 4, one JSON object per message,
//! each ended by a NUL byte. No port is opened, so no other program on the machine can drive
//! the browser, and when govpatrol goes away the pipe closes and the browser with it.
//!
//! [`Cdp::call`] sends a command (to the browser, or to a page's session when `session` is
//! given: the "flat" session mode of `Target.attachToTarget`) and waits for its answer;
//! [`Cdp::events`] gives the events of one session. One task reads the pipe and hands each
//! message to whoever waits for it. Only the dozen methods [`super::page`] uses are needed, so
//! they are written as JSON here rather than through a generated binding of the whole protocol.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::pipe;
use tokio::sync::{mpsc, oneshot};

/// Longest message read from the browser. A page's DOM is cut well below this by the script
/// that reads it ([`super::page`]); anything longer is a broken browser.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// An event of a page's session: its method (`Fetch.requestPaused` …) and parameters.
#[derive(Debug)]
pub struct Event {
    pub method: String,
    pub params: Value,
}

type Answer = Result<Value, String>;

/// The protocol connection to one browser.
pub struct Cdp {
    out: tokio::sync::Mutex<pipe::Sender>,
    pending: Mutex<HashMap<u64, oneshot::Sender<Answer>>>,
    sessions: Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>,
    next_id: AtomicU64,
    closed: AtomicBool,
}

impl Cdp {
    /// Starts reading `from` (the browser's descriptor 4) and returns the connection that writes
    /// to `to` (its descriptor 3).
    pub fn start(to: pipe::Sender, from: pipe::Receiver) -> Arc<Cdp> {
        let cdp = Arc::new(Cdp {
            out: tokio::sync::Mutex::new(to),
            pending: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            closed: AtomicBool::new(false),
        });
        let reader = cdp.clone();
        tokio::spawn(async move { reader.read(from).await });
        cdp
    }

    async fn read(&self, from: pipe::Receiver) {
        let mut from = BufReader::with_capacity(64 * 1024, from);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match (&mut from)
                .take(MAX_MESSAGE as u64)
                .read_until(0, &mut buf)
                .await
            {
                Ok(0) | Err(_) => break,
                Ok(_) if buf.last() != Some(&0) => break, // cut off or too long
                Ok(_) => {}
            }
            buf.pop();
            let Ok(msg) = serde_json::from_slice::<Value>(&buf) else {
                continue;
            };
            self.dispatch(msg);
        }
        self.close();
    }

    fn dispatch(&self, mut msg: Value) {
        if let Some(id) = msg["id"].as_u64() {
            let waiter = self.pending.lock().expect("not poisoned").remove(&id);
            if let Some(w) = waiter {
                let answer = match msg.get("error") {
                    Some(e) => Err(e["message"].as_str().unwrap_or("error").to_string()),
                    None => Ok(msg["result"].take()),
                };
                let _ = w.send(answer);
            }
            return;
        }
        let (Some(method), Some(session)) = (msg["method"].as_str(), msg["sessionId"].as_str())
        else {
            return;
        };
        let sessions = self.sessions.lock().expect("not poisoned");
        if let Some(tx) = sessions.get(session) {
            let _ = tx.send(Event {
                method: method.to_string(),
                params: msg["params"].take(),
            });
        }
    }

    /// The browser is gone: every waiting call fails, every session's events end.
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.pending.lock().expect("not poisoned").clear();
        self.sessions.lock().expect("not poisoned").clear();
    }

    /// Whether the browser is gone (its pipe closed).
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Sends `method` with `params` (to a page's `session`, or to the browser) and waits for the
    /// answer. `Err` carries the browser's error message, or says the browser is gone.
    pub async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        if self.is_closed() {
            return Err("the browser is gone".into());
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("not poisoned").insert(id, tx);
        let mut bytes = serde_json::to_vec(&msg).expect("JSON values serialise");
        bytes.push(0);
        let sent = self.out.lock().await.write_all(&bytes).await;
        if sent.is_err() {
            self.pending.lock().expect("not poisoned").remove(&id);
            return Err("the browser is gone".into());
        }
        rx.await
            .unwrap_or_else(|_| Err("the browser is gone".into()))
            .map_err(|e| format!("{method}: {e}"))
    }

    /// The events of a page's session from now on (subscribe before enabling a domain).
    pub fn events(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        if !self.is_closed() {
            self.sessions
                .lock()
                .expect("not poisoned")
                .insert(session.to_string(), tx);
        }
        rx
    }

    /// Stops routing a session's events (the page is closed).
    pub fn forget(&self, session: &str) {
        self.sessions.lock().expect("not poisoned").remove(session);
    }
}
