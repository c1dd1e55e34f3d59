#!/usr/bin/env python3
"""Query latency of the peer a user would pick instead: bm25s over character n-grams.

Usage: peer_bm25.py CORPUS.jsonl QUERIES.txt      (needs: pip install bm25s)

Each document is title + aliases + tags + body, NFKC-normalised, lower-cased,
split into runs of letters/digits (punctuation dropped), and tokenised into
character unigrams and bigrams within each run. build_s covers tokenising the
corpus and building the bm25s index (the vocabulary is built here and passed
to bm25s as token ids, which saves memory at 100k documents). Then 20 queries
warm up untimed, and every query is timed on its own: tokenisation plus one
retrieve() call with k=5. Prints a single JSON line.
"""
import json
import re
import sys
import time
import unicodedata

import bm25s
import numpy as np

RUNS = re.compile(r"[^\W_]+")


def tokens(text):
    """Character unigrams and bigrams of each letter/digit run."""
    out = []
    for run in RUNS.findall(unicodedata.normalize("NFKC", text).lower()):
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def doc_text(e):
    return " ".join([e["title"], *e["aliases"], *e["tags"], e["body"]])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = [doc_text(json.loads(line)) for line in f if line.strip()]
    with open(sys.argv[2], encoding="utf-8") as f:
        queries = [line.strip() for line in f if line.strip()]

    t0 = time.perf_counter()
    vocab, ids = {}, []
    for d in docs:
        ids.append([vocab.setdefault(t, len(vocab)) for t in tokens(d)])
    retriever = bm25s.BM25()
    retriever.index((ids, vocab), show_progress=False)
    build_s = time.perf_counter() - t0
    del ids

    k = min(5, len(docs))
    for q in queries[:20]:
        retriever.retrieve([tokens(q)], k=k, show_progress=False)
    lat = []
    for q in queries:
        t = time.perf_counter()
        retriever.retrieve([tokens(q)], k=k, show_progress=False)
        lat.append((time.perf_counter() - t) * 1000)

    print(json.dumps({
        "peer": f"bm25s {bm25s.__version__} char 1+2-gram",
        "docs": len(docs), "queries": len(queries), "build_s": round(build_s, 3),
        "p50_ms": round(float(np.percentile(lat, 50)), 3),
        "p99_ms": round(float(np.percentile(lat, 99)), 3),
        "mean_ms": round(float(np.mean(lat)), 3)}))


if __name__ == "__main__":
    main()
