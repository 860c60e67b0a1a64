//! Transport: how a site's homepage is served, below HTTP. Recorded once per run, judged by
//! [`crate::checks::availability::check_transport`].
//!
//! - **TLS** (when the homepage is, or redirects to, `https`): a direct tokio-rustls handshake
//!   that accepts any certificate so the peer's chain can be read, then the chain is verified
//!   separately with the platform's verifier (rustls-platform-verifier, the trust the operating
//!   system and browsers use); the verdict is recorded (expired, not yet valid, name mismatch,
//!   untrusted chain …) instead of failing. The leaf is parsed (x509-parser) for its expiry date,
//!   days left, subject, issuer and DNS names.
//! - **http→https**: for an https site, does `http://host/` redirect to https (one GET, redirects
//!   not followed); for an http site, did the crawl's homepage end on https. Recorded only.
//! - **IPv6**: does the homepage's host have an AAAA record, and does the homepage answer over
//!   IPv6 (one GET pinned to the first IPv6 address).
//!
//! Every connection goes through the crawl's [`Politeness`] (one permit per request) and carries
//! the configured User-Agent.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use url::Url;

pub use crate::domain::{Ipv6Facts, TlsFacts, TransportFacts};

use crate::config::Settings;
use crate::crawl::politeness::Politeness;

/// Inspects `home` (the configured homepage; `final_url` is where the crawl's homepage ended).
/// `extra_roots` are trusted besides the platform's roots (tests use a generated CA).
pub async fn inspect(
    home: &Url,
    final_url: Option<&Url>,
    settings: &Settings,
    polite: &Politeness,
    extra_roots: &[CertificateDer<'static>],
) -> TransportFacts {
    let target = final_url.unwrap_or(home).clone();
    let mut facts = TransportFacts {
        url: target.to_string(),
        checked_at: crate::store::now(),
        https: target.scheme() == "https",
        ..Default::default()
    };
    if facts.https {
        let host = polite.host(&target, settings);
        let _permit = polite.acquire(&host).await;
        facts.tls = Some(tls_facts(&target, settings.timeout, extra_roots).await);
        facts.http_to_https = if home.scheme() == "http" {
            Some(true)
        } else {
            http_redirects_to_https(&target, settings, polite).await
        };
    } else {
        facts.http_to_https = Some(false);
    }
    facts.ipv6 = ipv6_facts(&target, settings, polite).await;
    facts
}

/// Accepts any certificate during the handshake (signatures are still checked), so the chain
/// can be read and judged afterwards.
#[derive(Debug)]
struct AcceptAny(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn host_of(url: &Url) -> String {
    match url.host() {
        Some(url::Host::Ipv6(a)) => a.to_string(),
        Some(h) => h.to_string(),
        None => String::new(),
    }
}

/// Handshakes with `url`'s host and judges its certificate chain.
pub async fn tls_facts(
    url: &Url,
    timeout: Duration,
    extra_roots: &[CertificateDer<'static>],
) -> TlsFacts {
    let host = host_of(url);
    let port = url.port_or_known_default().unwrap_or(443);
    let mut facts = TlsFacts {
        host: host.clone(),
        port,
        ..Default::default()
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let Ok(name) = ServerName::try_from(host.clone()) else {
        facts.handshake_error = Some(format!("{host:?} is not a valid server name"));
        return facts;
    };
    let config = match rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
    {
        Ok(b) => b
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny(provider.clone())))
            .with_no_client_auth(),
        Err(e) => {
            facts.handshake_error = Some(e.to_string());
            return facts;
        }
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
        connector.connect(name.clone(), tcp).await
    };
    let stream = match tokio::time::timeout(timeout, handshake).await {
        Err(_) => {
            facts.handshake_error = Some(format!("timed out after {} s", timeout.as_secs()));
            return facts;
        }
        Ok(Err(e)) => {
            facts.handshake_error = Some(e.to_string());
            return facts;
        }
        Ok(Ok(s)) => s,
    };
    let chain: Vec<CertificateDer<'static>> = stream
        .get_ref()
        .1
        .peer_certificates()
        .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default();
    drop(stream);
    let Some(leaf) = chain.first() else {
        facts.handshake_error = Some("the server sent no certificate".into());
        return facts;
    };
    read_leaf(leaf, &mut facts);
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots.to_vec(), provider)
    };
    let verdict = verifier.and_then(|v| {
        v.verify_server_cert(leaf, &chain[1..], &name, &[], UnixTime::now())
            .map(|_| ())
    });
    if let Err(e) = verdict {
        facts.verify_error = Some(e.to_string());
        facts.problems.push(problem_of(&e).to_string());
    }
    if facts.days_left.is_some_and(|d| d < 0) && !facts.problems.iter().any(|p| p == "expired") {
        facts.problems.push("expired".into());
    }
    facts
}

