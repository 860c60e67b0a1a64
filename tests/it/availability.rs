//! Availability and transport as the office sees them: homepage probes against a server that
//! fails a chosen share of requests or answers too late, a week of probes judged at the 5 % line,
//! `availability.csv`, the `probe` command (once, and `--every` until stopped), and the TLS
//! certificate of a local https server generated in the test (self-signed, expired, wrong name,
//! good) plus IPv6 readiness.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use govpatrol::checks::availability::{self, check_transport, TLS_CERTIFICATE};
use govpatrol::checks::Severity;
use govpatrol::store::{Probe, Store};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A homepage that fails every `fail_every`-th request with 503 (0: never) and answers after
/// `delay`. Returns its URL and the number of requests it received.
async fn probe_server(fail_every: usize, delay: Duration) -> (url::Url, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let h = h.clone();
            async move {
                let n = h.fetch_add(1, Ordering::SeqCst) + 1;
                assert!(headers["user-agent"]
                    .to_str()
                    .unwrap()
                    .starts_with("govpatrol/"));
                tokio::time::sleep(delay).await;
                if fail_every > 0 && n.is_multiple_of(fail_every) {
                    (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy")
                } else {
                    (
                        axum::http::StatusCode::OK,
                        "<html><title>首页</title></html>",
                    )
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!("http://{}/", l.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (url, hits)
}

fn targets_for(dir: &std::path::Path, url: &url::Url, timeout: u64) -> std::path::PathBuf {
    let p = dir.join("targets.toml");
    std::fs::write(
        &p,
        format!(
            "[defaults]\ntimeout_secs = {timeout}\n\n[[site]]\nid = \"home\"\nname = \"首页\"\nurl = \"{url}\"\nrole = \"unit\"\n"
        ),
    )
    .unwrap();
    p
}

#[tokio::test]
async fn a_share_of_failing_probes_is_recorded_with_times() {
    let (url, hits) = probe_server(4, Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let targets = govpatrol::config::Targets::load(&targets_for(dir.path(), &url, 5)).unwrap();
    let store = Store::open(&dir.path().join("govpatrol.sqlite")).unwrap();
    for _ in 0..8 {
        govpatrol::probe::probe_sites(&targets, &store)
            .await
            .unwrap();
    }
    assert_eq!(hits.load(Ordering::SeqCst), 8);
    let probes = store.probes("home", 0, i64::MAX).unwrap();
    assert_eq!(probes.len(), 8);
    let failed: Vec<&Probe> = probes.iter().filter(|p| !p.ok).collect();
    assert_eq!(failed.len(), 2, "every 4th request fails");
    assert!(failed
        .iter()
        .all(|p| p.status == Some(503) && p.error.as_deref() == Some("HTTP 503")));
    for p in probes.iter().filter(|p| p.ok) {
        assert_eq!(p.status, Some(200));
        assert!(p.ttfb_ms.unwrap() <= p.total_ms.unwrap());
        chrono::DateTime::parse_from_rfc3339(&p.at).unwrap();
    }
}

#[tokio::test]
async fn a_homepage_answering_after_16_s_is_a_failed_probe_at_the_indicators_15_s() {
    let (url, _) = probe_server(0, Duration::from_secs(16)).await;
    let client = govpatrol::probe::client(govpatrol::config::DEFAULT_USER_AGENT);
    let timeout = govpatrol::config::Settings::default().timeout;
    assert_eq!(timeout, Duration::from_secs(15));
    let started = std::time::Instant::now();
    let p = govpatrol::probe::probe_once(&client, "home", &url, timeout).await;
    let took = started.elapsed();
    assert!(!p.ok, "{p:?}");
    assert_eq!(p.status, None);
    assert!(p.error.as_deref().unwrap().contains("15 s"), "{p:?}");
    assert!(
        took >= Duration::from_secs(15) && took < Duration::from_secs(16),
        "{took:?}"
    );
}

/// `n` probes spread evenly over the 7 days before the check point, `failures` of them failed.
fn insert_week(store: &Store, site: &str, failures: usize, n: usize) {
    let w = availability::window(as_of());
    let step = (w.to_unix - w.from_unix) / n as i64;
    for i in 0..n {
        let at = w.from_unix + step * i as i64 + 60;
        let stride = n / failures.max(1);
        let ok = failures == 0 || !(i.is_multiple_of(stride) && i / stride < failures);
        store
            .insert_probe(&Probe {
                site: site.into(),
                url: "http://x/".into(),
                at: chrono::DateTime::from_timestamp(at, 0)
                    .unwrap()
                    .to_rfc3339(),
                at_unix: at,
                ok,
                status: ok.then_some(200),
                ttfb_ms: ok.then_some(20),
                total_ms: ok.then_some(100 + i as u64),
                error: (!ok).then(|| "the homepage did not open within 15 s".into()),
            })
            .unwrap();
    }
    // probes on the check point's own day and before the week do not count
    for at in [w.to_unix + 10, w.from_unix - 10] {
        store
            .insert_probe(&Probe {
                site: site.into(),
                url: "http://x/".into(),
                at: String::new(),
                at_unix: at,
                ok: false,
                status: None,
                ttfb_ms: None,
                total_ms: None,
                error: Some("outside".into()),
            })
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_at_5_percent_failures_is_a_veto_and_just_under_is_not() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    {
        let store = Store::open(&govpatrol::store::db_path(&out)).unwrap();
        insert_week(&store, "unit-a", 7, 140); // 5.0 %
        insert_week(&store, "unit-b", 6, 140); // 4.3 %
        let counted = store
            .probes(
                "unit-a",
                availability::window(as_of()).from_unix,
                availability::window(as_of()).to_unix,
            )
            .unwrap();
        assert_eq!(counted.iter().filter(|p| !p.ok).count(), 7);
    }
    let targets = write_targets(dir.path(), &sites, 50.0);
    let summary = crawl(&targets, &["unit-a", "unit-b"], &out, as_of()).await;
    let of = |site: &str, check: &str| {
        summary
            .sites
            .iter()
            .find(|s| s.site == site)
            .unwrap()
            .findings
            .iter()
            .filter(|f| f.check == check)
            .cloned()
            .collect::<Vec<_>>()
    };
    let veto = of("unit-a", "site_unreachable");
    assert_eq!(veto.len(), 1);
    assert_eq!(veto[0].severity, Severity::Veto);
    assert_eq!(veto[0].url, sites.sites[1].url.as_str());
    assert_eq!(veto[0].evidence["probes"], 140);
    assert_eq!(veto[0].evidence["failures"], 7);
    assert_eq!(veto[0].evidence["rate"], 0.05);
    assert!(of("unit-a", "too_few_probes").is_empty());
    assert!(of("unit-b", "site_unreachable").is_empty());
    assert!(of("unit-b", "too_few_probes").is_empty());

    // availability.csv: BOM, Chinese header, one row saying what was measured
    let csv = std::fs::read(out.join("2026-11/unit-a/availability.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        &header[..4],
        ["网站首页", "统计起点", "统计终点", "探测次数"]
    );
    let row: Vec<String> = r
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(row[3], "140");
    assert_eq!(row[5], "7");
    assert_eq!(row[6], "5.00%");
    assert!(row[9].contains("单项否决"), "{row:?}");
    let b = std::fs::read_to_string(out.join("2026-11/unit-b/availability.csv")).unwrap();
    assert!(b.contains("4.29%") && b.contains("正常"), "{b}");
}

#[test]
fn the_probe_command_records_once_and_every_interval_until_stopped() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (url, hits) = rt.block_on(probe_server(0, Duration::ZERO));
    let dir = tempfile::tempdir().unwrap();
    let targets = targets_for(dir.path(), &url, 5);
    let out = dir.path().join("out");
    let bin = env!("CARGO_BIN_EXE_govpatrol");
    let once = Command::new(bin)
        .args(["probe", "--targets"])
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        once.status.success(),
        "{}",
        String::from_utf8_lossy(&once.stderr)
    );
    assert!(String::from_utf8_lossy(&once.stdout).contains("home"));
    let mut looping = Command::new(bin)
        .args(["probe", "--every", "1s", "--targets"])
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2600));
    // SIGTERM: the loop stops; every probe made so far is in the store
    Command::new("kill")
        .args(["-TERM", &looping.id().to_string()])
        .status()
        .unwrap();
    let status = looping.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let store = Store::open(&govpatrol::store::db_path(&out)).unwrap();
    let n = store.probes("home", 0, i64::MAX).unwrap().len();
    assert!(n >= 3, "{n} probes recorded");
    assert_eq!(n, hits.load(Ordering::SeqCst));
    let bad = Command::new(bin)
        .args(["probe", "--every", "soon", "--targets"])
        .arg(&targets)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

// ------------------------------------------------------------------------------- TLS and IPv6

struct Ca {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    der: CertificateDer<'static>,
}

fn ca() -> Ca {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "govpatrol test CA");
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca {
        der: cert.der().clone(),
        issuer: rcgen::Issuer::new(params, key),
    }
}

/// A leaf for `names`, valid `from`..`to`, signed by `ca` (self-signed when `None`).
fn leaf(
    names: &[&str],
    valid: (time::OffsetDateTime, time::OffsetDateTime),
    ca: Option<&Ca>,
) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params.not_before = valid.0;
    params.not_after = valid.1;
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = match ca {
        Some(ca) => params.signed_by(&key, &ca.issuer).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    let mut chain = vec![cert.der().clone()];
    if let Some(ca) = ca {
        chain.push(ca.der.clone());
    }
    (
        chain,
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
}

/// An https server on 127.0.0.1 presenting `chain`.
async fn tls_server(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> url::Url {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = l.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = l.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                if let Ok(mut s) = acceptor.accept(tcp).await {
                    let _ = s
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                        )
                        .await;
                    let _ = s.shutdown().await;
                }
            });
        }
    });
    url::Url::parse(&format!("https://127.0.0.1:{}/", addr.port())).unwrap()
}

