import Foundation
import IntakeCore
import Logging
import ServiceLifecycle

/// The adapter conformance kit: checks every channel adapter must pass, run from the adapter's own tests.
///
/// Each check throws `ConformanceFailure` with what went wrong, so it works under swift-testing and XCTest:
/// `try await AdapterConformance.webhook(adapter, store: store, valid: request, malformed: bad, forged: forged, secrets: [secret])`.
/// Every log line written while a check runs (`ConformanceLog`: the core's and the adapter's) is checked for
/// the secrets too.
public enum AdapterConformance {
    /// Webhook adapters: a duplicate is stored once, the answer comes only after commit, malformed input is
    /// refused with a 4xx and its reason (the sender keeps it) or quarantined (never lost, never a case),
    /// forged input is refused, and no secret is in any answer, error or log line.
    public static func webhook(
        _ adapter: any WebhookAdapter, store: any CaseStore, valid: WebhookRequest, malformed: WebhookRequest? = nil,
        forged: WebhookRequest? = nil, secrets: [String] = []
    ) async throws {
        let logger = ConformanceLog.kitLogger()
        let mark = ConformanceLog.mark()
        let stream = CaseStream(store: store, logger: logger)
        let pipeline = WebhookPipeline(adapter: adapter, stream: stream, logger: logger)
        try await withStream(stream) {
            let first = try await pipeline.handle(valid)
            guard case .answered(let answer, let outcomes) = first, case .stored(let receipt)? = outcomes.first, !receipt.duplicate else {
                throw ConformanceFailure("a valid request was not stored: \(first)")
            }
            try expect((200..<300).contains(answer.status), "a stored request must be answered 2xx, got \(answer.status)")
            // The answer came after commit: the message is readable now.
            if let caseID = receipt.caseID {
                let detail = try await store.caseDetail(id: caseID)
                let stored = detail?.messages.first { $0.id == receipt.messageID }
                try expect(stored != nil, "the answer came before the message was readable")
                try expectNamed(stored?.message, by: adapter)
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
        try noSecretLogged(since: mark, secrets)
    }

    /// Polling adapters: a failed store leaves the cursor where it was (and the source is told), a successful
    /// poll moves it, polling again stores nothing twice, items fetched again from an earlier cursor are
    /// stored once, input that cannot be normalized is quarantined (no case, and the cursor moves past it),
    /// the service stops promptly on graceful shutdown, and no secret is in any error or log line.
    /// `deliver` puts `count` new items at the source (mail in a mailbox, entries in a feed);
    /// `deliverMalformed`, when given, puts one item there the adapter cannot normalize. `pollGap` is the
    /// time between two polls on the kit's clock: longer than any interval the adapter keeps per source.
    public static func polling(
        _ adapter: any PollingAdapter, store: FailingCaseStore, cursorKey: String, secrets: [String] = [], pollGap: Duration = .seconds(3600),
        deliver: (Int) async throws -> Void, deliverMalformed: (() async throws -> Void)? = nil
    ) async throws {
        let logger = ConformanceLog.kitLogger()
        let mark = ConformanceLog.mark()
        let stream = CaseStream(store: store, logger: logger)
        let health = AdapterHealth()
        let clock = TestClock()
        let service = PollingAdapterService(adapter: adapter, stream: stream, store: store, health: health, clock: clock, logger: logger)
        // Each poll comes `pollGap` after the last on the kit's clock, so a source an adapter fetches on a
        // schedule of its own (a feed's interval) is due again.
        func poll() async throws -> Int {
            clock.advance(by: pollGap)
            return try await service.pollOnce()
        }
        try await withStream(stream) {
            try await deliver(1)
            try expect(try await poll() >= 1, "a first poll must store what was delivered")
            guard let firstCase = try await store.cases(CaseQuery(limit: 1)).first else {
                throw ConformanceFailure("a first poll opened no case")
            }
            try expectNamed(try await store.caseDetail(id: firstCase.id)?.messages.first?.message, by: adapter)
            let first = try await store.cursor(key: cursorKey)
            try expect(first != nil, "the cursor must be stored with the first items")
            try await deliver(2)
            store.setFailing(true)
            do {
                _ = try await poll()
                throw ConformanceFailure("a poll whose store failed must throw")
            } catch let error as StoreError {
                try noSecret(in: String(describing: error), secrets)
            }
            store.setFailing(false)
            try expect(try await store.cursor(key: cursorKey) == first, "the cursor moved although nothing was stored")
            let stored = try await poll()
            try expect(stored >= 2, "a poll after recovery must store what was delivered (stored \(stored))")
            let after = try await store.cursor(key: cursorKey)
            try expect(after != nil && after != first, "the cursor must move once items are stored")
            try expect(try await poll() == 0, "a second poll must find nothing new")

            // The source hands out again what came after an earlier cursor (a position lost, a restored backup).
            let messages = try await storedMessageCount(store)
            try await store.setCursor(key: cursorKey, value: first!)
            _ = try await poll()
            try expect(try await storedMessageCount(store) == messages, "items fetched again must be stored once")

            if let deliverMalformed {
                let cases = try await store.cases(CaseQuery(limit: 500)).count
                let quarantined = try await store.quarantineCount()
                let cursor = try await store.cursor(key: cursorKey)
                try await deliverMalformed()
                _ = try await poll()
                try expect(try await store.quarantineCount() == quarantined + 1, "input that cannot be normalized must be quarantined")
                try expect(try await store.cases(CaseQuery(limit: 500)).count == cases, "quarantined input must not open a case")
                try expect(try await store.cursor(key: cursorKey) != cursor, "the cursor must move past quarantined input")
                _ = try await poll()
                try expect(try await store.quarantineCount() == quarantined + 1, "quarantined input must not be fetched again")
            }
        }
        // Graceful shutdown ends the loop, even while it waits for the next poll.
        let group = ServiceGroup(services: [service], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        for entry in health.snapshot() {
            if case .failing(let error) = entry.status { try noSecret(in: error, secrets) }
        }
        try noSecretLogged(since: mark, secrets)
    }

    /// A stored message carries the adapter's configured name and its registered kind.
    private static func expectNamed(_ message: InboundMessage?, by adapter: any ChannelAdapter) throws {
        guard let message else { throw ConformanceFailure("no stored message to check") }
        try expect(message.adapter == adapter.name, "a message must carry its adapter's name \"\(adapter.name)\", not \"\(message.adapter)\"")
        try expect(message.adapterKind == adapter.kind, "a message must carry its adapter's kind \"\(adapter.kind)\", not \(message.adapterKind ?? "none")")
    }

    /// Messages stored so far, counted by their `message.received` events.
    private static func storedMessageCount(_ store: any CaseStore) async throws -> Int {
        var count = 0
        var after: Int64 = 0
        while true {
            let page = try await store.events(after: after, limit: 1000)
            count += page.filter { $0.type == .messageReceived }.count
            guard let last = page.last else { return count }
            after = last.seq
        }
    }

    /// Fails when any secret is in a line logged since `mark`.
    private static func noSecretLogged(since mark: Int, _ secrets: [String]) throws {
        guard let lines = ConformanceLog.lines(since: mark) else {
            throw ConformanceFailure("more lines were logged during the check than ConformanceLog keeps; some went unread")
        }
        for line in lines { try noSecret(in: line, secrets) }
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
}

/// A conformance check that did not hold.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
