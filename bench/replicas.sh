#!/usr/bin/env bash
# Outbox throughput with 1, 2 and 3 replicas on one PostgreSQL database, next to one process on SQLite: 10k
# messages over 100 local webhook channels (rate limits off) into the nginx sink. For each setup the outbox is
# filled first (`tepai bench deliver --enqueue-only`), then N `--drain-only` processes start together and
# share it; throughput = messages ÷ (last send of any process − first start). Runs alternate setups, 3 rounds.
# Usage: bench/replicas.sh [rounds]  (needs nginx; starts the throwaway server of scripts/pg-test-server.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
command -v nginx >/dev/null || apt-get install -y -qq nginx
tepai="${TEPAI_BIN:-.build/release/tepai}"
[ -x "$tepai" ] || swift build -c release --product tepai
base="$(scripts/pg-test-server.sh start)"
pgdir="${TEPAI_PG_DIR:-/tmp/tepai-pg}"
psql -h "$pgdir" -p "${TEPAI_PG_PORT:-55432}" -U tepai -d tepai -qc "DROP DATABASE IF EXISTS tepai_bench" >/dev/null
psql -h "$pgdir" -p "${TEPAI_PG_PORT:-55432}" -U tepai -d tepai -qc "CREATE DATABASE tepai_bench" >/dev/null
pg="${base/\/tepai\?/\/tepai_bench?}"
nginx -c "$PWD/bench/nginx-sink.conf" -s stop 2>/dev/null || true
nginx -c "$PWD/bench/nginx-sink.conf"
trap 'nginx -c "$PWD/bench/nginx-sink.conf" -s stop' EXIT
sleep 0.5
sink=http://127.0.0.1:18080
messages="${TEPAI_BENCH_MESSAGES:-10000}"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $messages messages, 100 channels"

# One setup: fill, then N drainers at once; prints one JSON line with the combined rate.
run() {
  local label="$1" db="$2" n="$3" out
  $tepai bench deliver --sink $sink --messages $messages --channels 100 --db "$db" --enqueue-only >/dev/null
  out="$(mktemp)"
  for _ in $(seq "$n"); do
    $tepai bench deliver --sink $sink --messages $messages --channels 100 --db "$db" --drain-only >>"$out" &
  done
  wait
  python3 - "$label" "$n" "$messages" "$out" <<'PY'
import json, sys
label, n, messages, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = [json.loads(line) for line in open(path) if line.strip()]
start = min(float(r["start"]) for r in rows)
end = max(float(r["last_send"]) for r in rows)
sent = sum(int(r["sent"]) for r in rows)
print(json.dumps({"setup": label, "replicas": n, "sent": sent, "per_replica": [int(r["sent"]) for r in rows],
                  "seconds": round(end - start, 3), "msgs_per_s": round(messages / (end - start))}))
PY
  rm -f "$out"
}

for round in $(seq "$rounds"); do
  run sqlite /tmp/tepai-bench-replicas.sqlite 1
  for n in 1 2 3; do run postgres "$pg" "$n"; done
done
