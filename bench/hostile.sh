#!/usr/bin/env bash
# bench/hostile.sh — issue 16's hostile-web benchmark: does a crawl of an adversarial site finish
# on its own, within 60 s and 64 MB, with every verdict right?
#
# Starts the adversarial site (`examples/hostile_site.rs`, the endpoints of the end-to-end test
# tests/it/hostile_web/site.rs: pages of 100,000 links, 100,000-deep nesting, an 8 MB line, 1 GiB
# bodies, a gzip bomb, binary and broken GBK pages, a 10 MB robots.txt, slow headers, a 1 byte/s
# body, silence, resets, 503s, 429s, redirect loops and chains, traps, and the same faults on a
# second, "external" host) on 127.0.0.1, crawls it with the release build at 50 requests/s and
# 8 at a time, every other setting at its default (timeout_secs 15, retries 2, url_budget_secs
# 30), and prints the wall time, the crawler's peak RSS (sampled from /proc every 50 ms), the
# requests per host, the URLs not read whole (`urls.read_limit`) and every endpoint's verdict
# against the expected one.
#
#   bench/hostile.sh
#   BIN=/path/to/older/govpatrol LIMIT=300 bench/hostile.sh   # another build, killed after 300 s
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/govpatrol-hostile-bench.XXXXXX)"
trap 'kill "${SERVER:-}" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
(cd "$REPO" && cargo build --release --quiet --bin govpatrol --example hostile_site)

PORT=$((20000 + RANDOM % 20000))
EXT=$((PORT + 1))
"$REPO/target/release/examples/hostile_site" "$PORT" "$EXT" "$WORK/expected.tsv" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do grep -q ready "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
cat >"$WORK/targets.toml" <<EOF2
[defaults]
requests_per_second = 50
concurrency = 8
allow_private = true    # the "external" host is localhost too
[[site]]
id = "hostile"
name = "恶意站点"
url = "http://127.0.0.1:$PORT/"
role = "unit"
EOF2

start=$(date +%s.%N)
timeout "${LIMIT:-0}" "${BIN:-$REPO/target/release/govpatrol}" crawl --quiet \
    --targets "$WORK/targets.toml" --out "$WORK/out" --as-of 2026-11-25 &
GP=$!
sleep 0.1
CRAWLER=$(pgrep -P "$GP" || echo "$GP") # timeout's child
peak=$(python3 - "$CRAWLER" <<'EOF2'
import sys, time
pid, peak = sys.argv[1], 0
while True:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                peak = max(peak, int(line.split()[1]))
    except OSError:
        break
    time.sleep(0.05)
print(peak)
EOF2
)
set +e
wait "$GP"
rc=$?
set -e
end=$(date +%s.%N)

python3 - "$WORK" "$start" "$end" "$peak" "$rc" <<'EOF2'
import glob, json, sqlite3, sys
work, start, end, peak, rc = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
expected = [l.rstrip("\n").split("\t") for l in open(f"{work}/expected.tsv")]
files = glob.glob(f"{work}/out/**/findings.jsonl", recursive=True)
findings = [json.loads(l) for f in files for l in open(f)]
if not files:
    print("no findings.jsonl written")
broken = {f["url"] for f in findings if f["check"] == "broken_link"}
review = {f["url"] for f in findings if f["check"] == "link_needs_review"}
db = sqlite3.connect(f"{work}/out/govpatrol.sqlite")
try:
    limits = db.execute("SELECT read_limit, COUNT(*) FROM urls WHERE read_limit IS NOT NULL GROUP BY 1").fetchall()
except sqlite3.OperationalError:  # a build from before urls.read_limit
    limits = []
urls = db.execute("SELECT COUNT(*), SUM(attempts) FROM urls").fetchone()
right = 0
print(f"{'verdict':8} {'expected':8}  endpoint")
for url, want, what in expected:
    got = "broken" if url in broken else "review" if url in review else "fine"
    ok = got == want
    right += ok
    print(f"{got:8} {want:8}  {'' if ok else 'WRONG '}{url}  ({what})")
extra = sorted(broken - {u for u, w, _ in expected if w == "broken"})
print(f"\nexit code {rc}; wall {end - start:.1f} s; peak RSS {peak / 1024:.0f} MB; "
      f"{right}/{len(expected)} verdicts right; {len(extra)} other broken links {extra[:5]}")
print(f"URLs {urls[0]}, requests (attempts) {urls[1]}; not read whole: {dict(limits)}")
EOF2
