//! What the terminal shows while a run works: a progress bar per site, log lines drawn above
//! the bars, and colour only where a person looks at a terminal.
//!
//! - On a terminal (and not `--quiet`), each site gets a bar ([`site_bar`]: URLs fetched of
//!   URLs known so far, pages parsed, failures) in one process-wide [`bars`] group; log lines go
//!   through [`LogWriter`], which lifts the bars, writes the line and draws them again, so a
//!   line never lands in the middle of a bar.
//! - Written to a file, a pipe or cron mail, there is no bar and no escape code: [`colour`] is
//!   false when stderr is not a terminal or `NO_COLOR` is set (<https://no-color.org>), and the
//!   run logs a plain progress line every ten seconds instead (`run`'s progress task).
//!
//! ```
//! use govpatrol::progress::colour;
//! assert!(colour(true, None));
//! assert!(!colour(false, None), "no escape codes into a file or a pipe");
//! assert!(!colour(true, Some("1".as_ref())), "NO_COLOR honoured");
//! assert!(colour(true, Some("".as_ref())), "an empty NO_COLOR does not count");
//! ```

use std::ffi::OsStr;
use std::io::Write;
use std::sync::OnceLock;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// Whether log lines may carry colour codes: stderr is a terminal and `NO_COLOR` is unset or
/// empty.
pub fn colour(stderr_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(OsStr::is_empty)
}

/// The one group of progress bars of this process (drawn on stderr; hidden when stderr is not a
/// terminal).
pub fn bars() -> &'static MultiProgress {
    static BARS: OnceLock<MultiProgress> = OnceLock::new();
    BARS.get_or_init(MultiProgress::new)
}

/// A new bar for one site in [`bars`]: `mee  [=====>    ] 1520/2210 URLs  0:41  980 pages …`.
pub fn site_bar(site: &str) -> ProgressBar {
    let b = bars().add(ProgressBar::new(0));
    b.set_style(
        ProgressStyle::with_template(
            "{prefix:<12} [{bar:30}] {pos:>6}/{len:<6} URLs {elapsed:>4} {msg}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    b.set_prefix(site.to_string());
    b.enable_steady_tick(std::time::Duration::from_millis(250));
    b
}

/// stderr for log lines, writing each line with the progress bars lifted.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        bars().suspend(|| std::io::stderr().write_all(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
