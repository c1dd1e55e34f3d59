#!/usr/bin/env bash
# Search benchmark, side by side in one run: tepai's engine and the bm25s peer (character 1+2-grams) over the
# same generated corpora and questions at 1k, 10k and 100k entries, then the import of 100k entries.
# Usage: bench/run.sh [OUT_DIR]   (make bench builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-out}
mkdir -p "$out"
tepai=.build/release/tepai
[ -x "$tepai" ] || swift build -c release --product tepai
python3 -c "import bm25s" 2>/dev/null || pip install -q bm25s
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -m)" | tee "$out/search.jsonl"
for n in 1000 10000 100000; do
  [ -f "$out/c$n.jsonl" ] || python3 bench/gen_corpus.py $n "$out/c$n.jsonl" --seed 1
  [ -f "$out/q$n.txt" ] || python3 bench/gen_queries.py "$out/c$n.jsonl" 1000 "$out/q$n.txt" --seed 2
  # One measurement at a time: on 2 cores, parallel runs distort each other.
  for run in 1 2 3; do
    $tepai bench search --corpus "$out/c$n.jsonl" --queries "$out/q$n.txt" --now 2026-11-23 | tee -a "$out/search.jsonl"
    python3 bench/peer_bm25.py "$out/c$n.jsonl" "$out/q$n.txt" | tee -a "$out/search.jsonl"
  done
done
echo "# import" | tee "$out/import.txt"
for run in 1 2 3; do
  rm -f "$out/import.sqlite"*
  /usr/bin/time -f "wall %e s, peak RSS %M kB" $tepai import "$out/c100000.jsonl" --db "$out/import.sqlite" 2>&1 | tee -a "$out/import.txt"
done
python3 bench/summarize.py "$out/search.jsonl"
