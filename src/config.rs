//! `targets.toml`: which sites to inspect and how politely.
//!
//! One struct, [`CrawlSettings`], is shared by the TOML file (`[defaults]` and each site's
//! `[site.settings]`) and the command line (`--requests-per-second 1` …), so every knob has one
//! name everywhere. Unknown keys are rejected. Every error names the file, the line and the key:
//!
//! ```text
//! targets.toml:7:1: key `concurency`: unknown field `concurency`, expected one of …
//! ```
//!
//! Precedence: command line > `[site.settings]` > `[defaults]` > built-in defaults
//! ([`Settings::default`]).
//!
//! A site may list its columns (栏目) as `[[site.column]]` with `name`, `url` (the list page),
//! optional `category` (news, notice, policy, interpretation, consultation, solicitation,
//! personnel, data, other), `level` (1 or 2), `window` (`14d`, `2w`, `6mo`, `1y`) and
//! `exclude = true` for a finished topic column. When it lists any column without `exclude`,
//! those are its columns; otherwise they are discovered during the crawl and the `exclude`
//! entries mark the discovered ones to leave out (see [`crate::checks::columns`]).
//!
//! `[interpretation]` (optional, one for all sites) sets the policy interpretation check
//! ([`interpretation::Settings`]): `window_months` (12), `max_working_days` (3),
//! `exclude_titles` (title patterns of documents that need no interpretation; replaces the
//! defaults).
//!
//! `[notice]` (optional) says who issues the rectification notices and how units answer:
//! `issuer` (发文机关, the office named in the notice's header and signature, default
//! 办公厅（网信办）), `contact` and `phone` (the person units call; left out of the notice when
//! not set) and `deadline_working_days` (15: the rectification deadline, counted in the
//! `[calendar]` from the notice's date). See [`NoticeConfig`].
//!
//! `[calendar]` (optional) adds `holidays` and `workdays` (`"YYYY-MM-DD"`) to China's official
//! 2025–2026 holidays and make-up working days ([`crate::calendar`]): the one working-day
//! calendar of message reply times, interpretation delays and rectification deadlines.
//!
//! ```
//! let toml = r#"
//! [defaults]
//! requests_per_second = 2
//!
//! [[site]]
//! id = "mee"
//! name = "生态环境部"
//! url = "https://www.mee.gov.cn/"
//! role = "portal"
//! "#;
//! let targets = govpatrol::config::Targets::parse(toml, "targets.toml".as_ref()).unwrap();
//! assert_eq!(targets.sites[0].id, "mee");
//! assert_eq!(targets.sites[0].settings.requests_per_second, 2.0);
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::domain::{Category, Window};

pub mod interpretation;
pub mod messages;
mod scoring;
pub use scoring::ScoringConfig;

/// One `[[site.column]]` of targets.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnConfig {
    pub name: String,
    /// The column's (first) list page.
    pub url: url::Url,
    pub category: Option<Category>,
    pub level: Option<u8>,
    pub window: Option<Window>,
    /// A finished topic column (专题 that ended): never judged, never counted.
    pub exclude: bool,
    /// A consultation column's expected reply time in working days (default 10; see
    /// [`crate::checks::messages`]).
    pub reply_days: Option<i64>,
}

/// Errors in the configuration: the file, the line and the key are always named.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the configuration: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: key `{key}`: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        message: String,
    },
    #[error("{0}")]
    Cli(String),
}

/// The politeness and budget knobs, as written in TOML or given on the command line.
/// Every field is optional here; [`Settings`] holds the resolved values.
#[derive(Debug, Clone, Default, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct CrawlSettings {
    /// Requests per second to one host (host:port). Default 2.
    #[arg(long, value_name = "N")]
    pub requests_per_second: Option<f64>,
    /// Requests in flight to one host at once. Default 4.
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Requests in flight over all hosts. Default 64.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// User-Agent sent with every request; keep a way to contact you in it.
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,
    /// Seconds before a request counts as failed (the indicators use 15).
    #[arg(long, value_name = "SECS")]
    pub timeout_secs: Option<u64>,
    /// Most pages (HTML, parsed) crawled on one site. Default 20000.
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
    /// Most link hops from the homepage. Default 12.
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,
    /// Honour robots.txt (including Crawl-delay). Default true.
    #[arg(long, value_name = "BOOL")]
    pub respect_robots: Option<bool>,
    /// Extra attempts for timeouts, resets, 5xx and 429 before a failure stands. Default 2.
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Largest body read from one response, in bytes; the rest is cut off. Default 8 MiB.
    #[arg(long, value_name = "BYTES")]
    pub max_body_bytes: Option<u64>,
    /// Check links to other sites too. Default true.
    #[arg(long, value_name = "BOOL")]
    pub check_external: Option<bool>,
    /// Contact loopback, private and link-local addresses even when no configured site lives
    /// there (intranet inspections). Default false: such links are not checked.
    #[arg(long, value_name = "BOOL")]
    pub allow_private: Option<bool>,
    /// Report a homepage host without AAAA record or not answering over IPv6 (`ipv6_not_ready`).
    /// Default false (always recorded in availability.csv).
    #[arg(long, value_name = "BOOL")]
    pub check_ipv6: Option<bool>,
    /// On a new run, ask the server for a page only if it changed since the last finished run of
    /// the site (ETag / If-Modified-Since); an unchanged page's links are read from the store.
    /// Default true.
    #[arg(long, value_name = "BOOL")]
    pub conditional_requests: Option<bool>,
    /// Render pages in headless Chromium: `off`, `auto` (the pages whose HTML looks built by
    /// script) or `always`; `--render` alone is `always`. Default off.
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "always")]
    pub render: Option<Render>,
    /// Seconds one page may take to render; past it the page is read statically. Default 30.
    #[arg(long, value_name = "SECS")]
    pub render_timeout_secs: Option<u64>,
    /// Seconds one URL may take in all (fetch with its retries and redirects, parse, extract);
    /// past it the URL is recorded as too slow and the crawl goes on. Default 30.
    #[arg(long, value_name = "SECS")]
    pub url_budget_secs: Option<u64>,
    /// Time budget of the whole run, counted from its start (`90m`, `2h`, `1h30m`, `45s`;
    /// `off`: none). When it passes, fetching stops, the checks run on what is stored, every
    /// report is written marked incomplete with the URLs left, and the exit code is 3; the same
    /// command later continues. Default off.
    #[arg(long, value_name = "DURATION")]
    pub max_duration: Option<String>,
}

