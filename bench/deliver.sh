#!/usr/bin/env bash
# Delivery benchmark, side by side in one run: 10k messages to 100 local webhook channels (rate limits off,
# outbox on) into a local nginx sink answering {"errcode":0}; Apprise's json:// notifier to the same sink;
# wrk POSTing the same body as the machine's raw limit. Usage: bench/deliver.sh (needs nginx, wrk, apprise).
# TEPAI=path/to/tepai picks another build (default .build/release/tepai, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || apt-get install -y -qq nginx
command -v wrk >/dev/null || apt-get install -y -qq wrk
python3 -c "import apprise" 2>/dev/null || pip install -q apprise
tepai=${TEPAI:-.build/release/tepai}
[ -x "$tepai" ] || swift build -c release --product tepai
nginx -c "$PWD/bench/nginx-sink.conf" -s stop 2>/dev/null || true
nginx -c "$PWD/bench/nginx-sink.conf"
trap 'nginx -c "$PWD/bench/nginx-sink.conf" -s stop' EXIT
sleep 0.5
sink=http://127.0.0.1:18080
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores"
for run in 1 2 3; do
  $tepai bench deliver --sink $sink --messages 10000 --channels 100
  $tepai bench deliver --sink $sink --messages 10000 --channels 100 --transport-only
  python3 bench/peer_apprise.py $sink 10000 100
done
for run in 1 2 3; do
  wrk -t2 -c100 -d10s -s bench/wrk-post.lua $sink | awk '/Requests\/sec/ {printf "{\"engine\": \"wrk\", \"req_per_s\": %s}\n", $2}'
done
