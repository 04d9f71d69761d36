import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Testing
import TwilioAdapter

@Suite struct TwilioAdapterTests {
    let token = "twilio-token-for-tests-0001"

    func signed(_ body: String, signer: TwilioSignature? = nil) -> WebhookRequest {
        let params = FormEncoding.parse(Data(body.utf8))!.map { ($0.name, $0.value) }
        let signature = (signer ?? TwilioSignature(authToken: token)).compute(url: "https://intake.example.com/v1/hooks/sms", params: params)
        return .post("/v1/hooks/sms", body: body, contentType: "application/x-www-form-urlencoded", headers: [("X-Twilio-Signature", signature)])
    }

    @Test func passesTheConformanceKit() async throws {
        let adapter = TwilioAdapter(name: "sms", configuration: .init(authToken: token))
        try await AdapterConformance.webhook(
            adapter, store: try SQLiteCaseStore(path: try temporaryDirectory().appendingPathComponent("db").path),
            valid: signed("MessageSid=SM1&From=%2B14155550100&To=%2B18005550199&Body=late+again"),
            malformed: signed("AccountSid=AC1&Body=no+sid"),
            forged: signed("MessageSid=SM2&From=%2B14155550100&Body=x", signer: TwilioSignature(authToken: "another-token")),
            secrets: [token])
    }

    @Test func whatsAppAndConversationKeys() throws {
        let adapter = TwilioAdapter(name: "sms", configuration: .init(authToken: token))
        let raw = RawPayload(contentType: "application/x-www-form-urlencoded",
                             bytes: Data("MessageSid=SM3&From=whatsapp%3A%2B447700900123&To=whatsapp%3A%2B14155550100&Body=hi&ProfileName=Ann".utf8))
        let message = try #require(try adapter.normalize(raw, receivedAt: Date()).first)
        #expect(message.channel == .chat && message.sender.identities == [Identity(kind: .phone, value: "+447700900123")])
        #expect(message.sender.displayName == "Ann" && message.threadRefs == ["whatsapp:+447700900123:+14155550100"])
    }
}
