//! The command line as scheduled jobs and webmasters use it: exit codes, config errors with
//! file, line and key, `page --json`, and a crawl killed with SIGKILL that resumes without
//! losing, duplicating or refetching finished work.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::*;

fn govpatrol() -> Command {
    Command::new(env!("CARGO_BIN_EXE_govpatrol"))
}

#[test]
fn the_checked_in_targets_file_is_valid_and_documents_every_setting() {
    let out = govpatrol()
        .args(["check-config", "--targets", "targets.toml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string("targets.toml").unwrap();
    // Every setting the code knows appears in [defaults] with a comment line above it.
    let known = [
        "requests_per_second",
        "concurrency",
        "max_connections",
        "user_agent",
        "timeout_secs",
        "max_pages",
        "max_depth",
        "respect_robots",
        "retries",
        "max_body_bytes",
        "check_external",
        "allow_private",
        "check_ipv6",
        "conditional_requests",
        "max_duration",
    ];
    let lines: Vec<&str> = text.lines().collect();
    for key in known {
        let i = lines
            .iter()
            .position(|l| l.starts_with(&format!("{key} =")))
            .unwrap_or_else(|| panic!("{key} is not in targets.toml [defaults]"));
        assert!(
            lines[i - 1].starts_with('#'),
            "{key} has no comment above it"
        );
    }
    // Every [[site.column]] key is documented in a comment and used by the portal's columns.
    for key in [
        "name",
        "url",
        "category",
        "level",
        "window",
        "exclude",
        "reply_days",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("#   {key}")) && l.contains('=')),
            "[[site.column]] key {key} is not documented"
        );
    }
    // Every [messages] and [calendar] key has a comment line above it, and the values are read.
    for key in ["reply_days", "feedback_grace_days", "holidays", "workdays"] {
        let i = lines
            .iter()
            .position(|l| l.starts_with(&format!("{key} =")))
            .unwrap_or_else(|| panic!("{key} is not in targets.toml"));
        assert!(
            lines[i - 1].starts_with('#'),
            "{key} has no comment above it"
        );
    }
    // Every [notice] key is there, set or (contact, phone) as a commented example.
    for key in ["issuer", "contact", "phone", "deadline_working_days"] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{key} ="))
                || l.starts_with(&format!("# {key} ="))),
            "[notice] key {key} is not in targets.toml"
        );
    }
    let t = govpatrol::config::Targets::load("targets.toml".as_ref()).unwrap();
    assert_eq!(t.notice.issuer, "生态环境部办公厅");
    assert_eq!(t.notice.deadline_working_days, 15);
    let mee = t.sites.iter().find(|s| s.id == "mee").unwrap();
    assert_eq!(mee.messages.reply_days, 10);
    // Reply times count in the official calendar: New Year's Day is not a working day.
    assert!(!mee
        .messages
        .calendar
        .is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()));
    let urls: Vec<&str> = mee.columns.iter().map(|c| c.url.path()).collect();
    for path in [
        "/ywdt/",
        "/ywdt/hjywnews/",
        "/zcwj/",
        "/zcwj/zcjd/",
        "/hdjl/",
        "/ztzl/",
    ] {
        assert!(urls.contains(&path), "mee column {path} missing");
    }
    let err = govpatrol::config::Targets::parse(
        "[[site]]\nid='a'\nname='a'\nurl='http://a.cn/'\nrole='unit'\n[[site.column]]\nname='x'\nurl='/x/'\nundocumented = 1\n",
        "x.toml".as_ref(),
    )
    .unwrap_err()
    .to_string();
    for key in [
        "name",
        "url",
        "category",
        "level",
        "window",
        "exclude",
        "reply_days",
    ] {
        assert!(
            err.contains(key),
            "{key} missing from the column keys: {err}"
        );
    }
    // And the code knows no setting that the file leaves undocumented: an unknown key is refused.
    let err = govpatrol::config::Targets::parse(
        "[defaults]\nundocumented = 1\n[[site]]\nid='a'\nname='a'\nurl='http://a.cn/'\nrole='unit'\n",
        "x.toml".as_ref(),
    )
    .unwrap_err()
    .to_string();
    for key in known {
        assert!(
            err.contains(key),
            "{key} missing from the accepted keys: {err}"
        );
    }
}

