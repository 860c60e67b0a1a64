//! The `govpatrol` command line: argument parsing, logging, exit codes. Everything else lives in
//! the library (`src/lib.rs`).
//!
//! Exit codes: 0 the run completed (with findings or not), 1 runtime failure, 2 bad
//! configuration or arguments, 3 the time budget (`--max-duration`) passed first: every report
//! is written and says it is incomplete (run the same command again to finish), 130 stopped by
//! Ctrl-C / SIGTERM (run the same command again to continue).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use chrono::Datelike;
use govpatrol::config::{ConfigError, CrawlSettings, Settings, Targets};
use govpatrol::period::{self, Kind, Period, PeriodError, PeriodOutcome, SampleRequest, Status};
use govpatrol::run::{self, RunOptions, RunSummary};

#[derive(Parser)]
#[command(
    name = "govpatrol",
    version,
    about = "Inspect government websites against the State Council inspection indicators"
)]
struct Cli {
    /// Only warnings and errors (for cron).
    #[arg(short, long, global = true)]
    quiet: bool,
    /// More log detail.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate targets.toml: unknown keys, bad URLs, duplicate ids, wrong types.
    CheckConfig {
        #[arg(long, default_value = "targets.toml")]
        targets: PathBuf,
    },
    /// Crawl the configured sites and write <out>/<YYYY-MM>/<site>/ reports.
    Crawl {
        #[arg(long, default_value = "targets.toml")]
        targets: PathBuf,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// The check point (YYYY-MM-DD); defaults to today.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Only these sites (repeatable).
        #[arg(long = "site", value_name = "ID")]
        sites: Vec<String>,
        /// Continue an interrupted run of the same period (the default; kept for scripts).
        #[arg(long, conflicts_with = "fresh")]
        resume: bool,
        /// Start over instead of continuing an interrupted run (or rebuilding the reports of a
        /// finished run of the same check point). Finished runs are kept: pages unchanged since
        /// the last one are still revalidated (304) unless --conditional-requests false.
        #[arg(long)]
        fresh: bool,
        #[command(flatten)]
        settings: CrawlSettings,
    },
    /// Probe every homepage once now and record it in <out>/govpatrol.sqlite (run it from cron
    /// every 30 minutes: the site-unreachable rule needs at least 20 probes a day for a week).
    Probe {
        #[arg(long, default_value = "targets.toml")]
        targets: PathBuf,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Only these sites (repeatable).
        #[arg(long = "site", value_name = "ID")]
        sites: Vec<String>,
        /// Keep probing at this interval (30m, 1h, 90s) until stopped, for hosts without cron.
        #[arg(long, value_name = "INTERVAL")]
        every: Option<String>,
        #[command(flatten)]
        settings: CrawlSettings,
    },
    /// Show what the crawler sees on one page (`URL --render`: also as headless Chromium renders
    /// it, side by side).
    Page {
        url: url::Url,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        settings: CrawlSettings,
    },
    /// List a site's columns from its latest stored run (category, level, source, newest item),
    /// to review and pin them as [[site.column]] in targets.toml. Reads the store; no crawling.
    Columns {
        #[arg(long = "site", value_name = "ID")]
        site: String,
        #[arg(long, default_value = "targets.toml")]
        targets: PathBuf,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// The period (YYYY-MM) whose run to read; defaults to the latest finished run.
        #[arg(long)]
        period: Option<String>,
        /// One JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The monthly self-inspection: crawl every `role = "portal"` site, score it and write
    /// <out>/<YYYY-MM>/ with report.html and the owner's rectification notice.
    Monthly {
        #[arg(long, default_value = "targets.toml")]
        targets: PathBuf,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// The month (YYYY-MM); defaults to the check point's month.
        #[arg(long)]
        month: Option<String>,
        /// The check point (YYYY-MM-DD); defaults to today (or the month's last day).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Start over instead of continuing an interrupted run (or rebuilding the reports of a
        /// finished run of the same check point). Finished runs are kept: pages unchanged since
        /// the last one are still revalidated (304) unless --conditional-requests false.
        #[arg(long)]
        fresh: bool,
        #[command(flatten)]
        settings: CrawlSettings,
    },
    /// The quarterly spot check: draw units (`role = "unit"`) at random, reproducibly, crawl
    /// and rank them, and write <out>/<YYYY>-Q<q>/ with report.html and notices/.
    Quarterly {
        #[arg(long, default_value = "targets.toml")]
        targets: PathBuf,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// The quarter (YYYY-Qn); defaults to the check point's quarter.
        #[arg(long)]
        quarter: Option<String>,
        /// The check point (YYYY-MM-DD); defaults to today (or the quarter's last day).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// How many units to check (units with problems left open last quarter and --include
        /// count towards it).
        #[arg(long, value_name = "N", conflicts_with = "all")]
        sample: Option<usize>,
        /// Check every unit.
        #[arg(long)]
        all: bool,
        /// Seed of the random draw (written into the report); defaults to the quarter, e.g.
        /// 20264 for 2026-Q4, so a rerun draws the same units.
        #[arg(long)]
        seed: Option<u64>,
        /// Always check this unit (repeatable).
        #[arg(long = "include", value_name = "ID")]
        include: Vec<String>,
        /// Never check this unit (repeatable).
        #[arg(long = "exclude", value_name = "ID")]
        exclude: Vec<String>,
        /// Start over instead of continuing an interrupted run (or rebuilding the reports of a
        /// finished run of the same check point). Finished runs are kept: pages unchanged since
        /// the last one are still revalidated (304) unless --conditional-requests false.
        #[arg(long)]
        fresh: bool,
        #[command(flatten)]
        settings: CrawlSettings,
    },
    /// Rebuild a period's reports (CSV files, report.html, notices) from the store, without
    /// crawling.
    Report {
        /// YYYY-MM or YYYY-Qn.
        #[arg(long)]
        period: String,
        #[arg(long, default_value = "targets.toml")]
        targets: PathBuf,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
    },
    /// Start the built-in sample ministry site on 127.0.0.1, crawl it and write reports.
    #[cfg(feature = "demo")]
    Demo {
        #[arg(long, default_value = "demo-reports")]
        out: PathBuf,
        /// The check point (YYYY-MM-DD); defaults to today.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}

/// mimalloc instead of glibc's malloc: the crawl allocates and frees many small strings per page
/// on several threads; glibc's malloc/free were ≈13 % of a 20,000-page crawl's CPU samples, and
/// with mimalloc the same crawl takes 15–20 % less wall time at the same peak memory (built
/// without transparent huge pages, see Cargo.toml, and with `tune_allocator`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc returns freed pages to the OS after a delay by default (1 s); returning them at once
/// keeps the crawl's peak resident memory where glibc's was (default: ≈60 MB instead of ≈37 MB
/// on the 20,000-page benchmark site), for no measurable CPU.
fn tune_allocator() {
    // Indices of `mi_option_t` in mimalloc 3 (the sys crate names only the stable ones).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: mi_option_set stores an integer in mimalloc's option table; valid at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let level = if cli.quiet {
        "warn"
    } else if cli.verbose {
        "govpatrol=debug,info"
    } else {
        "info"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        // Colour codes only for a person at a terminal: never into cron mail or `>> crawl.log`.
        .with_ansi(govpatrol::progress::colour(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        ))
        // Log lines are drawn above the progress bars, not through them.
        .with_writer(|| govpatrol::progress::LogWriter)
        .with_target(false)
        .init();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            let config = e.chain().any(|c| c.downcast_ref::<ConfigError>().is_some());
            eprintln!("error: {e:#}");
            ExitCode::from(if config { 2 } else { 1 })
        }
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let interactive = std::io::stderr().is_terminal() && !cli.quiet;
    let opts = |out: PathBuf, as_of: Option<NaiveDate>, fresh| RunOptions {
        out,
        as_of: as_of.unwrap_or_else(|| chrono::Local::now().date_naive()),
        fresh,
        progress_bars: interactive,
        progress_lines: !interactive && !cli.quiet,
    };
    match cli.command {
        Command::CheckConfig { targets } => {
            let t = Targets::load(&targets)?;
            println!(
                "{}: {} sites, configuration is valid",
                targets.display(),
                t.sites.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Crawl {
            targets,
            out,
            as_of,
            sites,
            resume: _,
            fresh,
            settings,
        } => {
            let mut t = Targets::load(&targets)?;
            t.select(&sites)?;
            t.apply_cli(&settings)?;
            let stop = run::stop_on_signals();
            let summary = run::crawl(&t, &opts(out, as_of, fresh), stop).await?;
            Ok(finish(&summary, cli.quiet))
        }
        Command::Probe {
            targets,
            out,
            sites,
            every,
            settings,
        } => {
            let every = every
                .map(|e| govpatrol::probe::parse_every(&e))
                .transpose()
                .map_err(|e| ConfigError::Cli(e.to_string()))?;
            let mut t = Targets::load(&targets)?;
            t.select(&sites)?;
            t.apply_cli(&settings)?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            let store = govpatrol::store::Store::open(&govpatrol::store::db_path(&out))?;
            match every {
                None => {
                    let probes = govpatrol::probe::probe_sites(&t, &store).await?;
                    if !cli.quiet {
                        for p in &probes {
                            println!(
                                "{:<12} {}  {}",
                                p.site,
                                if p.ok { "open  " } else { "FAILED" },
                                match (&p.error, p.total_ms) {
                                    (Some(e), _) => e.clone(),
                                    (None, Some(ms)) =>
                                        format!("HTTP {} in {ms} ms", p.status.unwrap_or(0)),
                                    _ => String::new(),
                                }
                            );
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Some(every) => {
                    let stop = run::stop_on_signals();
                    let n = govpatrol::probe::probe_every(&t, &store, every, stop).await;
                    eprintln!("stopped after {n} probes; every probe made was recorded");
                    Ok(ExitCode::from(130))
                }
            }
        }
        Command::Page {
            url,
            json,
            settings,
        } => {
            let mut s = Settings::default();
            s.apply(&settings);
            if s.render != govpatrol::config::Render::Off {
                let cmp = govpatrol::page::compare_rendered(&url, &s).await;
                if json {
                    println!("{}", serde_json::to_string_pretty(&cmp)?);
                } else {
                    print!("{}", govpatrol::page::render_compared(&cmp));
                }
                return Ok(if cmp.static_view.error.is_some() {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                });
            }
            let view = govpatrol::page::inspect_page(&url, &s).await;
            if json {
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                print!("{}", govpatrol::page::render_text(&view));
            }
            Ok(if view.error.is_some() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Columns {
            site,
            targets,
            out,
            period,
            json,
        } => {
            let mut t = Targets::load(&targets)?;
            t.select(std::slice::from_ref(&site))?;
            let text =
                govpatrol::columns_cmd::list_columns(&t.sites[0], &out, period.as_deref(), json)?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Monthly {
            targets,
            out,
            month,
            as_of,
            fresh,
            settings,
        } => {
            let today = chrono::Local::now().date_naive();
            let month = match &month {
                Some(m) => parse_period(m, Kind::Month)?,
                None => Period::month_of(as_of.unwrap_or(today)),
            };
            let as_of = as_of.unwrap_or_else(|| month.default_as_of(today));
            let mut t = Targets::load(&targets)?;
            t.apply_cli(&settings)?;
            let stop = run::stop_on_signals();
            let done = period::monthly(&t, &opts(out, Some(as_of), fresh), &month, stop)
                .await
                .map_err(period_err)?;
            Ok(finish_period(&done, cli.quiet))
        }
        Command::Quarterly {
            targets,
            out,
            quarter,
            as_of,
            sample,
            all,
            seed,
            include,
            exclude,
            fresh,
            settings,
        } => {
            let today = chrono::Local::now().date_naive();
            let quarter = match &quarter {
                Some(q) => parse_period(q, Kind::Quarter)?,
                None => Period::quarter_of(as_of.unwrap_or(today)),
            };
            let as_of = as_of.unwrap_or_else(|| quarter.default_as_of(today));
            let mut t = Targets::load(&targets)?;
            t.apply_cli(&settings)?;
            let seed = seed.unwrap_or_else(|| {
                quarter
                    .first_day
                    .format("%Y")
                    .to_string()
                    .parse::<u64>()
                    .unwrap_or(0)
                    * 10
                    + u64::from(quarter.first_day.month0() / 3 + 1)
            });
            let req = SampleRequest {
                size: if all { None } else { sample },
                seed,
                include,
                exclude,
                carry_over: Vec::new(),
            };
            let stop = run::stop_on_signals();
            let done = period::quarterly(&t, &opts(out, Some(as_of), fresh), &quarter, req, stop)
                .await
                .map_err(period_err)?;
            Ok(finish_period(&done, cli.quiet))
        }
        Command::Report {
            period: p,
            targets,
            out,
        } => {
            let p = Period::parse(&p).map_err(|e| ConfigError::Cli(e.to_string()))?;
            let t = Targets::load(&targets)?;
            let done = period::rebuild(&t, &out, &p).map_err(period_err)?;
            Ok(finish_period(&done, cli.quiet))
        }
        #[cfg(feature = "demo")]
        Command::Demo { out, as_of } => {
            let stop = run::stop_on_signals();
            let o = opts(out.clone(), as_of, true);
            let (summary, sites) = govpatrol::demo::run_demo(&out, o.as_of, o.clone(), stop)
                .await
                .context("demo failed")?;
            let code = finish(&summary, false);
            println!(
                "\nThe sample sites had {} planted defects. Reports are in {}/{}/ \
                 (the office's report: report.html; notices: notices/)",
                sites.planted.len(),
                out.display(),
                summary.period
            );
            Ok(code)
        }
    }
}

fn parse_period(s: &str, kind: Kind) -> Result<Period, ConfigError> {
    match Period::parse(s) {
        Ok(p) if p.kind == kind => Ok(p),
        Ok(_) | Err(_) => Err(ConfigError::Cli(format!(
            "`{s}`: expected {}",
            if kind == Kind::Month {
                "a month, YYYY-MM"
            } else {
                "a quarter, YYYY-Qn"
            }
        ))),
    }
}

/// Bad periods and selections are usage errors (exit 2); the rest are runtime failures.
fn period_err(e: PeriodError) -> anyhow::Error {
    match e {
        PeriodError::Bad(_) | PeriodError::Selection(_) => ConfigError::Cli(e.to_string()).into(),
        e => e.into(),
    }
}

/// The exit code of a run the time budget (`max_duration`) cut short: every report is written
/// and says it is incomplete; the same command finishes it.
const INCOMPLETE: u8 = 3;

/// What the console says of a site not read whole (a time, page or depth budget), in English
/// like the rest of the console summary; the reports say it in Chinese.
fn coverage_line(c: &govpatrol::store::Coverage) -> Option<String> {
    let mut parts = Vec::new();
    if !c.crawl_complete {
        parts.push(format!(
            "INCOMPLETE (time budget): {} URLs left, {} failures not re-checked",
            c.urls_left, c.failures_not_rechecked
        ));
    }
    if c.pages_over_max_pages > 0 {
        parts.push(format!(
            "{} pages only checked, not read (max_pages)",
            c.pages_over_max_pages
        ));
    }
    if c.pages_over_max_depth > 0 {
        parts.push(format!(
            "{} pages only checked, not read (max_depth)",
            c.pages_over_max_depth
        ));
    }
    if c.urls_not_read_whole > 0 {
        parts.push(format!("{} pages not read whole", c.urls_not_read_whole));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Prints each site's verdict and where the report is; picks the exit code.
fn finish_period(done: &PeriodOutcome, quiet: bool) -> ExitCode {
    if done.interrupted {
        eprintln!("stopped before the end; run the same command again to continue");
        return ExitCode::from(130);
    }
    if !quiet {
        if let Some(r) = &done.report {
            for s in &r.sites {
                let sc = &s.summary.score;
                println!(
                    "{:<12} {:>5.1}  {}  {} findings ({} new, {} fixed since {})",
                    s.summary.site,
                    sc.score,
                    sc.verdict_zh(),
                    s.current.len(),
                    s.count(Status::New),
                    s.count(Status::Fixed),
                    s.previous_period.as_deref().unwrap_or("—")
                );
                if let Some(l) = coverage_line(&s.summary.coverage) {
                    println!("{:<12} {l}", "");
                }
            }
        }
        println!("report: {}", done.dir.join("report.html").display());
        for n in done
            .notices
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
        {
            println!("notice: {}", n.display());
        }
    }
    if done.incomplete() {
        eprintln!("the time budget (--max-duration) passed: the reports are written and marked incomplete; run the same command again to finish");
        return ExitCode::from(INCOMPLETE);
    }
    ExitCode::SUCCESS
}

/// Prints the per-site summary and picks the exit code.
fn finish(summary: &RunSummary, quiet: bool) -> ExitCode {
    if !quiet {
        for s in &summary.sites {
            let count = |check: &str| s.findings.iter().filter(|f| f.check == check).count();
            println!(
                "{:<12} {:>6} URLs {:>6} pages  {:>4} broken links  {:>3} links to review  {:>3} columns ({} stale, {} empty){}  → {}{}",
                s.site,
                s.urls,
                s.pages,
                count("broken_link"),
                count("link_needs_review"),
                s.columns.len(),
                count("stale_column"),
                count("empty_column"),
                if count("homepage_not_updated") > 0 {
                    "  homepage not updated"
                } else {
                    ""
                },
                s.dir.display(),
                if s.resumed { "  (resumed)" } else { "" }
            );
            if s.unchanged > 0 {
                println!(
                    "{:<12} {} of {} pages unchanged (304): read from the store, {} not downloaded",
                    "",
                    s.unchanged,
                    s.pages,
                    govpatrol::run::human_bytes(s.saved_bytes)
                );
            }
            if let Some(e) = &s.homepage_error {
                println!("{:<12} the homepage could not be opened: {e}", "");
            }
            if let Some(l) = coverage_line(&s.coverage) {
                println!("{:<12} {l}", "");
            }
        }
    }
    if summary.interrupted {
        eprintln!("stopped before the end; run the same command again to continue");
        return ExitCode::from(130);
    }
    if summary.incomplete() {
        eprintln!("the time budget (--max-duration) passed: the reports are written and marked incomplete; run the same command again to finish");
        return ExitCode::from(INCOMPLETE);
    }
    ExitCode::SUCCESS
}
