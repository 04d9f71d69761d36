import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore: JudgingStore {
    public func judgeOnIngest(_ judge: (any IngestJudge)?) {
        ingestJudge.withLock { $0 = judge }
    }

    public func judging<T: Sendable>(_ body: @escaping @Sendable (any JudgingTransaction) throws -> T) async throws -> T {
        try await pool.write { db in try body(SQLiteJudgingTransaction(db: db)) }
    }
}

/// A judging transaction over the writer's open SQLite transaction; used only inside it.
struct SQLiteJudgingTransaction: JudgingTransaction {
    let db: Database

    func contact(id: Int64) throws -> Contact? { try SQLiteCaseStore.fetchContact(db, id: id) }

    func message(id: Int64) throws -> StoredMessage? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "\(SQLiteCaseStore.messageColumns) WHERE m.id = ?"), arguments: [id]) else { return nil }
        return try SQLiteCaseStore.storedMessage(row)
    }

    func caseRecord(id: Int64) throws -> CaseRecord? {
        try SQLiteCaseStore.fetchCaseRecord(db, id: id)
    }

    func urgencyEvents(caseID: Int64) throws -> [CaseEvent] {
        try db.cachedStatement(sql: "SELECT seq, at, actor, data FROM events WHERE case_id = ? AND type = ? ORDER BY seq")
            .all(caseID, CaseEventType.urgencyChanged.rawValue) { column in
                CaseEvent(seq: column.int64(0), caseID: caseID, type: .urgencyChanged, at: Date(timeIntervalSince1970: column.double(1)),
                          actor: column.text(2), data: StringMapCoding.decode(column.text(3)))
            }
    }

    func messageCount(contactID: Int64, from: Date, through: Date) throws -> Int {
        try SQLiteCaseStore.messageCount(db, contactID: contactID, from: from, through: through)
    }

    func messageTimes(before seq: Int64, since: Date) throws -> [Date] { try SQLiteCaseStore.messageTimes(db, before: seq, since: since) }

    /// In a savepoint of its own, so a failure halfway leaves nothing behind in the enclosing transaction.
    func recordUrgency(_ decisions: [UrgencyDecision], actor: String, at: Date) throws -> [Alert?] {
        var alerts: [Alert?] = []
        try db.inSavepoint {
            alerts = try SQLiteCaseStore.recordUrgency(db, decisions, actor: actor, at: at)
            return .commit
        }
        return alerts
    }

    func setConsumerPosition(_ position: ConsumerPosition) throws {
        try SQLiteCaseStore.upsertConsumerPosition(db, position.consumer, position.seq)
    }

    func afterCommit(_ action: @escaping @Sendable () -> Void) {
        db.afterNextTransaction(onCommit: { _ in action() })
    }
}
