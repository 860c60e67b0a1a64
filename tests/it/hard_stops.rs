//! Hard stops: a second run on the same folder, a damaged history database, a full disk, and
//! kill -9 at random points, again and again. No finished work lost, no half-written report
//! visible, a clear message, and the next run recovers.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use crate::common::*;

fn govpatrol(args: &[&str], targets: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govpatrol"))
        .args(args)
        .arg("--targets")
        .arg(targets)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_the_same_folder_is_refused() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    let _held = govpatrol::run::lock_out(&out).unwrap();
    let run = govpatrol(&["crawl", "--quiet", "--site", "unit-b"], &targets, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another govpatrol run is using"),
        "{stderr}"
    );
    assert!(
        sites.requests().is_empty(),
        "the refused run crawled anyway"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_history_database_is_named_and_left_alone() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let db = govpatrol::store::db_path(&out);
    let garbage = b"this is not a database, it is what a failing disk left behind".repeat(100);
    std::fs::write(&db, &garbage).unwrap();
    let run = govpatrol(&["crawl", "--quiet", "--site", "unit-b"], &targets, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("govpatrol.sqlite") && stderr.contains("move it aside"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        garbage,
        "the damaged file was modified"
    );
}

/// Mounts a small tmpfs (root only; CI and this machine run as root).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(path).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(path.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_nothing_and_the_next_run_recovers() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 50.0);
    let Some(disk) = Tmpfs::mount(&dir.path().join("disk"), "8m") else {
        panic!("cannot mount a tmpfs to simulate a full disk (the tests run as root)");
    };
    let out = disk.0.join("out");
    let first = govpatrol(
        &[
            "crawl",
            "--quiet",
            "--site",
            "unit-b",
            "--as-of",
            "2026-10-25",
        ],
        &targets,
        &out,
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let october = std::fs::read(out.join("2026-10/unit-b/findings.jsonl")).unwrap();

    // Fill the disk to the last byte, then run the next month.
    let mut filler = std::fs::File::create(disk.0.join("filler")).unwrap();
    let block = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    let _ = std::io::Write::write_all(&mut filler, &[0u8; 1]);
    drop(filler);
    let full = govpatrol(
        &[
            "crawl",
            "--quiet",
            "--site",
            "unit-b",
            "--as-of",
            "2026-11-25",
        ],
        &targets,
        &out,
    );
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert_eq!(full.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.to_lowercase().contains("full") || stderr.contains("No space"),
        "{stderr}"
    );
    // Last month's report is intact; this month's is absent or whole, never half.
    assert_eq!(
        std::fs::read(out.join("2026-10/unit-b/findings.jsonl")).unwrap(),
        october
    );
    let nov = out.join("2026-11/unit-b");
    if nov.exists() {
        for e in std::fs::read_dir(&nov).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                !name.ends_with(".tmp"),
                "a temporary file is visible: {name}"
            );
        }
    }

    // Space again: the same command finishes the month.
    std::fs::remove_file(disk.0.join("filler")).unwrap();
    let again = govpatrol(
        &[
            "crawl",
            "--quiet",
            "--site",
            "unit-b",
            "--as-of",
            "2026-11-25",
        ],
        &targets,
        &out,
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let lines = read_jsonl(&nov.join("findings.jsonl"));
    assert!(!lines.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_random_points_again_and_again_still_ends_in_the_same_findings() {
    let sites = sample().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = write_targets(dir.path(), &sites, 15.0);
    let clean = dir.path().join("clean");
    crawl(&targets, &["unit-a", "unit-b"], &clean, as_of()).await;
    let expected: Vec<Vec<String>> = ["unit-a", "unit-b"]
        .iter()
        .map(|s| finding_ids(&clean.join(format!("2026-11/{s}/findings.jsonl"))))
        .collect();

    let out = dir.path().join("killed");
    let mut rng = fastrand::Rng::with_seed(20261125);
    let spawn = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_govpatrol"))
            .args([
                "crawl",
                "--quiet",
                "--as-of",
                "2026-11-25",
                "--site",
                "unit-a",
                "--site",
                "unit-b",
                "--targets",
            ])
            .arg(&targets)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    for _ in 0..4 {
        let mut child = spawn();
        tokio::time::sleep(Duration::from_millis(rng.u64(300..2500))).await;
        let _ = child.kill().await;
        let _ = child.wait().await;
    }
    let last = spawn().wait_with_output().await.unwrap();
    assert!(last.status.success());
    for (i, s) in ["unit-a", "unit-b"].iter().enumerate() {
        let ids = finding_ids(&out.join(format!("2026-11/{s}/findings.jsonl")));
        assert_eq!(ids, expected[i], "{s}");
    }
}