fn problem_of(e: &rustls::Error) -> &'static str {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "expired",
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "not_yet_valid"
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "name_mismatch"
            }
            CertificateError::UnknownIssuer | CertificateError::BadSignature => "untrusted",
            CertificateError::Revoked => "revoked",
            _ => "invalid",
        },
        _ => "invalid",
    }
}

fn read_leaf(der: &CertificateDer<'_>, facts: &mut TlsFacts) {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der.as_ref()) else {
        facts.problems.push("invalid".into());
        return;
    };
    let not_after = cert.validity().not_after.timestamp();
    if let Some(t) = chrono::DateTime::from_timestamp(not_after, 0) {
        facts.not_after = Some(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        facts.days_left = Some((t - chrono::Utc::now()).num_days());
    }
    facts.subject = Some(cert.subject().to_string());
    facts.issuer = Some(cert.issuer().to_string());
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                x509_parser::extensions::GeneralName::DNSName(d) => facts.names.push(d.to_string()),
                x509_parser::extensions::GeneralName::IPAddress(b) => {
                    let ip = match b.len() {
                        4 => <[u8; 4]>::try_from(*b).ok().map(IpAddr::from),
                        16 => <[u8; 16]>::try_from(*b).ok().map(IpAddr::from),
                        _ => None,
                    };
                    facts.names.extend(ip.map(|i| i.to_string()));
                }
                _ => {}
            }
        }
    }
}

/// Does `http://host/` (same host, default port) redirect to https?
async fn http_redirects_to_https(
    https_url: &Url,
    settings: &Settings,
    polite: &Politeness,
) -> Option<bool> {
    let mut http = https_url.clone();
    http.set_scheme("http").ok()?;
    if https_url.port().is_some() {
        // an explicit https port says nothing about where plain http is served
        return None;
    }
    http.set_path("/");
    http.set_query(None);
    // Only configured homepages are contacted here, so no address guard is needed.
    let client = crate::crawl::fetch::client(
        &settings.user_agent,
        false,
        &crate::crawl::guard::Guard::open(),
    );
    let host = polite.host(&http, settings);
    let _permit = polite.acquire(&host).await;
    match client.get(http).timeout(settings.timeout).send().await {
        Ok(r) if r.status().is_redirection() => Some(
            r.headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|l| l.trim().to_ascii_lowercase().starts_with("https://")),
        ),
        Ok(_) => Some(false),
        Err(_) => None,
    }
}

/// The host's IPv6 addresses and whether the homepage answers over IPv6.
pub async fn ipv6_facts(url: &Url, settings: &Settings, polite: &Politeness) -> Ipv6Facts {
    let host = host_of(url);
    let port = url.port_or_known_default().unwrap_or(80);
    let mut facts = Ipv6Facts {
        host: host.clone(),
        ..Default::default()
    };
    let addrs: Vec<std::net::Ipv6Addr> = match url.host() {
        Some(url::Host::Ipv6(a)) => vec![a],
        Some(url::Host::Ipv4(_)) | None => Vec::new(),
        Some(url::Host::Domain(d)) => match tokio::net::lookup_host((d, port)).await {
            Ok(it) => it
                .filter_map(|a| match a.ip() {
                    IpAddr::V6(v6) => Some(v6),
                    IpAddr::V4(_) => None,
                })
                .collect(),
            Err(e) => {
                facts.error = Some(format!("DNS lookup failed: {e}"));
                Vec::new()
            }
        },
    };
    facts.aaaa = addrs.iter().map(|a| a.to_string()).collect();
    let Some(first) = addrs.first() else {
        return facts;
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .user_agent(&settings.user_agent)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.timeout);
    if let Some(url::Host::Domain(d)) = url.host() {
        builder = builder.resolve(d, SocketAddr::new(IpAddr::V6(*first), port));
    }
    let Ok(client) = builder.build() else {
        return facts;
    };
    let h = polite.host(url, settings);
    let _permit = polite.acquire(&h).await;
    match client
        .get(url.clone())
        .timeout(settings.timeout)
        .send()
        .await
    {
        Ok(r) => {
            facts.status = Some(r.status().as_u16());
            facts.answers = Some(r.status().as_u16() < 400);
        }
        Err(e) => {
            facts.answers = Some(false);
            facts.error = Some(e.to_string());
        }
    }
    facts
}
