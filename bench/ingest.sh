#!/usr/bin/env bash
# Ingest benchmark: POST /v1/messages at concurrency 64 for 20 s against the release gateway (SQLite,
# durability full unless DURABILITY=normal), then the same load against a no-op Hummingbird route, and
# prints both with the ratio, the log's size at the end, and the disk's own fsync latency measured first.
# Usage: [DURABILITY=normal] bench/ingest.sh [duration_s] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
DURABILITY="${DURABILITY:-full}"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk; }
swift build -c release --product intake >/dev/null
BIN=.build/release/intake
WORK=$(mktemp -d)
export BENCH_TOKEN="bench-admin-token-0123456789"
PORT=18180

peak_rss_mb() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

run_wrk() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/ingest.lua "http://127.0.0.1:$1" | grep RESULT; }

cat > "$WORK/intake.yaml" <<YAML
log: {level: warning}
storage: {durability: $DURABILITY}
adapters: [{kind: generic, name: api}]
YAML
DISK=$(python3 bench/disk_probe.py "$WORK" 5)
INTAKE_ADMIN_TOKEN=$BENCH_TOKEN $BIN serve --config "$WORK/intake.yaml" --data-dir "$WORK/data" --port $PORT &
GW=$!
trap 'kill $GW $NOOP 2>/dev/null || true; rm -rf "$WORK"' EXIT
NOOP=""
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
GATEWAY=$(run_wrk $PORT)
GW_RSS=$(peak_rss_mb $GW)
STORED=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk -F' ' '/^intake_messages_total\{channel="api",outcome="stored"\}/ {print $2}')
WAL_MB=$(awk -v b="$(stat -c %s "$WORK/data/intake.sqlite-wal" 2>/dev/null || echo 0)" 'BEGIN {printf "%.0f", b / 1048576}')
kill $GW; wait $GW 2>/dev/null || true

$BIN bench-noop --port $((PORT + 1)) &
NOOP=$!
for _ in $(seq 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$((PORT + 1))/v1/messages" && break; sleep 0.1; done
CEILING=$(run_wrk $((PORT + 1)))
NOOP_RSS=$(peak_rss_mb $NOOP)

field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }
python3 - "$GATEWAY" "$CEILING" "$GW_RSS" "$NOOP_RSS" "${STORED:-0}" "$CONNECTIONS" "$DURABILITY" "$WAL_MB" <<'PY'
import sys
def parse(line): return {k: float(v) for k, v in (p.split("=") for p in line.split()[1:])}
g, c = parse(sys.argv[1]), parse(sys.argv[2])
gw_rss, noop_rss, stored, conns, durability, wal_mb = sys.argv[3], sys.argv[4], float(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
g_ok = (g["requests"] - g["non2xx"]) / g["duration_s"]
c_ok = (c["requests"] - c["non2xx"]) / c["duration_s"]
print(f"ingest benchmark: concurrency {conns}, {g['duration_s']:.0f} s each, SQLite durability={durability}, release build")
print(f"  /v1/messages (durable, 202 after commit): {g_ok:,.0f} msg/s  p50 {g['p50_ms']:.2f} ms  p99 {g['p99_ms']:.2f} ms  peak RSS {gw_rss} MB  non-2xx {g['non2xx']:.0f}  stored per metrics {stored:,.0f}  log at the end {wal_mb} MB")
print(f"  no-op Hummingbird POST (ceiling):         {c_ok:,.0f} req/s  p50 {c['p50_ms']:.2f} ms  p99 {c['p99_ms']:.2f} ms  peak RSS {noop_rss} MB")
print(f"  ratio gateway/ceiling: {g_ok / c_ok:.2f}")
PY
echo "$DISK"