/// Reads a duration as `max_duration` is written: `90m`, `2h`, `1h30m`, `45s`, `1d`, a bare
/// number of seconds; `off`, `none` or `0` is no limit (`Ok(None)`).
///
/// ```
/// use std::time::Duration;
/// use govpatrol::config::parse_duration;
/// assert_eq!(parse_duration("1h30m"), Ok(Some(Duration::from_secs(5400))));
/// assert_eq!(parse_duration("off"), Ok(None));
/// assert!(parse_duration("soon").is_err());
/// ```
pub fn parse_duration(s: &str) -> Result<Option<Duration>, String> {
    let t = s.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "off" | "none" | "0") {
        return Ok(None);
    }
    let bad = || format!("`{s}` is not a duration (write it like 90m, 2h, 1h30m, 45s, or off)");
    let mut secs: u64 = 0;
    let mut rest = t.as_str();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = rest[..unit_len].trim();
        rest = &rest[unit_len..];
        let mult = match unit {
            "" | "s" | "sec" | "secs" => 1,
            "m" | "min" | "mins" => 60,
            "h" | "hr" | "hrs" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        secs = n
            .checked_mul(mult)
            .and_then(|v| secs.checked_add(v))
            .ok_or_else(bad)?;
    }
    if secs == 0 {
        return Ok(None);
    }
    Ok(Some(Duration::from_secs(secs)))
}

/// Whether pages are rendered in headless Chromium before they are read ([`crate::render`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Render {
    /// Read every page's HTML as the server sent it.
    #[default]
    Off,
    /// Render the pages whose HTML looks built by script (an empty list or body container
    /// that a script fills, an empty front-end framework root); read the others statically.
    Auto,
    /// Render every page of the site.
    Always,
}

impl Render {
    pub fn as_str(self) -> &'static str {
        match self {
            Render::Off => "off",
            Render::Auto => "auto",
            Render::Always => "always",
        }
    }
}

/// Resolved settings for one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub requests_per_second: f64,
    pub concurrency: usize,
    pub max_connections: usize,
    pub user_agent: String,
    pub timeout: Duration,
    pub max_pages: usize,
    pub max_depth: usize,
    pub respect_robots: bool,
    pub retries: u32,
    pub max_body_bytes: u64,
    pub check_external: bool,
    pub allow_private: bool,
    pub check_ipv6: bool,
    pub conditional_requests: bool,
    pub render: Render,
    pub render_timeout: Duration,
    /// The run's time budget ([`CrawlSettings::max_duration`]): `None` is no limit.
    pub max_duration: Option<Duration>,
    /// The most one URL may take in all ([`CrawlSettings::url_budget_secs`]).
    pub url_budget: Duration,
}

/// The User-Agent sent unless configured otherwise: names the tool and where to read about it.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "govpatrol/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/govpatrol/govpatrol; government website inspection)"
);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            requests_per_second: 2.0,
            concurrency: 4,
            max_connections: 64,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            timeout: Duration::from_secs(15),
            max_pages: 20_000,
            max_depth: 12,
            respect_robots: true,
            retries: 2,
            max_body_bytes: 8 * 1024 * 1024,
            check_external: true,
            allow_private: false,
            check_ipv6: false,
            conditional_requests: true,
            render: Render::Off,
            render_timeout: Duration::from_secs(30),
            max_duration: None,
            url_budget: Duration::from_secs(30),
        }
    }
}

