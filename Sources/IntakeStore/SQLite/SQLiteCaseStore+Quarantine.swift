import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore {
    public func quarantine(status: QuarantineStatus?, limit: Int) async throws -> [QuarantineEntry] {
        try await pool.read { db in
            let filter = status == nil ? "" : "WHERE q.status = ?"
            var arguments = StatementArguments()
            if let status { arguments += [status.rawValue] }
            arguments += [max(1, min(limit, 1000))]
            return try Row.fetchAll(db.cachedStatement(sql: """
                SELECT q.*, r.sha256 AS raw_sha256, r.content_type AS raw_content_type, r.metadata AS raw_metadata, length(r.bytes) AS raw_size
                FROM quarantine q LEFT JOIN raw_payloads r ON r.id = q.raw_id \(filter) ORDER BY q.id LIMIT ?
                """), arguments: arguments).map { row in Self.quarantineEntry(row, raw: Self.storedRaw(row), rawSize: row["raw_size"] ?? 0) }
        }
    }

    public func quarantineEntry(id: Int64) async throws -> QuarantineEntry? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM quarantine WHERE id = ?"), arguments: [id]).map { row in
                Self.quarantineEntry(row, raw: try Self.fetchRaw(db, id: row["raw_id"]), rawSize: nil)
            }
        }
    }

    public func recordRetry(quarantineID: Int64, reason: String?, messageID: Int64?) async throws {
        try await pool.write { db in
            if let messageID {
                try db.execute(sql: "UPDATE quarantine SET status = ?, attempts = attempts + 1, message_id = ? WHERE id = ?",
                               arguments: [QuarantineStatus.released.rawValue, messageID, quarantineID])
            } else {
                try db.execute(sql: "UPDATE quarantine SET attempts = attempts + 1, reason = COALESCE(?, reason) WHERE id = ?",
                               arguments: [reason, quarantineID])
            }
            if db.changesCount == 0 { throw StoreError.notFound("quarantine entry \(quarantineID) does not exist") }
        }
    }

    public func quarantineCount() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM quarantine WHERE status = ?"), arguments: [QuarantineStatus.pending.rawValue]) ?? 0
        }
    }

    static func quarantineEntry(_ row: Row, raw: RawPayload, rawSize: Int?) -> QuarantineEntry {
        QuarantineEntry(
            id: row["id"], adapter: row["adapter"], receivedAt: Date(timeIntervalSince1970: row["received_at"]),
            reason: row["reason"], raw: raw, status: QuarantineStatus(rawValue: row["status"]) ?? .pending,
            attempts: row["attempts"], messageID: row["message_id"], rawSize: rawSize)
    }
}
