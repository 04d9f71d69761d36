import Foundation
import IntakeCore

/// Runs quarantined input through its adapter again (after a fix in config or code), for the API and the CLI.
public struct QuarantineRetrier: Sendable {
    /// What one retry did.
    public enum Result: Sendable, Equatable {
        case released(messageID: Int64, caseID: Int64?)
        case stillFailing(reason: String)
        case alreadyReleased(messageID: Int64?)
    }

    let store: any CaseStore
    let stream: CaseStream
    let adapters: [String: any ChannelAdapter]

    public init(store: any CaseStore, stream: CaseStream, adapters: [any ChannelAdapter]) {
        self.store = store
        self.stream = stream
        self.adapters = Dictionary(adapters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func retry(id: Int64) async throws -> Result {
        guard let entry = try await store.quarantineEntry(id: id) else {
            throw StoreError.notFound("quarantine entry \(id) does not exist")
        }
        if entry.status == .released { return .alreadyReleased(messageID: entry.messageID) }
        guard let adapter = adapters[entry.adapter] else {
            let reason = "adapter \"\(entry.adapter)\" is not configured"
            try await store.recordRetry(quarantineID: id, reason: reason, messageID: nil)
            return .stillFailing(reason: reason)
        }
        do {
            let messages = try adapter.messages(from: entry.raw, receivedAt: entry.receivedAt)
            guard let message = messages.first else {
                try await store.recordRetry(quarantineID: id, reason: "the input holds no message", messageID: nil)
                return .stillFailing(reason: "the input holds no message")
            }
            let outcome = try await stream.submit(.message(message))
            guard case .stored(let receipt) = outcome else { return .stillFailing(reason: "not stored") }
            try await store.recordRetry(quarantineID: id, reason: nil, messageID: receipt.messageID)
            return .released(messageID: receipt.messageID, caseID: receipt.caseID)
        } catch let error as NormalizationError {
            try await store.recordRetry(quarantineID: id, reason: error.reason, messageID: nil)
            return .stillFailing(reason: error.reason)
        }
    }

    /// Retries every pending entry; returns each id with its result. An entry whose payload failed its
    /// check (`StoreError.corrupt`) stays as it is, reported still failing, and the others are retried.
    public func retryAll() async throws -> [(id: Int64, result: Result)] {
        var results: [(Int64, Result)] = []
        for entry in try await store.quarantine(status: .pending, limit: 1000) {
            do {
                results.append((entry.id, try await retry(id: entry.id)))
            } catch let error as StoreError where error.isCorrupt {
                results.append((entry.id, .stillFailing(reason: error.message)))
            }
        }
        return results
    }
}
