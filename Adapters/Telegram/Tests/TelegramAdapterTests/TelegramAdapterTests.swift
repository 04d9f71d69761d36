import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import TelegramAdapter
import Testing

@Suite struct TelegramAdapterTests {
    let secret = "telegram_secret-0001"

    @Test func passesTheConformanceKit() async throws {
        let update = #"{"update_id":7,"message":{"message_id":1,"from":{"id":9,"first_name":"Bo"},"chat":{"id":9,"type":"private"},"text":"refund please"}}"#
        try await AdapterConformance.webhook(
            TelegramAdapter(name: "telegram", secretToken: secret),
            store: try SQLiteCaseStore(path: try temporaryDirectory().appendingPathComponent("db").path),
            valid: .post("/v1/hooks/telegram", body: update, contentType: "application/json", headers: [("X-Telegram-Bot-Api-Secret-Token", secret)]),
            malformed: .post("/v1/hooks/telegram", body: "[1,2]", contentType: "application/json", headers: [("X-Telegram-Bot-Api-Secret-Token", secret)]),
            forged: .post("/v1/hooks/telegram", body: update, contentType: "application/json", headers: [("X-Telegram-Bot-Api-Secret-Token", "guess")]),
            secrets: [secret])
    }

    @Test func groupRepliesThreadAndBotsAreIgnored() throws {
        let adapter = TelegramAdapter(name: "telegram", secretToken: secret)
        func normalize(_ json: String) throws -> [InboundMessage] {
            try adapter.normalize(RawPayload(contentType: "application/json", bytes: Data(json.utf8)), receivedAt: Date())
        }
        let reply = try #require(try normalize(#"{"update_id":8,"message":{"message_id":3,"from":{"id":9,"username":"bo"},"chat":{"id":-100,"type":"supergroup"},"text":"same here","reply_to_message":{"message_id":2}}}"#).first)
        #expect(reply.threadRefs == ["telegram:-100:2"] && reply.sender.identities.contains(Identity(kind: .handle, value: "telegram:@bo")))
        #expect(try normalize(#"{"update_id":9,"message":{"message_id":4,"from":{"id":1,"is_bot":true},"chat":{"id":9,"type":"private"},"text":"x"}}"#).isEmpty)
        #expect(try normalize(#"{"update_id":10,"callback_query":{"id":"1"}}"#).isEmpty)
    }
}
