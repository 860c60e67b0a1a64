//! Soft 404 for resources: an attachment or image that the server answers with `200` and an
//! HTML error page instead of the file.
//!
//! Resources are checked with HEAD (then GET without the body, see [`super::fetch`]), and a
//! `200` used to settle it. Two signs say a `200` may be an error page:
//!
//! - the host answers paths that do not exist with `200` (the site's not-found probe,
//!   [`super::probe_notfound`]: IIS/ASP.NET custom errors, everything rewritten to `index.php`,
//!   a redirect to a `/404.html` that answers `200`);
//! - the `Content-Type` is HTML while the extension names a file (`.pdf`, `.doc`, `.xls`,
//!   `.zip`, `.jpg`, `.png` …).
//!
//! (On a host of the first kind, an answer whose type is not HTML, `application/pdf`, is the file
//! itself: the error page is HTML.) With either sign the resource is asked again with GET ([`Soft404::confirm`]), and it is a soft
//! 404 only when what comes back is an HTML page (by its type and by its first bytes: a server
//! that sends every file as `text/html` still sends the file) that is an error page: its title or
//! short text says so ([`crate::extract::soft404_reason`]), or it is the very page the server
//! answers for a path that does not exist — the site's probe, or a probe next to the resource
//! with the same extension (`/attach/0/govpatrol-notfound-….pdf`, asked once per folder and
//! extension), since servers answer a missing file in one folder differently from a missing page
//! at the root. Anything else is the file: no finding. The stored reason names the sign seen
//! and what confirmed it; the link check reports it as `broken_link` with it in the evidence.

use std::collections::HashMap;
use std::sync::Mutex;

use url::Url;

use super::fetch::{Fetched, Fetcher, Outcome, Want};
use super::frontier::looks_like_file;
use crate::config::Site;

/// What the site's not-found probe learnt, and the probes made next to resources.
#[derive(Debug, Default)]
pub struct Soft404 {
    /// The probe's status (after redirects) and its page's fingerprint when it answered 2xx.
    status: Option<u16>,
    fingerprint: Option<u64>,
    /// Fingerprint of the not-found answer (`None`: not an HTML 2xx) per (folder, extension).
    siblings: Mutex<HashMap<(String, String), Option<u64>>>,
}

impl Soft404 {
    /// From the site's not-found probe (`(status, fingerprint)` as [`super::probe_notfound`]
    /// returns and the store keeps them).
    pub fn new(status: Option<u16>, fingerprint: Option<u64>) -> Soft404 {
        Soft404 {
            status,
            fingerprint,
            siblings: Mutex::default(),
        }
    }

