import Foundation
import IntakeCore
import IntakeStore
import Testing

@Suite struct EventLogObserverTests {
    /// Ingest, a case update and an appended event go through different store calls; each appends to
    /// the log and must wake its readers without anybody firing the signal by hand.
    @Test func everyWriteThatAppendsToTheLogWakesItsReaders() async throws {
        let store = try makeStore()
        let signal = CommitSignal()
        store.signalEventCommits(to: signal)
        var wakes = signal.subscribe().makeAsyncIterator()

        let outcome = try await store.ingest([.message(message("m1"))])
        let caseID = try #require(outcome.first?.receipt?.caseID)
        #expect(await wakes.next() != nil, "ingest appended message.received")

        _ = try await store.updateCase(id: caseID, patch: CasePatch(state: .acknowledged), actor: "sam", at: Date())
        #expect(await wakes.next() != nil, "a case update appended state.changed")
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.map(\.type).contains(.stateChanged))

        _ = try await store.appendEvent(caseID: caseID, type: .urgencyChanged, actor: "sam", at: Date(), data: ["urgent": "true"])
        #expect(await wakes.next() != nil, "an appended event (alerts, forwarding) wakes readers too")
    }
}
