//! Politeness: how hard govpatrol may knock on one host. These are government servers.
//!
//! Every request goes through [`Politeness::acquire`], which waits, in order, for:
//!
//! 1. a per-host concurrency permit (`concurrency` requests in flight to one host:port);
//! 2. the end of any back-off pause on that host (set by 429 and 5xx answers, see
//!    [`Politeness::back_off`]; `Retry-After` is honoured, in seconds or as an HTTP date);
//! 3. the host's rate limiter (governor, GCRA with a burst of one: requests to one host are
//!    spaced at least `1 / requests_per_second` apart, so no one-second window ever holds more
//!    than `requests_per_second` requests);
//! 4. a global permit (`max_connections` requests in flight over all hosts).
//!
//! Before the first request to a host its `robots.txt` is read (texting_robots), once per
//! run, through the same limiter. A `Crawl-delay` slower than the configured rate adds a second
//! limiter that every later request also waits for. 2xx: the rules apply; 4xx: everything
//! is allowed; 5xx or 429: nothing is fetched from that host (it asked us to stay away); a
//! network error: allowed (the request itself will then fail and say why); a robots.txt served
//! as HTML: ignored.
//!
//! The answers are kept in the history store ([`RobotsCache`], set by the run): a run
//! continued after a kill, or run again the same day, reads a host's robots.txt from there for
//! 24 hours (RFC 9309's limit for a cached copy) instead of asking again. Only answers are
//! kept (2xx and 4xx): a network error, 429 or 5xx is asked again by the next process.
//!
//! A host in distress is left alone: after [`DISTRESS_STREAK`] answers in a row that are 5xx,
//! timeouts or resets, the whole host is paused (10 s, doubling with each further streak, at most
//! two minutes) instead of being hammered; one good answer ends the streak.
//!
//! A host is identified by its authority (`host:port`), so two ports on 127.0.0.1 are two hosts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use crate::config::Settings;

/// The robots.txt product token govpatrol matches (`User-agent: govpatrol`).
pub const ROBOTS_AGENT: &str = "govpatrol";
/// Largest robots.txt read (Google's limit); the rest is ignored.
const MAX_ROBOTS_BYTES: usize = 500 * 1024;
/// Longest pause a `Retry-After` may impose before the request is given up instead.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// A robots.txt answer as it is kept between processes ([`RobotsCache`]).
pub use crate::domain::RobotsAnswer;

/// Where robots.txt answers are kept between processes (the history store): a run continued
/// after a kill does not ask every host again.
pub trait RobotsCache: Send + Sync {
    /// A host's answer when it was read less than 24 hours ago.
    fn load(&self, authority: &str) -> Option<RobotsAnswer>;
    fn save(&self, authority: &str, answer: &RobotsAnswer);
}