    fn host_answers_200(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// The signs that a resource's 2xx answer may be an error page, in words.
    fn signs(&self, url: &Url, f: &Fetched) -> Vec<String> {
        let mut signs = Vec::new();
        // Its error page is HTML: an answer of another type (`application/pdf`) is the file.
        if self.host_answers_200() && (f.content_type.is_none() || f.is_html()) {
            signs.push("the server answers 200 for paths that do not exist".to_string());
        }
        if f.is_html() && looks_like_file(url) {
            let ct = f.content_type.as_deref().unwrap_or("text/html");
            let ct = ct.split(';').next().unwrap_or(ct).trim();
            signs.push(format!("{ct} for a .{}", extension(url)));
        }
        signs
    }

    /// Confirms or clears a resource's 2xx answer when a sign says it may be an error page: GET
    /// it and compare. Returns the outcome to store (the GET's when one was made) and the
    /// soft-404 reason when it is one.
    pub async fn confirm(
        &self,
        fetcher: &Fetcher,
        site: &Site,
        url: &Url,
        outcome: Outcome,
    ) -> (Outcome, Option<String>) {
        let signs = match &outcome.result {
            Ok(f) if f.status < 300 => self.signs(url, f),
            _ => Vec::new(),
        };
        if signs.is_empty() {
            return (outcome, None);
        }
        let mut got = fetcher.fetch(url, Want::Page, &site.settings).await;
        got.attempts += outcome.attempts;
        let confirmed = match &got.result {
            Ok(g) if g.status < 300 && is_markup(g) => self.error_page(fetcher, site, url, g).await,
            _ => None,
        };
        let reason = confirmed.map(|c| format!("soft 404: {c} ({})", signs.join("; ")));
        (got, reason)
    }

    /// What shows the page `g` (got for `url`) is an error page, if anything does.
    async fn error_page(
        &self,
        fetcher: &Fetcher,
        site: &Site,
        url: &Url,
        g: &Fetched,
    ) -> Option<String> {
        let page = &super::parse(site, g, false, false)?.page.facts;
        if let Some(why) = &page.soft404 {
            return Some(format!("the page served {why}"));
        }
        if self.host_answers_200() && self.fingerprint == Some(page.fingerprint) {
            return Some(
                "the page served is the one the server answers for a path that does not exist"
                    .into(),
            );
        }
        let (key, probe) = sibling(url)?;
        let cached = self.siblings.lock().ok()?.get(&key).copied();
        let there = match cached {
            Some(fp) => fp,
            None => {
                let out = fetcher.fetch(&probe, Want::Page, &site.settings).await;
                let fp = match &out.result {
                    Ok(p) if p.status < 300 && is_markup(p) => {
                        super::parse(site, p, false, false).map(|p| p.page.facts.fingerprint)
                    }
                    _ => None,
                };
                if let Ok(mut m) = self.siblings.lock() {
                    m.insert(key, fp);
                }
                fp
            }
        };
        (there == Some(page.fingerprint)).then(|| {
            format!(
                "the page served is the one the server answers for a .{} that does not exist in {}",
                extension(url),
                folder(url)
            )
        })
    }
}

fn extension(url: &Url) -> String {
    let last = url.path().rsplit('/').next().unwrap_or("");
    last.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn folder(url: &Url) -> &str {
    let p = url.path();
    &p[..p.rfind('/').map_or(0, |i| i + 1)]
}

/// A path next to `url` with the same extension that does not exist, and the (folder,
/// extension) it stands for.
fn sibling(url: &Url) -> Option<((String, String), Url)> {
    let ext = extension(url);
    let token: String = (0..12).map(|_| fastrand::alphanumeric()).collect();
    let mut probe = url.clone();
    probe.set_query(None);
    probe.set_path(&format!("{}govpatrol-notfound-{token}.{ext}", folder(url)));
    let key = (
        format!("{}{}", url.host_str().unwrap_or(""), folder(url)),
        ext,
    );
    Some((key, probe))
}

/// An HTML answer whose body reads as markup: a server that sends every file as `text/html`
/// still sends a PDF's or an image's bytes.
fn is_markup(f: &Fetched) -> bool {
    if !f.is_html() {
        return false;
    }
    let Some(body) = f.body.as_deref() else {
        return false;
    };
    let head = &body[..body.len().min(1024)];
    let start = head.trim_ascii_start();
    start.starts_with(b"<") || start.starts_with(b"\xef\xbb\xbf<")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(ct: &str, body: &[u8]) -> Fetched {
        Fetched {
            final_url: Url::parse("http://s.gov.cn/a.pdf").unwrap(),
            status: 200,
            redirects: Vec::new(),
            content_type: Some(ct.into()),
            body: Some(body.to_vec()),
            truncated: false,
            method: "GET",
            elapsed: std::time::Duration::ZERO,
            validators: Default::default(),
            big: None,
        }
    }

    #[test]
    fn signs_of_an_error_page() {
        let u = |s: &str| Url::parse(s).unwrap();
        let none = Soft404::new(Some(404), None);
        let html = fetched("text/html; charset=utf-8", b"");
        assert_eq!(
            none.signs(&u("http://s.gov.cn/f/a.PDF"), &html),
            ["text/html for a .pdf"]
        );
        assert!(none.signs(&u("http://s.gov.cn/a.html"), &html).is_empty());
        assert!(none
            .signs(
                &u("http://s.gov.cn/a.pdf"),
                &fetched("application/pdf", b"")
            )
            .is_empty());
        let iis = Soft404::new(Some(200), Some(1));
        assert_eq!(
            iis.signs(&u("http://s.gov.cn/down.aspx?id=3"), &html),
            ["the server answers 200 for paths that do not exist"]
        );
        // On such a server a real file is told by its type: no second request.
        assert!(iis
            .signs(
                &u("http://s.gov.cn/a.pdf"),
                &fetched("application/pdf", b"")
            )
            .is_empty());
    }

    #[test]
    fn a_file_sent_as_html_is_not_markup() {
        assert!(!is_markup(&fetched("text/html", b"%PDF-1.4\n")));
        assert!(!is_markup(&fetched("text/html", b"\xd0\xcf\x11\xe0")));
        assert!(!is_markup(&fetched("application/pdf", b"<html>")));
        assert!(is_markup(&fetched(
            "text/html",
            b"\r\n <!DOCTYPE html><html>"
        )));
    }

    #[test]
    fn the_sibling_probe_keeps_folder_and_extension() {
        let (key, probe) =
            sibling(&Url::parse("http://s.gov.cn/attach/0/26112.pdf?v=1").unwrap()).unwrap();
        assert_eq!(key, ("s.gov.cn/attach/0/".to_string(), "pdf".to_string()));
        assert!(probe
            .as_str()
            .starts_with("http://s.gov.cn/attach/0/govpatrol-notfound-"));
        assert!(probe.as_str().ends_with(".pdf"));
    }
}
