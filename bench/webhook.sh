#!/usr/bin/env bash
# Webhook benchmark: signed Twilio SMS webhooks (signatures made by the twilio SDK, a distinct MessageSid
# each) at concurrency 64, then generic /v1/messages in the same run, and the ratio.
# Usage: bench/webhook.sh [duration_s] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
COUNT="${BENCH_COUNT:-400000}"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk; }
python3 -c 'import twilio' 2>/dev/null || python3 -m pip install -q twilio
swift build -c release --product intake >/dev/null
BIN=.build/release/intake
WORK=$(mktemp -d)
PORT=18380
export BENCH_TOKEN="bench-admin-token-0123456789" TWILIO_AUTH_TOKEN="bench-twilio-token-0123456789"
export BENCH_REQUESTS="$WORK/requests.tsv" BENCH_THREADS=2
python3 - "$COUNT" "http://127.0.0.1:$PORT/v1/hooks/sms" > "$BENCH_REQUESTS" <<'PY'
import os, sys, urllib.parse
from twilio.request_validator import RequestValidator
count, url = int(sys.argv[1]), sys.argv[2]
validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
for i in range(count):
    params = {"MessageSid": f"SM{i:032d}", "AccountSid": "AC0", "From": f"+1415555{i % 10000:04d}", "To": "+18005550199",
              "Body": "My order has not arrived and this is the third time I ask. Please call me.", "NumMedia": "0", "SmsStatus": "received"}
    print(validator.compute_signature(url, params) + "\t" + urllib.parse.urlencode(params))
PY
cat > "$WORK/intake.yaml" <<YAML
log: {level: warning}
adapters:
  - {kind: generic, name: api}
  - {kind: sms.twilio, name: sms, auth_token: "\${TWILIO_AUTH_TOKEN}"}
YAML
run() {
  local dir="$WORK/data-$1"
  INTAKE_ADMIN_TOKEN=$BENCH_TOKEN $BIN serve --config "$WORK/intake.yaml" --data-dir "$dir" --port $PORT &
  local pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "bench/$1.lua" "http://127.0.0.1:$PORT" | grep RESULT
  kill $pid; wait $pid 2>/dev/null || true
}
TWILIO=$(run webhook)
GENERIC=$(run ingest)
rm -rf "$WORK"
python3 - "$TWILIO" "$GENERIC" "$CONNECTIONS" <<'PY'
import sys
def parse(line): return {k: float(v) for k, v in (p.split("=") for p in line.split()[1:])}
t, g = parse(sys.argv[1]), parse(sys.argv[2])
rate = lambda r: (r["requests"] - r["non2xx"]) / r["duration_s"]
print(f"webhook benchmark: concurrency {sys.argv[3]}, {t['duration_s']:.0f} s each, release build")
print(f"  Twilio SMS (signed, verified, 200 after commit): {rate(t):,.0f} msg/s  p50 {t['p50_ms']:.2f} ms  p99 {t['p99_ms']:.2f} ms  non-2xx {t['non2xx']:.0f}")
print(f"  generic /v1/messages (same run):                 {rate(g):,.0f} msg/s  p50 {g['p50_ms']:.2f} ms  p99 {g['p99_ms']:.2f} ms")
print(f"  ratio twilio/generic: {rate(t) / rate(g):.2f}")
PY