/// What a host's robots.txt says.
#[derive(Debug)]
pub enum RobotsRules {
    AllowAll(&'static str),
    DisallowAll(String),
    Rules(Box<texting_robots::Robot>),
}

/// The rules a robots.txt answer sets (see the module doc).
fn rules_of(a: RobotsAnswer) -> RobotsRules {
    match a.status {
        200..=299 => match a.body {
            Some(body) if a.html && body.trim_ascii_start().starts_with(b"<") => {
                RobotsRules::AllowAll("robots.txt served as HTML")
            }
            Some(body) => match texting_robots::Robot::new(ROBOTS_AGENT, &body) {
                Ok(r) => RobotsRules::Rules(Box::new(r)),
                Err(_) => RobotsRules::AllowAll("robots.txt unparsable"),
            },
            None => RobotsRules::AllowAll("robots.txt unreadable"),
        },
        status @ (429 | 500..=599) => RobotsRules::DisallowAll(format!(
            "robots.txt answered {status}: the host asks crawlers to stay away"
        )),
        _ => RobotsRules::AllowAll("no robots.txt"),
    }
}

/// The state govpatrol keeps per host for one process.
pub struct Host {
    pub authority: String,
    permits: Arc<Semaphore>,
    limiter: DefaultDirectRateLimiter,
    /// A second, slower limiter when robots.txt asks for a Crawl-delay.
    delay_limiter: std::sync::OnceLock<Option<DefaultDirectRateLimiter>>,
    robots: tokio::sync::OnceCell<RobotsRules>,
    paused_until: Mutex<Option<Instant>>,
    /// Distress answers in a row, and how many pauses they caused.
    distress: Mutex<(u32, u32)>,
    settings: Settings,
}

/// Distress answers in a row (5xx, timeout, reset) that pause a host.
pub const DISTRESS_STREAK: u32 = 5;

/// Proof of the right to send one request; drop it when the response is read.
pub struct Permit {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

/// All hosts' states plus the global cap.
pub struct Politeness {
    client: reqwest::Client,
    cache: std::sync::OnceLock<Arc<dyn RobotsCache>>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    global: Arc<Semaphore>,
}

/// `host:port` of a URL (the port always written).
pub fn authority(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

impl Politeness {
    /// `client` is used for robots.txt only; it must follow redirects.
    pub fn new(client: reqwest::Client, max_connections: usize) -> Self {
        Politeness {
            client,
            cache: std::sync::OnceLock::new(),
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(max_connections.max(1))),
        }
    }

    /// Keeps robots.txt answers in `cache` from now on (and reads them from it).
    pub fn set_robots_cache(&self, cache: Arc<dyn RobotsCache>) {
        let _ = self.cache.set(cache);
    }

    /// The host of `url`, created with `settings` the first time it is seen.
    pub fn host(&self, url: &Url, settings: &Settings) -> Arc<Host> {
        let key = authority(url);
        let mut hosts = self.hosts.lock().expect("hosts lock");
        hosts
            .entry(key.clone())
            .or_insert_with(|| {
                Arc::new(Host {
                    authority: key,
                    permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
                    limiter: limiter(settings.requests_per_second),
                    delay_limiter: std::sync::OnceLock::new(),
                    robots: tokio::sync::OnceCell::new(),
                    paused_until: Mutex::new(None),
                    distress: Mutex::new((0, 0)),
                    settings: settings.clone(),
                })
            })
            .clone()
    }

    /// Whether robots.txt lets govpatrol fetch `url`; `Err` carries the reason when not.
    pub async fn robots_allow(&self, host: &Host, url: &Url) -> Result<(), String> {
        if !host.settings.respect_robots {
            return Ok(());
        }
        let rules = host
            .robots
            .get_or_init(|| self.fetch_robots(host, url))
            .await;
        match rules {
            RobotsRules::AllowAll(_) => Ok(()),
            RobotsRules::DisallowAll(why) => Err(why.clone()),
            RobotsRules::Rules(robot) => {
                if url.path() == "/robots.txt" || robot.allowed(url.as_str()) {
                    Ok(())
                } else {
                    Err("disallowed by robots.txt".into())
                }
            }
        }
    }

    /// The robots rules of a host, if they were read.
    pub fn robots_of(&self, authority: &str) -> Option<String> {
        let hosts = self.hosts.lock().expect("hosts lock");
        let h = hosts.get(authority)?;
        h.robots.get().map(|r| match r {
            RobotsRules::AllowAll(why) => format!("allow all ({why})"),
            RobotsRules::DisallowAll(why) => format!("disallow all ({why})"),
            RobotsRules::Rules(r) => format!("rules (crawl-delay {:?})", r.delay),
        })
    }

    async fn fetch_robots(&self, host: &Host, url: &Url) -> RobotsRules {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let cache = self.cache.get();
        let mut answer = cache.and_then(|c| c.load(&host.authority));
        if answer.is_none() {
            let _permit = self.acquire(host).await;
            let resp = self
                .client
                .get(robots_url.clone())
                .timeout(host.settings.timeout)
                .send()
                .await;
            if let Ok(resp) = resp {
                let status = resp.status().as_u16();
                let html = resp
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|ct| ct.contains("html"));
                let body = match status {
                    200..=299 => read_capped(resp, MAX_ROBOTS_BYTES).await,
                    _ => None,
                };
                let a = RobotsAnswer { status, html, body };
                if let Some(c) = cache.filter(|_| !matches!(status, 429 | 500..=599)) {
                    c.save(&host.authority, &a);
                }
                answer = Some(a);
            }
        }
        let rules = match answer {
            None => RobotsRules::AllowAll("robots.txt unreachable"),
            Some(a) => rules_of(a),
        };
        // A Crawl-delay slower than the configured rate adds a second limiter.
        let delay = match &rules {
            RobotsRules::Rules(r) => r
                .delay
                .map(f64::from)
                .filter(|d| *d > 0.0 && 1.0 / d < host.settings.requests_per_second),
            _ => None,
        };
        let _ = host.delay_limiter.set(delay.map(|d| limiter(1.0 / d)));
        if let RobotsRules::DisallowAll(why) = &rules {
            tracing::warn!(host = %host.authority, "not crawling this host: {why}");
        }
        rules
    }

