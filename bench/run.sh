#!/usr/bin/env bash
# bench/run.sh N [PEER ...] — benchmark govpatrol on the harness in ../shared/bench.
#
# Builds the `dist` binary (Cargo.toml: release with LTO), copies the shared harness to a
# writable place (it may be read-only), generates or reuses the N-page synthetic ministry site, serves it with nginx on
# 127.0.0.1 and runs govpatrol as the harness's "custom" tool under /usr/bin/time -v, then any
# peers named (lychee, linkinator, … if installed by the harness's install_peers.sh) in the
# same run. Prints the Markdown table: wall time, CPU, peak RSS, requests, recall, precision;
# then bench/derived.py's: pages per second, requests per unique URL, CPU seconds per 1,000 pages.
#
#   bench/run.sh 2000
#   bench/run.sh 20000 lychee linkinator
#   CHARSET_HEADER=1 bench/run.sh 20000
#   RPS=100 CONC=4 bench/run.sh 2000     # rate limit on: how close to the floor (requests / rate)
#   APPEND=1 bench/run.sh 20000          # one more govpatrol row in the same table
#   REPEAT=5 bench/run.sh 20000 lychee-files lychee
#                                        # the whole sequence 5 times over (govpatrol, then each
#                                        # peer, then again), every row kept; derived.py adds each
#                                        # tool's median: on a shared 2-core VM one run's spread is
#                                        # 10-20 %, more than the gaps it is read for
set -euo pipefail
N="${1:?usage: bench/run.sh N [PEER ...]}"; shift
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED_BENCH:-$REPO/../shared/bench}"
WORK="${BENCH_DIR:-/tmp/govpatrol-bench}"
CONC="${CONC:-32}"

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx; }
[ -x /usr/bin/time ] || apt-get install -y -qq time
(cd "$REPO" && cargo build --profile dist --quiet)
mkdir -p "$WORK"
if [ ! -f "$WORK/harness/run_peers.sh" ]; then
  rm -rf "$WORK/harness"; cp -r "$SHARED" "$WORK/harness"; chmod -R u+w "$WORK/harness"
fi
cd "$WORK/harness"
RESULTS="$WORK/results-$N${CHARSET_HEADER:+-charset-header}.csv"
[ -n "${APPEND:-}" ] || rm -f "$RESULTS"   # APPEND=1 adds rows (a repeat) to the last table
export GOVPATROL_BIN="$REPO/target/dist/govpatrol" RESULTS
for _ in $(seq "${REPEAT:-1}"); do
  CUSTOM_NAME=govpatrol \
  CUSTOM_VERSION="govpatrol $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo dev)" \
  CUSTOM_CMD="$REPO/bench/govpatrol-bench.sh {url} {out} $CONC" \
  CUSTOM_FORMAT=pairs-jsonl \
  CUSTOM_NOTES="recursive crawl from /; robots.txt honoured; failures re-checked once" \
    ./run_peers.sh "$N" custom "$@"
done
python3 table.py "$RESULTS"
echo
python3 "$REPO/bench/derived.py" "$RESULTS" "$WORK/harness/runs" "${CHARSET_HEADER:+-charset-header}"
