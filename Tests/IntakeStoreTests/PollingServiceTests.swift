import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A polling adapter over an in-memory list of messages, for exercising the core's polling loop.
final class ListAdapter: PollingAdapter, Sendable {
    let name: String
    let kind = "test.list"
    let channel = ChannelKind.api
    let pollInterval = Duration.seconds(30)
    private let pending = Mutex<[String]>([])
    private let failure = Mutex<String?>(nil)
    let acknowledged = Mutex<[String]>([])

    init(name: String) { self.name = name }

    func deliver(_ bodies: [String]) { pending.withLock { $0 += bodies } }
    func fail(with message: String?) { failure.withLock { $0 = message } }

    func poll(_ context: PollContext) async throws -> [PolledItem] {
        if let message = failure.withLock({ $0 }) { throw StoreError.unavailable(message) }
        let last = Int(try await context.cursor(key: name) ?? "0") ?? 0
        let all = pending.withLock { $0 }
        return all.enumerated().dropFirst(last).map { index, body in
            PolledItem(raw: RawPayload(contentType: "text/plain", bytes: Data(body.utf8)), receivedAt: Date(), sourceID: String(index),
                       cursor: AdapterCursor(key: name, value: String(index + 1)))
        }
    }

    func didCommit(_ items: [PolledItem], outcomes: [IngestOutcome]) async throws {
        acknowledged.withLock { $0 += items.map(\.sourceID) }
    }

    func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        let text = String(decoding: raw.bytes, as: UTF8.self)
        if text == "garbage" { throw NormalizationError.unparseable("cannot read \(text)") }
        return [InboundMessage(adapter: name, channel: .api, externalID: text, receivedAt: receivedAt,
                               sender: Sender(identities: [Identity(kind: .email, value: "\(text)@example.com")]), body: text, raw: raw)]
    }
}

