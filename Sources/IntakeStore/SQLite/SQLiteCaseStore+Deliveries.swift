import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore: DeliveryStore {
    public func enqueue(destination: String, key: String, caseID: Int64?, payload: Data, at date: Date) async throws -> Delivery {
        try await pool.write { db in
            let at = date.timeIntervalSince1970
            try db.execute(sql: """
                INSERT INTO deliveries(destination, key, case_id, payload, state, attempts, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT(destination, key) DO NOTHING
                """, arguments: [destination, key, caseID, payload, DeliveryState.pending.rawValue, at, at, at])
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM deliveries WHERE destination = ? AND key = ?"), arguments: [destination, key])!
            return Self.delivery(row)
        }
    }

    public func enqueue(_ items: [NewDelivery], at date: Date) async throws -> Int {
        guard !items.isEmpty else { return 0 }
        return try await pool.write { db in try Self.insertDeliveries(db, items, at: date.timeIntervalSince1970) }
    }

    public func dueDeliveries(destination: String, now: Date, limit: Int) async throws -> [Delivery] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM deliveries WHERE destination = ? AND state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
                """), arguments: [destination, DeliveryState.pending.rawValue, now.timeIntervalSince1970, limit]).map(Self.delivery)
        }
    }

    public func recordAttempts(_ attempts: [DeliveryAttempt]) async throws {
        guard !attempts.isEmpty else { return }
        try await pool.write { db in
            let done = try db.cachedStatement(sql: """
                UPDATE deliveries SET state = ?, attempts = attempts + 1, remote_id = ?, last_status = NULL, last_error = NULL, updated_at = ? WHERE id = ?
                """)
            let retry = try db.cachedStatement(sql: """
                UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?
                """)
            let dead = try db.cachedStatement(sql: """
                UPDATE deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?
                """)
            for attempt in attempts {
                let at = attempt.at.timeIntervalSince1970
                let id = attempt.delivery.id
                switch attempt.result {
                case .done(let remoteID):
                    try done.execute(arguments: [DeliveryState.done.rawValue, remoteID, at, id])
                case .retry(let reason, let status, _):
                    try retry.execute(arguments: [(attempt.nextAttemptAt ?? attempt.at).timeIntervalSince1970, status, String(reason.prefix(2000)), at, id])
                case .permanent(let reason, let status):
                    try dead.execute(arguments: [DeliveryState.dead.rawValue, status, String(reason.prefix(2000)), at, id])
                }
            }
        }
    }

    public func deliveries(state: DeliveryState?, limit: Int) async throws -> [Delivery] {
        try await pool.read { db in
            let filter = state == nil ? "" : "WHERE state = ?"
            var arguments = StatementArguments()
            if let state { arguments += [state.rawValue] }
            arguments += [max(1, min(limit, 1000))]
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM deliveries \(filter) ORDER BY id LIMIT ?"), arguments: arguments).map(Self.delivery)
        }
    }

    public func requeue(id: Int64, at date: Date) async throws -> Delivery {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM deliveries WHERE id = ?"), arguments: [id]) else {
                throw StoreError.notFound("delivery \(id) does not exist")
            }
            guard Self.delivery(row).state == .dead else { throw StoreError.conflict("delivery \(id) is not a dead letter") }
            try db.execute(sql: "UPDATE deliveries SET state = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
                           arguments: [DeliveryState.pending.rawValue, date.timeIntervalSince1970, date.timeIntervalSince1970, id])
            return Self.delivery(try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM deliveries WHERE id = ?"), arguments: [id])!)
        }
    }

    public func delivery(destination: String, key: String) async throws -> Delivery? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM deliveries WHERE destination = ? AND key = ?"), arguments: [destination, key]).map(Self.delivery)
        }
    }

    public func delivery(id: Int64) async throws -> Delivery? {
        try await pool.read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM deliveries WHERE id = ?"), arguments: [id]).map(Self.delivery) }
    }

    public func instanceID() async throws -> String {
        try await pool.write { db in
            if let id = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM cursors WHERE key = 'instance-id'")) { return id }
            let id = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))
            try db.execute(sql: "INSERT INTO cursors(key, value) VALUES ('instance-id', ?)", arguments: [id])
            return id
        }
    }

    static func delivery(_ row: Row) -> Delivery {
        Delivery(
            id: row["id"], destination: row["destination"], key: row["key"], caseID: row["case_id"], payload: row["payload"],
            state: DeliveryState(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastStatus: row["last_status"], lastError: row["last_error"],
            remoteID: row["remote_id"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
