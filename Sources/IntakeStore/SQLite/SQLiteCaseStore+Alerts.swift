import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore: AlertStore {
    public func recordUrgency(_ decisions: [UrgencyDecision], actor: String, at date: Date) async throws -> [Alert?] {
        guard !decisions.isEmpty else { return [] }
        return try await pool.write { db in try Self.recordUrgency(db, decisions, actor: actor, at: date) }
    }

    /// `recordUrgency` inside the caller's transaction.
    static func recordUrgency(_ db: Database, _ decisions: [UrgencyDecision], actor: String, at date: Date) throws -> [Alert?] {
        let at = date.timeIntervalSince1970
        let paging = try db.cachedStatement(sql: "SELECT 1 FROM alerts WHERE case_id = ? AND state = ?")
        let codeInUse = try db.cachedStatement(sql: "SELECT 1 FROM alerts WHERE code = ? AND state = ?")
        let insert = try db.cachedStatement(sql: """
            INSERT INTO alerts(case_id, team, state, position, entered_at, next_due_at, code, reasons, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var opened: [Alert?] = []
        for decision in decisions {
            if let data = decision.event {
                _ = try Self.appendEvent(db, caseID: decision.caseID, type: .urgencyChanged, at: at, actor: actor, data: data)
            }
            guard let opening = decision.alert,
                  try Bool.fetchOne(paging, arguments: [decision.caseID, AlertState.paging.rawValue]) == nil
            else {
                opened.append(nil)
                continue
            }
            // Four digits while few alerts page; six once four-digit codes get crowded (thousands paging).
            var code = ""
            for attempt in 0..<200 {
                code = attempt < 50 ? String(format: "%04d", Int.random(in: 0...9999)) : String(format: "%06d", Int.random(in: 0...999_999))
                if try Bool.fetchOne(codeInUse, arguments: [code, AlertState.paging.rawValue]) == nil { break }
                code = ""
            }
            guard !code.isEmpty else { throw StoreError.conflict("every acknowledgement code is taken by a paging alert") }
            try insert.execute(arguments: [decision.caseID, opening.team, AlertState.paging.rawValue, opening.position, at,
                                           opening.nextDueAt?.timeIntervalSince1970, code, opening.reasons.joined(separator: "\n"), at])
            let id = db.lastInsertedRowID
            try Self.insertDeliveries(db, try opening.pages(id, code), at: at)
            _ = try Self.appendEvent(db, caseID: decision.caseID, type: .alertSent, at: at, actor: "escalation",
                                     data: ["alert_id": String(id), "team": opening.team, "reasons": opening.reasons.joined(separator: "; "),
                                            "paged": opening.summary])
            opened.append(try Self.fetchAlert(db, id: id))
        }
        return opened
    }

    public func dueAlerts(now: Date, limit: Int) async throws -> [Alert] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM alerts WHERE state = ? AND next_due_at <= ? ORDER BY next_due_at, id LIMIT ?"),
                             arguments: [AlertState.paging.rawValue, now.timeIntervalSince1970, limit]).map(Self.alert)
        }
    }

    public func nextAlertDue() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(next_due_at) FROM alerts WHERE state = ?"), arguments: [AlertState.paging.rawValue])
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    public func advanceAlert(id: Int64, from: String, to: String, state: AlertState, nextDueAt: Date?, pages: [NewDelivery],
                             summary: String, at date: Date) async throws -> Bool {
        try await pool.write { db in
            let at = date.timeIntervalSince1970
            try db.execute(sql: "UPDATE alerts SET position = ?, state = ?, entered_at = ?, next_due_at = ? WHERE id = ? AND state = ? AND position = ?",
                           arguments: [to, state.rawValue, at, nextDueAt?.timeIntervalSince1970, id, AlertState.paging.rawValue, from])
            guard db.changesCount == 1, let alert = try Self.fetchAlert(db, id: id) else { return false }
            try Self.insertDeliveries(db, pages, at: at)
            var data = ["alert_id": String(id), "to": to, "paged": summary]
            if state == .exhausted { data["exhausted"] = "true" }
            _ = try Self.appendEvent(db, caseID: alert.caseID, type: .escalated, at: at, actor: "escalation", data: data)
            return true
        }
    }

    public func acknowledge(alertID: Int64, by person: String, via: String, at date: Date) async throws -> Alert {
        try await pool.write { db in
            guard let alert = try Self.fetchAlert(db, id: alertID) else { throw StoreError.notFound("alert \(alertID) does not exist") }
            guard alert.state == .paging else {
                let who = alert.acknowledgedBy.map { " by \($0)" } ?? ""
                throw StoreError.conflict("alert \(alertID) is \(alert.state.rawValue)\(who), not paging")
            }
            let at = date.timeIntervalSince1970
            try db.execute(sql: """
                UPDATE alerts SET state = ?, acknowledged_by = ?, acknowledged_via = ?, acknowledged_at = ?, next_due_at = NULL WHERE id = ?
                """, arguments: [AlertState.acknowledged.rawValue, person, via, at, alertID])
            _ = try Self.appendEvent(db, caseID: alert.caseID, type: .acknowledged, at: at, actor: person,
                                     data: ["alert_id": String(alertID), "via": via])
            return try Self.fetchAlert(db, id: alertID)!
        }
    }

    public func pagingAlert(code: String) async throws -> Alert? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM alerts WHERE code = ? AND state = ? ORDER BY id DESC LIMIT 1"),
                             arguments: [code, AlertState.paging.rawValue]).map(Self.alert)
        }
    }

    public func cancelAlerts(caseID: Int64, by person: String, at date: Date) async throws -> Int {
        try await pool.write { db in
            let ids = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM alerts WHERE case_id = ? AND state = ?"), arguments: [caseID, AlertState.paging.rawValue])
            for id in ids {
                try db.execute(sql: "UPDATE alerts SET state = ?, next_due_at = NULL WHERE id = ?", arguments: [AlertState.cancelled.rawValue, id])
                _ = try Self.appendEvent(db, caseID: caseID, type: .alertCancelled, at: date.timeIntervalSince1970, actor: person,
                                         data: ["alert_id": String(id)])
            }
            return ids.count
        }
    }

    public func recordOutcome(alertID: Int64, outcome: String, by person: String, at date: Date) async throws -> Alert {
        try await pool.write { db in
            guard let alert = try Self.fetchAlert(db, id: alertID) else { throw StoreError.notFound("alert \(alertID) does not exist") }
            try db.execute(sql: "UPDATE alerts SET outcome = ? WHERE id = ?", arguments: [outcome, alertID])
            _ = try Self.appendEvent(db, caseID: alert.caseID, type: .callOutcome, at: date.timeIntervalSince1970, actor: person,
                                     data: ["alert_id": String(alertID), "outcome": outcome])
            return try Self.fetchAlert(db, id: alertID)!
        }
    }

    public func alert(id: Int64) async throws -> Alert? {
        try await pool.read { db in try Self.fetchAlert(db, id: id) }
    }

    public func alerts(state: AlertState?, limit: Int) async throws -> [Alert] {
        try await pool.read { db in
            let filter = state == nil ? "" : "WHERE state = ?"
            var arguments = StatementArguments()
            if let state { arguments += [state.rawValue] }
            arguments += [max(1, min(limit, 1000))]
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM alerts \(filter) ORDER BY id DESC LIMIT ?"), arguments: arguments).map(Self.alert)
        }
    }

    public func recordAlertAttempts(_ attempts: [AlertAttempt]) async throws {
        guard !attempts.isEmpty else { return }
        try await pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO alert_attempts(alert_id, delivery_id, person, method, at, result, status, provider_id, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for attempt in attempts {
                try insert.execute(arguments: [attempt.alertID, attempt.deliveryID, attempt.person, attempt.method, attempt.at.timeIntervalSince1970,
                                               attempt.result, attempt.status, attempt.providerID, attempt.detail.map { String($0.prefix(1000)) }])
            }
        }
    }

    public func alertAttempts(alertID: Int64) async throws -> [AlertAttempt] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM alert_attempts WHERE alert_id = ? ORDER BY id"), arguments: [alertID]).map { row in
                AlertAttempt(alertID: row["alert_id"], deliveryID: row["delivery_id"], person: row["person"], method: row["method"],
                             at: Date(timeIntervalSince1970: row["at"]), result: row["result"], status: row["status"],
                             providerID: row["provider_id"], detail: row["detail"])
            }
        }
    }

    public func escalateIfStepFailed(alertID: Int64, stepKeyPrefix: String, at date: Date) async throws -> Bool {
        try await pool.write { db in
            let states = try String.fetchAll(db.cachedStatement(sql: "SELECT state FROM deliveries WHERE key >= ? AND key < ?"),
                                             arguments: [stepKeyPrefix, stepKeyPrefix + "\u{10FFFF}"])
            guard !states.isEmpty, states.allSatisfy({ $0 == DeliveryState.dead.rawValue }) else { return false }
            try db.execute(sql: "UPDATE alerts SET next_due_at = ? WHERE id = ? AND state = ? AND next_due_at > ?",
                           arguments: [date.timeIntervalSince1970, alertID, AlertState.paging.rawValue, date.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    public func messageCount(contactID: Int64, from: Date, through: Date) async throws -> Int {
        try await pool.read { db in try Self.messageCount(db, contactID: contactID, from: from, through: through) }
    }

    static func messageCount(_ db: Database, contactID: Int64, from: Date, through: Date) throws -> Int {
        try db.cachedStatement(sql: "SELECT COUNT(*) FROM messages WHERE contact_id = ? AND received_at BETWEEN ? AND ?")
            .first(contactID, from.timeIntervalSince1970, through.timeIntervalSince1970) { Int($0.int64(0)) } ?? 0
    }

    public func messageTimes(before seq: Int64, since: Date) async throws -> [Date] {
        try await pool.read { db in try Self.messageTimes(db, before: seq, since: since) }
    }

    static func messageTimes(_ db: Database, before seq: Int64, since: Date) throws -> [Date] {
        // Backwards by sequence, a page at a time, until a whole page is older than `since` (event
        // times follow the sequence closely; no index on time is kept for this one-off read).
        let page = try db.cachedStatement(sql: "SELECT seq, at, data FROM events WHERE seq < ? AND type = ? ORDER BY seq DESC LIMIT 1000")
        let cutoff = since.timeIntervalSince1970
        var times: [Double] = []
        var before = seq
        while true {
            let rows = try Row.fetchAll(page, arguments: [before, CaseEventType.messageReceived.rawValue])
            guard let last = rows.last else { break }
            let ats = rows.map { $0[1] as Double }
            for (row, at) in zip(rows, ats) where at >= cutoff {
                // As the engine counts: auto-replies and status reports are not volume.
                if !MessageFlag.markAutomated(StringMapCoding.decode(row[2])["flags"]) { times.append(at) }
            }
            if ats.allSatisfy({ $0 < cutoff }) { break }
            before = last[0]
        }
        return times.sorted().map { Date(timeIntervalSince1970: $0) }
    }

    /// Inserts deliveries unless their (destination, key) exists; returns how many were new.
    @discardableResult
    static func insertDeliveries(_ db: Database, _ items: [NewDelivery], at: Double) throws -> Int {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO deliveries(destination, key, case_id, payload, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT(destination, key) DO NOTHING
            """)
        var added = 0
        for item in items {
            try insert.execute(arguments: [item.destination, item.key, item.caseID, item.payload, DeliveryState.pending.rawValue, at, at, at])
            added += db.changesCount
        }
        return added
    }

    static func fetchAlert(_ db: Database, id: Int64) throws -> Alert? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM alerts WHERE id = ?"), arguments: [id]).map(alert)
    }

    static func alert(_ row: Row) -> Alert {
        let reasons: String = row["reasons"]
        return Alert(
            id: row["id"], caseID: row["case_id"], team: row["team"], state: AlertState(rawValue: row["state"]) ?? .paging,
            position: row["position"], enteredAt: Date(timeIntervalSince1970: row["entered_at"]),
            nextDueAt: (row["next_due_at"] as Double?).map(Date.init(timeIntervalSince1970:)), code: row["code"],
            reasons: reasons.isEmpty ? [] : reasons.components(separatedBy: "\n"), acknowledgedBy: row["acknowledged_by"],
            acknowledgedVia: row["acknowledged_via"], acknowledgedAt: (row["acknowledged_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            outcome: row["outcome"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
