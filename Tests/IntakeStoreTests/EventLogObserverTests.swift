import Foundation
import IntakeCore
import IntakeStore
import Logging
import Testing

@Suite struct EventLogObserverTests {
    /// Ingest, a case update and an appended event go through different store calls; each appends to
    /// the log and must wake its readers without anybody firing the signal by hand.
    @Test func everyWriteThatAppendsToTheLogWakesItsReaders() async throws {
        let store = try makeStore()
        let signal = CommitSignal()
        store.signalEventCommits(to: signal)

        var wake = signal.subscribe()
        let outcome = try await store.ingest([.message(message("m1"))])
        let caseID = try #require(outcome.first?.receipt?.caseID)
        #expect(await Self.wakes(wake), "ingest appended message.received")

        wake = signal.subscribe()
        _ = try await store.updateCase(id: caseID, patch: CasePatch(state: .acknowledged), actor: "sam", at: Date())
        #expect(await Self.wakes(wake), "a case update appended state.changed")
        #expect(try await store.events(after: 0, limit: 10).map(\.type).contains(.stateChanged))

        wake = signal.subscribe()
        _ = try await store.appendEvent(caseID: caseID, type: .urgencyChanged, actor: "sam", at: Date(), data: ["urgent": "true"])
        #expect(await Self.wakes(wake), "an appended event (alerts, forwarding) wakes readers too")
    }

    /// The signal says "the log grew": a commit that appends no event (a cursor, a consumer's position)
    /// leaves readers asleep.
    @Test func aCommitThatAppendsNoEventDoesNotWakeReaders() async throws {
        let store = try makeStore()
        let signal = CommitSignal()
        store.signalEventCommits(to: signal)
        var wake = signal.subscribe()
        _ = try await store.ingest([.message(message("m1"))])
        #expect(await Self.wakes(wake))

        wake = signal.subscribe()
        try await store.setCursor(key: "imap:support", value: "42")
        try await store.setConsumerPosition("forwarder", 1)
        #expect(!(await Self.wakes(wake, within: .milliseconds(300))), "a commit without events woke readers")

        wake = signal.subscribe()
        _ = try await store.ingest([.message(message("m2", email: "p2@example.com"))])
        #expect(await Self.wakes(wake), "the next event still wakes them")
    }

    /// The gateway's wiring: the store fires the stream's signal, and the stream leaves it alone, so an
    /// ingest commit wakes readers once rather than twice.
    @Test func aStreamThatLeavesTheSignalToTheStoreDoesNotFireItItself() async throws {
        let store = try makeStore()
        let stream = CaseStream(store: store, logger: Logger(label: "t"), firesCommits: false)
        let running = Task { try await stream.run() }
        let unsignalled = stream.commits.subscribe()
        _ = try await stream.submit(.message(message("m1")))
        #expect(!(await Self.wakes(unsignalled, within: .milliseconds(300))), "the stream fired the signal itself")

        store.signalEventCommits(to: stream.commits)
        let signalled = stream.commits.subscribe()
        _ = try await stream.submit(.message(message("m2", email: "p2@example.com")))
        #expect(await Self.wakes(signalled), "the store fires it for the stream's commits")
        stream.stopAccepting()
        try await running.value
    }

    /// Whether `stream` yields within `limit` (a missing signal fails the test instead of hanging it).
    static func wakes(_ stream: AsyncStream<Void>, within limit: Duration = .seconds(5)) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in stream { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
