#!/usr/bin/env bash
# Load test of the daemon on loopback, side by side in one run: wrk against GET /healthz and against
# GET /v1/query cycling through the dev-set questions, same connections and duration; the daemon's memory
# (RSS) at rest and its peak under load. Usage: [CACHE=0] bench/serve-load.sh [seconds] [connections]
# CACHE=0 turns the answer cache off, so every question is searched and rendered.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
command -v wrk >/dev/null || apt-get install -y -qq wrk
tepai=.build/release/tepai
[ -x "$tepai" ] || swift build -c release --product tepai
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/tepai.yaml" <<YAML
database: $work/t.sqlite
server: {host: 127.0.0.1, port: 18181}
query_rate_limit_per_minute: 0
answer_cache_size: ${CACHE:-4096}
YAML
$tepai import seeds/entries/*.json --config "$work/tepai.yaml" >/dev/null
# The questions, URL-encoded, into a wrk script that cycles through them.
python3 - "$work/queries.lua" seeds/queries/*-dev.json <<'PY'
import json, sys, urllib.parse
qs = [q["q"] for f in sys.argv[2:] for q in json.load(open(f))]
with open(sys.argv[1], "w") as out:
    out.write("local qs = {\n")
    for q in qs:
        out.write('  "/v1/query?q=%s",\n' % urllib.parse.quote(q))
    out.write("}\nlocal i = 0\nrequest = function()\n  i = i % #qs + 1\n  return wrk.format(\"GET\", qs[i])\nend\n")
print(f"{len(qs)} questions", file=sys.stderr)
PY
TEPAI_LOG_LEVEL=warning $tepai serve --config "$work/tepai.yaml" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18181/healthz >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:18181/v1/query?q=%E9%AB%98%E4%BC%81" >/dev/null  # first query builds nothing new; warms caches
rss() { awk -v k="$1:" '$1 == k {print $2}' /proc/$pid/status; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk -t2 -c$conns -d${secs}s, answer_cache_size ${CACHE:-4096}"
echo "rest_rss_kb $(rss VmRSS)"
summary() { awk -v name="$1" '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "{\"route\": \"%s\", \"req_per_s\": %s, \"p99\": \"%s\"}\n", name, rps, p99}'; }
for run in 1 2 3; do
  wrk -t2 -c"$conns" -d"${secs}s" --latency http://127.0.0.1:18181/healthz | summary healthz
  wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/queries.lua" http://127.0.0.1:18181 | summary query
done
echo "peak_rss_kb $(rss VmHWM)"
echo "after_rss_kb $(rss VmRSS)"
grep -c "error" "$work/serve.log" | sed 's/^/server_log_errors /' || true
