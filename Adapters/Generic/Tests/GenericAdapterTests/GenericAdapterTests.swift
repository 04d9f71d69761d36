import Foundation
import GenericAdapter
import IntakeCore
import IntakeStore
import IntakeTesting
import Testing

@Suite struct GenericAdapterTests {
    private func request(_ json: String) -> WebhookRequest {
        WebhookRequest(method: "POST", pathAndQuery: "/v1/messages", publicURL: "http://localhost/v1/messages",
                       headers: [("Content-Type", "application/json")], body: Data(json.utf8), receivedAt: Date())
    }

    private func store() throws -> SQLiteCaseStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("generic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try SQLiteCaseStore(path: dir.appendingPathComponent("db.sqlite").path)
    }

    @Test func passesTheConformanceKit() async throws {
        try await AdapterConformance.webhook(
            GenericAdapter(name: "api"), store: try store(),
            valid: request(#"{"external_id":"1","sender":{"email":"ann@example.com"},"body":"Broken"}"#),
            malformed: request(#"{"external_id":"2","sender":{"phone":"555 0100"},"body":"call me"}"#))
    }

    @Test func normalizesIdentitiesThreadsAndConversation() throws {
        let adapter = GenericAdapter(name: "api", configuration: .init(defaultRegion: "US"))
        let raw = RawPayload(contentType: "application/json", bytes: Data(#"""
            {"external_id":"f-1","channel":"web","sender":{"name":"Ann","email":" Ann@Example.COM ","phone":"(415) 555-0100",
             "handle":{"platform":"Mastodon","handle":"@Ann@example.social"}},
             "subject":"Re: kettle [#C-12]","body":"  It broke  ","thread_refs":["C-3","<x@mail>"],"conversation":"chat-9","public":true}
            """#.utf8))
        let message = try #require(try adapter.normalize(raw, receivedAt: Date()).first)
        #expect(message.channel == .web && message.isPublic && message.body == "It broke")
        #expect(message.sender.identities == [Identity(kind: .email, value: "ann@example.com"), Identity(kind: .phone, value: "+14155550100"),
                                              Identity(kind: .handle, value: "mastodon:@ann@example.social")])
        #expect(message.threadRefs.contains("case:C-12") && message.threadRefs.contains("case:C-3") && message.threadRefs.contains("msg:api:<x@mail>"))
        #expect(message.threadRefs.contains("conv:api:chat-9") && message.ownRefs.contains("conv:api:chat-9"))
    }

    @Test func rejectsMissingAndInvalidFieldsByName() {
        let adapter = GenericAdapter(name: "api")
        func fields(_ json: String) -> [String] {
            do {
                _ = try adapter.normalize(RawPayload(contentType: "application/json", bytes: Data(json.utf8)), receivedAt: Date())
                return ["(accepted)"]
            } catch let error as NormalizationError {
                return error.fields
            } catch {
                return ["(other error)"]
            }
        }
        #expect(fields(#"{"sender":{"email":"a@b.c"}}"#) == ["body"])
        #expect(fields(#"{"body":"x"}"#) == ["sender"])
        #expect(fields(#"{"body":"x","sender":{"email":"not-an-address"}}"#) == ["sender.email"])
        #expect(fields(#"{"body":"x","sender":{"email":"a@b.c"},"channel":"pigeon"}"#) == ["channel"])
        #expect(fields(#"{"body":5,"sender":{"email":"a@b.c"}}"#) == ["body"])
    }
}
