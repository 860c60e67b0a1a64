#!/usr/bin/env python3
"""derived.py RESULTS.csv RUNS_DIR [VARIANT] — the figures the harness table leaves implicit, per tool row:
pages per second, site requests per unique site URL (from the tool's nginx access-log slice),
CPU seconds (user + sys) per 1,000 pages, peak RSS. Printed as a Markdown table. With RPS set
(the per-host rate limit govpatrol ran with), also the rate floor: site requests / RPS, the least
time any crawler obeying that limit needs, and how far above it the run was. When a tool ran more
than once (REPEAT, APPEND), a second table gives each tool's median wall time, CPU and peak RSS
over its runs, and how many of the rounds it was the fastest in."""
import csv, gzip, os, statistics, sys

results, runs = sys.argv[1], sys.argv[2]
variant = sys.argv[3] if len(sys.argv) > 3 else ""
rps = float(os.environ["RPS"]) if os.environ.get("RPS") else None
head = "| N | tool | wall s | pages/s | site reqs | unique site URLs | reqs per unique URL | CPU s per 1k pages | peak RSS MB |"
print(head + (" rate floor s | over the floor |" if rps else ""))
print("|---" * (head.count("|") - 1 + (2 if rps else 0)) + "|")
rows = list(csv.DictReader(open(results, encoding="utf-8")))
for r in rows:
    n, tool = int(r["n_pages"]), r["tool"]
    wall = float(r["wall_s"] or 0)
    cpu = float(r["user_s"] or 0) + float(r["sys_s"] or 0)
    pages = r["pages_fetched"] or "0"
    log = os.path.join(runs, f"{n}{variant}", f"{tool}.access.log.gz")
    unique, reqs = "–", int(r["site_requests"] or 0)
    if os.path.exists(log):
        seen = set()
        with gzip.open(log, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split('"')
                if len(parts) > 1:
                    seen.add(parts[1])
        unique = len(seen)
    per = f"{reqs / unique:.2f}" if isinstance(unique, int) and unique else "–"
    pps = f"{int(pages) / wall:.0f}" if wall else "–"
    row = f"| {n} | {tool} | {wall:.2f} | {pps} | {reqs} | {unique} | {per} | {cpu / n * 1000:.2f} | {r['peak_rss_mb']} |"
    if rps:
        floor = reqs / rps
        row += f" {floor:.1f} | {(wall / floor - 1) * 100:.1f} % |"
    print(row)

# Repeats: the median of each tool's runs, and in how many rounds it was the fastest (a round is
# one pass of bench/run.sh's sequence: the k-th run of every tool).
by_tool = {}
for r in rows:
    by_tool.setdefault((int(r["n_pages"]), r["tool"]), []).append(r)
if any(len(v) > 1 for v in by_tool.values()):
    rounds = max(len(v) for v in by_tool.values())
    fastest = {}
    for k in range(rounds):
        walls = {t: float(v[k]["wall_s"]) for t, v in by_tool.items() if len(v) > k and v[k]["wall_s"]}
        if len(walls) > 1:
            best = min(walls, key=walls.get)
            fastest[best] = fastest.get(best, 0) + 1
    print()
    print("| N | tool | runs | median wall s | min–max wall s | median CPU s (user + sys) | median peak RSS MB | fastest in rounds |")
    print("|---|---|---|---|---|---|---|---|")
    for (n, tool), v in by_tool.items():
        walls = [float(r["wall_s"]) for r in v if r["wall_s"]]
        cpu = [float(r["user_s"] or 0) + float(r["sys_s"] or 0) for r in v]
        rss = [float(r["peak_rss_mb"]) for r in v if r["peak_rss_mb"]]
        print(f"| {n} | {tool} | {len(v)} | {statistics.median(walls):.2f} | {min(walls):.2f}–{max(walls):.2f} "
              f"| {statistics.median(cpu):.2f} | {statistics.median(rss):.1f} | {fastest.get((n, tool), 0)} of {rounds} |")