    /// Waits for the right to send one request to `host` (see the module doc).
    pub async fn acquire(&self, host: &Host) -> Permit {
        let host_permit = host
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("host semaphore never closed");
        host.wait_pause().await;
        host.limiter.until_ready().await;
        if let Some(Some(slow)) = host.delay_limiter.get() {
            slow.until_ready().await;
        }
        let global = self
            .global
            .clone()
            .acquire_owned()
            .await
            .expect("global semaphore never closed");
        Permit {
            _host: host_permit,
            _global: global,
        }
    }

    /// Records whether an answer showed the host in distress; pauses it after a streak.
    pub fn record(&self, host: &Host, distress: bool) {
        let pause = {
            let mut d = host.distress.lock().expect("distress lock");
            if !distress {
                d.0 = 0;
                return;
            }
            d.0 += 1;
            if d.0 < DISTRESS_STREAK {
                return;
            }
            d.0 = 0;
            d.1 += 1;
            Duration::from_secs(10 * 2u64.pow(d.1.min(4) - 1))
        };
        tracing::warn!(host = %host.authority, "host in distress: pausing it for {} s", pause.as_secs().min(120));
        self.back_off(host, pause);
    }

    /// Pauses every request to `host` for `pause` (429 / 503 / repeated 5xx).
    pub fn back_off(&self, host: &Host, pause: Duration) {
        let until = Instant::now() + pause.min(MAX_RETRY_AFTER);
        let mut p = host.paused_until.lock().expect("pause lock");
        if p.is_none_or(|cur| cur < until) {
            *p = Some(until);
        }
    }
}

impl Host {
    async fn wait_pause(&self) {
        loop {
            let until = *self.paused_until.lock().expect("pause lock");
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t.into()).await,
                _ => return,
            }
        }
    }
}

fn limiter(rps: f64) -> DefaultDirectRateLimiter {
    let period = Duration::from_secs_f64(1.0 / rps.max(1e-6)).max(Duration::from_nanos(1));
    RateLimiter::direct(Quota::with_period(period).expect("period is positive"))
}

/// Parses `Retry-After` (seconds or an HTTP date) relative to now.
pub fn retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Reads at most `cap` bytes of a body; `None` on a transport error.
async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.ok()? {
        let room = cap.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= cap {
            break;
        }
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after("3"), Some(Duration::from_secs(3)));
        let later = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let d = retry_after(&later).unwrap();
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn authority_always_has_a_port() {
        assert_eq!(
            authority(&Url::parse("https://www.mee.gov.cn/x").unwrap()),
            "www.mee.gov.cn:443"
        );
        assert_eq!(
            authority(&Url::parse("http://127.0.0.1:8080/").unwrap()),
            "127.0.0.1:8080"
        );
    }
}
