"""The Python baseline for bench/imap.sh: the same work as imap-bench with imaplib + email + sqlite3.

Fetches every mail of a mailbox by UID, one round trip each (BODY[], which sets \\Seen: the usual
imaplib loop, and what the gateway did before it fetched in batches), or with `bulk` one
`UID FETCH set (BODY.PEEK[])` per 200 as the gateway does now; decodes it
(sender, subject, text body, attachments), stores raw bytes and fields in SQLite (WAL, synchronous
FULL, one transaction per 200 mails, as the gateway's group commit), then flags the batch \\Seen.
Prints RESULT mails=N seconds=S rate=R.
"""
import email, email.policy, imaplib, os, sqlite3, sys, time

port, user, mailbox, db_path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
bulk = len(sys.argv) > 5 and sys.argv[5] == "bulk"  # one UID FETCH set (BODY.PEEK[]) per 200, as the gateway does
password = os.environ["IMAP_BENCH_PASSWORD"]
db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("""CREATE TABLE messages (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, sender TEXT, name TEXT,
              subject TEXT, body TEXT, refs TEXT, attachments TEXT, raw BLOB)""")
start = time.perf_counter()
imap = imaplib.IMAP4("127.0.0.1", port)
imap.login(user, password)
imap.select(mailbox)
uids = imap.uid("SEARCH", "UID", "1:*")[1][0].split()
stored = 0
for offset in range(0, len(uids), 200):
    batch = uids[offset:offset + 200]
    rows = []
    if bulk:
        typ, data = imap.uid("FETCH", b",".join(batch).decode(), "(BODY.PEEK[])")
        raws = [part[1] for part in data if isinstance(part, tuple)]
    else:
        raws = []
        for uid in batch:
            typ, data = imap.uid("FETCH", uid, "(BODY[])")
            raws.append(data[0][1])
    for raw in raws:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        text = "\n".join(l for l in text.splitlines() if not l.startswith(">"))  # a crude reply trim
        sender = msg["From"].addresses[0] if msg["From"] and msg["From"].addresses else None
        atts = [(a.get_filename(), a.get_content_type(), len(a.get_content())) for a in msg.iter_attachments()]
        refs = " ".join(filter(None, [msg["In-Reply-To"], msg["References"]]))
        rows.append((msg["Message-ID"], sender.addr_spec if sender else None, sender.display_name if sender else None,
                     msg["Subject"], text, refs, repr(atts), raw))
    with db:
        db.executemany("INSERT OR IGNORE INTO messages(external_id, sender, name, subject, body, refs, attachments, raw)"
                       " VALUES (?,?,?,?,?,?,?,?)", rows)
    imap.uid("STORE", b",".join(batch).decode(), "+FLAGS.SILENT", "(\\Seen)")
    stored += len(batch)
imap.logout()
seconds = time.perf_counter() - start
print(f"RESULT mails={stored} seconds={seconds:.3f} rate={stored / seconds:.1f}")