impl Settings {
    /// Lays `over` on top of `self`: every value `over` sets wins.
    pub fn apply(&mut self, over: &CrawlSettings) {
        if let Some(v) = over.requests_per_second {
            self.requests_per_second = v;
        }
        if let Some(v) = over.concurrency {
            self.concurrency = v;
        }
        if let Some(v) = over.max_connections {
            self.max_connections = v;
        }
        if let Some(v) = &over.user_agent {
            self.user_agent = v.clone();
        }
        if let Some(v) = over.timeout_secs {
            self.timeout = Duration::from_secs(v);
        }
        if let Some(v) = over.max_pages {
            self.max_pages = v;
        }
        if let Some(v) = over.max_depth {
            self.max_depth = v;
        }
        if let Some(v) = over.respect_robots {
            self.respect_robots = v;
        }
        if let Some(v) = over.retries {
            self.retries = v;
        }
        if let Some(v) = over.max_body_bytes {
            self.max_body_bytes = v;
        }
        if let Some(v) = over.check_external {
            self.check_external = v;
        }
        if let Some(v) = over.allow_private {
            self.allow_private = v;
        }
        if let Some(v) = over.check_ipv6 {
            self.check_ipv6 = v;
        }
        if let Some(v) = over.conditional_requests {
            self.conditional_requests = v;
        }
        if let Some(v) = over.render {
            self.render = v;
        }
        if let Some(v) = over.render_timeout_secs {
            self.render_timeout = Duration::from_secs(v);
        }
        if let Some(v) = &over.max_duration {
            // validated with the file or the command line (`validate_settings`, `apply_cli`)
            self.max_duration = parse_duration(v).ok().flatten();
        }
        if let Some(v) = over.url_budget_secs {
            self.url_budget = Duration::from_secs(v);
        }
    }
}

/// What a site is to the office: its own portal (inspected monthly) or a unit's site
/// (部属单位, spot-checked quarterly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Portal,
    Unit,
}

/// One site to inspect, resolved.
#[derive(Debug, Clone)]
pub struct Site {
    /// Folder name under `reports/<period>/`; `[a-z0-9_-]`.
    pub id: String,
    pub name: String,
    /// The homepage.
    pub url: Url,
    pub role: Role,
    /// Who receives the rectification notices.
    pub owner: Option<String>,
    /// Hosts (host or host:port) that belong to the site besides the homepage's.
    pub hosts: Vec<String>,
    /// URLs matching any of these are neither crawled nor checked.
    pub exclude: Vec<regex::Regex>,
    pub settings: Settings,
    /// `[[site.column]]`: the columns to judge (or, with `exclude`, to leave out).
    pub columns: Vec<ColumnConfig>,
    /// The expected 网站标识码 (`site_id_code`), checked against pages and the footer.
    pub site_id_code: Option<String>,
    /// The expected ICP备案编号 (`icp`), checked against the homepage footer.
    pub icp: Option<String>,
    /// The limits of the message and solicitation checks (`[messages]`, same for every site).
    pub messages: messages::Rules,
}

impl Site {
    /// A site made of one address, for a page looked at on its own (`govpatrol page`): its
    /// host is the site, `settings` its settings.
    pub fn adhoc(url: &Url, settings: Settings) -> Site {
        Site {
            id: "page".into(),
            name: url.host_str().unwrap_or_default().to_string(),
            url: url.clone(),
            role: Role::Unit,
            owner: None,
            hosts: Vec::new(),
            exclude: Vec::new(),
            settings,
            columns: Vec::new(),
            site_id_code: None,
            icp: None,
            messages: Default::default(),
        }
    }

    /// Is `url` on this site (crawled and parsed) rather than external (only checked)?
    pub fn in_scope(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let home = self.url.host_str().unwrap_or_default();
        // http and https of the same host are the same site; an explicit port must match.
        let same_host = host == home
            && match (self.url.port(), url.port()) {
                (None, None) => true,
                (a, b) => {
                    a.or(self.url.port_or_known_default()) == b.or(url.port_or_known_default())
                }
            };
        same_host
            || self
                .hosts
                .iter()
                .any(|h| h == host || url.port().is_some_and(|p| *h == format!("{host}:{p}")))
    }

    /// Is `url` excluded by the site's `scope.exclude` patterns?
    pub fn excluded(&self, url: &Url) -> bool {
        self.exclude.iter().any(|re| re.is_match(url.as_str()))
    }
}

/// `[notice]`: who issues the rectification notices (整改通知) and how units answer them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeConfig {
    /// The issuing office (发文机关), named in the header, the signature and "报送…".
    pub issuer: String,
    /// The person units contact (联系人); left out of the notice when not set.
    pub contact: Option<String>,
    /// Their telephone (联系电话); left out of the notice when not set.
    pub phone: Option<String>,
    /// Working days a unit has to rectify, counted from the notice's date in the `[calendar]`.
    pub deadline_working_days: u32,
}

