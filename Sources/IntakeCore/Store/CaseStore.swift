import Foundation

/// Durable storage of the case stream: `SQLiteCaseStore` (embedded) and `PostgresCaseStore` (shared by instances).
///
/// Every write is one transaction: when a call returns, what it wrote has committed.
public protocol CaseStore: Sendable {
    /// Stores a group of requests in one transaction and returns one outcome per request, in order.
    /// A request whose message was stored before (same adapter and external id) is reported `duplicate`.
    func ingest(_ requests: [IngestRequest]) async throws -> [IngestOutcome]

    func cases(_ query: CaseQuery) async throws -> [CaseRecord]
    func caseDetail(id: Int64) async throws -> CaseDetail?
    /// Applies a person's change; throws `StoreError.notFound` or `.conflict` (a closed case cannot be reopened).
    func updateCase(id: Int64, patch: CasePatch, actor: String, at: Date) async throws -> CaseRecord
    /// Appends an event to a case's log (alerts, forwarding) and returns it with its sequence number.
    func appendEvent(caseID: Int64, type: CaseEventType, actor: String, at: Date, data: [String: String])
        async throws -> CaseEvent

    /// Events with a sequence number above `after`, oldest first.
    func events(after: Int64, limit: Int) async throws -> [CaseEvent]
    /// The events `filter` keeps among sequence numbers `after + 1 ... after + limit` (no further than the
    /// log's end), oldest first, with how far that read.
    func events(after: Int64, limit: Int, filter: EventFilter) async throws -> EventPage
    func latestSequence() async throws -> Int64

    func contact(id: Int64) async throws -> Contact?
    func setAlternates(contactID: Int64, _ alternates: [AlternateContact]) async throws -> Contact
    func addIdentity(contactID: Int64, _ identity: Identity) async throws -> Contact
    func setAbusive(contactID: Int64, _ abusive: Bool) async throws -> Contact

    /// Quarantine entries in order, their payloads without bytes (a listing of large mails stays small).
    func quarantine(status: QuarantineStatus?, limit: Int) async throws -> [QuarantineEntry]
    /// One entry with its payload's bytes, checked against their digest.
    func quarantineEntry(id: Int64) async throws -> QuarantineEntry?
    /// Records a failed retry (its new reason), or a successful one (the message it became).
    func recordRetry(quarantineID: Int64, reason: String?, messageID: Int64?) async throws
    func quarantineCount() async throws -> Int

    /// A polling adapter's committed position, or nil before its first item.
    func cursor(key: String) async throws -> String?
    /// Sets a cursor on its own (an adapter's bookkeeping); committed cursors move with their items in `ingest`.
    func setCursor(key: String, value: String) async throws
    /// A consumer's committed position in the event log (escalation, forwarders).
    func consumerPosition(_ consumer: String) async throws -> Int64
    /// The consumer's stored position, or nil when it never stored one (a consumer new to this log).
    func storedConsumerPosition(_ consumer: String) async throws -> Int64?
    func setConsumerPosition(_ consumer: String, _ seq: Int64) async throws

    /// The raw payload a stored message was normalized from, its bytes checked against their SHA-256
    /// (`StoreError.corrupt` when they no longer match); nil when there is no such message.
    func rawPayload(messageID: Int64) async throws -> RawPayload?
}

/// Why a store call failed: a public struct over a private enum, so cases can grow.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Equatable { case notFound, conflict, unavailable, unreachable, corrupt }
    private let code: Code
    public let message: String

    public static func notFound(_ message: String) -> StoreError { StoreError(code: .notFound, message: message) }
    public static func conflict(_ message: String) -> StoreError { StoreError(code: .conflict, message: message) }
    public static func unavailable(_ message: String) -> StoreError { StoreError(code: .unavailable, message: message) }
    /// The store's server cannot be reached at all: every call fails alike until it is back.
    public static func unreachable(_ message: String) -> StoreError { StoreError(code: .unreachable, message: message) }

    /// Stored data failed its own check (a raw payload whose bytes no longer match their digest).
    public static func corrupt(_ message: String) -> StoreError { StoreError(code: .corrupt, message: message) }

    public var isNotFound: Bool { code == .notFound }
    public var isCorrupt: Bool { code == .corrupt }
    public var isConflict: Bool { code == .conflict }
    public var isUnavailable: Bool { code == .unavailable || code == .unreachable }
    public var isUnreachable: Bool { code == .unreachable }
    public var description: String { message }
}
