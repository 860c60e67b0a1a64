//! What was found about how a site's homepage is served, below HTTP (TLS certificate,
//! http→https, IPv6): recorded by [`crate::transport`], stored, judged by the availability checks.

use serde::{Deserialize, Serialize};

/// What was found about how the homepage is served.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransportFacts {
    /// The homepage inspected (after the crawl's redirects).
    pub url: String,
    pub checked_at: String,
    /// The homepage is served over https.
    pub https: bool,
    /// Set when `https`.
    pub tls: Option<TlsFacts>,
    /// `http://` redirects to `https://` (`None`: could not tell).
    pub http_to_https: Option<bool>,
    pub ipv6: Ipv6Facts,
}

/// The peer certificate and the verdict on its chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TlsFacts {
    pub host: String,
    pub port: u16,
    /// The handshake itself failed (nothing else could be read).
    pub handshake_error: Option<String>,
    /// RFC 3339 expiry of the leaf certificate.
    pub not_after: Option<String>,
    pub days_left: Option<i64>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    /// DNS names the certificate is valid for.
    pub names: Vec<String>,
    /// What is wrong with the chain, if anything: `expired`, `not_yet_valid`, `name_mismatch`,
    /// `untrusted`, `revoked`, `invalid`.
    pub problems: Vec<String>,
    /// The verifier's own words.
    pub verify_error: Option<String>,
}

/// IPv6 readiness of the homepage's host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ipv6Facts {
    pub host: String,
    /// AAAA addresses (an IPv6 literal host counts as its own address).
    pub aaaa: Vec<String>,
    /// The homepage answered over IPv6 with a status below 400 (`None`: no AAAA, not tried).
    pub answers: Option<bool>,
    pub status: Option<u16>,
    pub error: Option<String>,
}