impl Default for NoticeConfig {
    fn default() -> Self {
        NoticeConfig {
            issuer: "办公厅（网信办）".into(),
            contact: None,
            phone: None,
            deadline_working_days: 15,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    issuer: Option<Spanned<String>>,
    contact: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
    deadline_working_days: Option<Spanned<i64>>,
}

impl RawNotice {
    /// Validates every key; `err` names the file, line and key.
    fn resolve<E>(
        self,
        err: &impl Fn(std::ops::Range<usize>, Option<&str>, String) -> E,
    ) -> Result<NoticeConfig, E> {
        let mut n = NoticeConfig::default();
        let text = |v: Spanned<String>, key: &str, max: usize| {
            let t = v.get_ref().trim().to_string();
            if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
                Err(err(
                    v.span(),
                    Some(key),
                    format!("must be one line of 1 to {max} characters"),
                ))
            } else {
                Ok(t)
            }
        };
        if let Some(v) = self.issuer {
            n.issuer = text(v, "issuer", 40)?;
        }
        if let Some(v) = self.contact {
            n.contact = Some(text(v, "contact", 20)?);
        }
        if let Some(v) = self.phone {
            let span = v.span();
            let p = text(v, "phone", 40)?;
            let digits = p.chars().filter(char::is_ascii_digit).count();
            let allowed = |c: char| c.is_ascii_digit() || " -+()（）、,，转/".contains(c);
            if digits < 7 || !p.chars().all(allowed) {
                return Err(err(
                    span,
                    Some("phone"),
                    format!("{p:?} is not a telephone number (digits, spaces, - + ( ) and 转 for an extension)"),
                ));
            }
            n.phone = Some(p);
        }
        if let Some(d) = self.deadline_working_days {
            if !(1..=120).contains(d.get_ref()) {
                return Err(err(
                    d.span(),
                    Some("deadline_working_days"),
                    "must be a number of working days from 1 to 120".into(),
                ));
            }
            n.deadline_working_days = *d.get_ref() as u32;
        }
        Ok(n)
    }
}

/// The whole `targets.toml`, resolved.
#[derive(Debug, Clone)]
pub struct Targets {
    pub path: PathBuf,
    pub defaults: Settings,
    pub sites: Vec<Site>,
    /// `[scoring]`: deduction values, caps, pass mark, rectification deadline.
    pub scoring: ScoringConfig,
    /// `[interpretation]`: the policy interpretation check's settings.
    pub interpretation: interpretation::Settings,
    /// `[calendar]`: the working days every deadline counts (also in `interpretation` and each
    /// site's message rules).
    pub calendar: crate::calendar::Calendar,
    /// `[notice]`: the issuing office, its contact, the rectification deadline.
    pub notice: NoticeConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterpretation {
    window_months: Option<Spanned<u32>>,
    max_working_days: Option<Spanned<i64>>,
    exclude_titles: Option<Vec<String>>,
}

/// `[calendar]`: days added to China's official working-day calendar.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    #[serde(default)]
    workdays: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    #[serde(default)]
    defaults: Option<Spanned<CrawlSettings>>,
    #[serde(default)]
    messages: Option<RawMessages>,
    #[serde(default, rename = "site")]
    sites: Vec<RawSite>,
    #[serde(default)]
    scoring: Option<ScoringConfig>,
    interpretation: Option<RawInterpretation>,
    calendar: Option<RawCalendar>,
    notice: Option<RawNotice>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    id: Spanned<String>,
    name: String,
    url: Spanned<String>,
    role: Role,
    owner: Option<String>,
    #[serde(default)]
    settings: Option<Spanned<CrawlSettings>>,
    #[serde(default)]
    scope: Option<RawScope>,
    #[serde(default)]
    site_id_code: Option<Spanned<String>>,
    #[serde(default)]
    icp: Option<String>,
    #[serde(default, rename = "column")]
    columns: Vec<RawColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    #[serde(default)]
    name: String,
    url: Spanned<String>,
    category: Option<Spanned<String>>,
    level: Option<Spanned<u8>>,
    window: Option<Spanned<String>>,
    #[serde(default)]
    exclude: bool,
    reply_days: Option<Spanned<i64>>,
}

/// `[messages]`: the limits of the message and solicitation checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessages {
    reply_days: Option<Spanned<i64>>,
    feedback_grace_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

impl Targets {
    /// Reads and validates a targets file.
    pub fn load(path: &Path) -> Result<Targets, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Targets::parse(&text, path)
    }

