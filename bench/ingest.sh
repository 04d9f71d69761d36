#!/usr/bin/env bash
# Ingest benchmark: POST /v1/messages at concurrency 64 for 20 s against the release gateway (SQLite,
# durability full unless DURABILITY=normal), then the same load against a no-op Hummingbird route, and
# prints both with the ratio, each side's CPU time per request (steadier than rates on a noisy machine),
# the log's size at the end, and the disk's own fsync latency measured first.
# Rounds (3 unless ROUNDS=n) alternate the two so both see the same machine; the median is the figure.
# STORE=postgres runs the gateway on a PostgreSQL server this script starts (fsync and synchronous_commit
# on, its defaults: a 202 means the message is on disk), a new database each round, and adds the server's
# own CPU time to the figures.
# Usage: [STORE=postgres] [DURABILITY=normal] [ROUNDS=n] bench/ingest.sh [duration_s] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
DURABILITY="${DURABILITY:-full}"
ROUNDS="${ROUNDS:-3}"
STORE="${STORE:-sqlite}"
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

if [ "$STORE" = postgres ]; then
  STORAGE='storage: {driver: postgres, url: "${INTAKE_DATABASE_URL}"}'
else
  STORAGE="storage: {durability: $DURABILITY}"
fi
cat > "$WORK/intake.yaml" <<YAML
log: {level: warning}
$STORAGE
adapters: [{kind: generic, name: api}]
YAML
GW=""
NOOP=""
PGBIN=""
trap 'kill $GW $NOOP 2>/dev/null || true; [ -n "$PGBIN" ] && as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT

# PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user the Debian package makes.
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# CPU time of the PostgreSQL server and all its backends, in clock ticks.
pg_ticks() { local pm; pm=$(head -1 "$WORK/pg/data/postmaster.pid"); for p in $pm $(pgrep -P "$pm"); do cpu_ticks "$p" 2>/dev/null || echo 0; done | awk '{s += $1} END {print s}'; }
if [ "$STORE" = postgres ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGPORT=$((PORT + 2))
  mkdir -p "$WORK/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres "$WORK" "$WORK/pg"
  as_postgres "$PGBIN/initdb" -D "$WORK/pg/data" -U intake --auth=trust -E UTF8 --locale=C >/dev/null
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pg -c max_connections=200" start >/dev/null
fi
DISK=$(python3 bench/disk_probe.py "$WORK" 5)

# One round: the gateway on a fresh database, then the no-op route, back to back so both see the same machine.
round() {
  rm -rf "$WORK/data"
  local pgticks=0
  if [ "$STORE" = postgres ]; then
    ROUND_DB="bench_$RANDOM$RANDOM"
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U intake "$ROUND_DB"
    export INTAKE_DATABASE_URL="postgres://intake@127.0.0.1:$PGPORT/$ROUND_DB"
    pgticks=$(pg_ticks)
  fi
  INTAKE_ADMIN_TOKEN=$BENCH_TOKEN $BIN serve --config "$WORK/intake.yaml" --data-dir "$WORK/data" --port $PORT >&2 &
  GW=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  local gateway stored wal ticks
  ticks=$(cpu_ticks $GW)
  gateway=$(run_wrk $PORT)
  ticks=$(( $(cpu_ticks $GW) - ticks ))
  [ "$STORE" = postgres ] && ticks=$(( ticks + $(pg_ticks) - pgticks ))
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
python3 - "$CONNECTIONS" "$DURABILITY" "$RESULTS" "$STORE" <<'PY'
import statistics, sys
conns, durability, lines, store = sys.argv[1], sys.argv[2], sys.argv[3].splitlines(), sys.argv[4]
def parse(line): return {k: float(v) for k, v in (p.split("=") for p in line.split()[1:])}
rounds = [(parse(g), parse(c)) for g, c in zip(lines[0::2], lines[1::2])]
where = "PostgreSQL (fsync on; CPU includes the server's)" if store == "postgres" else f"SQLite durability={durability}"
print(f"ingest benchmark: concurrency {conns}, {rounds[0][0]['duration_s']:.0f} s per run, {len(rounds)} rounds, {where}, release build")
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
