//! The one headless Chromium of a run: found, started, and killed with every process it started.
//!
//! The browser is Debian's `chromium` (or `chromium-browser`, `google-chrome` on the `PATH`;
//! `GOVPATROL_CHROMIUM` names another binary). It is started with a fresh profile in a temporary
//! folder, in a process group of its own, talking the protocol over two pipes
//! ([`super::cdp`]), and with no network of its own: every request it makes is handed to
//! govpatrol ([`super::page`]), and the flags below close every other way out (background
//! networking, updates, sync, QUIC, DNS: `--host-resolver-rules` resolves no name and
//! `--proxy-server` points at a closed port, so a connection the interception would not see —
//! a preconnect, a WebSocket — goes nowhere).
//!
//! [`Browser::kill`] (also run on drop) kills the whole process group, so no renderer or
//! zygote process outlives the run, whether it ends, fails or is stopped by Ctrl-C. If govpatrol
//! itself is killed, the browser sees its pipe close and exits.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::cdp::Cdp;

/// How long the browser may take to start and answer its first command.
const START_LIMIT: Duration = Duration::from_secs(20);

/// The flags of a browser that renders pages and nothing else, with no network of its own.
const FLAGS: &[&str] = &[
    "--headless",
    "--remote-debugging-pipe",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--no-pings",
    "--disable-dev-shm-usage",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkPrediction,IsolateOrigins,site-per-process",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:1",
    "--proxy-bypass-list=<-loopback>",
    "--mute-audio",
    "--hide-scrollbars",
    // Memory: a page's scripts get a bounded heap, and the pages share at most two renderer
    // processes (one per tab; no process per site: the pages' scripts reach no network anyway).
    "--js-flags=--max-old-space-size=256",
    "--renderer-process-limit=2",
    "--disable-site-isolation-trials",
];

/// The browser binary to use: `GOVPATROL_CHROMIUM`, else the first of `chromium`,
/// `chromium-browser`, `google-chrome` on the `PATH`.
pub fn find() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("GOVPATROL_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!(
                "GOVPATROL_CHROMIUM names {}, which does not exist",
                p.display()
            ))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err("no chromium on the PATH (apt-get install chromium)".into())
}

/// A running browser.
pub struct Browser {
    pub cdp: Arc<Cdp>,
    child: std::sync::Mutex<tokio::process::Child>,
    /// The browser's pid (and process group), 0 once killed.
    pid: AtomicI32,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `bin` and waits until it answers (at most 20 s).
    pub async fn launch(bin: &Path) -> Result<Browser, String> {
        let profile = tempfile::Builder::new()
            .prefix("govpatrol-chromium-")
            .tempdir()
            .map_err(|e| format!("cannot make a profile folder: {e}"))?;
        let (cmd_read, cmd_write) =
            std::io::pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
        let (resp_read, resp_write) =
            std::io::pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
        let mut cmd = tokio::process::Command::new(bin);
        cmd.args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .process_group(0);
        // SAFETY: `geteuid` has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            // Chromium's sandbox refuses to run as root; a root crawl runs it without.
            cmd.arg("--no-sandbox");
        }
        let (to_child, from_child) = (cmd_read.as_raw_fd(), resp_write.as_raw_fd());
        // SAFETY: between fork and exec only async-signal-safe calls (fcntl, dup2) are made, on
        // descriptors that are open in the child: the browser's ends of the two pipes become its
        // descriptors 3 (commands in) and 4 (answers out), the protocol's fixed places.
        unsafe {
            cmd.pre_exec(move || {
                let a = libc::fcntl(to_child, libc::F_DUPFD_CLOEXEC, 10);
                let b = libc::fcntl(from_child, libc::F_DUPFD_CLOEXEC, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        drop((cmd_read, resp_write)); // the browser's ends: only the child holds them now
        let pid = child.id().and_then(|p| i32::try_from(p).ok()).unwrap_or(0);
        let to = tokio::net::unix::pipe::Sender::from_owned_fd(OwnedFd::from(cmd_write))
            .map_err(|e| format!("pipe: {e}"))?;
        let from = tokio::net::unix::pipe::Receiver::from_owned_fd(OwnedFd::from(resp_read))
            .map_err(|e| format!("pipe: {e}"))?;
        let browser = Browser {
            cdp: Cdp::start(to, from),
            child: std::sync::Mutex::new(child),
            pid: AtomicI32::new(pid),
            _profile: profile,
        };
        let version = tokio::time::timeout(
            START_LIMIT,
            browser.cdp.call(None, "Browser.getVersion", json!({})),
        )
        .await;
        match version {
            Ok(Ok(v)) => {
                tracing::debug!(
                    "headless browser started: {} (pid {pid})",
                    v["product"].as_str().unwrap_or("?"),
                );
                Ok(browser)
            }
            Ok(Err(e)) => {
                browser.kill();
                Err(format!("{} did not start: {e}", bin.display()))
            }
            Err(_) => {
                browser.kill();
                Err(format!(
                    "{} did not answer within {} s",
                    bin.display(),
                    START_LIMIT.as_secs()
                ))
            }
        }
    }

    /// The browser's process id (`None` once it is killed).
    pub fn pid(&self) -> Option<i32> {
        Some(self.pid.load(Ordering::SeqCst)).filter(|p| *p > 0)
    }

    /// Kills the browser and every process of its group (renderers, zygotes, utilities).
    pub fn kill(&self) {
        let pid = self.pid.swap(0, Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: signals the process group the browser leads (it was started with
            // `process_group(0)`, so its group id is its pid); no memory is involved.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
            if let Ok(mut c) = self.child.lock() {
                let _ = c.start_kill();
            }
        }
    }

    /// Closes the browser politely (at most 2 s), then kills whatever is left of it. The
    /// process is reaped when the browser is dropped.
    pub async fn close(&self) {
        if self.pid().is_some() {
            let _ = tokio::time::timeout(
                Duration::from_secs(2),
                self.cdp.call(None, "Browser.close", json!({})),
            )
            .await;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
            while !self.cdp.is_closed() && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        self.kill();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.kill();
    }
}
