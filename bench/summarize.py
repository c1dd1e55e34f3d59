#!/usr/bin/env python3
"""Median of the runs per (engine, docs) from bench/run.sh's search.jsonl, and tepai's speed-up over the peer."""
import json, statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    r = json.loads(line)
    rows[(r.get("engine") or r.get("peer"), int(r["docs"]))].append(r)

def med(rs, key):
    return statistics.median(float(r[key]) for r in rs)

print(f"{'engine':40} {'docs':>7} {'build_s':>8} {'p50_ms':>8} {'p99_ms':>8}")
for (name, docs), rs in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    print(f"{name:40} {docs:7d} {med(rs,'build_s'):8.3f} {med(rs,'p50_ms'):8.3f} {med(rs,'p99_ms'):8.3f}")
for docs in sorted({d for _, d in rows}):
    mine = [rs for (n, d), rs in rows.items() if d == docs and n == "tepai"]
    peer = [rs for (n, d), rs in rows.items() if d == docs and n != "tepai"]
    if mine and peer:
        print(f"{docs:7d} docs: peer/tepai p50 {med(peer[0],'p50_ms')/med(mine[0],'p50_ms'):.1f}x, p99 {med(peer[0],'p99_ms')/med(mine[0],'p99_ms'):.1f}x")