    /// Parses and validates targets from text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Targets, ConfigError> {
        let err = |span: std::ops::Range<usize>, key: Option<&str>, message: String| {
            let (line, column) = line_col(text, span.start);
            let key = key
                .map(str::to_string)
                .unwrap_or_else(|| key_at(text, span.clone()));
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                key,
                message,
            }
        };
        let raw: RawTargets = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let mut message = e.message().trim().to_string();
            if message.contains("`deadline_working_days`") {
                message.push_str(" (the rectification deadline is now set in [notice])");
            }
            err(span, None, message)
        })?;

        let mut defaults = Settings::default();
        if let Some(d) = &raw.defaults {
            validate_settings(d.get_ref(), d.span(), &err)?;
            defaults.apply(d.get_ref());
        }

        let days = |list: &[Spanned<String>], key: &str| {
            list.iter()
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(d.get_ref(), "%Y-%m-%d").map_err(|_| {
                        err(
                            d.span(),
                            Some(key),
                            format!("{:?} is not a date (YYYY-MM-DD)", d.get_ref()),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let mut calendar = crate::calendar::Calendar::china();
        if let Some(c) = &raw.calendar {
            calendar = calendar.with(
                &days(&c.holidays, "holidays")?,
                &days(&c.workdays, "workdays")?,
            );
        }

        let mut messages = messages::Rules {
            calendar: calendar.clone(),
            ..Default::default()
        };
        if let Some(m) = &raw.messages {
            for (v, key, target) in [
                (&m.reply_days, "reply_days", &mut messages.reply_days),
                (
                    &m.feedback_grace_days,
                    "feedback_grace_days",
                    &mut messages.feedback_grace_days,
                ),
            ] {
                if let Some(v) = v {
                    if !(1..=365).contains(v.get_ref()) {
                        return Err(err(
                            v.span(),
                            Some(key),
                            "must be from 1 to 365 days".into(),
                        ));
                    }
                    *target = *v.get_ref();
                }
            }
        }

        let mut seen = HashSet::new();
        let mut sites = Vec::new();
        for rs in raw.sites {
            let id = rs.id.get_ref().clone();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                return Err(err(
                    rs.id.span(),
                    Some("id"),
                    format!("site id {id:?} must be lowercase letters, digits, '-' or '_' (it names a folder)"),
                ));
            }
            if !seen.insert(id.clone()) {
                return Err(err(
                    rs.id.span(),
                    Some("id"),
                    format!("duplicate site id {id:?}"),
                ));
            }
            let url = match Url::parse(rs.url.get_ref()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => u,
                Ok(u) => {
                    return Err(err(
                        rs.url.span(),
                        Some("url"),
                        format!("{:?} is not an http(s) address", u.as_str()),
                    ))
                }
                Err(e) => {
                    return Err(err(
                        rs.url.span(),
                        Some("url"),
                        format!("{:?} is not a valid URL: {e}", rs.url.get_ref()),
                    ))
                }
            };
            let mut settings = defaults.clone();
            if let Some(s) = &rs.settings {
                validate_settings(s.get_ref(), s.span(), &err)?;
                settings.apply(s.get_ref());
            }
            let (mut hosts, mut exclude) = (Vec::new(), Vec::new());
            if let Some(scope) = rs.scope {
                for h in scope.hosts {
                    hosts.push(h.get_ref().to_ascii_lowercase());
                }
                for pat in scope.exclude {
                    let re = regex::Regex::new(pat.get_ref()).map_err(|e| {
                        err(
                            pat.span(),
                            Some("exclude"),
                            format!("not a valid pattern: {e}"),
                        )
                    })?;
                    exclude.push(re);
                }
            }
            let mut columns = Vec::new();
            for rc in rs.columns {
                let curl = url
                    .join(rc.url.get_ref())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| {
                        err(
                            rc.url.span(),
                            Some("url"),
                            format!("{:?} is not a valid column address", rc.url.get_ref()),
                        )
                    })?;
                let category = match &rc.category {
                    None => None,
                    Some(c) => Some(Category::parse(c.get_ref()).ok_or_else(|| {
                        err(
                            c.span(),
                            Some("category"),
                            format!(
                                "unknown category {:?}, expected one of news, notice, policy, interpretation, consultation, solicitation, personnel, data, other",
                                c.get_ref()
                            ),
                        )
                    })?),
                };
                let level = match &rc.level {
                    Some(l) if !(1..=2).contains(l.get_ref()) => {
                        return Err(err(l.span(), Some("level"), "must be 1 or 2".into()))
                    }
                    l => l.as_ref().map(|l| *l.get_ref()),
                };
                let window = match &rc.window {
                    None => None,
                    Some(w) => Some(
                        Window::parse(w.get_ref()).map_err(|m| err(w.span(), Some("window"), m))?,
                    ),
                };
                let reply_days = match &rc.reply_days {
                    Some(d) if !(1..=365).contains(d.get_ref()) => {
                        return Err(err(
                            d.span(),
                            Some("reply_days"),
                            "must be a number of working days from 1 to 365".into(),
                        ))
                    }
                    d => d.as_ref().map(|d| *d.get_ref()),
                };
                columns.push(ColumnConfig {
                    name: rc.name,
                    url: curl,
                    category,
                    level,
                    window,
                    exclude: rc.exclude,
                    reply_days,
                });
            }
            if let Some(code) = &rs.site_id_code {
                let c = code.get_ref();
                if c.len() != 10 || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                    return Err(err(
                        code.span(),
                        Some("site_id_code"),
                        format!(
                            "{c:?} is not a 网站标识码 (10 letters or digits, e.g. bm17000009)"
                        ),
                    ));
                }
            }
            sites.push(Site {
                id,
                name: rs.name,
                url,
                role: rs.role,
                owner: rs.owner,
                hosts,
                exclude,
                settings,
                columns,
                site_id_code: rs.site_id_code.map(Spanned::into_inner),
                icp: rs.icp,
                messages: messages.clone(),
            });
        }
        if sites.is_empty() {
            return Err(err(0..0, Some("site"), "no [[site]] is configured".into()));
        }
        let mut interpretation = interpretation::Settings::default();
        if let Some(ri) = raw.interpretation {
            if let Some(w) = ri.window_months {
                if *w.get_ref() == 0 || *w.get_ref() > 120 {
                    return Err(err(
                        w.span(),
                        Some("window_months"),
                        "must be between 1 and 120 months".into(),
                    ));
                }
                interpretation.window_months = w.into_inner();
            }
            if let Some(m) = ri.max_working_days {
                if *m.get_ref() < 0 {
                    return Err(err(
                        m.span(),
                        Some("max_working_days"),
                        "must not be negative".into(),
                    ));
                }
                interpretation.max_working_days = m.into_inner();
            }
            if let Some(p) = ri.exclude_titles {
                interpretation.exclude_titles = p;
            }
        }
        interpretation.calendar = calendar.clone();
        let notice = match raw.notice {
            Some(n) => n.resolve(&err)?,
            None => NoticeConfig::default(),
        };
        Ok(Targets {
            path: path.to_path_buf(),
            defaults,
            sites,
            scoring: raw.scoring.unwrap_or_default(),
            interpretation,
            calendar,
            notice,
        })
    }

    /// Applies command-line overrides to every site.
    pub fn apply_cli(&mut self, cli: &CrawlSettings) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Cli(m));
        if cli
            .requests_per_second
            .is_some_and(|r| !(r > 0.0 && r.is_finite()))
        {
            return bad("--requests-per-second must be a positive number".into());
        }
        if cli.concurrency == Some(0) || cli.max_connections == Some(0) {
            return bad("--concurrency and --max-connections must be at least 1".into());
        }
        if let Some(Err(e)) = cli.max_duration.as_deref().map(parse_duration) {
            return bad(format!("--max-duration: {e}"));
        }
        self.defaults.apply(cli);
        for s in &mut self.sites {
            s.settings.apply(cli);
        }
        Ok(())
    }

    /// Keeps only the sites named (all when `ids` is empty); an unknown id is an error.
    pub fn select(&mut self, ids: &[String]) -> Result<(), ConfigError> {
        if ids.is_empty() {
            return Ok(());
        }
        for id in ids {
            if !self.sites.iter().any(|s| &s.id == id) {
                let known: Vec<_> = self.sites.iter().map(|s| s.id.as_str()).collect();
                return Err(ConfigError::Cli(format!(
                    "--site {id}: no such site in {} (known: {})",
                    self.path.display(),
                    known.join(", ")
                )));
            }
        }
        self.sites.retain(|s| ids.contains(&s.id));
        Ok(())
    }
}

