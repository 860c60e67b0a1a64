//! Site health in a run: availability, transport and page identity (issue 7), the part of
//! [`crate::run`] that is not about links.
//!
//! - [`record_transport`] (I/O, once per run, after the crawl): inspects how the homepage is
//!   served ([`crate::transport`]) and stores it, unless this run already has it (resume).
//! - [`metadata()`] (no I/O beyond reading the store): the stored pages' metadata and homepage
//!   footer ([`crate::checks::metadata`]) → findings; it runs with the run's checks over pages.
//! - [`check`] (no I/O beyond reading the store): the week of probes before the check point
//!   ([`crate::checks::availability`]) and the transport facts → findings, with the metadata ones.
//! - [`write_report`]: `availability.csv` in the site's folder (UTF-8 BOM, Chinese header, one row).

use std::path::Path;

use chrono::NaiveDate;
use url::Url;

use crate::checks::availability::{self, Availability, AVAILABILITY_COLUMNS};
use crate::checks::columns;
use crate::checks::metadata::{self, Expected};
use crate::checks::Finding;
use crate::config::Site;
use crate::crawl::fetch::Fetcher;
use crate::report::{self, ReportError};
use crate::store::{Store, StoreError};
use crate::transport::{self, TransportFacts};

/// What [`check`] found for one site.
#[derive(Debug, Clone)]
pub struct SiteHealth {
    pub findings: Vec<Finding>,
    pub availability: Availability,
    pub transport: Option<TransportFacts>,
}

/// Inspects and stores the transport facts of `run`'s homepage, unless already stored.
/// (`&mut`: the store is not shared across the await, so the future stays `Send`.)
pub async fn record_transport(
    store: &mut Store,
    fetcher: &Fetcher,
    site: &Site,
    run: i64,
) -> Result<(), StoreError> {
    if store.transport(run)?.is_some() {
        return Ok(());
    }
    let final_url = store
        .records(run, "AND u.id = 0")?
        .pop()
        .and_then(|h| h.result.final_url)
        .and_then(|u| Url::parse(&u).ok());
    let facts = transport::inspect(
        &site.url,
        final_url.as_ref(),
        &site.settings,
        &fetcher.polite,
        &[],
    )
    .await;
    store.save_transport(run, &facts)
}

/// The metadata findings of a stored run's pages (the national meta tags and footer items).
/// They read the pages only, so the run checks them with the other checks over pages.
pub fn metadata(store: &Store, site: &Site, run: i64) -> Result<Vec<Finding>, StoreError> {
    let expected = Expected {
        site: site.id.clone(),
        home: site.url.to_string(),
        site_id_code: site.site_id_code.clone(),
        icp: site.icp.clone(),
    };
    let mut meta = metadata::MetadataCheck::default();
    // The homepage linked under another address (`/index.html` from a 首页 link) is the
    // homepage, not a list page of its own: it is judged once, as the homepage.
    let mut home_keys = vec![columns::page_key(site.url.as_str())];
    store.for_each_page_identity(run, |p| {
        let key = columns::page_key(&p.url);
        if p.id == 0 {
            home_keys.push(key);
        } else if home_keys.contains(&key) {
            return;
        }
        meta.add(p)
    })?;
    Ok(meta.finish(&expected, &crate::store::now()))
}

/// Availability and transport findings of a stored run, with its `metadata` findings
/// ([`metadata()`]).
pub fn check(
    store: &Store,
    site: &Site,
    run: i64,
    metadata: Vec<Finding>,
) -> Result<SiteHealth, StoreError> {
    let stored = store.run(run)?;
    let as_of = NaiveDate::parse_from_str(&stored.as_of, "%Y-%m-%d")
        .unwrap_or_else(|_| chrono::Local::now().date_naive());
    let home = site.url.to_string();
    let window = availability::window(as_of);
    let probes = store.probes(&site.id, window.from_unix, window.to_unix)?;
    let avail = availability::summarise(&site.id, &home, &probes, &window);
    let mut findings = availability::check_availability(&avail);
    let transport = store.transport(run)?;
    if let Some(t) = &transport {
        findings.extend(availability::check_transport(
            &site.id,
            t,
            site.settings.check_ipv6,
        ));
    }
    findings.extend(metadata);
    Ok(SiteHealth {
        findings,
        availability: avail,
        transport,
    })
}

/// Writes `availability.csv` into the site's report folder `dir`.
pub fn write_report(dir: &Path, h: &SiteHealth) -> Result<(), ReportError> {
    let header: Vec<&str> = AVAILABILITY_COLUMNS.iter().map(|c| c.0).collect();
    let row = availability::availability_row(&h.availability, h.transport.as_ref());
    report::write_csv(
        dir,
        "availability.csv",
        report::csv::render(&header, &[row]),
    )
}
