//! Guard: which network addresses govpatrol may send a request to (no SSRF).
//!
//! A public government page can link to `http://127.0.0.1/`, `http://10.0.0.5/admin` or the cloud
//! metadata address `169.254.169.254`; fetching those would make the crawler a tool against the
//! network it runs in. So a request goes to a loopback, private (RFC 1918, unique-local),
//! link-local, unspecified or shared-address-space (100.64/10) address only when its host is one
//! of the configured sites' hosts (a site that itself lives on such an address, as the built-in
//! sample site and an intranet portal do) or when `allow_private = true`. Literal IPs are checked
//! before a request; names are checked after resolution, by the resolver reqwest uses
//! ([`GuardedResolver`]), so DNS that points a public-looking name at a private address is caught
//! too. A blocked URL is not checked and not a finding; the run log says so.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Marker in the resolver's error text, so the fetch layer can tell a block from a DNS failure.
pub const BLOCKED_MARKER: &str = "govpatrol-guard: blocked";

/// The hosts that may be on private addresses.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    allowed_hosts: Arc<HashSet<String>>,
    allow_all: bool,
}

impl Guard {
    /// `hosts`: host names or IP literals (no port) of the configured sites.
    pub fn new(hosts: impl IntoIterator<Item = String>, allow_all: bool) -> Guard {
        Guard {
            allowed_hosts: Arc::new(hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect()),
            allow_all,
        }
    }

    /// A guard that lets everything through (for `govpatrol page`, where a person names the URL).
    pub fn open() -> Guard {
        Guard {
            allowed_hosts: Arc::default(),
            allow_all: true,
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        self.allow_all
            || self
                .allowed_hosts
                .contains(&host.trim_matches(['[', ']']).to_ascii_lowercase())
    }

    /// `Err(reason)` when `host` is an IP literal govpatrol must not contact.
    pub fn check_literal(&self, host: &str) -> Result<(), String> {
        let bare = host.trim_matches(['[', ']']);
        match bare.parse::<IpAddr>() {
            Ok(ip) if is_internal(ip) && !self.host_allowed(bare) => {
                Err(format!("{host} is an internal address"))
            }
            _ => Ok(()),
        }
    }
}

/// Loopback, private, link-local, unspecified, CGNAT, multicast and documentation ranges.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// The DNS resolver reqwest uses: system resolution, internal addresses filtered out.
pub struct GuardedResolver(pub Guard);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if guard.host_allowed(&host) {
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let public: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| !is_internal(a.ip()))
                .collect();
            if public.is_empty() && !addrs.is_empty() {
                return Err(
                    format!("{BLOCKED_MARKER}: {host} resolves to an internal address").into(),
                );
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_ranges() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "202.108.22.5", "2400:da00::6666"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn configured_hosts_may_be_internal_others_not() {
        let g = Guard::new(["127.0.0.1".to_string()], false);
        assert!(g.check_literal("127.0.0.1").is_ok());
        assert!(g.check_literal("169.254.169.254").is_err());
        assert!(g.check_literal("[::1]").is_err());
        assert!(g.check_literal("www.mee.gov.cn").is_ok());
        assert!(Guard::new([], true).check_literal("10.0.0.1").is_ok());
    }
}
