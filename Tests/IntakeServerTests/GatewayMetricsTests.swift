import Foundation
import IntakeCore
import IntakeServer
import Testing

@Suite struct GatewayMetricsTests {
    /// A group commit is counted as a tally per kind of outcome: every message in the group counts once,
    /// by channel and outcome, and only the cases it opened count as opened.
    @Test func aGroupCommitCountsEveryOutcomeOnce() {
        let metrics = GatewayMetrics(channels: ["api": "api", "mail": "email"])
        metrics.setQuarantine(4)
        let email = message("e-1", channel: .email)
        let requests: [IngestRequest] = [
            .message(message("a-1")), .message(message("a-2")), .message(message("a-3")), .message(message("a-1")),
            .message(email),
            .quarantine(QuarantineRequest(adapter: "mail", receivedAt: Date(), reason: "bad", raw: RawPayload(contentType: "text/plain", bytes: Data("x".utf8)))),
        ]
        let outcomes: [IngestOutcome] = [
            .stored(receipt(1, opened: true)), .stored(receipt(2, opened: false)), .stored(receipt(3, opened: true)),
            .stored(receipt(1, opened: false, duplicate: true)),
            .stored(receipt(4, opened: true)),
            .quarantined(id: 9),
        ]
        metrics.didCommit(outcomes: outcomes, requests: requests, duration: .milliseconds(2))

        let text = metrics.render()
        #expect(text.contains(#"intake_messages_total{channel="api",outcome="stored"} 3"#), "\(text)")
        #expect(text.contains(#"intake_messages_total{channel="api",outcome="duplicate"} 1"#))
        #expect(text.contains(#"intake_messages_total{channel="email",outcome="stored"} 1"#))
        #expect(text.contains(#"intake_messages_total{channel="email",outcome="quarantined"} 1"#), "by the adapter's channel, not its name")
        #expect(text.contains(#"intake_cases_opened_total{channel="api"} 2"#))
        #expect(text.contains(#"intake_cases_opened_total{channel="email"} 1"#))
        #expect(text.contains("intake_quarantine_size 5"))
        #expect(text.contains("intake_commit_batch_size_count 1"))
    }

    private func message(_ id: String, channel: ChannelKind = .api) -> InboundMessage {
        InboundMessage(
            adapter: channel == .api ? "api" : "mail", channel: channel, externalID: id, receivedAt: Date(),
            sender: Sender(identities: [Identity(kind: .email, value: "c@example.com")]), body: "late",
            raw: RawPayload(contentType: "application/json", bytes: Data(id.utf8)))
    }

    private func receipt(_ id: Int64, opened: Bool, duplicate: Bool = false) -> StoreReceipt {
        StoreReceipt(messageID: id, caseID: id, contactID: 1, duplicate: duplicate, openedCase: opened, reopenedCase: false)
    }
}
