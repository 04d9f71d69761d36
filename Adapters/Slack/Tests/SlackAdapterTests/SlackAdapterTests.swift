import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import SlackAdapter
import Testing

@Suite struct SlackAdapterTests {
    let secret = "slack-secret-for-tests-0001"

    func signed(_ body: String, secret: String? = nil, at date: Date = Date()) throws -> WebhookRequest {
        let timestamp = String(Int(date.timeIntervalSince1970))
        let signature = try SlackSignature(signingSecret: secret ?? self.secret).signature(timestamp: timestamp, body: Data(body.utf8))
        return .post("/v1/hooks/slack", body: body, contentType: "application/json",
                     headers: [("X-Slack-Request-Timestamp", timestamp), ("X-Slack-Signature", signature)], at: date)
    }

    @Test func passesTheConformanceKit() async throws {
        let dm = #"{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message","user":"U2","text":"billing is wrong","channel":"D1","channel_type":"im","ts":"1.1"}}"#
        try await AdapterConformance.webhook(
            SlackAdapter(name: "slack", configuration: .init(signingSecret: secret)),
            store: try SQLiteCaseStore(path: try temporaryDirectory().appendingPathComponent("db").path),
            valid: try signed(dm), malformed: try signed(#"{"type": 5}"#), forged: try signed(dm, secret: "other-secret-value"),
            secrets: [secret])
    }

    @Test func editsAppendAndPrivateChannelsAreNotPublic() throws {
        let adapter = SlackAdapter(name: "slack", configuration: .init(signingSecret: secret, privateChannels: ["CPRIV"]))
        let mention = #"{"type":"event_callback","team_id":"T1","event":{"type":"app_mention","user":"U1","text":"hi","channel":"CPRIV","channel_type":"channel","ts":"5.5"}}"#
        let message = try #require(try adapter.normalize(RawPayload(contentType: "application/json", bytes: Data(mention.utf8)), receivedAt: Date()).first)
        #expect(!message.isPublic && message.sender.identities == [Identity(kind: .chat, value: "slack:T1:U1")])
        let edit = #"{"type":"event_callback","team_id":"T1","event":{"type":"message","subtype":"message_changed","channel":"D1","channel_type":"im","ts":"9.9","message":{"user":"U1","text":"hi (edited)","ts":"5.5"}}}"#
        let edited = try #require(try adapter.normalize(RawPayload(contentType: "application/json", bytes: Data(edit.utf8)), receivedAt: Date()).first)
        #expect(edited.flags == [.edited] && edited.threadRefs.contains("slack:T1:D1:5.5") && edited.body == "hi (edited)")
    }
}
