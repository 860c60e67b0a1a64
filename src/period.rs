//! Periods: the monthly self-inspection of the portal, the quarterly spot check of the units,
//! and rebuilding a period's reports from the store (issue 6, seed item 9).
//!
//! ```text
//! monthly   ─▶ portal sites ─────────────────────────┐
//! quarterly ─▶ units ─▶ sample (seed, --include …) ──┼─▶ run::crawl_period ─▶ build ─▶ report.html
//! report    ─▶ stored runs of the period ─▶ run::check_and_report ─┘        (+ notices/)
//! ```
//!
//! A period is `YYYY-MM` (monthly) or `YYYY-Qn` (quarterly); its folder is `<out>/<period>/`.
//! Each period is compared with the previous period *of the same kind* that has a finished run
//! of the site: findings (by their stable `id`) are new, still open (with the days since
//! `first_seen`) or fixed (present then, absent in this period's crawl of the same site).
//!
//! The quarterly sample is random but reproducible: units are sorted by id and shuffled with a
//! SplitMix64 generator seeded by `--seed`; `--include` and the units that still had problems
//! last quarter are forced in, `--exclude` is left out. The seed and the sample are written to
//! `<out>/<YYYY>-Q<q>/sample.json` and shown in report.html.

pub mod docx;
pub mod html;
pub mod notice;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::checks::Finding;
use crate::config::{Role, Site, Targets};
use crate::report::{self, ReportError};
use crate::run::{self, RunError, RunOptions, SiteSummary};
use crate::store::{self, Store, StoreError};

/// Errors of the period commands.
#[derive(Debug, thiserror::Error)]
pub enum PeriodError {
    #[error("bad period `{0}`: expected YYYY-MM (a month) or YYYY-Qn (a quarter, n = 1…4)")]
    Bad(String),
    #[error("{0}")]
    Selection(String),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// Monthly self-inspection or quarterly spot check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    Month,
    Quarter,
}

/// One period: `2026-11` or `2026-Q4`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub name: String,
    pub kind: Kind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl Period {
    /// Parses `YYYY-MM` or `YYYY-Qn`.
    ///
    /// ```
    /// use govpatrol::period::{Kind, Period};
    /// let q = Period::parse("2026-Q4").unwrap();
    /// assert_eq!((q.kind, q.first_day.to_string(), q.last_day.to_string()),
    ///            (Kind::Quarter, "2026-10-01".into(), "2026-12-31".into()));
    /// assert_eq!(Period::parse("2026-11").unwrap().last_day.to_string(), "2026-11-30");
    /// assert!(Period::parse("2026-13").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError::Bad(s.to_string());
        let (y, rest) = s.split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        if y.len() != 4 {
            return Err(bad());
        }
        let (kind, first_month, months) = if let Some(q) = rest.strip_prefix('Q') {
            let q: u32 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) || rest.len() != 2 {
                return Err(bad());
            }
            (Kind::Quarter, (q - 1) * 3 + 1, 3)
        } else {
            let m: u32 = rest.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) || rest.len() != 2 {
                return Err(bad());
            }
            (Kind::Month, m, 1)
        };
        let first_day = NaiveDate::from_ymd_opt(year, first_month, 1).ok_or_else(bad)?;
        let next = first_day
            .checked_add_months(chrono::Months::new(months))
            .ok_or_else(bad)?;
        Ok(Period {
            name: s.to_string(),
            kind,
            first_day,
            last_day: next.pred_opt().ok_or_else(bad)?,
        })
    }

    /// The month of a date.
    pub fn month_of(d: NaiveDate) -> Period {
        Period::parse(&d.format("%Y-%m").to_string()).expect("a valid month")
    }

    /// The quarter of a date.
    pub fn quarter_of(d: NaiveDate) -> Period {
        Period::parse(&format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)).expect("a quarter")
    }

    /// The check point for this period when none is given: today if it falls in the period,
    /// else the period's last day.
    pub fn default_as_of(&self, today: NaiveDate) -> NaiveDate {
        if today >= self.first_day && today <= self.last_day {
            today
        } else {
            self.last_day
        }
    }

    /// The SQLite `GLOB` matching every period of the same kind.
    pub fn glob(&self) -> &'static str {
        match self.kind {
            Kind::Month => "[0-9][0-9][0-9][0-9]-[0-9][0-9]",
            Kind::Quarter => "[0-9][0-9][0-9][0-9]-Q[1-4]",
        }
    }

    /// 月度自查 / 季度抽查.
    pub fn label_zh(&self) -> &'static str {
        match self.kind {
            Kind::Month => "月度自查",
            Kind::Quarter => "季度抽查",
        }
    }
}

