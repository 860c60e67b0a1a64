//! All integration tests in one binary: one link step instead of one per file, and the
//! tests of every file share the test harness's threads (see .cargo/config.toml).

mod availability;
mod cli;
mod columns;
mod common;
mod conditional;
mod crawl_sample;
mod discovery;
mod hard_stops;
mod hostile;
mod hostile_urls;
mod hostile_web;
mod interpretations;
mod kill_resume;
mod layering;
mod messages;
mod metadata;
mod office_outputs;
mod periods;
mod pipeline;
mod politeness;
mod render;
mod report_html;
mod safety;
mod zoo;
