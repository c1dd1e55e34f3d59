#!/usr/bin/env python3
"""Query latency of SQLite FTS5 with the trigram tokenizer (Python's sqlite3).

Usage: peer_fts5.py CORPUS.jsonl QUERIES.txt

Loads title, aliases, tags and body (NFKC, lower-cased) into an in-memory
FTS5 table (tokenize='trigram'); build_s covers the inserts and an 'optimize'.
A query is NFKC-normalised and lower-cased, split into runs of letters/digits,
and turned into an OR of the quoted trigrams of those runs; queries with no
trigram (shorter than 3 characters) are skipped and not counted. Each query
runs on its own: ... WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 5, with the
query's tokenisation inside the timing. 20 warm-up queries are not timed.
Prints a single JSON line.
"""
import json
import re
import sqlite3
import statistics
import sys
import time
import unicodedata

RUNS = re.compile(r"[^\W_]+")
SQL = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 5"


def norm(text):
    return unicodedata.normalize("NFKC", text).lower()


def match_expr(query):
    """'"abc" OR "bcd" ...' over the trigrams of each letter/digit run, or None."""
    grams = {}
    for run in RUNS.findall(norm(query)):
        for i in range(len(run) - 2):
            grams['"' + run[i:i + 3] + '"'] = None
    return " OR ".join(grams) or None


def percentile(sorted_xs, p):
    """Linear-interpolated percentile (same definition as numpy's default)."""
    pos = (len(sorted_xs) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    with open(sys.argv[1], encoding="utf-8") as f:
        rows = []
        for line in f:
            if line.strip():
                e = json.loads(line)
                rows.append((norm(e["title"]), norm(" ".join(e["aliases"])),
                             norm(" ".join(e["tags"])), norm(e["body"])))
    with open(sys.argv[2], encoding="utf-8") as f:
        queries = [line.strip() for line in f if line.strip()]

    db = sqlite3.connect(":memory:")
    t0 = time.perf_counter()
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, aliases, tags, body, tokenize='trigram')")
    db.executemany("INSERT INTO fts VALUES (?, ?, ?, ?)", rows)
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()
    build_s = time.perf_counter() - t0

    for q in queries[:20]:
        expr = match_expr(q)
        if expr:
            db.execute(SQL, (expr,)).fetchall()
    lat = []
    for q in queries:
        t = time.perf_counter()
        expr = match_expr(q)
        if expr is None:
            continue
        db.execute(SQL, (expr,)).fetchall()
        lat.append((time.perf_counter() - t) * 1000)
    if not lat:
        sys.exit("peer_fts5: no query has a trigram")
    lat.sort()

    print(json.dumps({
        "peer": "sqlite fts5 trigram", "docs": len(rows), "queries": len(lat),
        "build_s": round(build_s, 3), "p50_ms": round(percentile(lat, 50), 3),
        "p99_ms": round(percentile(lat, 99), 3), "mean_ms": round(statistics.fmean(lat), 3)}))


if __name__ == "__main__":
    main()
