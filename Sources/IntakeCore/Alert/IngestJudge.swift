import Foundation

/// Decides a new message's urgency inside the transaction that stores it, so that a call-now alert and its
/// first pages commit with the message itself: the notifiers can send the moment the intake commits,
/// without a second commit in between, and a crash can never leave a stored message unjudged.
///
/// The store calls it for every message it stores on a case, after the message and its `message_received`
/// event are written. A throw never fails the intake: the message is left to the event log's consumer, its
/// event not marked judged. (A judge's one write, `recordUrgency`, undoes itself when it fails.)
public protocol IngestJudge: Sendable {
    /// Whether `message` is judged as it is stored. One that is not (a staff member's `ACK` reply, which
    /// writes elsewhere) is left to the event log's consumer; its event says which it was.
    func judgesOnIngest(_ message: InboundMessage) -> Bool
    /// Judges `message` (stored, its event `event`) with the transaction's reads and writes.
    func judge(_ message: StoredMessage, event: CaseEvent, in transaction: any JudgingTransaction) throws
}

/// How a `message_received` event says its message was judged as it was stored: `"judged": "on-ingest"`.
public enum JudgedOnIngest {
    public static let key = "judged"
    public static let value = "on-ingest"

    /// Whether the message of `event` was judged as it was stored.
    public static func marks(_ event: CaseEvent) -> Bool { event.data[key] == value }
}

/// What urgency judging reads and writes, synchronously, inside one store transaction: the one storing a
/// message, or one the escalation consumer opens for messages left to it.
public protocol JudgingTransaction {
    func contact(id: Int64) throws -> Contact?
    func message(id: Int64) throws -> StoredMessage?
    /// The case's record (state, reference), read when a page is written.
    func caseRecord(id: Int64) throws -> CaseRecord?
    /// The case's `urgency_changed` events, oldest first.
    func urgencyEvents(caseID: Int64) throws -> [CaseEvent]
    /// As `AlertStore.messageCount`.
    func messageCount(contactID: Int64, from: Date, through: Date) throws -> Int
    /// As `AlertStore.messageTimes`.
    func messageTimes(before seq: Int64, since: Date) throws -> [Date]
    /// As `AlertStore.recordUrgency`, inside this transaction; when it throws, it wrote nothing.
    func recordUrgency(_ decisions: [UrgencyDecision], actor: String, at: Date) throws -> [Alert?]
    func setConsumerPosition(_ position: ConsumerPosition) throws
    /// Runs `action` once this transaction has committed; never if it rolls back.
    func afterCommit(_ action: @escaping @Sendable () -> Void)
}

/// A store that can judge messages as it stores them, and open judging transactions of its own.
public protocol JudgingStore: Sendable {
    /// Judges every message stored from now on with `judge` (nil: none); the last one set wins.
    func judgeOnIngest(_ judge: (any IngestJudge)?)
    /// Runs `body` in one write transaction.
    func judging<T: Sendable>(_ body: @escaping @Sendable (any JudgingTransaction) throws -> T) async throws -> T
}