#[test]
fn config_errors_name_file_line_and_key_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[defaults]\nrequests_per_second = 2\nconcurency = 3\n", ":3:", "concurency"),
        ("[[site]]\nid = \"a\"\nname = \"A\"\nurl = \"not a url\"\nrole = \"unit\"\n", ":4:", "url"),
        ("[[site]]\nid = \"a\"\nname = \"A\"\nurl = \"http://a.cn/\"\nrole = \"ministry\"\n", ":5:", "role"),
        (
            "[[site]]\nid = \"a\"\nname = \"A\"\nurl = \"http://a.cn/\"\nrole = \"unit\"\n\n[[site]]\nid = \"a\"\nname = \"B\"\nurl = \"http://b.cn/\"\nrole = \"unit\"\n",
            ":8:",
            "id",
        ),
        ("[defaults]\nconcurrency = \"four\"\n", ":2:", "concurrency"),
    ];
    for (i, (text, line, key)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, text).unwrap();
        for cmd in [
            &["check-config", "--targets"][..],
            &["crawl", "--targets"][..],
        ] {
            let out = govpatrol().args(cmd).arg(&path).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cmd:?} {text}: {stderr}");
            assert!(stderr.contains(&format!("bad{i}.toml{line}")), "{stderr}");
            assert!(stderr.contains(&format!("key `{key}`")), "{stderr}");
        }
    }
    let out = govpatrol()
        .args(["crawl", "--as-of", "2026-13-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = govpatrol()
        .args(["check-config", "--targets"])
        .arg(dir.path().join("missing.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}

#[test]
fn site_ids_that_would_leave_the_output_folder_are_refused_with_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    for (i, id) in ["../evil", "a/b", "..", "a\\\\b", "/abs"]
        .iter()
        .enumerate()
    {
        let path = dir.path().join(format!("ids{i}.toml"));
        std::fs::write(
            &path,
            format!(
                "[defaults]\nrequests_per_second = 2\n\n[[site]]\nid = \"{id}\"\nname = \"A\"\nurl = \"http://a.gov.cn/\"\nrole = \"unit\"\n"
            ),
        )
        .unwrap();
        let out = govpatrol()
            .args(["check-config", "--targets"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{id}: {stderr}");
        assert!(
            stderr.contains(&format!("ids{i}.toml:5:")),
            "{id}: {stderr}"
        );
        assert!(stderr.contains("key `id`"), "{id}: {stderr}");
        assert!(stderr.contains("it names a folder"), "{id}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_json_shows_what_the_crawler_sees() {
    let sites = sample().await;
    let home = sites.sites[0].url.clone();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args([
            "page",
            "--json",
            "--requests-per-second",
            "50",
            home.as_str(),
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], 200);
    assert_eq!(v["final_url"], home.as_str());
    assert!(
        v["title"].as_str().unwrap().contains("生态环境部"),
        "{}",
        v["title"]
    );
    assert!(v["encoding"].is_string() && v["encoding_source"].is_string());
    let links = v["links"].as_array().unwrap();
    assert!(links.len() > 20);
    assert!(links
        .iter()
        .all(|l| l["url"].is_string() && l["element"].is_string() && l["text"].is_string()));
}

/// The findings.jsonl keys of every site folder under a period.
fn finding_keys(period_dir: &std::path::Path) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for site in std::fs::read_dir(period_dir)
        .unwrap()
        .filter_map(|e| e.ok())
    {
        let path = site.path().join("findings.jsonl");
        if path.exists() {
            for f in read_jsonl(&path) {
                out.insert((
                    f["id"].as_str().unwrap().to_string(),
                    f["check"].as_str().unwrap().to_string(),
                    f["page_url"].as_str().unwrap().to_string(),
                    f["url"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_stopped_then_killed_resumes_to_the_same_findings_without_refetching() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 12.0);
    let only = ["portal"];

    // The reference: an uninterrupted run.
    let clean_out = dir.path().join("clean");
    crawl(&targets, &only, &clean_out, as_of()).await;
    let expected = finding_keys(&clean_out.join("2026-11"));
    assert!(!expected.is_empty());

    // The same crawl, killed with SIGKILL part way, then run again with the same command.
    let out = dir.path().join("killed");
    let args = |resume: bool| {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"));
        c.args([
            "crawl",
            "--quiet",
            "--as-of",
            "2026-11-25",
            "--site",
            "portal",
            "--targets",
        ])
        .arg(&targets)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
        if resume {
            c.arg("--resume");
        }
        c
    };
    // First a polite stop (SIGTERM, what systemd sends): exit 130, work saved.
    let child = args(false).spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let pid = child.id().unwrap().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let stopped = child.wait_with_output().await.unwrap();
    assert_eq!(
        stopped.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&stopped.stderr)
    );
    // Then the continuation is killed outright.
    let mut child = args(true).spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(3000)).await;
    child.kill().await.unwrap(); // SIGKILL: no chance to clean up
    child.wait().await.unwrap();
    let db = govpatrol::store::db_path(&out);
    let done: BTreeSet<String> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut st = conn
            .prepare("SELECT url FROM urls WHERE state != 'queued'")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert!(
        done.len() > 10,
        "the killed run stored only {} finished URLs",
        done.len()
    );
    assert!(
        !out.join("2026-11/portal/findings.jsonl").exists(),
        "killed before the end"
    );

    sites.clear_requests();
    let second = args(true).output().await.unwrap();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(finding_keys(&out.join("2026-11")), expected);

    // Finished URLs were not fetched again, except failures being re-checked and redirect
    // targets reached through a URL that was still queued.
    let failing: BTreeSet<String> = sites.planted.iter().map(|p| p.url.clone()).collect();
    let redirect_targets: BTreeSet<String> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut st = conn
            .prepare("SELECT final_url FROM urls WHERE final_url != url")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    for r in sites.requests() {
        let url = format!("http://{}{}", r.authority, r.path_and_query);
        if r.path_and_query == "/robots.txt"
            || failing.contains(&url)
            || redirect_targets.contains(&url)
        {
            continue;
        }
        assert!(
            !done.contains(&url),
            "{url} was fetched again after the resume"
        );
    }
}

/// Whether `text` holds a colour (SGR) escape such as `ESC[2m` or `ESC[32m`.
fn has_colour_codes(text: &str) -> bool {
    text.split('\x1b').skip(1).any(|rest| {
        rest.strip_prefix('[').is_some_and(|r| {
            let end = r.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|i| r[i..].starts_with('m'))
        })
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_written_to_a_file_carry_no_terminal_colour_codes() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let run = |extra_env: &[(&str, &str)], through_a_terminal: bool| {
        let mut cmd = vec![
            env!("CARGO_BIN_EXE_govpatrol").to_string(),
            "crawl".into(),
            "--fresh".into(),
            "--as-of".into(),
            "2026-11-25".into(),
            "--site".into(),
            "unit-b".into(),
            "--targets".into(),
            targets.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ];
        let mut c = if through_a_terminal {
            // `script` gives the command a pseudo-terminal, as a person's shell would.
            let mut c = Command::new("script");
            c.args(["-qec", &cmd.join(" "), "/dev/null"]);
            c
        } else {
            let mut c = Command::new(cmd.remove(0));
            c.args(&cmd);
            c
        };
        c.env_remove("NO_COLOR").env_remove("RUST_LOG");
        for (k, v) in extra_env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
    };
    // Into a file or a pipe (cron mail, `>> crawl.log`): plain lines.
    let piped = run(&[], false);
    assert!(piped.contains("findings written"), "{piped}");
    assert!(
        !piped.contains('\x1b'),
        "escape codes in piped logs:\n{piped:?}"
    );
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED the terminal half: no `script` (util-linux) to make a pseudo-terminal");
        return;
    }
    // On a terminal: colour, unless NO_COLOR is set.
    let tty = run(&[], true);
    assert!(tty.contains("findings written"), "{tty}");
    assert!(has_colour_codes(&tty), "no colour on a terminal:\n{tty:?}");
    let no_color = run(&[("NO_COLOR", "1")], true);
    assert!(no_color.contains("findings written"), "{no_color}");
    assert!(
        !has_colour_codes(&no_color),
        "colour despite NO_COLOR:\n{no_color:?}"
    );
}

#[test]
fn the_readme_targets_example_is_a_valid_configuration() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("```toml\n[defaults]")
        .expect("README has a targets.toml example");
    let body = &readme[start + "```toml\n".len()..];
    let example = &body[..body.find("```").unwrap()];
    let t = govpatrol::config::Targets::parse(example, "README.md".as_ref())
        .unwrap_or_else(|e| panic!("README example: {e}"));
    assert_eq!(t.notice.issuer, "生态环境部办公厅");
    assert_eq!(t.notice.phone.as_deref(), Some("010-12345678"));
}
