#!/usr/bin/env bash
# bench/second-run.sh N — what conditional requests save on a second run.
#
# Serves the harness's N-page site (../shared/bench, generated if needed) with nginx, which
# sends ETag and Last-Modified for static files and answers If-None-Match with 304, and crawls
# it twice into the same output folder, the second time a month later (a new run, as the next
# monthly inspection is): the first downloads every page, the second only asks whether each
# changed. Prints, per run, the wall time, the requests nginx received by status and the bytes
# it sent, and govpatrol's own summary line. Rate limits are lifted and concurrency is 32, as
# in bench/run.sh.
#
# It uses its own ports and run folder (not bench/run.sh's), so it can run beside it:
#   SITE_PORT=28080 EXT404_PORT=28081 EXTOK_PORT=28082 EXTSLOW_PORT=28083 EXTCLOSED_PORT=28084
#   RUN_DIR=/tmp/govpatrol-second-run   BENCH_DIR=/tmp/govpatrol-bench-second
#
#   bench/second-run.sh 2000
set -euo pipefail
N="${1:?usage: bench/second-run.sh N}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED_BENCH:-$REPO/../shared/bench}"
WORK="${BENCH_DIR:-/tmp/govpatrol-bench-second}"
CONC="${CONC:-32}"
export SITE_PORT="${SITE_PORT:-28080}" EXT404_PORT="${EXT404_PORT:-28081}" \
  EXTOK_PORT="${EXTOK_PORT:-28082}" EXTSLOW_PORT="${EXTSLOW_PORT:-28083}" \
  EXTCLOSED_PORT="${EXTCLOSED_PORT:-28084}" RUN_DIR="${RUN_DIR:-/tmp/govpatrol-second-run}"

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx; }
[ -n "${GOVPATROL_BIN:-}" ] || (cd "$REPO" && cargo build --profile dist --quiet)
BIN="${GOVPATROL_BIN:-$REPO/target/dist/govpatrol}"
mkdir -p "$WORK"
if [ ! -f "$WORK/harness/serve.sh" ]; then
  rm -rf "$WORK/harness"; cp -r "$SHARED" "$WORK/harness"; chmod -R u+w "$WORK/harness"
fi
SITE="$WORK/sites/$N-$SITE_PORT"
if [ ! -f "$SITE/ground_truth.json" ]; then
  python3 "$WORK/harness/gen_site.py" --pages "$N" --out "$SITE" \
    --site-origin "http://127.0.0.1:$SITE_PORT" --ext-404 "http://127.0.0.1:$EXT404_PORT" \
    --ext-ok "http://127.0.0.1:$EXTOK_PORT" --ext-slow "http://127.0.0.1:$EXTSLOW_PORT" \
    --ext-closed "http://127.0.0.1:$EXTCLOSED_PORT" >/dev/null
fi
"$WORK/harness/serve.sh" start "$SITE/site" >/dev/null
OUT="$(mktemp -d)"
trap '"$WORK/harness/serve.sh" stop >/dev/null; rm -rf "$OUT"' EXIT
cat > "$OUT/targets.toml" <<TOML
[defaults]
requests_per_second = 1000000
concurrency = $CONC
max_connections = $CONC
timeout_secs = 10
max_pages = 10000000
max_depth = 1000

[[site]]
id = "bench"
name = "示例资源部"
url = "http://127.0.0.1:$SITE_PORT/"
role = "portal"
TOML

cat > "$OUT/tally.py" <<'PY'
import collections, shlex, sys
label, wall = sys.argv[1], int(sys.argv[2]) / 1000
by = collections.Counter(); sent = 0; n = 0
for line in sys.stdin:
    # $msec $status $request_method "$request_uri" $body_bytes_sent "$http_user_agent"
    f = shlex.split(line)
    n += 1; by[f"{f[2]} {f[1]}"] += 1; sent += int(f[4])
top = ", ".join(f"{k}: {v}" for k, v in sorted(by.items(), key=lambda kv: -kv[1]))
print(f"{label}: wall {wall:.2f} s, {n} site requests ({top}), {sent / 1e6:.1f} MB sent by nginx")
PY
count() { wc -l < "$RUN_DIR/access.log"; }
one_run() { # LABEL AS_OF
  sleep 1.5 # nginx flushes its access log every second
  local s0; s0=$(count)
  local t0; t0=$(date +%s%N)
  "$BIN" crawl --quiet --targets "$OUT/targets.toml" --out "$OUT/reports" --as-of "$2" >/dev/null
  local t1; t1=$(date +%s%N)
  sleep 1.5
  local s1; s1=$(count)
  tail -n +"$((s0 + 1))" "$RUN_DIR/access.log" | head -n "$((s1 - s0))" \
    | python3 "$OUT/tally.py" "$1" "$(( (t1 - t0) / 1000000 ))"
  python3 - "$OUT/reports/${2:0:7}/bench/summary.csv" <<'PY'
import csv, sys
for row in csv.reader(open(sys.argv[1], encoding="utf-8-sig")):
    if row[1] == "pages_unchanged":
        print(f"   govpatrol: pages unchanged (304) / pages stored: {row[2]}")
PY
}
echo "== $N-page site, http://127.0.0.1:$SITE_PORT/, concurrency $CONC"
one_run "first run  (2026-11-25)" 2026-11-25
one_run "second run (2026-12-25)" 2026-12-25
