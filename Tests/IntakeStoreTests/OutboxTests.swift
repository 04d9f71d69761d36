import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Logging
import Synchronization
import Testing

/// A destination that answers from a script per delivery key and records concurrency.
final class ScriptedDestination: DeliveryDestination, Sendable {
    let name = "tracker"
    let maxConcurrency = 3
    private let script: Mutex<[String: [DeliveryResult]]>
    let inFlight = Mutex(0)
    let maxSeen = Mutex(0)
    let attempts = Mutex<[String]>([])

    init(_ script: [String: [DeliveryResult]]) { self.script = Mutex(script) }

    func deliver(_ delivery: Delivery) async -> DeliveryResult {
        let now = inFlight.withLock { $0 += 1; return $0 }
        maxSeen.withLock { $0 = max($0, now) }
        try? await Task.sleep(for: .milliseconds(2))
        inFlight.withLock { $0 -= 1 }
        attempts.withLock { $0.append(delivery.key) }
        return script.withLock { script in
            guard var answers = script[delivery.key], !answers.isEmpty else { return .done(remoteID: "R-\(delivery.key)") }
            let answer = answers.removeFirst()
            script[delivery.key] = answers
            return answer
        }
    }
}

@Suite struct OutboxTests {
    @Test func httpAnswersAreClassifiedOnce() {
        #expect(DeliveryResult.classify(status: 201, retryAfter: nil, body: "", remoteID: "K-1") == .done(remoteID: "K-1"))
        #expect(DeliveryResult.classify(status: 429, retryAfter: "7", body: "slow down", remoteID: nil) == .retry(reason: "slow down", status: 429, after: .seconds(7)))
        #expect(DeliveryResult.classify(status: 503, retryAfter: nil, body: "down", remoteID: nil) == .retry(reason: "down", status: 503, after: nil))
        #expect(DeliveryResult.classify(status: 408, retryAfter: nil, body: "", remoteID: nil) == .retry(reason: "", status: 408, after: nil))
        #expect(DeliveryResult.classify(status: 400, retryAfter: nil, body: "bad field", remoteID: nil) == .permanent(reason: "bad field", status: 400))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let httpDate = "Fri, 15 Jan 2027 08:00:30 GMT"
        if case .retry(_, _, let after?) = DeliveryResult.classify(status: 503, retryAfter: httpDate, body: "", remoteID: nil, now: now) {
            #expect(after > .seconds(0))
        } else {
            Issue.record("an HTTP-date Retry-After was not read")
        }
    }

    @Test func deliveriesRetryWithBackoffAndRetryAfterDieOnPermanentRefusalAndCanBeRequeued() async throws {
        let store = try makeStore()
        let clock = TestClock()
        let destination = ScriptedDestination([
            "outage": [.retry(reason: "503", status: 503, after: nil), .retry(reason: "503", status: 503, after: nil)],
            "throttled": [.retry(reason: "429", status: 429, after: .seconds(120))],
            "bad": [.permanent(reason: "400 summary is required", status: 400)],
        ])
        let outbox = OutboxService(destination: destination, store: store, clock: clock, logger: Logger(label: "t"), baseBackoff: .seconds(1))
        for key in ["ok-1", "ok-2", "ok-3", "ok-4", "outage", "throttled", "bad"] {
            _ = try await store.enqueue(destination: "tracker", key: key, caseID: nil, payload: Data(key.utf8), at: clock.now())
        }
        // The same key again is not a second delivery.
        _ = try await store.enqueue(destination: "tracker", key: "ok-1", caseID: nil, payload: Data("changed".utf8), at: clock.now())
        #expect(try await outbox.workOnce() == 7)
        #expect(destination.maxSeen.withLock { $0 } <= 3)
        #expect(try await store.deliveries(state: .done, limit: 100).map(\.key).sorted() == ["ok-1", "ok-2", "ok-3", "ok-4"])
        #expect(try await store.deliveries(state: .dead, limit: 100).first?.lastError == "400 summary is required")

        // Nothing is due until the backoff (outage: about a second) or Retry-After (throttled: 120 s) passed.
        #expect(try await outbox.workOnce() == 0)
        clock.advance(by: .seconds(2))
        #expect(try await outbox.workOnce() == 1)  // outage, second failure: backoff about 2 s now
        clock.advance(by: .seconds(3))
        #expect(try await outbox.workOnce() == 1)  // outage succeeds
        #expect(try await store.deliveries(state: .pending, limit: 100).map(\.key) == ["throttled"])
        clock.advance(by: .seconds(120))
        #expect(try await outbox.workOnce() == 1)
        let done = try await store.deliveries(state: .done, limit: 100)
        #expect(done.first { $0.key == "outage" }?.attempts == 3)
        #expect(done.first { $0.key == "throttled" }?.remoteID == "R-throttled")

        // A dead letter waits for a person; requeued (after a config fix) it goes out again.
        let dead = try #require(try await store.deliveries(state: .dead, limit: 10).first)
        #expect(try await outbox.workOnce() == 0)
        _ = try await store.requeue(id: dead.id, at: clock.now())
        #expect(try await outbox.workOnce() == 1)
        #expect(try await store.deliveries(state: .dead, limit: 10).isEmpty)
        #expect(destination.attempts.withLock { $0 }.filter { $0 == "ok-1" }.count == 1)
    }
}

/// A destination that holds delivery `slow` until released and answers the rest at once.
final class GatedDestination: DeliveryDestination, Sendable {
    let name = "pager"
    let maxConcurrency = 4
    let started = Mutex<[String]>([])
    let finished = Mutex<[String]>([])
    private let gate: AsyncStream<Void>
    private let release: AsyncStream<Void>.Continuation

    init() { (gate, release) = AsyncStream.makeStream(of: Void.self) }

    func open() { release.finish() }

    func deliver(_ delivery: Delivery) async -> DeliveryResult {
        started.withLock { $0.append(delivery.key) }
        if delivery.key == "slow" { for await _ in gate {} }
        finished.withLock { $0.append(delivery.key) }
        return .done(remoteID: nil)
    }
}

@Suite struct OutboxWakeTests {
    /// Polls `condition` every 10 ms for up to 5 s.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aDeliveryEnqueuedWhileAnotherIsInFlightGoesOutWithoutWaitingForIt() async throws {
        let store = try SQLiteCaseStore(path: try temporaryDirectory("outbox-wake").appendingPathComponent("intake.sqlite").path)
        let destination = GatedDestination()
        let wakeups = CommitSignal()
        // No idle poll within the test: only a wake-up can make the outbox look again.
        let outbox = OutboxService(destination: destination, store: store, logger: Logger(label: "outbox-test"), idlePoll: .seconds(600),
                                   wakeups: wakeups)
        let running = Task { try await outbox.run() }
        defer { destination.open(); running.cancel() }

        _ = try await store.enqueue(destination: "pager", key: "slow", caseID: nil, payload: Data("{}".utf8), at: Date())
        wakeups.fire()
        #expect(try await eventually { destination.started.withLock { $0 } == ["slow"] })

        _ = try await store.enqueue(destination: "pager", key: "fast", caseID: nil, payload: Data("{}".utf8), at: Date())
        wakeups.fire()
        // `fast` is attempted and answered while `slow` is still held.
        #expect(try await eventually { destination.finished.withLock { $0 } == ["fast"] })
        destination.open()
        #expect(try await eventually { destination.finished.withLock { $0 } == ["fast", "slow"] })
    }
}