fn days(n: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc() + time::Duration::days(n)
}

async fn judge_tls(
    url: &url::Url,
    roots: &[CertificateDer<'static>],
) -> (
    govpatrol::transport::TlsFacts,
    Vec<govpatrol::checks::Finding>,
) {
    let tls = govpatrol::transport::tls_facts(url, Duration::from_secs(5), roots).await;
    let facts = govpatrol::transport::TransportFacts {
        url: url.to_string(),
        https: true,
        tls: Some(tls.clone()),
        ..Default::default()
    };
    (tls, check_transport("s", &facts, false))
}

#[tokio::test]
async fn tls_certificates_self_signed_expired_wrong_name_and_good() {
    let ca = ca();
    let roots = [ca.der.clone()];

    let (chain, key) = leaf(&["127.0.0.1"], (days(-10), days(200)), None);
    let url = tls_server(chain, key).await;
    let (tls, f) = judge_tls(&url, &[]).await;
    assert_eq!(tls.problems, ["untrusted"], "{tls:?}");
    assert_eq!(f[0].check, TLS_CERTIFICATE);
    assert_eq!(f[0].severity, Severity::Deduction);

    let (chain, key) = leaf(&["127.0.0.1"], (days(-400), days(-3)), Some(&ca));
    let url = tls_server(chain, key).await;
    let (tls, f) = judge_tls(&url, &roots).await;
    assert_eq!(tls.problems, ["expired"], "{tls:?}");
    assert!(tls.days_left.unwrap() < 0);
    assert!(f[0].evidence["not_after"].is_string());

    let (chain, key) = leaf(&["www.other.gov.cn"], (days(-10), days(200)), Some(&ca));
    let url = tls_server(chain, key).await;
    let (tls, _) = judge_tls(&url, &roots).await;
    assert_eq!(tls.problems, ["name_mismatch"], "{tls:?}");
    assert_eq!(tls.names, ["www.other.gov.cn"]);

    let (chain, key) = leaf(&["127.0.0.1"], (days(-10), days(200)), Some(&ca));
    let url = tls_server(chain, key).await;
    let (tls, f) = judge_tls(&url, &roots).await;
    assert!(
        tls.problems.is_empty() && tls.verify_error.is_none(),
        "{tls:?}"
    );
    assert!((198..=200).contains(&tls.days_left.unwrap()), "{tls:?}");
    assert!(f.is_empty(), "{f:?}");

    let (chain, key) = leaf(&["127.0.0.1"], (days(-10), days(12)), Some(&ca));
    let url = tls_server(chain, key).await;
    let (_, f) = judge_tls(&url, &roots).await;
    assert_eq!(f[0].severity, Severity::Warning, "expires within 30 days");
    assert_eq!(f[0].evidence["expires_soon"], true);

    // a port that speaks no TLS at all: recorded, not a crash
    let (plain, _) = probe_server(0, Duration::ZERO).await;
    let mut https = plain.clone();
    https.set_scheme("https").unwrap();
    let (tls, f) = judge_tls(&https, &[]).await;
    assert!(tls.handshake_error.is_some());
    assert!(f[0].evidence["problems"][0]
        .as_str()
        .unwrap()
        .starts_with("handshake_failed"));
}

#[tokio::test]
async fn ipv6_readiness_is_recorded_and_reported_only_when_asked() {
    let settings = govpatrol::config::Settings::default();
    let polite = govpatrol::crawl::politeness::Politeness::new(
        govpatrol::crawl::fetch::client(
            &settings.user_agent,
            true,
            &govpatrol::crawl::guard::Guard::open(),
        ),
        8,
    );
    let (v4, _) = probe_server(0, Duration::ZERO).await;
    let facts = govpatrol::transport::inspect(&v4, None, &settings, &polite, &[]).await;
    assert!(facts.ipv6.aaaa.is_empty());
    assert_eq!(facts.ipv6.answers, None);
    assert_eq!(facts.http_to_https, Some(false));
    assert!(check_transport("s", &facts, false).is_empty());
    let f = check_transport("s", &facts, true);
    assert_eq!(f[0].check, "ipv6_not_ready");
    assert_eq!(f[0].severity, Severity::Warning);

    // a homepage on [::1] answers over IPv6 (skipped where the machine has no IPv6 loopback)
    let Ok(l) = tokio::net::TcpListener::bind("[::1]:0").await else {
        eprintln!("no IPv6 loopback here; skipping the IPv6 answer");
        return;
    };
    let port = l.local_addr().unwrap().port();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    let v6 = url::Url::parse(&format!("http://[::1]:{port}/")).unwrap();
    let facts = govpatrol::transport::inspect(&v6, None, &settings, &polite, &[]).await;
    assert_eq!(facts.ipv6.aaaa, ["::1"]);
    assert_eq!(
        (facts.ipv6.answers, facts.ipv6.status),
        (Some(true), Some(200)),
        "{facts:?}"
    );
    assert!(check_transport("s", &facts, true).is_empty());
}
