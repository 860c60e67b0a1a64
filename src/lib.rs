//! govpatrol inspects Chinese government websites the way the State Council's inspection
//! indicators (《政府网站与政务新媒体检查指标》) require, and writes what webmasters and the
//! general office need: CSV files, findings.jsonl and, later, reports and rectification notices.
//!
//! The data flow, one module per step (see `ARCHITECTURE.md`):
//!
//! ```text
//! config (targets.toml) ─▶ crawl::frontier ─▶ crawl::fetch (+ crawl::politeness)
//!      ─▶ extract ─▶ store ─▶ checks ─▶ store (findings, first_seen) ─▶ report
//! ```
//!
//! [`run::crawl`] drives one inspection. Imports run the other way, down layers (`domain` at
//! the bottom, the types every layer shares; see `ARCHITECTURE.md`, "Layers", which a test keeps
//! to). The built-in sample ministry site that `govpatrol demo` and the tests crawl is the crate
//! `govpatrol-sample`, here as `sample` with the default feature `demo`.
//!
//! ```no_run
//! # async fn f() -> anyhow::Result<()> {
//! let targets = govpatrol::config::Targets::load("targets.toml".as_ref())?;
//! let opts = govpatrol::run::RunOptions {
//!     out: "reports".into(),
//!     as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
//!     fresh: false,
//!     progress_bars: false,
//!     progress_lines: true,
//! };
//! let (_tx, stop) = tokio::sync::watch::channel(false);
//! let summary = govpatrol::run::crawl(&targets, &opts, stop).await?;
//! for site in &summary.sites {
//!     println!("{}: {} findings in {}", site.site, site.findings.len(), site.dir.display());
//! }
//! # Ok(()) }
//! ```

/// Working days: the calendar crate ([`govpatrol_calendar`]), shared with the sample sites.
pub use govpatrol_calendar as calendar;
pub mod checks;
pub mod columns_cmd;
pub mod config;
pub mod crawl;
#[cfg(feature = "demo")]
pub mod demo;
pub mod domain;
pub mod extract;
pub mod page;
pub mod period;
pub mod probe;
pub mod progress;
pub mod report;
pub mod run;
/// The renderer is a step of the crawl: [`crawl::render`], also reachable by its old path.
pub use crawl::render;
/// The built-in sample sites (the `govpatrol-sample` crate), for `govpatrol demo`.
#[cfg(feature = "demo")]
pub use govpatrol_sample as sample;
pub mod score;
pub mod site_health;
pub mod store;
pub mod transport;
pub mod wording;
