#!/usr/bin/env bash
# govpatrol-bench.sh URL OUT [CONC] — the "custom" tool of ../shared/bench/run_peers.sh.
# Crawls URL with rate limits lifted (as the peers run), then writes OUT in the harness's
# pairs-jsonl format: one {"source","target","status"} line per broken (page, link) pair.
# RPS=100 puts the per-host rate limit back on (bench/run.sh then prints the rate floor).
set -euo pipefail
URL="$1"; OUT="$2"; CONC="${3:-32}"
BIN="${GOVPATROL_BIN:?set GOVPATROL_BIN to the dist (or release) binary}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
MAXCONN="$CONC"; [ -n "${RPS:-}" ] && MAXCONN=64
cat > "$WORK/targets.toml" <<TOML
[defaults]
requests_per_second = ${RPS:-1000000}   # lifted unless RPS is set, as every peer in the harness runs
concurrency = $CONC
# All hosts together: CONC when the limits are lifted (as the peers' one concurrency setting);
# the default 64 under RPS, where CONC is the per-host limit and the site host must not wait
# for the 2-second external host's connections.
max_connections = $MAXCONN
timeout_secs = ${REQ_TIMEOUT:-10}
max_pages = 10000000
max_depth = 1000

[[site]]
id = "bench"
name = "示例资源部"
url = "$URL"
role = "portal"
TOML
"$BIN" crawl --quiet --fresh --targets "$WORK/targets.toml" --out "$WORK/out" --as-of 2026-11-25
python3 - "$WORK/out" "$OUT" <<'PY'
import json, pathlib, sys
out = open(sys.argv[2], "w")
for f in pathlib.Path(sys.argv[1]).glob("*/bench/findings.jsonl"):
    for line in open(f, encoding="utf-8"):
        x = json.loads(line)
        if x["check"] == "broken_link":
            e = x["evidence"]
            out.write(json.dumps({"source": x["page_url"], "target": x["url"],
                                  "status": e.get("status") or 0, "error": e.get("error")}) + "\n")
PY
