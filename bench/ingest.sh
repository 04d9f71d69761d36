#!/usr/bin/env bash
# Ingest benchmark: POST /v1/messages at concurrency 64 for 20 s against the release gateway (SQLite,
# durability full unless DURABILITY=normal), then the same load against a no-op Hummingbird route, and
# prints both with the ratio, each side's CPU time per request (steadier than rates on a noisy machine),
# the log's size at the end, and the disk's own fsync latency measured first.
# Rounds (3 unless ROUNDS=n) alternate the two so both see the same machine; the median is the figure.
# Usage: [DURABILITY=normal] [ROUNDS=n] bench/ingest.sh [duration_s] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
DURABILITY="${DURABILITY:-full}"
ROUNDS="${ROUNDS:-3}"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk; }
swift build -c release --product intake >/dev/null
BIN=.build/release/intake
WORK=$(mktemp -d)
export BENCH_TOKEN="bench-admin-token-0123456789"
PORT=18180

peak_rss_mb() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
# User plus system CPU time a process has used, in clock ticks; and a count of ticks in seconds.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_to_s() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}'; }

run_wrk() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/ingest.lua "http://127.0.0.1:$1" | grep RESULT; }

cat > "$WORK/intake.yaml" <<YAML
log: {level: warning}
storage: {durability: $DURABILITY}
adapters: [{kind: generic, name: api}]
YAML
GW=""
NOOP=""
trap 'kill $GW $NOOP 2>/dev/null || true; rm -rf "$WORK"' EXIT
DISK=$(python3 bench/disk_probe.py "$WORK" 5)

# One round: the gateway on a fresh database, then the no-op route, back to back so both see the same machine.
round() {
  rm -rf "$WORK/data"
  INTAKE_ADMIN_TOKEN=$BENCH_TOKEN $BIN serve --config "$WORK/intake.yaml" --data-dir "$WORK/data" --port $PORT >&2 &
  GW=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  local gateway stored wal ticks
  ticks=$(cpu_ticks $GW)
  gateway=$(run_wrk $PORT)
  ticks=$(( $(cpu_ticks $GW) - ticks ))
  stored=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk -F' ' '/^intake_messages_total\{channel="api",outcome="stored"\}/ {print $2}')
  wal=$(stat -c %s "$WORK/data/intake.sqlite-wal" 2>/dev/null || echo 0)
  echo "$gateway rss_mb=$(peak_rss_mb $GW) stored=${stored:-0} wal_bytes=$wal cpu_s=$(ticks_to_s $ticks)"
  kill $GW; wait $GW 2>/dev/null || true
  GW=""

  $BIN bench-noop --port $((PORT + 1)) >&2 &
  NOOP=$!
  for _ in $(seq 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$((PORT + 1))/v1/messages" && break; sleep 0.1; done
  ticks=$(cpu_ticks $NOOP)
  local noop
  noop=$(run_wrk $((PORT + 1)))
  echo "$noop rss_mb=$(peak_rss_mb $NOOP) cpu_s=$(ticks_to_s $(( $(cpu_ticks $NOOP) - ticks )))"
  kill $NOOP; wait $NOOP 2>/dev/null || true
  NOOP=""
}

# Rounds run in this shell (not in a command substitution), so the EXIT trap sees the servers' PIDs and
# `set -e` stops at the first failure.
for _ in $(seq "$ROUNDS"); do round >>"$WORK/results"; done
RESULTS=$(<"$WORK/results")
python3 - "$CONNECTIONS" "$DURABILITY" "$RESULTS" <<'PY'
import statistics, sys
conns, durability, lines = sys.argv[1], sys.argv[2], sys.argv[3].splitlines()
def parse(line): return {k: float(v) for k, v in (p.split("=") for p in line.split()[1:])}
rounds = [(parse(g), parse(c)) for g, c in zip(lines[0::2], lines[1::2])]
print(f"ingest benchmark: concurrency {conns}, {rounds[0][0]['duration_s']:.0f} s per run, {len(rounds)} rounds, SQLite durability={durability}, release build")
ratios = []
for n, (g, c) in enumerate(rounds, 1):
    g_ok = (g["requests"] - g["non2xx"]) / g["duration_s"]
    c_ok = (c["requests"] - c["non2xx"]) / c["duration_s"]
    ratios.append((g_ok, g["p99_ms"], g_ok / c_ok))
    print(f"  round {n}: /v1/messages (202 after commit) {g_ok:,.0f} msg/s  p50 {g['p50_ms']:.2f} ms  p99 {g['p99_ms']:.2f} ms  "
          f"peak RSS {g['rss_mb']:.0f} MB  non-2xx {g['non2xx']:.0f}  stored {g['stored']:,.0f}  log at the end {g['wal_bytes'] / 1048576:.0f} MB  "
          f"CPU {1e6 * g['cpu_s'] / max(1, g['requests'] - g['non2xx']):.0f} µs/msg")
    print(f"           no-op Hummingbird POST (ceiling) {c_ok:,.0f} req/s  p50 {c['p50_ms']:.2f} ms  p99 {c['p99_ms']:.2f} ms  peak RSS {c['rss_mb']:.0f} MB  "
          f"CPU {1e6 * c['cpu_s'] / max(1, c['requests'] - c['non2xx']):.0f} µs/req  ratio {g_ok / c_ok:.2f}")
print(f"  median: {statistics.median(r[0] for r in ratios):,.0f} msg/s  p99 {statistics.median(r[1] for r in ratios):.2f} ms  "
      f"ratio {statistics.median(r[2] for r in ratios):.2f}  (aim: 10,000 msg/s, p99 under 20 ms, ratio 0.3, memory under 150 MB)")
PY
echo "$DISK"
