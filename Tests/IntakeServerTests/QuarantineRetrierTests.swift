import Foundation
import IntakeCore
import IntakeServer
import IntakeStore
import IntakeTesting
import Logging
import Testing

/// `retry --all` goes through every pending entry: one whose payload failed its check is reported still
/// failing, with the reason, and the entries after it are retried all the same.
@Suite struct QuarantineRetrierTests {
    /// An adapter that can read nothing, so every retry still fails.
    struct Unreadable: ChannelAdapter {
        let name = "api"
        let kind = "test.unreadable"
        let channel = ChannelKind.api
        func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
            throw NormalizationError.unparseable("still unreadable")
        }
    }

    @Test func aCorruptEntryDoesNotStopTheOthers() async throws {
        let dir = try temporaryDirectory("retrier")
        let store = FailingCaseStore(wrapping: try SQLiteCaseStore(path: dir.appendingPathComponent("db.sqlite").path))
        let outcomes = try await store.ingest((1...3).map { index in
            .quarantine(QuarantineRequest(adapter: "api", receivedAt: Date(), reason: "bad",
                                          raw: RawPayload(contentType: "text/plain", bytes: Data("bad \(index)".utf8))))
        })
        let ids = outcomes.compactMap { if case .quarantined(let id) = $0 { id } else { nil } }
        store.corruptQuarantineEntries([ids[1]])
        let retrier = QuarantineRetrier(store: store, stream: CaseStream(store: store, logger: Logger(label: "test")), adapters: [Unreadable()])
        let results = try await retrier.retryAll()
        #expect(results.map(\.id) == ids)
        #expect(results[0].result == .stillFailing(reason: "still unreadable") && results[2].result == .stillFailing(reason: "still unreadable"))
        guard case .stillFailing(let reason) = results[1].result else {
            Issue.record("the corrupt entry was not reported: \(results[1].result)")
            return
        }
        #expect(reason.contains("no longer matches its SHA-256"))
    }
}
