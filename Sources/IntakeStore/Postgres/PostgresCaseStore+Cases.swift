import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore {
    public func cases(_ query: CaseQuery) async throws -> [CaseRecord] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String {
            try binds.append(value)
            return "$\(binds.count)"
        }
        if !query.states.isEmpty {
            clauses.append("state IN (\(try query.states.map { try bind($0.rawValue) }.joined(separator: ",")))")
        }
        if let channel = query.channel { clauses.append("channel = \(try bind(channel.rawValue))") }
        if let contact = query.contactID { clauses.append("contact_id = \(try bind(contact))") }
        if let since = query.since { clauses.append("updated_at >= \(try bind(since.timeIntervalSince1970))") }
        if let before = query.before { clauses.append("id < \(try bind(before))") }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let limit = try bind(Int64(max(1, min(query.limit, 500))))
        let sql = PostgresQuery(unsafeSQL: "SELECT * FROM cases \(filter) ORDER BY id DESC LIMIT \(limit)", binds: binds)
        return try await session { try await $0.all(sql, Self.caseRecord) }
    }

    public func caseDetail(id: Int64) async throws -> CaseDetail? {
        try await session { session in
            guard let record = try await Self.fetchCaseRecord(session, id: id),
                  let contact = try await Self.fetchContact(session, id: record.contactID)
            else { return nil }
            // The payload's digest and type, not its bytes (an email's attachments can be megabytes).
            let messages = try await session.all("""
                SELECT m.*, r.sha256 AS raw_sha256, r.content_type AS raw_content_type, r.metadata AS raw_metadata
                FROM messages m JOIN raw_payloads r ON r.id = m.raw_id WHERE m.case_id = \(id) ORDER BY m.id
                """, Self.storedMessage)
            let events = try await session.all("SELECT * FROM events WHERE case_id = \(id) ORDER BY seq", Self.event)
            return CaseDetail(record: record, contact: contact, messages: messages, events: events)
        }
    }

    public func updateCase(id: Int64, patch: CasePatch, actor: String, at date: Date) async throws -> CaseRecord {
        try await loggedTransaction { session in
            guard let current = try await Self.fetchCaseRecord(session, id: id, forUpdate: true) else {
                throw StoreError.notFound("case \(CaseReference.format(id)) does not exist")
            }
            let at = date.timeIntervalSince1970
            if let state = patch.state, state != current.state {
                if current.state == .closed {
                    throw StoreError.conflict("case \(current.reference) is closed; a closed case cannot change state")
                }
                try await session.execute("UPDATE cases SET state = \(state.rawValue), updated_at = \(at) WHERE id = \(id)")
                try await Self.appendEvent(session, caseID: id, type: .stateChanged, at: at, actor: actor,
                                           data: ["from": current.state.rawValue, "to": state.rawValue])
            }
            if let assignee = patch.assignee, assignee != current.assignee {
                try await session.execute("UPDATE cases SET assignee = \(assignee), updated_at = \(at) WHERE id = \(id)")
                var data = ["to": assignee ?? ""]
                if let previous = current.assignee { data["from"] = previous }
                try await Self.appendEvent(session, caseID: id, type: .assigned, at: at, actor: actor, data: data)
            }
            return try await Self.fetchCaseRecord(session, id: id)!
        }
    }

    public func appendEvent(caseID: Int64, type: CaseEventType, actor: String, at: Date, data: [String: String]) async throws -> CaseEvent {
        try await loggedTransaction { session in
            guard try await Self.fetchCaseRecord(session, id: caseID, forUpdate: true) != nil else {
                throw StoreError.notFound("case \(CaseReference.format(caseID)) does not exist")
            }
            let seq = try await Self.appendEvent(session, caseID: caseID, type: type, at: at.timeIntervalSince1970, actor: actor, data: data)
            try await session.execute("UPDATE cases SET updated_at = \(at.timeIntervalSince1970) WHERE id = \(caseID)")
            return CaseEvent(seq: seq, caseID: caseID, type: type, at: at, actor: actor, data: data)
        }
    }

    public func events(after: Int64, limit: Int) async throws -> [CaseEvent] {
        try await session { session in
            try await session.all("SELECT * FROM events WHERE seq > \(after) ORDER BY seq LIMIT \(Int64(max(1, min(limit, 1000))))", Self.event)
        }
    }

    public func events(after: Int64, limit: Int, filter: EventFilter) async throws -> EventPage {
        try await session { session in
            let last = try await Self.latestSequence(session)
            let through = min(after + Int64(max(1, min(limit, 1000))), last)
            guard through > after, !filter.types.isEmpty else { return EventPage(events: [], readThrough: max(after, through)) }
            // A window of sequence numbers, not a count of rows: the rows left out still move the reader on.
            var binds = PostgresBindings()
            try binds.append(after)
            try binds.append(through)
            var sql = "SELECT * FROM events WHERE seq > $1 AND seq <= $2 AND type IN ("
            for (index, type) in filter.types.sorted(by: { $0.rawValue < $1.rawValue }).enumerated() {
                try binds.append(type.rawValue)
                sql += (index > 0 ? "," : "") + "$\(binds.count)"
            }
            sql += ")"
            if let key = filter.excludingKey, let value = filter.excludingValue {
                try binds.append(StringMapCoding.likePattern(key: key, value: value))
                sql += " AND data NOT LIKE $\(binds.count) ESCAPE '\\'"
            }
            let events = try await session.all(PostgresQuery(unsafeSQL: sql + " ORDER BY seq", binds: binds), Self.event)
            return EventPage(events: events, readThrough: through)
        }
    }

    public func latestSequence() async throws -> Int64 {
        try await session { try await Self.latestSequence($0) }
    }

    static func latestSequence(_ session: PostgresSession) async throws -> Int64 {
        let last = try await session.first("SELECT MAX(seq) AS last FROM events") { try $0.optionalInt64("last") }
        return (last ?? nil) ?? 0
    }

    /// The case's record; `forUpdate` locks its row until the transaction ends (a change reads, then writes).
    static func fetchCaseRecord(_ session: PostgresSession, id: Int64, forUpdate: Bool = false) async throws -> CaseRecord? {
        try await session.first("SELECT * FROM cases WHERE id = \(id)\(unescaped: forUpdate ? " FOR UPDATE" : "")", caseRecord)
    }

    static func caseRecord(_ row: PostgresColumns) throws -> CaseRecord {
        CaseRecord(
            id: try row.int64("id"), contactID: try row.int64("contact_id"), state: CaseState(rawValue: try row.text("state")) ?? .open,
            channel: ChannelKind(rawValue: try row.text("channel")) ?? .api, subject: try row.optionalText("subject"),
            assignee: try row.optionalText("assignee"), isPublic: try row.bool("is_public"), messageCount: Int(try row.int64("message_count")),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), lastMessageAt: try row.date("last_message_at"))
    }

    static func event(_ row: PostgresColumns) throws -> CaseEvent {
        CaseEvent(
            seq: try row.int64("seq"), caseID: try row.int64("case_id"), type: CaseEventType(rawValue: try row.text("type")),
            at: try row.date("at"), actor: try row.text("actor"), data: StringMapCoding.decode(try row.text("data")))
    }

    /// The payload named by a row's `raw_sha256`, `raw_content_type` and `raw_metadata`, without its bytes
    /// (as SQLite's `storedRaw`): what message and quarantine listings carry.
    static func storedRaw(_ row: PostgresColumns) throws -> RawPayload {
        RawPayload(storedAt: try row.optionalText("raw_sha256") ?? "", contentType: try row.optionalText("raw_content_type") ?? "application/octet-stream",
                   metadata: try row.optionalText("raw_metadata").map(StringMapCoding.decode) ?? [:])
    }

    /// A message row joined with its raw payload's `raw_sha256`, `raw_content_type` and `raw_metadata`.
    static func storedMessage(_ row: PostgresColumns) throws -> StoredMessage {
        let attachments: [AttachmentInfo] = try row.optionalText("attachments").map {
            try JSONDecoder().decode([AttachmentInfo].self, from: Data($0.utf8))
        } ?? []
        let message = InboundMessage(
            adapter: try row.text("adapter"), channel: ChannelKind(rawValue: try row.text("channel")) ?? .api,
            externalID: try row.text("external_id"), receivedAt: try row.date("received_at"),
            sender: Sender(identities: StringMapCoding.decodeIdentities(try row.text("sender_identities")), displayName: try row.optionalText("sender_name")),
            subject: try row.optionalText("subject"), body: try row.text("body"), threadRefs: StringMapCoding.decodeLines(try row.text("thread_refs")),
            ownRefs: StringMapCoding.decodeLines(try row.text("own_refs")), isPublic: try row.bool("is_public"), attachments: attachments,
            flags: Set(try row.text("flags").split(separator: ",").compactMap { MessageFlag(rawValue: String($0)) }), raw: try storedRaw(row),
            adapterKind: try row.optionalText("adapter_kind"))
        return StoredMessage(id: try row.int64("id"), caseID: try row.optionalInt64("case_id"), contactID: try row.int64("contact_id"), message: message)
    }
}
