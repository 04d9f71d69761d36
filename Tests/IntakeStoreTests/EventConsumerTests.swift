import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Records what it was handed; fails the first `failFirst` calls.
final class RecordingHandler: EventHandler, Sendable {
    let consumerName: String
    private let failuresLeft: Mutex<Int>
    let seen = Mutex<[Int64]>([])
    let calls = Mutex(0)

    init(name: String, failFirst: Int = 0) {
        consumerName = name
        failuresLeft = Mutex(failFirst)
    }

    func handle(_ events: [CaseEvent]) async throws {
        calls.withLock { $0 += 1 }
        if failuresLeft.withLock({ left in
            defer { left = max(0, left - 1) }
            return left > 0
        }) { throw StoreError.unavailable("downstream is down") }
        seen.withLock { $0 += events.map(\.seq) }
    }
}

@Suite struct EventConsumerTests {
    @Test(arguments: StoreKind.allCases) func consumersFollowTheStreamFromTheirCursorAtLeastOnce(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let logger = Logger(label: "t")
        let stream = CaseStream(store: store, logger: logger)
        // Events committed before the consumer starts are handed over too.
        _ = try await store.ingest([.message(message("before"))])
        let steady = RecordingHandler(name: "forwarder")
        let flaky = RecordingHandler(name: "escalation", failFirst: 2)
        let clock = TestClock()
        let services: [any Service] = [stream] + [steady, flaky].map {
            EventConsumerService(handler: $0, store: store, commits: stream.commits, clock: clock, logger: logger, pageSize: 3)
        }
        let group = ServiceGroup(services: services, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<5 { _ = try await stream.submit(.message(message("m\(index)", email: "p\(index)@example.com"))) }
            let total = try await store.latestSequence()
            // Done means the cursor committed, not only the handler called (at least once: it may see a page again).
            while try await store.consumerPosition("forwarder") != total { try await Task.sleep(for: .milliseconds(5)) }
            // The flaky consumer backs off on the clock; advancing it lets it retry the same page until it passes.
            while try await store.consumerPosition("escalation") != total {
                clock.advance(by: .seconds(61))
                try await Task.sleep(for: .milliseconds(5))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let all = try await store.events(after: 0, limit: 1000).map(\.seq)
        #expect(steady.seen.withLock { $0 } == all)
        #expect(flaky.seen.withLock { $0 } == all)  // failed attempts recorded nothing; each event handled once after them
        #expect(flaky.calls.withLock { $0 } >= 3)  // two failed attempts at the same page, then successes
        #expect(try await store.consumerPosition("forwarder") == all.last)
        #expect(try await store.consumerPosition("escalation") == all.last)
        await closeStore(store)
    }
}

/// Handles every page without writing anything, so it leaves its position for the service to store later.
final class ReadOnlyHandler: EventHandler, Sendable {
    let consumerName = "read-only"
    let seen = Mutex<[Int64]>([])

    func handle(_ events: [CaseEvent]) async throws { seen.withLock { $0 += events.map(\.seq) } }

    func handle(_ events: [CaseEvent], through position: ConsumerPosition) async throws -> PositionOutcome {
        try await handle(events)
        return .storeLater
    }
}

@Suite struct LazyConsumerPositionTests {
    @Test(arguments: StoreKind.allCases) func aPositionWithNothingWrittenIsStoredAfterTheLazyIntervalNotWithEveryPage(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        for index in 0..<3 { _ = try await store.ingest([.message(message("m\(index)", email: "p\(index)@example.com"))]) }
        let total = try await store.latestSequence()
        let handler = ReadOnlyHandler()
        let clock = TestClock()
        let consumer = EventConsumerService(handler: handler, store: store, commits: CommitSignal(), clock: clock, logger: Logger(label: "t"),
                                            lazyStoreInterval: .seconds(1))
        while try await consumer.drainOnce() > 0 {}
        #expect(handler.seen.withLock { $0 } == (try await store.events(after: 0, limit: 1000).map(\.seq)))
        #expect(try await store.consumerPosition("read-only") == 0)  // read, not yet stored: no commit for it

        clock.advance(by: .milliseconds(990))
        try await consumer.drainOnce()
        #expect(try await store.consumerPosition("read-only") == 0)
        clock.advance(by: .milliseconds(20))
        try await consumer.drainOnce()
        #expect(try await store.consumerPosition("read-only") == total)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func aGracefulShutdownStoresThePositionReadSoFar(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let logger = Logger(label: "t")
        let stream = CaseStream(store: store, logger: logger)
        let handler = ReadOnlyHandler()
        let consumer = EventConsumerService(handler: handler, store: store, commits: stream.commits, clock: TestClock(), logger: logger,
                                            lazyStoreInterval: .seconds(3600))
        let group = ServiceGroup(services: [stream, consumer], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = try await stream.submit(.message(message("m1")))
            let total = try await store.latestSequence()
            let deadline = ContinuousClock.now + .seconds(10)
            while handler.seen.withLock({ $0.last }) != total {
                try #require(ContinuousClock.now < deadline, "the consumer never read the message")
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await store.consumerPosition("read-only") == 0)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await store.consumerPosition("read-only") == (try await store.latestSequence()))
        await closeStore(store)
    }
}

/// Wants only `message.received` events not marked `"judged": "on-ingest"`, and stores its position at once.
final class FilteredHandler: EventHandler, Sendable {
    let consumerName = "filtered"
    let seen = Mutex<[CaseEvent]>([])
    var eventFilter: EventFilter? { EventFilter(types: [.messageReceived], excludingKey: JudgedOnIngest.key, excludingValue: JudgedOnIngest.value) }

    func handle(_ events: [CaseEvent]) async throws { seen.withLock { $0 += events } }
}

@Suite struct FilteredConsumerTests {
    @Test func aFilteredConsumerIsHandedOnlyWhatItWantsAndItsPositionMovesPastTheRest() async throws {
        let store = try makeStore()
        // Three messages (each opens a case: two events apiece); the second one's event is marked judged.
        store.judgeOnIngest(nil)
        let first = try #require(try await store.ingest([.message(message("m1", email: "a@example.com"))])[0].receipt)
        store.judgeOnIngest(RecordingJudge())
        _ = try await store.ingest([.message(message("m2", email: "b@example.com"))])
        store.judgeOnIngest(nil)
        let third = try #require(try await store.ingest([.message(message("m3", email: "c@example.com"))])[0].receipt)
        let all = try await store.events(after: 0, limit: 1000)
        let total = try await store.latestSequence()

        let handler = FilteredHandler()
        let consumer = EventConsumerService(handler: handler, store: store, commits: CommitSignal(), clock: TestClock(), logger: Logger(label: "t"),
                                            pageSize: 2, lazyStoreInterval: .zero)
        var moved = 0
        while case let step = try await consumer.drainOnce(), step > 0 { moved += step }
        let seen = handler.seen.withLock { $0 }
        #expect(seen.map(\.data["message_id"]) == [String(first.messageID), String(third.messageID)])
        #expect(seen.allSatisfy { $0.type == .messageReceived })
        // Every event was moved past, read or not, a window of two sequence numbers at a time.
        #expect(moved == total && all.count > seen.count)
        #expect(try await store.consumerPosition("filtered") == total)
    }
}