@Suite struct PollingServiceTests {
    @Test func cursorMovesWithCommitsAndUnreadableItemsAreQuarantined() async throws {
        let store = FailingCaseStore(wrapping: try makeStore())
        let adapter = ListAdapter(name: "list")
        try await AdapterConformance.polling(adapter, store: store, cursorKey: "list") { count in
            adapter.deliver((0..<count).map { "m\($0)-\(UUID().uuidString.prefix(6))" })
        } deliverMalformed: {
            adapter.deliver(["garbage"])
        }
        // The kit delivered 1 + 2 items and one it quarantined: the cursor is at 4.
        adapter.deliver(["garbage", "fine"])
        let stream = CaseStream(store: store, logger: Logger(label: "t"))
        let service = PollingAdapterService(adapter: adapter, stream: stream, store: store, health: AdapterHealth(), clock: TestClock(), logger: Logger(label: "t"))
        let stored: Int = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stream.run() }
            let stored = try await service.pollOnce()
            stream.stopAccepting()
            try await group.waitForAll()
            return stored
        }
        #expect(stored == 2)
        #expect(try await store.quarantineCount() == 2)
        #expect(try await store.cursor(key: "list") == "6")
        #expect(adapter.acknowledged.withLock { $0 }.suffix(2) == ["4", "5"])
    }

    @Test func oneFailingAdapterBacksOffAndIsReportedWhileAnotherKeepsIngesting() async throws {
        let store = FailingCaseStore(wrapping: try makeStore())
        let broken = ListAdapter(name: "broken")
        let healthy = ListAdapter(name: "healthy")
        broken.fail(with: "connection refused by imap.example.com")
        healthy.deliver(["a", "b"])
        let clock = TestClock()
        let health = AdapterHealth()
        let logger = Logger(label: "t")
        let stream = CaseStream(store: store, logger: logger)
        let services: [any Service] = [stream] + [broken, healthy].map {
            PollingAdapterService(adapter: $0, stream: stream, store: store, health: health, clock: clock, logger: logger)
        }
        let group = ServiceGroup(services: services, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Both loops end up sleeping on the clock: the healthy one after storing, the broken one backing off.
            while clock.sleeperCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(try await store.cases(CaseQuery()).count == 2)
            let states = Dictionary(uniqueKeysWithValues: health.snapshot().map { ($0.adapter, $0.status) })
            #expect(states["healthy"] == .healthy)
            #expect(states["broken"] == .failing("connection refused by imap.example.com"))
            // Recovery: the broken adapter's next poll after its backoff succeeds.
            broken.fail(with: nil)
            broken.deliver(["c"])
            clock.advance(by: .seconds(301))
            while try await store.cases(CaseQuery()).count < 3 { try await Task.sleep(for: .milliseconds(5)) }
            while health.snapshot().first(where: { $0.adapter == "broken" })?.status != .healthy { try await Task.sleep(for: .milliseconds(5)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

@Suite struct CaseStreamTests {
    @Test func aGroupCommitsInOrderSoCursorsNeverGoBack() async throws {
        let store = try makeStore()
        let stream = CaseStream(store: store, maxBatch: 7, logger: Logger(label: "t"))
        let outcomes: [IngestOutcome] = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stream.run() }
            // Other submitters interleave with the group.
            for index in 0..<20 { group.addTask { _ = try await stream.submit(.message(message("other-\(index)", email: "o\(index)@example.com"))) } }
            let requests = (1...100).map { IngestRequest.message(message("m\($0)", email: "p\($0 % 9)@example.com"), cursor: AdapterCursor(key: "src", value: String($0))) }
            let outcomes = try await stream.submit(requests)
            stream.stopAccepting()
            try await group.waitForAll()
            return outcomes
        }
        #expect(outcomes.count == 100 && outcomes.allSatisfy { $0.receipt != nil })
        #expect(try await store.cursor(key: "src") == "100")
        let ids = outcomes.compactMap { $0.receipt?.messageID }
        #expect(ids == ids.sorted())
    }

    @Test func aRequestThatFailsAloneStopsItsCursorThereWhileOtherSourcesCommit() async throws {
        let store = FailingCaseStore(wrapping: try makeStore())
        store.failRequests { request in
            if case .message(let message) = request.item { return message.externalID == "m3" }
            return false
        }
        let stream = CaseStream(store: store, maxBatch: 50, logger: Logger(label: "t"))
        let (group, other) = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await stream.run() }
            async let other = stream.submit(.message(message("other", email: "o@example.com"), cursor: AdapterCursor(key: "elsewhere", value: "1")))
            async let group: Result<[IngestOutcome], any Error> = {
                do {
                    return .success(try await stream.submit((1...6).map {
                        IngestRequest.message(message("m\($0)", email: "p\($0)@example.com"), cursor: AdapterCursor(key: "src", value: String($0)))
                    }))
                } catch { return .failure(error) }
            }()
            let results = (await group, try await other)
            stream.stopAccepting()
            try await tasks.waitForAll()
            return results
        }
        #expect(throws: StoreError.self) { try group.get() }
        #expect(other.receipt != nil, "a request from another source is not held back")
        // m1 and m2 are in; m3 failed; m4...m6 must not move the cursor past it.
        #expect(try await store.cursor(key: "src") == "2")
        let stored = try await store.events(after: 0, limit: 100).filter { $0.type == .messageReceived }.count
        #expect(stored == 3, "m1, m2 and the other source's message")
    }

    @Test func whenTheStoreCannotBeReachedAGroupFailsAtOnceNotOneRequestAtATime() async throws {
        let store = FailingCaseStore(wrapping: try makeStore())
        store.setUnreachable(true)
        let stream = CaseStream(store: store, maxBatch: 50, logger: Logger(label: "t"))
        let result: Result<[IngestOutcome], any Error> = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await stream.run() }
            let result: Result<[IngestOutcome], any Error>
            do { result = .success(try await stream.submit((1...6).map { IngestRequest.message(message("m\($0)")) })) } catch { result = .failure(error) }
            stream.stopAccepting()
            try await tasks.waitForAll()
            return result
        }
        #expect { try result.get() } throws: { ($0 as? StoreError)?.isUnreachable == true }
        #expect(store.ingestCalls == 1, "each request alone would wait for the store again")
        store.setUnreachable(false)
    }

    @Test func aSubmissionAfterShutdownIsRefused() async throws {
        let stream = CaseStream(store: try makeStore(), logger: Logger(label: "t"))
        stream.stopAccepting()
        await #expect(throws: IntakeUnavailable.self) { _ = try await stream.submit(.message(message("late"))) }
        await #expect(throws: IntakeUnavailable.self) { _ = try await stream.submit([.message(message("late"))]) }
    }
}
