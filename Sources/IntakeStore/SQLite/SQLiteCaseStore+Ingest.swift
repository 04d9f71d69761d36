import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore {
    public func ingest(_ requests: [IngestRequest]) async throws -> [IngestOutcome] {
        let judge = ingestJudge.withLock { $0 }
        return try await pool.write { db in
            try requests.map { request in
                let outcome: IngestOutcome
                switch request.item {
                case .message(let message) where message.fragment != nil: outcome = try Self.ingestFragment(db, message, judge: judge)
                case .message(let message): outcome = .stored(try Self.ingest(db, message, judge: judge))
                case .quarantine(let entry): outcome = .quarantined(id: try Self.quarantine(db, entry))
                case .nothing: outcome = .skipped
                }
                if let cursor = request.cursor {
                    try Self.upsertCursor(db, key: cursor.key, value: cursor.value)
                }
                return outcome
            }
        }
    }

    /// Stores one message inside the caller's transaction: dedup, contact, case, message, refs, events; then
    /// has `judge` decide its urgency in the same transaction.
    static func ingest(_ db: Database, _ message: InboundMessage, judge: (any IngestJudge)?) throws -> StoreReceipt {
        if let receipt = try storedReceipt(db, adapter: message.adapter, externalID: message.externalID) { return receipt }
        let rawID = try storeRaw(db, message.raw)
        let contactID = try resolveContact(db, message.sender, at: message.receivedAt)
        let placement = try placeInCase(db, message, contactID: contactID)
        let at = message.receivedAt.timeIntervalSince1970
        let flags = message.flags.map(\.rawValue).sorted().joined(separator: ",")

        try db.cachedStatement(sql: """
            INSERT INTO messages(adapter, external_id, case_id, contact_id, channel, received_at, sender_name, sender_identities,
                subject, body, thread_refs, own_refs, is_public, attachments, flags, raw_id, adapter_kind)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run(
                message.adapter, message.externalID, placement.caseID, contactID, message.channel.rawValue, at,
                message.sender.displayName, StringMapCoding.encodeIdentities(message.sender.identities), message.subject,
                message.body, StringMapCoding.encodeLines(message.threadRefs), StringMapCoding.encodeLines(message.ownRefs),
                message.isPublic, message.attachments.isEmpty ? nil : String(decoding: try JSONEncoder.column.encode(message.attachments), as: UTF8.self),
                flags, rawID, message.adapterKind)
        let messageID = db.lastInsertedRowID

        if let caseID = placement.caseID {
            var seen = Set<String>()
            // Case references resolve by id; only the others need a row, and one already pointing here is left alone.
            let refs = (message.ownRefs + message.threadRefs).filter {
                !$0.hasPrefix("case:") && placement.knownRefs[$0] != caseID && seen.insert($0).inserted
            }
            let upsert = try db.cachedStatement(sql: "INSERT INTO thread_refs(ref, case_id) VALUES (?, ?) ON CONFLICT(ref) DO UPDATE SET case_id = excluded.case_id")
            for ref in refs { try upsert.run(ref, caseID) }
            var data = ["message_id": String(messageID), "channel": message.channel.rawValue, "adapter": message.adapter]
            if !message.flags.isEmpty { data["flags"] = flags }
            if message.isPublic { data["public"] = "true" }
            let judged = judge?.judgesOnIngest(message) == true
            if judged { data[JudgedOnIngest.key] = JudgedOnIngest.value }
            let seq = try appendEvent(db, caseID: caseID, type: .messageReceived, at: at, actor: message.adapter, data: data)
            try db.cachedStatement(sql: """
                UPDATE cases SET message_count = message_count + 1, last_message_at = ?, updated_at = ?,
                    is_public = CASE WHEN ? THEN 1 ELSE is_public END
                WHERE id = ?
                """).run(at, at, message.isPublic, caseID)
            if judged, let judge {
                let event = CaseEvent(seq: seq, caseID: caseID, type: .messageReceived, at: message.receivedAt, actor: message.adapter, data: data)
                let stored = StoredMessage(id: messageID, caseID: caseID, contactID: contactID, message: message)
                do {
                    try judge.judge(stored, event: event, in: SQLiteJudgingTransaction(db: db))
                } catch {
                    // A judgment that fails never fails the intake: it wrote nothing (its one write undoes itself
                    // on failure) and the message is left to the escalation consumer, its event (not committed
                    // yet) no longer marked judged.
                    data[JudgedOnIngest.key] = nil
                    try db.cachedStatement(sql: "UPDATE events SET data = ? WHERE seq = ?").run(StringMapCoding.encode(data), seq)
                }
            }
        }
        return StoreReceipt(
            messageID: messageID, caseID: placement.caseID, contactID: contactID, duplicate: false,
            openedCase: placement.opened, reopenedCase: placement.reopened)
    }

    /// The receipt of the message already stored under this adapter and external id, marked duplicate.
    static func storedReceipt(_ db: Database, adapter: String, externalID: String) throws -> StoreReceipt? {
        try db.cachedStatement(sql: "SELECT id, case_id, contact_id FROM messages WHERE adapter = ? AND external_id = ?")
            .first(adapter, externalID) { row in
                StoreReceipt(messageID: row.int64(0), caseID: row.optionalInt64(1), contactID: row.int64(2), duplicate: true,
                             openedCase: false, reopenedCase: false)
            }
    }

    /// Finds the contact owning any of the sender's identities, or creates one, and records every identity.
    static func resolveContact(_ db: Database, _ sender: Sender, at date: Date) throws -> Int64 {
        let lookup = try db.cachedStatement(sql: """
            SELECT i.contact_id, c.display_name IS NULL FROM identities i JOIN contacts c ON c.id = i.contact_id
            WHERE i.kind = ? AND i.value = ?
            """)
        var known: (id: Int64, nameless: Bool)?
        var unknown: [Identity] = []
        for identity in sender.identities {
            if let found = try lookup.first(identity.kind.rawValue, identity.value, read: { ($0.int64(0), $0.int64(1) != 0) }) {
                if known == nil { known = found }
            } else {
                unknown.append(identity)
            }
        }
        let id: Int64
        if let known {
            id = known.id
            if known.nameless, let name = sender.displayName, !name.isEmpty {
                try db.cachedStatement(sql: "UPDATE contacts SET display_name = ? WHERE id = ?").run(name, id)
            }
        } else {
            try db.cachedStatement(sql: "INSERT INTO contacts(display_name, created_at) VALUES (?, ?)").run(sender.displayName, date.timeIntervalSince1970)
            id = db.lastInsertedRowID
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO identities(kind, value, contact_id) VALUES (?, ?, ?) ON CONFLICT(kind, value) DO NOTHING")
        for identity in unknown { try insert.run(identity.kind.rawValue, identity.value, id) }
        return id
    }

    /// Joins the case its thread references point at, reopening a resolved one; otherwise opens a case,
    /// unless the message is automated or a status report, which never opens one.
    static func placeInCase(_ db: Database, _ message: InboundMessage, contactID: Int64) throws -> CasePlacement {
        let at = message.receivedAt.timeIntervalSince1970
        let automated = message.flags.contains(.automated) || message.flags.contains(.statusReport)
        let thread = try matchThread(db, refs: message.threadRefs)
        if let (caseID, state) = thread.best {
            switch state {
            case .resolved where !automated:
                try db.cachedStatement(sql: "UPDATE cases SET state = ?, updated_at = ? WHERE id = ?")
                    .execute(arguments: [CaseState.open.rawValue, at, caseID])
                try appendEvent(db, caseID: caseID, type: .stateChanged, at: at, actor: message.adapter,
                                data: ["from": state.rawValue, "to": CaseState.open.rawValue, "reason": "customer wrote again"])
                return CasePlacement(caseID: caseID, reopened: true, knownRefs: thread.known)
            case .closed where !automated:
                break  // a closed case stays closed: the message opens a new one below
            default:
                return CasePlacement(caseID: caseID, knownRefs: thread.known)
            }
        }
        if automated { return CasePlacement(caseID: nil) }
        try db.cachedStatement(sql: """
            INSERT INTO cases(contact_id, state, channel, subject, assignee, is_public, message_count, created_at, updated_at, last_message_at)
            VALUES (?, ?, ?, ?, NULL, ?, 0, ?, ?, ?)
            """).run(contactID, CaseState.open.rawValue, message.channel.rawValue, message.subject, message.isPublic, at, at, at)
        let caseID = db.lastInsertedRowID
        try appendEvent(db, caseID: caseID, type: .caseOpened, at: at, actor: message.adapter,
                        data: ["channel": message.channel.rawValue, "contact_id": String(contactID)])
        return CasePlacement(caseID: caseID, opened: true, knownRefs: thread.known)
    }

    /// The newest case any of the references points at, with its state, and the case each reference found
    /// in `thread_refs` points at. A case reference (`case:C-12`) names its case directly; other references
    /// are looked up in `thread_refs`.
    static func matchThread(_ db: Database, refs: [String]) throws -> (best: (Int64, CaseState)?, known: [String: Int64]) {
        guard !refs.isEmpty else { return (nil, [:]) }
        let find = try db.cachedStatement(sql: "SELECT c.id, c.state FROM thread_refs t JOIN cases c ON c.id = t.case_id WHERE t.ref = ?")
        let byID = try db.cachedStatement(sql: "SELECT id, state FROM cases WHERE id = ?")
        var best: (Int64, CaseState)?
        var known: [String: Int64] = [:]
        let read = { (row: ColumnReader) in (row.int64(0), CaseState(rawValue: row.text(1)) ?? .open) }
        for ref in refs {
            let found: (Int64, CaseState)?
            if ref.hasPrefix("case:"), let id = CaseReference.parse(String(ref.dropFirst(5))) {
                found = try byID.first(id, read: read)
            } else {
                found = try find.first(ref, read: read)
                if let found { known[ref] = found.0 }
            }
            guard let found else { continue }
            if best == nil || found.0 > best!.0 { best = found }
        }
        return (best, known)
    }

    @discardableResult
    static func appendEvent(_ db: Database, caseID: Int64, type: CaseEventType, at: Double, actor: String, data: [String: String]) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO events(case_id, type, at, actor, data) VALUES (?, ?, ?, ?, ?)")
            .run(caseID, type.rawValue, at, actor, StringMapCoding.encode(data))
        return db.lastInsertedRowID
    }

    static func quarantine(_ db: Database, _ entry: QuarantineRequest) throws -> Int64 {
        let rawID = try storeRaw(db, entry.raw)
        try db.cachedStatement(sql: """
            INSERT INTO quarantine(adapter, received_at, reason, raw_id, status, attempts, message_id)
            VALUES (?, ?, ?, ?, ?, 0, NULL)
            """).execute(arguments: [entry.adapter, entry.receivedAt.timeIntervalSince1970, entry.reason, rawID, QuarantineStatus.pending.rawValue])
        return db.lastInsertedRowID
    }
}
