#!/usr/bin/env bash
# Forwarding benchmark: 10,000 stored cases through the outbox to a local endpoint answering after 20 ms;
# prints cases/s, the outbox lag, and the ratio against plain HTTP posts at the same concurrency.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product intake >/dev/null
.build/release/intake bench-forward --count "${COUNT:-10000}" --latency "${LATENCY:-20}" --concurrency "${CONCURRENCY:-16}" "$@"
