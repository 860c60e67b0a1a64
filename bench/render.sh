#!/usr/bin/env bash
# bench/render.sh N [MODE] — what rendering script-built pages costs: wall time, pages rendered
# per second, and the peak memory of govpatrol plus its headless Chromium (every process of it).
#
# Generates an N-article site (tmp) whose list pages are static and whose articles write their
# body from a JSON API (`/api/content/<i>.json`, one attachment link each, every tenth one
# missing), serves it with Python's threaded http.server on 127.0.0.1, and crawls it with the
# release build and `render = MODE` (default auto; `off` for the static baseline), rate limits
# lifted. Samples every 100 ms the resident and proportional set sizes (RSS, PSS) of govpatrol
# and of every process whose command line names the run's temporary folder (the browser's
# profile is there), and prints the peak of each sum.
#
#   bench/render.sh 500          # auto: every article is rendered
#   bench/render.sh 500 off      # the same site read statically
set -euo pipefail
N="${1:?usage: bench/render.sh N [off|auto|always]}"
MODE="${2:-auto}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/govpatrol-render-bench.XXXXXX)"
trap 'kill "${SERVER:-}" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
(cd "$REPO" && cargo build --release --quiet)

python3 - "$WORK/site" "$N" <<'EOF'
import json, os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{root}/a", exist_ok=True); os.makedirs(f"{root}/api", exist_ok=True)
os.makedirs(f"{root}/files", exist_ok=True)
per = 50
pages = (n + per - 1) // per
for p in range(pages):
    rows = "".join(
        f'<li><a href="/a/{i}.html">关于第{i}项重点工作推进情况的通报</a><span>2026-11-{1 + i % 28:02d}</span></li>'
        for i in range(p * per, min(n, (p + 1) * per)))
    nxt = f'<a href="/list_{p + 1}.html">下一页</a>' if p + 1 < pages else ""
    name = "index.html" if p == 0 else f"list_{p}.html"
    open(f"{root}/{name}", "w").write(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="工作动态">'
        f'<title>工作动态</title></head><body><ul>{rows}</ul>{nxt}</body></html>')
for i in range(n):
    open(f"{root}/a/{i}.html", "w").write(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="第{i}项">'
        f'<meta name="PubDate" content="2026-11-{1 + i % 28:02d}"><title>第{i}项</title></head><body>'
        f'<h1>关于第{i}项重点工作推进情况的通报</h1><div id="body"></div>'
        f'<script>fetch("/api/{i}.json").then(r => r.json()).then(d => '
        f'{{ document.getElementById("body").innerHTML = d.html; }});</script></body></html>')
    f = f"/files/{i}.pdf"
    json.dump({"html": f'<p>正文。</p><p>附件：<a href="{f}">附件{i}.pdf</a></p>'},
              open(f"{root}/api/{i}.json", "w"), ensure_ascii=False)
    if i % 10:
        open(f"{root}/files/{i}.pdf", "wb").write(b"%PDF-1.4\n%%EOF\n")
EOF

PORT=$((20000 + RANDOM % 20000))
(cd "$WORK/site" && exec python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
SERVER=$!
sleep 1
cat >"$WORK/targets.toml" <<EOF
[defaults]
requests_per_second = 1000
concurrency = 16
max_connections = 32
retries = 0
render = "$MODE"
[[site]]
id = "bench"
name = "bench"
url = "http://127.0.0.1:$PORT/"
role = "unit"
EOF

mkdir -p "$WORK/tmp"
start=$(date +%s.%N)
TMPDIR="$WORK/tmp" "$REPO/target/release/govpatrol" crawl --quiet --targets "$WORK/targets.toml" \
    --out "$WORK/out" --as-of 2026-11-25 &
GP=$!
read -r peak_rss peak_pss procs < <(python3 - "$GP" "--user-data-dir=$WORK/tmp" <<'EOF'
import os, sys, time
gp, needle = sys.argv[1], sys.argv[2]
def kb(path, key):
    try:
        for line in open(path):
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
def alive(pid):
    try:
        return open(f"/proc/{pid}/stat").read().split()[2] != "Z"
    except OSError:
        return False
peak_rss = peak_pss = peak_procs = 0
while alive(gp):
    rss = pss = procs = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if pid == gp or (needle in cmd and int(pid) != os.getpid()):
            rss += kb(f"/proc/{pid}/status", "VmRSS:")
            pss += kb(f"/proc/{pid}/smaps_rollup", "Pss:")
            procs += pid != gp
    peak_rss, peak_pss, peak_procs = max(peak_rss, rss), max(peak_pss, pss), max(peak_procs, procs)
    time.sleep(0.1)
print(peak_rss, peak_pss, peak_procs)
EOF
)
wait "$GP"
end=$(date +%s.%N)
rendered=$(python3 - "$WORK/out/govpatrol.sqlite" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT COUNT(*) FROM pages WHERE render LIKE 'rendered:%'").fetchone()[0],
      c.execute("SELECT COUNT(*) FROM pages").fetchone()[0],
      c.execute("SELECT COUNT(*) FROM findings WHERE check_name = 'broken_link'").fetchone()[0])
EOF
)
read -r r pages broken <<<"$rendered"
wall=$(echo "$end - $start" | bc)
echo "| N | render | wall s | pages | rendered | rendered/s | broken links | browser processes | peak RSS MB (sum) | peak PSS MB (sum) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf "| %s | %s | %.1f | %s | %s | %.1f | %s | %s | %.0f | %.0f |\n" "$N" "$MODE" "$wall" "$pages" "$r" \
    "$(echo "$r / $wall" | bc -l)" "$broken" "$procs" "$(echo "$peak_rss / 1024" | bc -l)" "$(echo "$peak_pss / 1024" | bc -l)"
