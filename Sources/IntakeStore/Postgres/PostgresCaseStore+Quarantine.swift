import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore {
    public func quarantine(status: QuarantineStatus?, limit: Int) async throws -> [QuarantineEntry] {
        let limit = Int64(max(1, min(limit, 1000)))
        let columns = """
            SELECT q.*, r.sha256 AS raw_sha256, r.content_type AS raw_content_type, r.metadata AS raw_metadata, octet_length(r.bytes)::bigint AS raw_size
            FROM quarantine q LEFT JOIN raw_payloads r ON r.id = q.raw_id
            """
        return try await session { session in
            let read = { (row: PostgresColumns) throws -> QuarantineEntry in
                Self.quarantineEntry(try Self.quarantineRow(row), raw: try Self.storedRaw(row), rawSize: Int(try row.optionalInt64("raw_size") ?? 0))
            }
            return if let status {
                try await session.all("\(unescaped: columns) WHERE q.status = \(status.rawValue) ORDER BY q.id LIMIT \(limit)", read)
            } else {
                try await session.all("\(unescaped: columns) ORDER BY q.id LIMIT \(limit)", read)
            }
        }
    }

    public func quarantineEntry(id: Int64) async throws -> QuarantineEntry? {
        try await session { session in
            guard let row = try await session.first("SELECT * FROM quarantine WHERE id = \(id)", Self.quarantineRow) else { return nil }
            return Self.quarantineEntry(row, raw: try await Self.fetchRaw(session, id: row.rawID), rawSize: nil)
        }
    }

    public func recordRetry(quarantineID: Int64, reason: String?, messageID: Int64?) async throws {
        try await transaction { session in
            let updated = if let messageID {
                try await session.first("""
                    UPDATE quarantine SET status = \(QuarantineStatus.released.rawValue), attempts = attempts + 1, message_id = \(messageID)
                    WHERE id = \(quarantineID) RETURNING id
                    """) { try $0.int64("id") }
            } else {
                try await session.first("""
                    UPDATE quarantine SET attempts = attempts + 1, reason = COALESCE(\(reason), reason) WHERE id = \(quarantineID) RETURNING id
                    """) { try $0.int64("id") }
            }
            if updated == nil { throw StoreError.notFound("quarantine entry \(quarantineID) does not exist") }
        }
    }

    public func quarantineCount() async throws -> Int {
        try await session { session in
            Int(try await session.first("SELECT COUNT(*) AS n FROM quarantine WHERE status = \(QuarantineStatus.pending.rawValue)") { try $0.int64("n") } ?? 0)
        }
    }

    /// A quarantine row's columns, before its raw payload is read.
    struct QuarantineRow {
        var id: Int64, adapter: String, receivedAt: Date, reason: String, rawID: Int64, status: String, attempts: Int64, messageID: Int64?
    }

    static func quarantineRow(_ row: PostgresColumns) throws -> QuarantineRow {
        QuarantineRow(id: try row.int64("id"), adapter: try row.text("adapter"), receivedAt: try row.date("received_at"), reason: try row.text("reason"),
                      rawID: try row.int64("raw_id"), status: try row.text("status"), attempts: try row.int64("attempts"),
                      messageID: try row.optionalInt64("message_id"))
    }

    static func quarantineEntry(_ row: QuarantineRow, raw: RawPayload, rawSize: Int?) -> QuarantineEntry {
        QuarantineEntry(
            id: row.id, adapter: row.adapter, receivedAt: row.receivedAt, reason: row.reason, raw: raw,
            status: QuarantineStatus(rawValue: row.status) ?? .pending, attempts: Int(row.attempts), messageID: row.messageID, rawSize: rawSize)
    }
}