fn validate_settings<E>(
    s: &CrawlSettings,
    span: std::ops::Range<usize>,
    err: &impl Fn(std::ops::Range<usize>, Option<&str>, String) -> E,
) -> Result<(), E> {
    if let Some(r) = s.requests_per_second {
        if !(r > 0.0 && r.is_finite()) {
            return Err(err(
                span,
                Some("requests_per_second"),
                format!("must be a positive number, not {r}"),
            ));
        }
    }
    for (key, v) in [
        ("concurrency", s.concurrency),
        ("max_connections", s.max_connections),
        ("max_pages", s.max_pages),
    ] {
        if v == Some(0) {
            return Err(err(span.clone(), Some(key), "must be at least 1".into()));
        }
    }
    if s.timeout_secs == Some(0) {
        return Err(err(span, Some("timeout_secs"), "must be at least 1".into()));
    }
    if let Some(Err(e)) = s.max_duration.as_deref().map(parse_duration) {
        return Err(err(span, Some("max_duration"), e));
    }
    if s.url_budget_secs.is_some_and(|t| !(1..=3600).contains(&t)) {
        return Err(err(
            span,
            Some("url_budget_secs"),
            "must be from 1 to 3600 seconds".into(),
        ));
    }
    if s.render_timeout_secs
        .is_some_and(|t| !(1..=600).contains(&t))
    {
        return Err(err(
            span,
            Some("render_timeout_secs"),
            "must be from 1 to 600 seconds".into(),
        ));
    }
    Ok(())
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The key a span belongs to: the span's text when it is a bare key, else the key before `=`
/// on the span's line.
fn key_at(text: &str, span: std::ops::Range<usize>) -> String {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    if let Some((k, _)) = line.split_once('=') {
        let k = k.trim();
        if !k.is_empty() && !k.starts_with('[') {
            return k.trim_matches('"').to_string();
        }
    }
    let snippet = text.get(span).unwrap_or("").trim();
    if !snippet.is_empty() && snippet.len() < 60 && !snippet.contains('\n') {
        return snippet.trim_matches(|c| c == '[' || c == ']').to_string();
    }
    line.trim()
        .trim_matches(|c| c == '[' || c == ']')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<Targets, ConfigError> {
        Targets::parse(t, Path::new("t.toml"))
    }

    const SITE: &str =
        "[[site]]\nid = \"a\"\nname = \"A\"\nurl = \"http://a.gov.cn/\"\nrole = \"portal\"\n";

    #[test]
    fn message_limits_and_holidays() {
        let t = parse(&format!(
            "[messages]\nreply_days = 5\n{SITE}[[site.column]]\nname = \"信箱\"\nurl = \"/xx/\"\nreply_days = 3\n"
        ))
        .unwrap();
        let s = &t.sites[0];
        assert_eq!(s.messages.reply_days, 5);
        assert_eq!(s.messages.feedback_grace_days, 30);
        assert_eq!(s.columns[0].reply_days, Some(3));
        // Holidays live in [calendar] now; the old key is refused with its place.
        let e = parse(&format!("[messages]\nholidays = [\"2026-10-01\"]\n{SITE}"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.toml:2:") && e.contains("holidays"), "{e}");
        let e = parse(&format!(
            "{SITE}[[site.column]]\nurl = \"/x/\"\nreply_days = 0\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("reply_days"), "{e}");
    }

    #[test]
    fn the_notice_table_is_validated_with_file_line_and_key() {
        let t = parse(&format!(
            "[notice]\nissuer = \"生态环境部办公厅\"\ncontact = \"张三\"\nphone = \"010-65645000 转 123\"\ndeadline_working_days = 10\n{SITE}"
        ))
        .unwrap();
        assert_eq!(t.notice.issuer, "生态环境部办公厅");
        assert_eq!(t.notice.contact.as_deref(), Some("张三"));
        assert_eq!(t.notice.deadline_working_days, 10);
        assert_eq!(parse(SITE).unwrap().notice, NoticeConfig::default());
        for (bad, key, line) in [
            ("phone = \"call me\"", "phone", 2),
            ("deadline_working_days = 0", "deadline_working_days", 2),
            ("issuer = \"\"", "issuer", 2),
            ("contact = \"a\\nb\"", "contact", 2),
            ("fax = \"1\"", "fax", 2),
        ] {
            let e = parse(&format!("[notice]\n{bad}\n{SITE}"))
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!("t.toml:{line}:")) && e.contains(&format!("`{key}`")),
                "{bad}: {e}"
            );
        }
        // The deadline's old place says where it went.
        let e = parse(&format!("[scoring]\ndeadline_working_days = 15\n{SITE}"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml:2:") && e.contains("[notice]"), "{e}");
    }

    #[test]
    fn max_duration_is_off_by_default_read_per_site_and_a_bad_one_names_its_line() {
        assert_eq!(parse(SITE).unwrap().sites[0].settings.max_duration, None);
        let t = parse(&format!(
            "[defaults]\nmax_duration = \"2h\"\n{SITE}[site.settings]\nmax_duration = \"1h30m\"\n"
        ))
        .unwrap();
        assert_eq!(t.defaults.max_duration, Some(Duration::from_secs(7200)));
        assert_eq!(
            t.sites[0].settings.max_duration,
            Some(Duration::from_secs(5400))
        );
        let off = parse(&format!("[defaults]\nmax_duration = \"off\"\n{SITE}")).unwrap();
        assert_eq!(off.sites[0].settings.max_duration, None);
        let e = parse(&format!("[defaults]\nmax_duration = \"soon\"\n{SITE}"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.toml:") && e.contains("`max_duration`") && e.contains("90m"),
            "{e}"
        );
        assert_eq!(parse_duration("45s"), Ok(Some(Duration::from_secs(45))));
        assert_eq!(parse_duration("90"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(parse_duration("1d"), Ok(Some(Duration::from_secs(86_400))));
        assert!(parse_duration("").is_err() && parse_duration("5 weeks").is_err());
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let e = parse(&format!("[defaults]\nconcurency = 3\n{SITE}")).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("t.toml:2:"), "{m}");
        assert!(m.contains("`concurency`"), "{m}");
    }

    #[test]
    fn render_is_off_by_default_set_per_site_and_an_unknown_mode_names_its_line() {
        let t = parse(&format!(
            "[defaults]\nrender = \"auto\"\n{SITE}[site.settings]\nrender = \"always\"\nrender_timeout_secs = 5\n{}",
            SITE.replace("id = \"a\"", "id = \"b\"")
        ))
        .unwrap();
        assert_eq!(t.sites[0].settings.render, Render::Always);
        assert_eq!(t.sites[0].settings.render_timeout, Duration::from_secs(5));
        assert_eq!(t.sites[1].settings.render, Render::Auto);
        assert_eq!(parse(SITE).unwrap().sites[0].settings.render, Render::Off);
        let e = parse(&format!("[defaults]\nrender = \"sometimes\"\n{SITE}"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.toml:2:") && e.contains("`render`") && e.contains("auto"),
            "{e}"
        );
        let e = parse(&format!("{SITE}[site.settings]\nrender_timeout_secs = 0\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`render_timeout_secs`"), "{e}");
    }

    #[test]
    fn the_url_budget_is_read_and_checked() {
        let t = parse(&format!("[defaults]\nurl_budget_secs = 5\n{SITE}")).unwrap();
        assert_eq!(t.sites[0].settings.url_budget, Duration::from_secs(5));
        assert_eq!(Settings::default().url_budget, Duration::from_secs(30));
        let e = parse(&format!("{SITE}[site.settings]\nurl_budget_secs = 0\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`url_budget_secs`") && e.contains("1 to 3600"),
            "{e}"
        );
    }

    #[test]
    fn wrong_type_names_the_key() {
        let e = parse(&format!(
            "[defaults]\nrequests_per_second = \"fast\"\n{SITE}"
        ))
        .unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("t.toml:2:"), "{m}");
        assert!(m.contains("requests_per_second"), "{m}");
    }

    #[test]
    fn duplicate_id_points_at_second_site() {
        let e = parse(&format!("{SITE}{SITE}")).unwrap_err().to_string();
        assert!(e.starts_with("t.toml:7:"), "{e}");
        assert!(e.contains("duplicate site id"), "{e}");
    }

    #[test]
    fn bad_url_is_reported_with_its_line() {
        let e = parse(&SITE.replace("http://a.gov.cn/", "ftp://a.gov.cn/"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml:4:"), "{e}");
        assert!(e.contains("key `url`"), "{e}");
    }

    #[test]
    fn site_id_cannot_escape_the_reports_folder() {
        let e = parse(&SITE.replace("id = \"a\"", "id = \"../etc\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("key `id`"), "{e}");
    }

    #[test]
    fn site_settings_override_defaults_and_cli_overrides_both() {
        let mut t = parse(&format!(
            "[defaults]\nrequests_per_second = 3\n{SITE}[site.settings]\nconcurrency = 1\n"
        ))
        .unwrap();
        assert_eq!(t.sites[0].settings.requests_per_second, 3.0);
        assert_eq!(t.sites[0].settings.concurrency, 1);
        t.apply_cli(&CrawlSettings {
            requests_per_second: Some(9.0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(t.sites[0].settings.requests_per_second, 9.0);
    }

    #[test]
    fn columns_parse_and_a_bad_window_names_line_and_key() {
        let t = parse(&format!(
            "{SITE}[[site.column]]\nname = \"通知公告\"\nurl = \"/tzgg/\"\ncategory = \"notice\"\nlevel = 1\nwindow = \"6mo\"\n\n[[site.column]]\nname = \"专题\"\nurl = \"http://a.gov.cn/zt/\"\nexclude = true\n"
        ))
        .unwrap();
        let c = &t.sites[0].columns;
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].url.as_str(), "http://a.gov.cn/tzgg/");
        assert_eq!(c[0].category, Some(Category::Notice));
        assert_eq!(c[0].window, Some(Window::Months(6)));
        assert!(c[1].exclude && c[1].window.is_none());

        let e = parse(&format!(
            "{SITE}[[site.column]]\nname = \"x\"\nurl = \"/x/\"\nwindow = \"6 months\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("t.toml:9:"), "{e}");
        assert!(e.contains("key `window`"), "{e}");
        let e = parse(&format!(
            "{SITE}[[site.column]]\nname = \"x\"\nurl = \"/x/\"\ncategory = \"blog\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("t.toml:9:") && e.contains("key `category`"),
            "{e}"
        );
        let e = parse(&format!(
            "{SITE}[[site.column]]\nname = \"x\"\nurl = \"/x/\"\nlevl = 1\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("`levl`"), "{e}");
    }

    #[test]
    fn scope_hosts_count_as_the_site() {
        let t = parse(&format!(
            "{SITE}[site.scope]\nhosts = [\"files.a.gov.cn\"]\n"
        ))
        .unwrap();
        let s = &t.sites[0];
        assert!(s.in_scope(&Url::parse("https://a.gov.cn/x").unwrap()));
        assert!(s.in_scope(&Url::parse("http://files.a.gov.cn/x.pdf").unwrap()));
        assert!(!s.in_scope(&Url::parse("http://b.gov.cn/").unwrap()));
    }

    #[test]
    fn one_calendar_for_interpretations_messages_and_deadlines() {
        let t = parse(&format!(
            "[interpretation]\nwindow_months = 6\nmax_working_days = 5\nexclude_titles = [\"任免\"]\n\n[calendar]\nholidays = [\"2026-11-20\"]\nworkdays = [\"2026-11-21\"]\n{SITE}"
        ))
        .unwrap();
        let i = &t.interpretation;
        assert_eq!((i.window_months, i.max_working_days), (6, 5));
        assert_eq!(i.exclude_titles, vec!["任免"]);
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for cal in [&i.calendar, &t.sites[0].messages.calendar, &t.calendar] {
            assert!(!cal.is_working_day(d("2026-11-20")));
            assert!(cal.is_working_day(d("2026-11-21")));
            assert!(
                !cal.is_working_day(d("2026-10-01")),
                "official holidays stay"
            );
        }
        // Without a [calendar], messages still skip the official holidays.
        let t = parse(SITE).unwrap();
        assert!(!t.sites[0].messages.calendar.is_working_day(d("2026-10-02")));
        let e = parse(&format!("[calendar]\nholidays = [\"2026-13-01\"]\n{SITE}"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:") && e.contains("holidays"), "{e}");
        let e = parse(&format!("[interpretation]\nlate_days = 3\n{SITE}"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("late_days") && e.contains("max_working_days"),
            "{e}"
        );
    }
}
