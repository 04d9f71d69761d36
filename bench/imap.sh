#!/usr/bin/env bash
# IMAP benchmark: fetch, decode and store 1,000 mails from a local Dovecot through the real path
# (IMAPAdapter -> PollingAdapterService -> CaseStream -> SQLite, durability full, release build),
# then the same work by a small Python imaplib + email + sqlite3 script in the same run, and the ratio.
# Last, one 25 MB mail passes through a fresh process: its peak resident memory is printed.
# Usage: bench/imap.sh [mails]   (root: dovecot runs standalone in a temp dir; IMAP_BENCH_PACKAGE=DIR
# builds imap-bench from another package path, e.g. a scratch mirror)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-1000}"
PKG="${IMAP_BENCH_PACKAGE:-$PWD}"
command -v dovecot >/dev/null || { apt-get install -y -qq dovecot-imapd >/dev/null 2>&1 || sudo apt-get install -y -qq dovecot-imapd; }
swift build -c release --package-path "$PKG" --product imap-bench >/dev/null
BIN="$(swift build -c release --package-path "$PKG" --show-bin-path)/imap-bench"
BENCH=Adapters/IMAP/Bench

WORK=$(mktemp -d /tmp/imap-bench.XXXXXX)
chmod 755 "$WORK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export IMAP_BENCH_PASSWORD="bench-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$WORK/run" "$WORK/state" "$WORK/mail/ann/new" "$WORK/mail/ann/cur" "$WORK/mail/ann/tmp"
echo "ann:{PLAIN}$IMAP_BENCH_PASSWORD::::::" > "$WORK/passwd"
cat > "$WORK/dovecot.conf" <<CONF
base_dir = $WORK/run
state_dir = $WORK/state
log_path = $WORK/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$WORK/mail/%u
passdb {
  driver = passwd-file
  args = $WORK/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$WORK/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF
chown -R 65534:65534 "$WORK/mail"
dovecot -c "$WORK/dovecot.conf"
cleanup() {
  if [ -f "$WORK/run/master.pid" ]; then kill "$(cat "$WORK/run/master.pid")" 2>/dev/null || true; sleep 1; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
ADM=(doveadm -c "$WORK/dovecot.conf")

python3 "$BENCH/make_mails.py" "$WORK/mail/ann" "$COUNT"
"${ADM[@]}" mailbox create -u ann Big
mkdir -p "$WORK/mail/ann/.Big/new" "$WORK/mail/ann/.Big/tmp" && chown -R 65534:65534 "$WORK/mail/ann/.Big"
python3 "$BENCH/make_mails.py" "$WORK/mail/ann/.Big" 1 --big 24.5
# Index both mailboxes once so neither run pays for Dovecot's first scan.
"${ADM[@]}" fetch -u ann 'uid size.physical' mailbox INBOX all >/dev/null
"${ADM[@]}" fetch -u ann 'uid size.physical' mailbox Big all >/dev/null
MB=$(du -sm "$WORK/mail/ann/new" | cut -f1)

unseen() { "${ADM[@]}" flags remove -u ann '\Seen' mailbox "$1" all; }
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }

unseen INBOX
PY=$(python3 "$BENCH/baseline.py" "$PORT" ann INBOX "$WORK/baseline.sqlite" | grep RESULT)
unseen INBOX
PYBULK=$(python3 "$BENCH/baseline.py" "$PORT" ann INBOX "$WORK/baseline-bulk.sqlite" bulk | grep RESULT)
unseen INBOX
SW=$(${IMAP_BENCH_WRAP:-} "$BIN" --port "$PORT" --user ann --mailbox INBOX --db "$WORK/gateway.sqlite" | grep RESULT)
BIG=$("$BIN" --port "$PORT" --user ann --mailbox Big --db "$WORK/big.sqlite" --max-bytes $((26 * 1024 * 1024)) | grep RESULT)
BIG_SIZE=$(find "$WORK/mail/ann/.Big" -type f -path '*/cur/*' -o -type f -path '*/new/*' | xargs stat -c %s | head -1)

echo "IMAP benchmark: $COUNT mails (${MB} MB) from a local Dovecot over loopback, fetch + decode + store, 2 cores shared"
echo "  gateway (curl + GMime + SQLite durability full, release): $(field "$SW" rate) mails/s  ($(field "$SW" mails) mails, $(field "$SW" cased) in cases, $(field "$SW" seconds) s, peak RSS $(field "$SW" peak_rss_mb) MB)"
echo "  Python baseline (imaplib + email + sqlite3 FULL):         $(field "$PY" rate) mails/s  ($(field "$PY" mails) mails, $(field "$PY" seconds) s)"
echo "  Python, batched like the gateway (one UID FETCH set (BODY.PEEK[]) per 200): $(field "$PYBULK" rate) mails/s  ($(field "$PYBULK" seconds) s)"
python3 -c "import sys; print(f'  ratio gateway/baseline: {float(sys.argv[1]) / float(sys.argv[2]):.2f}x  (against the batched Python: {float(sys.argv[1]) / float(sys.argv[3]):.2f}x)')" "$(field "$SW" rate)" "$(field "$PY" rate)" "$(field "$PYBULK" rate)"
echo "  one mail of $((BIG_SIZE / 1048576)) MB ($BIG_SIZE bytes): stored in $(field "$BIG" seconds) s; process RSS before $(field "$BIG" rss_start_mb) MB, peak $(field "$BIG" peak_rss_mb) MB"
