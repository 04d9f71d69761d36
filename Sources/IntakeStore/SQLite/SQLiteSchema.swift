import GRDB

/// The database schema, as ordered migrations. SQL kept to what PostgreSQL also speaks, except the
/// row-id primary keys, which a PostgreSQL store writes as identity columns.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-case-stream") { db in
            try db.execute(sql: """
                CREATE TABLE raw_payloads (
                    sha256 TEXT PRIMARY KEY,
                    content_type TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    bytes BLOB NOT NULL
                );
                CREATE TABLE contacts (
                    id INTEGER PRIMARY KEY,
                    display_name TEXT,
                    abusive INTEGER NOT NULL DEFAULT 0,
                    alternates TEXT NOT NULL DEFAULT '[]',
                    created_at DOUBLE PRECISION NOT NULL
                );
                CREATE TABLE identities (
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    contact_id INTEGER NOT NULL REFERENCES contacts(id),
                    PRIMARY KEY (kind, value)
                );
                CREATE INDEX identities_contact ON identities(contact_id);
                CREATE TABLE cases (
                    id INTEGER PRIMARY KEY,
                    contact_id INTEGER NOT NULL REFERENCES contacts(id),
                    state TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    subject TEXT,
                    assignee TEXT,
                    is_public INTEGER NOT NULL,
                    message_count INTEGER NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    last_message_at DOUBLE PRECISION NOT NULL
                );
                CREATE INDEX cases_state ON cases(state, id);
                CREATE INDEX cases_contact ON cases(contact_id, id);
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY,
                    adapter TEXT NOT NULL,
                    external_id TEXT NOT NULL,
                    case_id INTEGER REFERENCES cases(id),
                    contact_id INTEGER NOT NULL REFERENCES contacts(id),
                    channel TEXT NOT NULL,
                    received_at DOUBLE PRECISION NOT NULL,
                    sender_name TEXT,
                    sender_identities TEXT NOT NULL,
                    subject TEXT,
                    body TEXT NOT NULL,
                    thread_refs TEXT NOT NULL,
                    own_refs TEXT NOT NULL,
                    is_public INTEGER NOT NULL,
                    attachments TEXT,
                    flags TEXT NOT NULL,
                    raw_sha256 TEXT NOT NULL REFERENCES raw_payloads(sha256),
                    UNIQUE (adapter, external_id)
                );
                CREATE INDEX messages_case ON messages(case_id, id);
                CREATE TABLE thread_refs (
                    ref TEXT PRIMARY KEY,
                    case_id INTEGER NOT NULL REFERENCES cases(id)
                );
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    type TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    actor TEXT NOT NULL,
                    data TEXT NOT NULL
                );
                CREATE INDEX events_case ON events(case_id, seq);
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY,
                    adapter TEXT NOT NULL,
                    received_at DOUBLE PRECISION NOT NULL,
                    reason TEXT NOT NULL,
                    raw_sha256 TEXT NOT NULL REFERENCES raw_payloads(sha256),
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    message_id INTEGER
                );
                CREATE INDEX quarantine_status ON quarantine(status, id);
                CREATE TABLE cursors (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE consumers (
                    name TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL
                );
                CREATE TABLE api_tokens (
                    name TEXT PRIMARY KEY,
                    role TEXT NOT NULL,
                    sha256 TEXT NOT NULL UNIQUE,
                    created_at DOUBLE PRECISION NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-fragments") { db in
            try db.execute(sql: """
                CREATE TABLE fragments (
                    adapter TEXT NOT NULL,
                    group_key TEXT NOT NULL,
                    part INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    raw_sha256 TEXT NOT NULL REFERENCES raw_payloads(sha256),
                    received_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (adapter, group_key, part)
                );
                """)
        }
        migrator.registerMigration("v3-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE deliveries (
                    id INTEGER PRIMARY KEY,
                    destination TEXT NOT NULL,
                    key TEXT NOT NULL,
                    case_id INTEGER,
                    payload BLOB NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    next_attempt_at DOUBLE PRECISION NOT NULL,
                    last_status INTEGER,
                    last_error TEXT,
                    remote_id TEXT,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    UNIQUE (destination, key)
                );
                CREATE INDEX deliveries_due ON deliveries(destination, state, next_attempt_at);
                """)
        }
        migrator.registerMigration("v4-alerts") { db in
            try db.execute(sql: """
                CREATE TABLE alerts (
                    id INTEGER PRIMARY KEY,
                    case_id INTEGER NOT NULL REFERENCES cases(id),
                    team TEXT NOT NULL,
                    state TEXT NOT NULL,
                    position TEXT NOT NULL,
                    entered_at DOUBLE PRECISION NOT NULL,
                    next_due_at DOUBLE PRECISION,
                    code TEXT NOT NULL,
                    reasons TEXT NOT NULL,
                    acknowledged_by TEXT,
                    acknowledged_via TEXT,
                    acknowledged_at DOUBLE PRECISION,
                    outcome TEXT,
                    created_at DOUBLE PRECISION NOT NULL
                );
                CREATE INDEX alerts_due ON alerts(state, next_due_at);
                CREATE UNIQUE INDEX alerts_one_paging_per_case ON alerts(case_id) WHERE state = 'paging';
                CREATE INDEX alerts_code ON alerts(code, state);
                CREATE TABLE alert_attempts (
                    id INTEGER PRIMARY KEY,
                    alert_id INTEGER NOT NULL REFERENCES alerts(id),
                    delivery_id INTEGER NOT NULL,
                    person TEXT NOT NULL,
                    method TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    result TEXT NOT NULL,
                    status INTEGER,
                    provider_id TEXT,
                    detail TEXT
                );
                CREATE INDEX alert_attempts_alert ON alert_attempts(alert_id, id);
                CREATE INDEX messages_contact_time ON messages(contact_id, received_at);
                """)
        }
        // Raw payloads keyed by their SHA-256 cost one random page of the hash's index a message, written to the
        // log and again by the checkpointer: 22 of the 53 pages a group commit of 23 messages wrote. They are
        // now stored in arrival order, each with its digest, and messages, quarantine entries and fragments
        // point at their row (`raw_id`). Each table is rebuilt, since SQLite cannot drop a column's foreign key.
        migrator.registerMigration("v5-raw-payloads-by-row") { db in
            try db.execute(sql: """
                CREATE TABLE raw_payloads_by_row (
                    id INTEGER PRIMARY KEY,
                    sha256 TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    bytes BLOB NOT NULL
                );
                INSERT INTO raw_payloads_by_row(sha256, content_type, metadata, bytes)
                    SELECT sha256, content_type, metadata, bytes FROM raw_payloads ORDER BY rowid;
                CREATE INDEX raw_payloads_by_row_migration ON raw_payloads_by_row(sha256);

                CREATE TABLE messages_by_row (
                    id INTEGER PRIMARY KEY,
                    adapter TEXT NOT NULL,
                    external_id TEXT NOT NULL,
                    case_id INTEGER REFERENCES cases(id),
                    contact_id INTEGER NOT NULL REFERENCES contacts(id),
                    channel TEXT NOT NULL,
                    received_at DOUBLE PRECISION NOT NULL,
                    sender_name TEXT,
                    sender_identities TEXT NOT NULL,
                    subject TEXT,
                    body TEXT NOT NULL,
                    thread_refs TEXT NOT NULL,
                    own_refs TEXT NOT NULL,
                    is_public INTEGER NOT NULL,
                    attachments TEXT,
                    flags TEXT NOT NULL,
                    raw_id INTEGER NOT NULL REFERENCES raw_payloads(id),
                    UNIQUE (adapter, external_id)
                );
                INSERT INTO messages_by_row
                    SELECT m.id, m.adapter, m.external_id, m.case_id, m.contact_id, m.channel, m.received_at, m.sender_name,
                        m.sender_identities, m.subject, m.body, m.thread_refs, m.own_refs, m.is_public, m.attachments, m.flags, r.id
                    FROM messages m LEFT JOIN raw_payloads_by_row r ON r.sha256 = m.raw_sha256 ORDER BY m.id;
                DROP TABLE messages;
                ALTER TABLE messages_by_row RENAME TO messages;
                CREATE INDEX messages_case ON messages(case_id, id);
                CREATE INDEX messages_contact_time ON messages(contact_id, received_at);

                CREATE TABLE quarantine_by_row (
                    id INTEGER PRIMARY KEY,
                    adapter TEXT NOT NULL,
                    received_at DOUBLE PRECISION NOT NULL,
                    reason TEXT NOT NULL,
                    raw_id INTEGER NOT NULL REFERENCES raw_payloads(id),
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    message_id INTEGER
                );
                INSERT INTO quarantine_by_row
                    SELECT q.id, q.adapter, q.received_at, q.reason, r.id, q.status, q.attempts, q.message_id
                    FROM quarantine q LEFT JOIN raw_payloads_by_row r ON r.sha256 = q.raw_sha256 ORDER BY q.id;
                DROP TABLE quarantine;
                ALTER TABLE quarantine_by_row RENAME TO quarantine;
                CREATE INDEX quarantine_status ON quarantine(status, id);

                CREATE TABLE fragments_by_row (
                    adapter TEXT NOT NULL,
                    group_key TEXT NOT NULL,
                    part INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    raw_id INTEGER NOT NULL REFERENCES raw_payloads(id),
                    received_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (adapter, group_key, part)
                );
                INSERT INTO fragments_by_row
                    SELECT f.adapter, f.group_key, f.part, f.total, f.body, r.id, f.received_at
                    FROM fragments f LEFT JOIN raw_payloads_by_row r ON r.sha256 = f.raw_sha256;
                DROP TABLE fragments;
                ALTER TABLE fragments_by_row RENAME TO fragments;

                DROP TABLE raw_payloads;
                DROP INDEX raw_payloads_by_row_migration;
                ALTER TABLE raw_payloads_by_row RENAME TO raw_payloads;
                """)
        }
        // The adapter's registered kind (`sms.twilio`) beside its configured name; unknown for earlier rows.
        migrator.registerMigration("v6-adapter-kind") { db in
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN adapter_kind TEXT")
        }
        return migrator
    }
}
