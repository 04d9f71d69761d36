import Foundation
import IntakeCore
import Logging
import ServiceLifecycle

/// The adapter conformance kit: checks every channel adapter must pass, run from the adapter's own tests.
///
/// Each check throws `ConformanceFailure` with what went wrong, so it works under swift-testing and XCTest:
/// `try await AdapterConformance.webhook(adapter, store: store, valid: request, malformed: bad, forged: forged, secrets: [secret])`.
public enum AdapterConformance {
    /// Webhook adapters: a duplicate is stored once, the answer comes only after commit, malformed input is
    /// refused or quarantined (never lost, never a case), forged input is refused, and no secret leaks.
    public static func webhook(
        _ adapter: any WebhookAdapter, store: any CaseStore, valid: WebhookRequest, malformed: WebhookRequest? = nil,
        forged: WebhookRequest? = nil, secrets: [String] = []
    ) async throws {
        let stream = CaseStream(store: store, logger: quietLogger)
        let pipeline = WebhookPipeline(adapter: adapter, stream: stream, logger: quietLogger)
        try await withStream(stream) {
            let first = try await pipeline.handle(valid)
            guard case .answered(let answer, let outcomes) = first, case .stored(let receipt)? = outcomes.first, !receipt.duplicate else {
                throw ConformanceFailure("a valid request was not stored: \(first)")
            }
            try expect((200..<300).contains(answer.status), "a stored request must be answered 2xx, got \(answer.status)")
            // The answer came after commit: the message is readable now.
            if let caseID = receipt.caseID {
                let detail = try await store.caseDetail(id: caseID)
                try expect(detail?.messages.contains { $0.id == receipt.messageID } == true, "the answer came before the message was readable")
            }
            let second = try await pipeline.handle(valid)
            guard case .answered(_, let again) = second, case .stored(let repeatReceipt)? = again.first else {
                throw ConformanceFailure("a repeated request was not acknowledged: \(second)")
            }
            try expect(repeatReceipt.duplicate && repeatReceipt.messageID == receipt.messageID, "a repeated request must be stored once")
            if let malformed {
                let casesBefore = try await store.cases(CaseQuery(limit: 500)).count
                let quarantinedBefore = try await store.quarantineCount()
                let result = try await pipeline.handle(malformed)
                switch result {
                case .refused(let status, let reason, _):
                    try expect((400..<500).contains(status), "malformed input must be refused with 4xx, got \(status)")
                    try noSecret(in: reason, secrets)
                case .answered(_, let outcomes):
                    guard case .quarantined? = outcomes.first else { throw ConformanceFailure("malformed input was neither refused nor quarantined") }
                    try expect(try await store.quarantineCount() == quarantinedBefore + 1, "quarantined input must be listed")
                }
                try expect(try await store.cases(CaseQuery(limit: 500)).count == casesBefore, "malformed input must not open a case")
            }
            if let forged {
                let result = try await pipeline.handle(forged)
                guard case .refused(let status, let reason, _) = result, status == 401 || status == 403 else {
                    throw ConformanceFailure("a forged request must be refused with 401 or 403, got \(result)")
                }
                try noSecret(in: reason, secrets)
            }
        }
    }

    /// Polling adapters: a failed store leaves the cursor where it was (and the source is told), a successful
    /// poll moves it, polling again stores nothing twice, and the service stops promptly on graceful shutdown.
    /// `deliver` puts `count` new items at the source (mail in a mailbox, entries in a feed).
    public static func polling(
        _ adapter: any PollingAdapter, store: FailingCaseStore, cursorKey: String, secrets: [String] = [],
        deliver: (Int) async throws -> Void
    ) async throws {
        let stream = CaseStream(store: store, logger: quietLogger)
        let health = AdapterHealth()
        let clock = TestClock()
        let service = PollingAdapterService(adapter: adapter, stream: stream, store: store, health: health, clock: clock, logger: quietLogger)
        try await withStream(stream) {
            try await deliver(2)
            let before = try await store.cursor(key: cursorKey)
            store.setFailing(true)
            do {
                try await service.pollOnce()
                throw ConformanceFailure("a poll whose store failed must throw")
            } catch let error as StoreError {
                try noSecret(in: String(describing: error), secrets)
            }
            store.setFailing(false)
            try expect(try await store.cursor(key: cursorKey) == before, "the cursor moved although nothing was stored")
            let stored = try await service.pollOnce()
            try expect(stored >= 2, "a poll after recovery must store what was delivered (stored \(stored))")
            let after = try await store.cursor(key: cursorKey)
            try expect(after != nil && after != before, "the cursor must move once items are stored")
            try expect(try await service.pollOnce() == 0, "a second poll must find nothing new")
        }
        // Graceful shutdown ends the loop, even while it waits for the next poll.
        let group = ServiceGroup(services: [service], logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        for entry in health.snapshot() {
            if case .failing(let error) = entry.status { try noSecret(in: error, secrets) }
        }
    }

    private static func withStream(_ stream: CaseStream, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stream.run() }
            do {
                try await body()
            } catch {
                stream.stopAccepting()
                throw error
            }
            stream.stopAccepting()
            try await group.waitForAll()
        }
    }

    /// Fails when any secret appears in `text`.
    public static func noSecret(in text: String, _ secrets: [String]) throws {
        for secret in secrets where !secret.isEmpty && text.contains(secret) {
            throw ConformanceFailure("a secret appears in: \(text.replacingOccurrences(of: secret, with: "<secret>"))")
        }
    }

    private static func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw ConformanceFailure(message) }
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "conformance")
        logger.logLevel = .critical
        return logger
    }()
}

/// A conformance check that did not hold.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
