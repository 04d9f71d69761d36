import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore {
    /// Stores a group in one transaction holding the event log's lock, so instances ingesting at once
    /// neither store a message twice nor interleave their sequence numbers. Runs of plain messages go to
    /// the server in one `intake_ingest` call each.
    public func ingest(_ requests: [IngestRequest]) async throws -> [IngestOutcome] {
        try await loggedTransaction { session in
            var outcomes: [IngestOutcome] = []
            outcomes.reserveCapacity(requests.count)
            var run: [InboundMessage] = []
            func flush() async throws {
                guard !run.isEmpty else { return }
                outcomes += try await Self.ingest(session, run).map { .stored($0) }
                run = []
            }
            for request in requests {
                switch request.item {
                case .message(let message) where message.fragment == nil:
                    run.append(message)
                case .message(let message):
                    try await flush()
                    outcomes.append(try await Self.ingestFragment(session, message))
                case .quarantine(let entry):
                    try await flush()
                    outcomes.append(.quarantined(id: try await Self.quarantine(session, entry)))
                case .nothing:
                    try await flush()
                    outcomes.append(.skipped)
                }
            }
            try await flush()
            // In request order, so a key's last cursor wins, as when each is written after its item.
            for cursor in requests.compactMap(\.cursor) {
                try await Self.upsertCursor(session, key: cursor.key, value: cursor.value)
            }
            return outcomes
        }
    }

    /// Stores messages in order inside the caller's transaction (dedup, contact, case, message, refs,
    /// events) with one call of `intake_ingest`.
    static func ingest(_ session: PostgresSession, _ messages: [InboundMessage]) async throws -> [StoreReceipt] {
        let batch = String(decoding: try JSONEncoder().encode(messages.map(PostgresIngestItem.init)), as: UTF8.self)
        let receipts = try await session.all("SELECT * FROM intake_ingest(\(batch)::jsonb)") { row in
            StoreReceipt(messageID: try row.int64("r_message"), caseID: try row.optionalInt64("r_case"), contactID: try row.int64("r_contact"),
                         duplicate: try row.bool("r_duplicate"), openedCase: try row.bool("r_opened"), reopenedCase: try row.bool("r_reopened"))
        }
        guard receipts.count == messages.count else {
            throw StoreError.unavailable("intake_ingest answered \(receipts.count) receipts for \(messages.count) messages")
        }
        return receipts
    }

    /// The receipt of the message already stored under this adapter and external id, marked duplicate.
    static func storedReceipt(_ session: PostgresSession, adapter: String, externalID: String) async throws -> StoreReceipt? {
        try await session.first("SELECT id, case_id, contact_id FROM messages WHERE adapter = \(adapter) AND external_id = \(externalID)") { row in
            StoreReceipt(messageID: try row.int64("id"), caseID: try row.optionalInt64("case_id"), contactID: try row.int64("contact_id"),
                         duplicate: true, openedCase: false, reopenedCase: false)
        }
    }

    @discardableResult
    static func appendEvent(_ session: PostgresSession, caseID: Int64, type: CaseEventType, at: Double, actor: String, data: [String: String]) async throws -> Int64 {
        try await session.insertReturningID("""
            INSERT INTO events(case_id, type, at, actor, data) VALUES (\(caseID), \(type.rawValue), \(at), \(actor), \(StringMapCoding.encode(data)))
            RETURNING seq
            """, column: "seq")
    }

    static func quarantine(_ session: PostgresSession, _ entry: QuarantineRequest) async throws -> Int64 {
        let rawID = try await storeRaw(session, entry.raw)
        return try await session.insertReturningID("""
            INSERT INTO quarantine(adapter, received_at, reason, raw_id, status, attempts, message_id)
            VALUES (\(entry.adapter), \(entry.receivedAt.timeIntervalSince1970), \(entry.reason), \(rawID), \(QuarantineStatus.pending.rawValue), 0, NULL)
            RETURNING id
            """)
    }
}