/// How to pick the units of a quarterly spot check.
#[derive(Debug, Clone, Default)]
pub struct SampleRequest {
    /// How many units to draw at random; `None` takes every unit.
    pub size: Option<usize>,
    pub seed: u64,
    /// Always checked.
    pub include: Vec<String>,
    /// Never checked.
    pub exclude: Vec<String>,
    /// Units with problems still open from the last quarter (forced in).
    pub carry_over: Vec<String>,
}

/// The units picked, as written to `sample.json` and shown in report.html.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub seed: u64,
    /// The requested sample size (`None`: all units).
    pub size: Option<usize>,
    /// Every unit picked, sorted.
    pub units: Vec<String>,
    /// Picked because of `--include` or last quarter's open problems.
    pub forced: Vec<String>,
    /// Drawn at random.
    pub drawn: Vec<String>,
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Picks the units: forced ones first, then `size` more drawn at random from the rest (a
/// seeded Fisher–Yates shuffle of the sorted ids, so the same seed gives the same sample on
/// every machine).
///
/// ```
/// use govpatrol::period::{pick_sample, SampleRequest};
/// let units: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
/// let req = SampleRequest { size: Some(2), seed: 7, ..Default::default() };
/// assert_eq!(pick_sample(&units, &req), pick_sample(&units, &req));
/// assert_eq!(pick_sample(&units, &req).units.len(), 2);
/// ```
pub fn pick_sample(units: &[String], req: &SampleRequest) -> Sample {
    let mut pool: Vec<String> = units
        .iter()
        .filter(|u| !req.exclude.contains(u))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let forced: Vec<String> = pool
        .iter()
        .filter(|u| req.include.contains(u) || req.carry_over.contains(u))
        .cloned()
        .collect();
    pool.retain(|u| !forced.contains(u));
    let mut state = req.seed;
    for i in (1..pool.len()).rev() {
        let j = (splitmix64(&mut state) % (i as u64 + 1)) as usize;
        pool.swap(i, j);
    }
    let drawn: Vec<String> = match req.size {
        None => pool,
        Some(n) => pool
            .into_iter()
            .take(n.saturating_sub(forced.len()))
            .collect(),
    };
    let mut all: Vec<String> = forced.iter().chain(&drawn).cloned().collect();
    all.sort();
    let mut drawn = drawn;
    drawn.sort();
    Sample {
        seed: req.seed,
        size: req.size,
        units: all,
        forced,
        drawn,
    }
}

/// Whether a finding is new, still open or fixed in this period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    New,
    Open,
    Fixed,
}

impl Status {
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::New => "新发现",
            Status::Open => "仍未整改",
            Status::Fixed => "已整改",
        }
    }
}

/// One site in a period's report.
#[derive(Debug, Clone)]
pub struct SiteReport {
    pub summary: SiteSummary,
    pub name: String,
    pub url: String,
    /// Who receives the notice (the site's owner, else its name).
    pub owner: String,
    pub role: Role,
    pub as_of: NaiveDate,
    /// The previous period of the same kind with a finished run of this site.
    pub previous_period: Option<String>,
    /// Every current finding with its status (new or open) and days open since first_seen.
    pub current: Vec<(Finding, Status, i64)>,
    /// Present in the previous period, absent in this period's crawl.
    pub fixed: Vec<Finding>,
    /// Findings per check in the previous period.
    pub previous_counts: BTreeMap<String, usize>,
}

impl SiteReport {
    pub fn count(&self, s: Status) -> usize {
        match s {
            Status::Fixed => self.fixed.len(),
            _ => self.current.iter().filter(|c| c.1 == s).count(),
        }
    }
}

/// One point of the trend chart: a site's result in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub period: String,
    pub site: String,
    pub score: Option<f64>,
    pub pass: Option<bool>,
    pub findings: usize,
}

