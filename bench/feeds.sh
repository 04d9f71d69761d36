#!/usr/bin/env bash
# Feed parsing benchmark: FeedParsing (libxml2, release build) and Python feedparser parse the same files in the
# same run — the third-party corpus and three large generated feeds — and it prints MB/s, entries/s and the ratio.
# Usage: bench/feeds.sh [min_seconds_per_set]    (PACKAGE_DIR overrides the package to build, CORPUS the corpus)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PACKAGE="${PACKAGE_DIR:-$ROOT}"
CORPUS="${CORPUS:-$ROOT/../shared/corpora/feeds}"
SECONDS_PER_SET="${1:-5}"
[ -d "$CORPUS" ] || { echo "corpus not found at $CORPUS (set CORPUS=...)" >&2; exit 2; }
python3 -c 'import feedparser' 2>/dev/null || pip install -q feedparser
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/bench/feeds.py" generate "$WORK/generated"
(cd "$PACKAGE" && swift build -c release --product FeedBench >/dev/null)
BIN="$(cd "$PACKAGE" && swift build -c release --show-bin-path)/FeedBench"
ARGS=(--min-seconds "$SECONDS_PER_SET" --set corpus "$CORPUS" --set generated "$WORK/generated")
{
  "$BIN" "${ARGS[@]}"
  python3 "$ROOT/bench/feeds.py" run "${ARGS[@]}"
} | tee "$WORK/results.txt" >/dev/null
python3 "$ROOT/bench/feeds.py" report < "$WORK/results.txt"
