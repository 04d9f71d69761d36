import Foundation
import IntakeCore
import IntakeStore
import Synchronization
import Testing

/// A judge that writes an urgency decision for every message; for a body saying "fail" the decision opens an
/// alert whose pages cannot be built, so the write fails halfway (after its event and alert rows).
final class RecordingJudge: IngestJudge {
    let judged = Mutex<[Int64]>([])
    let skip: String?

    init(skip: String? = nil) { self.skip = skip }

    func judgesOnIngest(_ message: InboundMessage) -> Bool { message.body != skip }

    func judge(_ message: StoredMessage, event: CaseEvent, in transaction: any JudgingTransaction) throws {
        var alert: AlertOpening?
        if message.message.body == "fail" {
            alert = AlertOpening(team: "support", reasons: ["test"], position: "0", nextDueAt: nil, summary: "nobody",
                                 pages: { _, _ in throw StoreError.unavailable("the pages could not be built") })
        }
        _ = try transaction.recordUrgency([UrgencyDecision(caseID: event.caseID, event: ["urgent": "true", "reasons": "test"], alert: alert)],
                                          actor: "judge", at: Date())
        judged.withLock { $0.append(message.id) }
    }
}

@Suite struct IngestJudgeTests {
    func events(_ store: SQLiteCaseStore, caseID: Int64) async throws -> [CaseEvent] {
        try #require(try await store.caseDetail(id: caseID)).events
    }

    @Test func aJudgedMessageHasItsDecisionInTheSameTransactionAndItsEventSaysSo() async throws {
        let store = try makeStore()
        let judge = RecordingJudge()
        store.judgeOnIngest(judge)
        let receipt = try #require(try await store.ingest([.message(message("m1"))])[0].receipt)
        #expect(judge.judged.withLock { $0 } == [receipt.messageID])
        let log = try await events(store, caseID: try #require(receipt.caseID))
        let received = try #require(log.first { $0.type == .messageReceived })
        #expect(JudgedOnIngest.marks(received))
        #expect(log.contains { $0.type == .urgencyChanged && $0.actor == "judge" && $0.seq > received.seq })
    }

    @Test func aJudgmentThatFailsIsUndoneAndLeavesTheMessageStoredForTheConsumer() async throws {
        let store = try makeStore()
        store.judgeOnIngest(RecordingJudge())
        let outcomes = try await store.ingest([.message(message("m1", body: "fail")), .message(message("m2", email: "other@example.com"))])
        let failed = try #require(outcomes[0].receipt)
        let fine = try #require(outcomes[1].receipt)
        // Both messages are stored; the failed judgment left nothing (no urgency event, no alert), and its
        // message's event is not marked judged.
        let failedLog = try await events(store, caseID: try #require(failed.caseID))
        #expect(failedLog.map(\.type) == [.caseOpened, .messageReceived] || failedLog.map(\.type) == [.messageReceived, .caseOpened])
        #expect(!JudgedOnIngest.marks(try #require(failedLog.first { $0.type == .messageReceived })))
        let fineLog = try await events(store, caseID: try #require(fine.caseID))
        #expect(JudgedOnIngest.marks(try #require(fineLog.first { $0.type == .messageReceived })))
        #expect(fineLog.contains { $0.type == .urgencyChanged })
        #expect(try await store.alerts(state: nil, limit: 10).isEmpty)
    }

    @Test func aMessageTheJudgeDeclinesIsLeftUnmarkedAndNoJudgeMeansNoneAreMarked() async throws {
        let store = try makeStore()
        store.judgeOnIngest(RecordingJudge(skip: "ACK 1234"))
        let declined = try #require(try await store.ingest([.message(message("m1", body: "ACK 1234"))])[0].receipt)
        store.judgeOnIngest(nil)
        let unjudged = try #require(try await store.ingest([.message(message("m2", email: "other@example.com"))])[0].receipt)
        for receipt in [declined, unjudged] {
            let log = try await events(store, caseID: try #require(receipt.caseID))
            #expect(!JudgedOnIngest.marks(try #require(log.first { $0.type == .messageReceived })))
            #expect(!log.contains { $0.type == .urgencyChanged })
        }
    }
}