/// Everything report.html and the notices show.
#[derive(Debug, Clone)]
pub struct PeriodReport {
    pub period: Period,
    /// The latest check point of the period's runs (the notices' issue date).
    pub as_of: NaiveDate,
    /// Ranked: passing sites first, then by score, then by id.
    pub sites: Vec<SiteReport>,
    pub sample: Option<Sample>,
    /// Every period of the same kind in the history, oldest first.
    pub trend: Vec<TrendPoint>,
    /// `[notice]`: issuing office, contact, rectification deadline in working days.
    pub notice: crate::config::NoticeConfig,
    /// The working-day calendar deadlines are counted in (`[calendar]`).
    pub calendar: crate::calendar::Calendar,
}

/// What a period command produced.
#[derive(Debug, Clone)]
pub struct PeriodOutcome {
    pub period: String,
    pub dir: PathBuf,
    pub report: Option<PeriodReport>,
    pub interrupted: bool,
    pub notices: Vec<PathBuf>,
}

impl PeriodOutcome {
    /// Whether a site's crawl was cut short by the time budget (`max_duration`): the reports
    /// are written and say so; the same command continues it.
    pub fn incomplete(&self) -> bool {
        self.report
            .as_ref()
            .is_some_and(|r| r.sites.iter().any(|s| !s.summary.coverage.crawl_complete))
    }
}

/// `govpatrol monthly`: crawls every portal site into `<out>/<YYYY-MM>/` and writes the
/// month's report.html and the portal owner's notice.
pub async fn monthly(
    targets: &Targets,
    opts: &RunOptions,
    month: &Period,
    stop: watch::Receiver<bool>,
) -> Result<PeriodOutcome, PeriodError> {
    let mut t = targets.clone();
    t.sites.retain(|s| s.role == Role::Portal);
    if t.sites.is_empty() {
        return Err(PeriodError::Selection(format!(
            "{}: no site has role = \"portal\"",
            targets.path.display()
        )));
    }
    let summary = run::crawl_period(&t, opts, &month.name, stop).await?;
    finish(
        &t,
        &opts.out,
        month,
        summary.sites,
        None,
        summary.interrupted,
    )
}

/// The units that still had findings in the latest earlier quarter they were checked in.
pub fn carry_over(
    out: &Path,
    quarter: &Period,
    units: &[String],
) -> Result<Vec<String>, PeriodError> {
    let db = store::db_path(out);
    if !db.exists() {
        return Ok(Vec::new());
    }
    let store = Store::open(&db)?;
    let mut latest: BTreeMap<String, i64> = BTreeMap::new();
    for r in store.done_runs(quarter.glob())? {
        if r.period < quarter.name && units.contains(&r.site) {
            latest.insert(r.site.clone(), r.id);
        }
    }
    let mut out = Vec::new();
    for (site, run) in latest {
        if !store.findings(run)?.is_empty() {
            out.push(site);
        }
    }
    Ok(out)
}

/// `govpatrol quarterly`: picks the units, crawls them into `<out>/<YYYY>-Q<q>/`, ranks them and
/// writes report.html and a notice per unit with findings.
pub async fn quarterly(
    targets: &Targets,
    opts: &RunOptions,
    quarter: &Period,
    mut req: SampleRequest,
    stop: watch::Receiver<bool>,
) -> Result<PeriodOutcome, PeriodError> {
    let units: Vec<String> = targets
        .sites
        .iter()
        .filter(|s| s.role == Role::Unit)
        .map(|s| s.id.clone())
        .collect();
    for id in req.include.iter().chain(&req.exclude) {
        if !units.contains(id) {
            return Err(PeriodError::Selection(format!(
                "{id}: no unit site (role = \"unit\") with this id in {} (units: {})",
                targets.path.display(),
                units.join(", ")
            )));
        }
    }
    req.carry_over = carry_over(&opts.out, quarter, &units)?;
    let sample = pick_sample(&units, &req);
    if sample.units.is_empty() {
        return Err(PeriodError::Selection("no unit to spot-check".into()));
    }
    let path = opts.out.join(&quarter.name).join("sample.json");
    report::write_atomic(
        &path,
        serde_json::to_string_pretty(&sample)
            .expect("sample serialises")
            .as_bytes(),
    )?;
    let mut t = targets.clone();
    t.sites.retain(|s| sample.units.contains(&s.id));
    let summary = run::crawl_period(&t, opts, &quarter.name, stop).await?;
    finish(
        &t,
        &opts.out,
        quarter,
        summary.sites,
        Some(sample),
        summary.interrupted,
    )
}

