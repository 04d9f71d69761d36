import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore {
    public func cases(_ query: CaseQuery) async throws -> [CaseRecord] {
        try await pool.read { db in
            var clauses: [String] = []
            var arguments = StatementArguments()
            if !query.states.isEmpty {
                clauses.append("state IN (\(query.states.map { _ in "?" }.joined(separator: ",")))")
                for state in query.states { arguments += [state.rawValue] }
            }
            if let channel = query.channel {
                clauses.append("channel = ?")
                arguments += [channel.rawValue]
            }
            if let contact = query.contactID {
                clauses.append("contact_id = ?")
                arguments += [contact]
            }
            if let since = query.since {
                clauses.append("updated_at >= ?")
                arguments += [since.timeIntervalSince1970]
            }
            if let before = query.before {
                clauses.append("id < ?")
                arguments += [before]
            }
            let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [max(1, min(query.limit, 500))]
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM cases \(filter) ORDER BY id DESC LIMIT ?"), arguments: arguments)
                .map(Self.caseRecord)
        }
    }

    public func caseDetail(id: Int64) async throws -> CaseDetail? {
        try await pool.read { db in try Self.caseDetail(db, id: id) }
    }

    static func caseDetail(_ db: Database, id: Int64) throws -> CaseDetail? {
        guard let record = try fetchCaseRecord(db, id: id) else { return nil }
        guard let contact = try Self.fetchContact(db, id: record.contactID) else { return nil }
        let messages = try Row.fetchAll(db.cachedStatement(sql: "\(messageColumns) WHERE m.case_id = ? ORDER BY m.id"), arguments: [id])
            .map(Self.storedMessage)
        let events = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM events WHERE case_id = ? ORDER BY seq"), arguments: [id])
            .map(Self.event)
        return CaseDetail(record: record, contact: contact, messages: messages, events: events)
    }

    public func updateCase(id: Int64, patch: CasePatch, actor: String, at date: Date) async throws -> CaseRecord {
        try await pool.write { db in
            guard let current = try Self.fetchCaseRecord(db, id: id) else {
                throw StoreError.notFound("case \(CaseReference.format(id)) does not exist")
            }
            let at = date.timeIntervalSince1970
            if let state = patch.state, state != current.state {
                if current.state == .closed {
                    throw StoreError.conflict("case \(current.reference) is closed; a closed case cannot change state")
                }
                try db.execute(sql: "UPDATE cases SET state = ?, updated_at = ? WHERE id = ?", arguments: [state.rawValue, at, id])
                try Self.appendEvent(db, caseID: id, type: .stateChanged, at: at, actor: actor,
                                     data: ["from": current.state.rawValue, "to": state.rawValue])
            }
            if let assignee = patch.assignee, assignee != current.assignee {
                try db.execute(sql: "UPDATE cases SET assignee = ?, updated_at = ? WHERE id = ?", arguments: [assignee, at, id])
                var data = ["to": assignee ?? ""]
                if let previous = current.assignee { data["from"] = previous }
                try Self.appendEvent(db, caseID: id, type: .assigned, at: at, actor: actor, data: data)
            }
            return try Self.fetchCaseRecord(db, id: id)!
        }
    }

    public func appendEvent(caseID: Int64, type: CaseEventType, actor: String, at: Date, data: [String: String]) async throws -> CaseEvent {
        try await pool.write { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM cases WHERE id = ?"), arguments: [caseID]) != nil else {
                throw StoreError.notFound("case \(CaseReference.format(caseID)) does not exist")
            }
            let seq = try Self.appendEvent(db, caseID: caseID, type: type, at: at.timeIntervalSince1970, actor: actor, data: data)
            try db.execute(sql: "UPDATE cases SET updated_at = ? WHERE id = ?", arguments: [at.timeIntervalSince1970, caseID])
            return CaseEvent(seq: seq, caseID: caseID, type: type, at: at, actor: actor, data: data)
        }
    }

    public func events(after: Int64, limit: Int) async throws -> [CaseEvent] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?"), arguments: [after, max(1, min(limit, 1000))])
                .map(Self.event)
        }
    }

    public func events(after: Int64, limit: Int, filter: EventFilter) async throws -> EventPage {
        try await pool.read { db in
            let last = try Self.latestSequence(db)
            let through = min(after + Int64(max(1, min(limit, 1000))), last)
            guard through > after, !filter.types.isEmpty else { return EventPage(events: [], readThrough: max(after, through)) }
            // A window of sequence numbers, not a count of rows: the rows left out still move the reader on.
            var sql = "SELECT * FROM events WHERE seq > ? AND seq <= ? AND type IN (\(Array(repeating: "?", count: filter.types.count).joined(separator: ",")))"
            var arguments: StatementArguments = [after, through]
            for type in filter.types.sorted(by: { $0.rawValue < $1.rawValue }) { _ = arguments.append(contentsOf: [type.rawValue]) }
            if let key = filter.excludingKey, let value = filter.excludingValue {
                sql += " AND data NOT LIKE ? ESCAPE '\\'"
                _ = arguments.append(contentsOf: [StringMapCoding.likePattern(key: key, value: value)])
            }
            let events = try Row.fetchAll(db.cachedStatement(sql: sql + " ORDER BY seq"), arguments: arguments).map(Self.event)
            return EventPage(events: events, readThrough: through)
        }
    }

    public func latestSequence() async throws -> Int64 {
        try await pool.read { db in try Self.latestSequence(db) }
    }

    /// The sequence number of the newest event, 0 for an empty log.
    static func latestSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM events")) ?? 0
    }

    static func fetchCaseRecord(_ db: Database, id: Int64) throws -> CaseRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ?"), arguments: [id]).map(caseRecord)
    }

    static func caseRecord(_ row: Row) -> CaseRecord {
        CaseRecord(
            id: row["id"], contactID: row["contact_id"], state: CaseState(rawValue: row["state"]) ?? .open,
            channel: ChannelKind(rawValue: row["channel"]) ?? .api, subject: row["subject"], assignee: row["assignee"],
            isPublic: row["is_public"], messageCount: row["message_count"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            lastMessageAt: Date(timeIntervalSince1970: row["last_message_at"]))
    }

    static func event(_ row: Row) -> CaseEvent {
        CaseEvent(
            seq: row["seq"], caseID: row["case_id"], type: CaseEventType(rawValue: row["type"]),
            at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], data: StringMapCoding.decode(row["data"]))
    }

    /// A message row with its payload's digest, type and metadata (not its bytes: an email's attachments can
    /// be megabytes), as `storedMessage` reads it; add the `WHERE` over `m`.
    static let messageColumns = """
        SELECT m.*, r.sha256 AS raw_sha256, r.content_type AS raw_content_type, r.metadata AS raw_metadata
        FROM messages m LEFT JOIN raw_payloads r ON r.id = m.raw_id
        """

    /// The payload named by a row's `raw_sha256`, `raw_content_type` and `raw_metadata`, without its bytes.
    static func storedRaw(_ row: Row) -> RawPayload {
        RawPayload(storedAt: row["raw_sha256"] ?? "", contentType: row["raw_content_type"] ?? "application/octet-stream",
                   metadata: (row["raw_metadata"] as String?).map(StringMapCoding.decode) ?? [:])
    }

    /// A row read with `messageColumns`.
    static func storedMessage(_ row: Row) throws -> StoredMessage {
        let attachments: [AttachmentInfo] = try (row["attachments"] as String?).map {
            try JSONDecoder().decode([AttachmentInfo].self, from: Data($0.utf8))
        } ?? []
        let flagText: String = row["flags"]
        let message = InboundMessage(
            adapter: row["adapter"], channel: ChannelKind(rawValue: row["channel"]) ?? .api, externalID: row["external_id"],
            receivedAt: Date(timeIntervalSince1970: row["received_at"]),
            sender: Sender(identities: StringMapCoding.decodeIdentities(row["sender_identities"]), displayName: row["sender_name"]),
            subject: row["subject"], body: row["body"], threadRefs: StringMapCoding.decodeLines(row["thread_refs"]),
            ownRefs: StringMapCoding.decodeLines(row["own_refs"]), isPublic: row["is_public"], attachments: attachments,
            flags: Set(flagText.split(separator: ",").compactMap { MessageFlag(rawValue: String($0)) }), raw: storedRaw(row),
            adapterKind: row["adapter_kind"])
        return StoredMessage(id: row["id"], caseID: row["case_id"], contactID: row["contact_id"], message: message)
    }
}
