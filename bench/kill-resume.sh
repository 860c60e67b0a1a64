#!/usr/bin/env bash
# bench/kill-resume.sh [RPS] [PATTERN …] — what kill -9 costs a crawl that is then resumed.
#
# Builds the release binary and examples/kill_resume.rs, serves the built-in sample sites
# (portal, unit-a, unit-b and their external host; 352 requests in one clean run at 50 requests
# a second per host) on 127.0.0.1, crawls them once cleanly, then for each kill pattern crawls
# them into a fresh folder, kill -9s the process at the pattern's moments, finishes with the
# same command and prints the requests the servers received against the clean run's, and
# whether every site's findings.jsonl is the clean run's (observation times aside).
#
# A moment is watched for, not slept for: 0.6 = once the servers have received 60 % of the
# clean run's requests (counted over the whole killed sequence); files = once this process has
# written a findings.jsonl (the checks are done, the reports are being written). Late fractions
# (0.9–0.99) land in the external links, the resources and the end-of-crawl re-check.
#
#   bench/kill-resume.sh                       # 50 requests/s, the default patterns
#   bench/kill-resume.sh 50 0.3,0.6,0.9 0.95,files,files
#   SITES=unit-a,unit-b bench/kill-resume.sh   # only these sites
#   TREE_PAGES=190 bench/kill-resume.sh        # four generated loopback sites of 190 pages
#                                              # (tree, attachments, a 404 every 7th page)
#   GOVPATROL_BIN=/path/to/govpatrol bench/kill-resume.sh   # measure another build
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RPS="${1:-50}"
shift || true
(cd "$REPO" && cargo build --release --quiet --bin govpatrol --example kill_resume)
BIN="${GOVPATROL_BIN:-$REPO/target/release/govpatrol}"
exec "$REPO/target/release/examples/kill_resume" "$BIN" "$RPS" "$@"