/// `govpatrol report --period P`: re-runs the checks over the period's stored runs (no
/// crawling) and rewrites every file of the period's folder.
pub fn rebuild(
    targets: &Targets,
    out: &Path,
    period: &Period,
) -> Result<PeriodOutcome, PeriodError> {
    let _lock = run::lock_out(out)?;
    let db = store::db_path(out);
    if !db.exists() {
        return Err(PeriodError::Selection(format!(
            "{} holds no history (no govpatrol.sqlite)",
            out.display()
        )));
    }
    let sample: Option<Sample> = std::fs::read(out.join(&period.name).join("sample.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let mut store = Store::open(&db)?;
    let mut summaries = Vec::new();
    let mut t = targets.clone();
    t.sites
        .retain(|s| sample.as_ref().is_none_or(|x| x.units.contains(&s.id)));
    for site in &t.sites {
        if let Some(r) = store.latest_done_run(&site.id, &period.name)? {
            summaries.push(run::check_and_report(
                &mut store,
                site,
                r.id,
                out,
                &period.name,
                &targets.scoring,
                &targets.interpretation,
                None,
            )?);
        }
    }
    if summaries.is_empty() {
        return Err(PeriodError::Selection(format!(
            "no finished run of period {} in {}",
            period.name,
            out.display()
        )));
    }
    finish(&t, out, period, summaries, sample, false)
}

fn finish(
    targets: &Targets,
    out: &Path,
    period: &Period,
    summaries: Vec<SiteSummary>,
    sample: Option<Sample>,
    interrupted: bool,
) -> Result<PeriodOutcome, PeriodError> {
    let dir = out.join(&period.name);
    if interrupted {
        return Ok(PeriodOutcome {
            period: period.name.clone(),
            dir,
            report: None,
            interrupted,
            notices: Vec::new(),
        });
    }
    let store = Store::open(&store::db_path(out))?;
    let rep = build(&store, targets, period, summaries, sample)?;
    report::write_atomic(&dir.join("report.html"), html::period_page(&rep).as_bytes())?;
    let mut notices = Vec::new();
    for s in &rep.sites {
        let relevant = |f: &Finding| notice::for_the_unit(f);
        if !s.current.iter().any(|c| relevant(&c.0)) && !s.fixed.iter().any(relevant) {
            continue;
        }
        let n = notice::Notice::new(&rep, s);
        for (ext, bytes) in [
            ("docx", docx::notice(&n)),
            ("md", n.markdown().into_bytes()),
            ("html", n.html().into_bytes()),
        ] {
            let path = dir
                .join("notices")
                .join(format!("{}.{ext}", s.summary.site));
            report::write_atomic(&path, &bytes)?;
            notices.push(path);
        }
    }
    Ok(PeriodOutcome {
        period: period.name.clone(),
        dir,
        report: Some(rep),
        interrupted,
        notices,
    })
}

fn date_of(rfc3339: &str) -> Option<NaiveDate> {
    rfc3339
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// Assembles a period's report from this period's results and the store's history.
pub fn build(
    store: &Store,
    targets: &Targets,
    period: &Period,
    summaries: Vec<SiteSummary>,
    sample: Option<Sample>,
) -> Result<PeriodReport, PeriodError> {
    let history = store.done_runs(period.glob())?;
    let mut sites = Vec::new();
    let mut latest_as_of = period.first_day;
    for summary in summaries {
        let Some(site): Option<&Site> = targets.sites.iter().find(|s| s.id == summary.site) else {
            continue;
        };
        // The run the summary comes from: finished, or cut short by the time budget.
        let run = match store.latest_done_run(&site.id, &period.name)? {
            Some(r) if summary.coverage.crawl_complete => Some(r),
            _ => store.latest_run(&site.id, &period.name)?,
        };
        let as_of = run
            .as_ref()
            .and_then(|r| NaiveDate::parse_from_str(&r.as_of, "%Y-%m-%d").ok())
            .unwrap_or(period.last_day);
        latest_as_of = latest_as_of.max(as_of);
        let prev = history
            .iter()
            .rfind(|r| r.site == site.id && r.period < period.name);
        let prev_findings = match prev {
            Some(r) => store.findings(r.id)?,
            None => Vec::new(),
        };
        let prev_ids: BTreeSet<&str> = prev_findings.iter().map(|f| f.id.as_str()).collect();
        let now_ids: BTreeSet<&str> = summary.findings.iter().map(|f| f.id.as_str()).collect();
        let current = summary
            .findings
            .iter()
            .map(|f| {
                let status = if prev_ids.contains(f.id.as_str()) {
                    Status::Open
                } else {
                    Status::New
                };
                let days = date_of(&f.first_seen)
                    .map(|d| (as_of - d).num_days().max(0))
                    .unwrap_or(0);
                (f.clone(), status, days)
            })
            .collect();
        // A crawl cut short by the time budget did not look everywhere: what it did not see
        // is not fixed, it is unknown (the report says the check is incomplete).
        let fixed = if summary.coverage.crawl_complete {
            prev_findings
                .iter()
                .filter(|f| !now_ids.contains(f.id.as_str()))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let mut previous_counts = BTreeMap::new();
        for f in &prev_findings {
            *previous_counts.entry(f.check.to_string()).or_insert(0) += 1;
        }
        sites.push(SiteReport {
            name: site.name.clone(),
            url: site.url.to_string(),
            owner: site.owner.clone().unwrap_or_else(|| site.name.clone()),
            role: site.role,
            as_of,
            previous_period: prev.map(|r| r.period.clone()),
            current,
            fixed,
            previous_counts,
            summary,
        });
    }
    sites.sort_by(|a, b| {
        let (sa, sb) = (&a.summary.score, &b.summary.score);
        sb.pass
            .cmp(&sa.pass)
            .then(sb.score.total_cmp(&sa.score))
            .then(a.summary.site.cmp(&b.summary.site))
    });
    let ids: BTreeSet<&str> = sites.iter().map(|s| s.summary.site.as_str()).collect();
    let mut trend = Vec::new();
    for r in history.iter().filter(|r| ids.contains(r.site.as_str())) {
        let score = store.score(r.id)?;
        trend.push(TrendPoint {
            period: r.period.clone(),
            site: r.site.clone(),
            score: score.map(|s| s.0),
            pass: score.map(|s| s.1),
            findings: store.findings(r.id)?.len(),
        });
    }
    Ok(PeriodReport {
        period: period.clone(),
        as_of: latest_as_of,
        sites,
        sample,
        trend,
        notice: targets.notice.clone(),
        calendar: targets.calendar.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_reproducible_and_forced_units_come_in() {
        let units: Vec<String> = (0..20).map(|i| format!("u{i:02}")).collect();
        let req = SampleRequest {
            size: Some(5),
            seed: 42,
            include: vec!["u19".into()],
            exclude: vec!["u00".into()],
            carry_over: vec!["u03".into()],
        };
        let a = pick_sample(&units, &req);
        assert_eq!(a, pick_sample(&units, &req));
        assert_eq!(a.units.len(), 5);
        assert_eq!(a.forced, vec!["u03".to_string(), "u19".to_string()]);
        assert!(!a.units.contains(&"u00".to_string()));
        let other = pick_sample(
            &units,
            &SampleRequest {
                seed: 43,
                ..req.clone()
            },
        );
        assert_ne!(a.drawn, other.drawn);
        let all = pick_sample(&units, &SampleRequest { size: None, ..req });
        assert_eq!(all.units.len(), 19);
    }

    #[test]
    fn periods_parse_and_order_within_their_kind() {
        assert!(Period::parse("2026-Q5").is_err());
        assert!(Period::parse("26-11").is_err());
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(Period::quarter_of(d).name, "2026-Q4");
        assert_eq!(Period::month_of(d).name, "2026-11");
        assert_eq!(
            Period::parse("2026-10")
                .unwrap()
                .default_as_of(d)
                .to_string(),
            "2026-10-31"
        );
    }
}
