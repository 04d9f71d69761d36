import Foundation
import IntakeCore
import Synchronization

/// A store wrapper for tests that can be told to fail, so adapters' failure paths can be exercised.
public final class FailingCaseStore: CaseStore, Sendable {
    private let base: any CaseStore
    private let failing = Mutex(false)
    private let poison = Mutex<(@Sendable (IngestRequest) -> Bool)?>(nil)
    private let unreachable = Mutex(false)
    private let calls = Mutex(0)
    private let corrupt = Mutex<Set<Int64>>([])

    public init(wrapping base: any CaseStore) { self.base = base }

    /// While set, every ingest throws.
    public func setFailing(_ value: Bool) { failing.withLock { $0 = value } }

    /// While set, an ingest that contains a request matching `predicate` throws (one bad message in a group).
    public func failRequests(where predicate: (@Sendable (IngestRequest) -> Bool)?) { poison.withLock { $0 = predicate } }

    /// While set, every ingest throws `StoreError.unreachable` (the store's server is down).
    public func setUnreachable(_ value: Bool) { unreachable.withLock { $0 = value } }

    /// Reading these quarantine entries throws `StoreError.corrupt`, as when a payload's bytes no longer
    /// match their digest.
    public func corruptQuarantineEntries(_ ids: Set<Int64>) { corrupt.withLock { $0 = ids } }

    /// How many times `ingest` was called.
    public var ingestCalls: Int { calls.withLock { $0 } }

    public func ingest(_ requests: [IngestRequest]) async throws -> [IngestOutcome] {
        calls.withLock { $0 += 1 }
        if unreachable.withLock({ $0 }) { throw StoreError.unreachable("injected: the store's server cannot be reached") }
        if failing.withLock({ $0 }) { throw StoreError.unavailable("injected store failure") }
        if let predicate = poison.withLock({ $0 }), requests.contains(where: predicate) {
            throw StoreError.unavailable("injected failure of one request")
        }
        return try await base.ingest(requests)
    }

    public func cases(_ query: CaseQuery) async throws -> [CaseRecord] { try await base.cases(query) }
    public func caseDetail(id: Int64) async throws -> CaseDetail? { try await base.caseDetail(id: id) }
    public func updateCase(id: Int64, patch: CasePatch, actor: String, at: Date) async throws -> CaseRecord {
        try await base.updateCase(id: id, patch: patch, actor: actor, at: at)
    }
    public func appendEvent(caseID: Int64, type: CaseEventType, actor: String, at: Date, data: [String: String]) async throws -> CaseEvent {
        try await base.appendEvent(caseID: caseID, type: type, actor: actor, at: at, data: data)
    }
    public func events(after: Int64, limit: Int) async throws -> [CaseEvent] { try await base.events(after: after, limit: limit) }
    public func events(after: Int64, limit: Int, filter: EventFilter) async throws -> EventPage {
        try await base.events(after: after, limit: limit, filter: filter)
    }
    public func latestSequence() async throws -> Int64 { try await base.latestSequence() }
    public func contact(id: Int64) async throws -> Contact? { try await base.contact(id: id) }
    public func setAlternates(contactID: Int64, _ alternates: [AlternateContact]) async throws -> Contact {
        try await base.setAlternates(contactID: contactID, alternates)
    }
    public func addIdentity(contactID: Int64, _ identity: Identity) async throws -> Contact { try await base.addIdentity(contactID: contactID, identity) }
    public func setAbusive(contactID: Int64, _ abusive: Bool) async throws -> Contact { try await base.setAbusive(contactID: contactID, abusive) }
    public func quarantine(status: QuarantineStatus?, limit: Int) async throws -> [QuarantineEntry] { try await base.quarantine(status: status, limit: limit) }
    public func quarantineEntry(id: Int64) async throws -> QuarantineEntry? {
        if corrupt.withLock({ $0.contains(id) }) { throw StoreError.corrupt("injected: quarantine entry \(id)'s payload no longer matches its SHA-256") }
        return try await base.quarantineEntry(id: id)
    }
    public func recordRetry(quarantineID: Int64, reason: String?, messageID: Int64?) async throws {
        try await base.recordRetry(quarantineID: quarantineID, reason: reason, messageID: messageID)
    }
    public func quarantineCount() async throws -> Int { try await base.quarantineCount() }
    public func cursor(key: String) async throws -> String? { try await base.cursor(key: key) }
    public func setCursor(key: String, value: String) async throws { try await base.setCursor(key: key, value: value) }
    public func consumerPosition(_ consumer: String) async throws -> Int64 { try await base.consumerPosition(consumer) }
    public func storedConsumerPosition(_ consumer: String) async throws -> Int64? { try await base.storedConsumerPosition(consumer) }
    public func setConsumerPosition(_ consumer: String, _ seq: Int64) async throws { try await base.setConsumerPosition(consumer, seq) }
    public func rawPayload(messageID: Int64) async throws -> RawPayload? { try await base.rawPayload(messageID: messageID) }
}
