//! Probe: is the homepage open right now? The measurement behind 站点无法访问 (site unreachable).
//!
//! The indicators probe each homepage at intervals over a week, at least 20 times a day; a probe
//! fails when the homepage is still not open after 15 s. `govpatrol probe` makes one probe of
//! every selected homepage (all sites concurrently, one GET each, redirects followed, the
//! configured User-Agent and `timeout_secs`) and records each in the history store's `probes`
//! table the moment it is made: time, status, time to the response head, total time (body read),
//! error. Run it from cron every 30 minutes, or with `--every 30m` as a long-running loop that
//! keeps going through network errors and a locked database (a probe that could not be recorded
//! is kept and written with the next one).
//!
//! A probe **opens** when the final answer (after redirects) has a status below 400 and its
//! body was read within the timeout; anything else (timeout, DNS, refused, reset, TLS, 4xx, 5xx)
//! is a failure. [`crate::checks::availability`] judges the week of probes at a crawl's check
//! point.

use std::time::{Duration, Instant};

use tokio::sync::watch;
use url::Url;

use crate::config::{Site, Targets};
use crate::store::{Probe, Store, StoreError};

/// Errors of probing.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("--every {0:?}: expected a duration such as 30m, 1h or 90s (at least 1 s)")]
    Every(String),
}

/// Parses `30m`, `1h`, `90s` or `45` (seconds).
pub fn parse_every(s: &str) -> Result<Duration, ProbeError> {
    let t = s.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num.parse().map_err(|_| ProbeError::Every(s.into()))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" | "min" => n * 60,
        "h" => n * 3600,
        _ => return Err(ProbeError::Every(s.into())),
    };
    if secs == 0 {
        return Err(ProbeError::Every(s.into()));
    }
    Ok(Duration::from_secs(secs))
}

/// One probe of `url` with `timeout` for the whole answer.
pub async fn probe_once(
    client: &reqwest::Client,
    site: &str,
    url: &Url,
    timeout: Duration,
) -> Probe {
    let now = chrono::Local::now();
    let mut p = Probe {
        site: site.to_string(),
        url: url.to_string(),
        at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        at_unix: now.timestamp(),
        ok: false,
        status: None,
        ttfb_ms: None,
        total_ms: None,
        error: None,
    };
    let started = Instant::now();
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let mut ttfb = None;
    let attempt = async {
        let mut resp = client.get(url.clone()).send().await?;
        ttfb = Some(started.elapsed());
        let status = resp.status().as_u16();
        while resp.chunk().await?.is_some() {}
        Ok::<u16, reqwest::Error>(status)
    };
    match tokio::time::timeout(timeout, attempt).await {
        Err(_) => {
            p.error = Some(format!(
                "the homepage did not open within {} s",
                timeout.as_secs_f64()
            ))
        }
        Ok(Err(e)) => p.error = Some(error_chain(&e)),
        Ok(Ok(status)) => {
            p.status = Some(status);
            p.ok = status < 400;
            p.total_ms = Some(ms(started.elapsed()));
            if !p.ok {
                p.error = Some(format!("HTTP {status}"));
            }
        }
    }
    p.ttfb_ms = ttfb.map(ms);
    p
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

/// The client probes use: the configured User-Agent, redirects followed (at most 10).
pub fn client(user_agent: &str) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::limited(10))
        .pool_max_idle_per_host(0)
        .build()
        .expect("TLS backend and resolver are available")
}

/// Probes every site once, concurrently, recording each probe as it completes; fails when a
/// probe cannot be recorded (after one more try).
pub async fn probe_sites(targets: &Targets, store: &Store) -> Result<Vec<Probe>, ProbeError> {
    let mut pending = Vec::new();
    let out = probe_round(targets, store, &mut pending).await;
    for p in &pending {
        store.insert_probe(p)?;
    }
    Ok(out)
}

/// One round: every site probed; each probe (and any left `pending` from earlier rounds) is
/// recorded as soon as it is made; what cannot be recorded stays in `pending`.
async fn probe_round(targets: &Targets, store: &Store, pending: &mut Vec<Probe>) -> Vec<Probe> {
    let client = client(&targets.defaults.user_agent);
    let mut set = tokio::task::JoinSet::new();
    for site in &targets.sites {
        let (client, site): (reqwest::Client, Site) = (client.clone(), site.clone());
        set.spawn(
            async move { probe_once(&client, &site.id, &site.url, site.settings.timeout).await },
        );
    }
    let mut done = Vec::new();
    while let Some(joined) = set.join_next().await {
        let Ok(p) = joined else { continue };
        if p.ok {
            tracing::info!(site = %p.site, "homepage open: HTTP {} in {} ms", p.status.unwrap_or(0), p.total_ms.unwrap_or(0));
        } else {
            tracing::warn!(site = %p.site, "homepage did not open: {}", p.error.as_deref().unwrap_or("?"));
        }
        pending.push(p.clone());
        let mut kept = Vec::new();
        for q in pending.drain(..) {
            if let Err(e) = store.insert_probe(&q) {
                tracing::error!(site = %q.site, "cannot record the probe yet (kept for the next try): {e}");
                kept.push(q);
            }
        }
        *pending = kept;
        done.push(p);
    }
    done
}

/// Probes every `every` until `stop` turns true; returns how many probes were made. Network
/// failures are probes like any other; a database that cannot be written is retried with the
/// next probe.
pub async fn probe_every(
    targets: &Targets,
    store: &Store,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> usize {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut pending = Vec::new();
    let mut made = 0;
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            _ = tick.tick() => {}
        }
        if *stop.borrow() {
            break;
        }
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            round = probe_round(targets, store, &mut pending) => made += round.len(),
        }
    }
    if !pending.is_empty() {
        tracing::error!("{} probes could not be recorded", pending.len());
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepts_minutes_hours_and_seconds() {
        assert_eq!(parse_every("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_every("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_every("90").unwrap(), Duration::from_secs(90));
        assert!(parse_every("0m").is_err());
        assert!(parse_every("soon").is_err());
    }
}
