import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Testing
import VonageAdapter

@Suite struct VonageAdapterTests {
    let secret = "vonage-signature-secret-0001"

    func signed(_ params: [String: String], secret: String? = nil, at date: Date = Date()) throws -> WebhookRequest {
        var params = params
        params["timestamp"] = String(Int(date.timeIntervalSince1970))
        params["sig"] = try VonageSignature(signatureSecret: secret ?? self.secret).signature(params: params)
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        let body = params.sorted { $0.key < $1.key }
            .map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return .post("/v1/hooks/vonage", body: body, contentType: "application/x-www-form-urlencoded", at: date)
    }

    func part(_ index: Int, of total: Int, text: String, id: String) -> [String: String] {
        ["msisdn": "447700900123", "to": "447700900000", "messageId": id, "text": text, "type": "text",
         "concat": "true", "concat-ref": "42", "concat-total": String(total), "concat-part": String(index)]
    }

    @Test func passesTheConformanceKit() async throws {
        let sms = ["msisdn": "447700900123", "to": "447700900000", "messageId": "0A01", "text": "my bill is wrong", "type": "text"]
        try await AdapterConformance.webhook(
            VonageAdapter(name: "vonage", configuration: .init(signatureSecret: secret)),
            store: try SQLiteCaseStore(path: try temporaryDirectory().appendingPathComponent("db").path),
            valid: try signed(sms), malformed: try signed(["text": "no sender"]), forged: try signed(sms, secret: "another-secret"),
            secrets: [secret])
    }

    @Test func concatenatedPartsAreJoinedDurablyInAnyOrderAndStoredOnce() async throws {
        let adapter = VonageAdapter(name: "vonage", configuration: .init(signatureSecret: secret))
        let path = try temporaryDirectory().appendingPathComponent("db").path
        func ingest(_ store: SQLiteCaseStore, _ params: [String: String]) async throws -> IngestOutcome {
            let request = try signed(params)
            try adapter.verify(request)
            let message = try #require(try adapter.normalize(adapter.rawPayload(for: request), receivedAt: Date()).first)
            return try await store.ingest([.message(message)])[0]
        }
        var store = try SQLiteCaseStore(path: path)
        #expect(try await ingest(store, part(3, of: 3, text: "third time.", id: "P3")) == .buffered(received: 1, total: 3))
        #expect(try await ingest(store, part(3, of: 3, text: "third time.", id: "P3")) == .buffered(received: 1, total: 3))
        // A restart between parts keeps what was acknowledged.
        store = try SQLiteCaseStore(path: path)
        #expect(try await ingest(store, part(1, of: 3, text: "My parcel is late ", id: "P1")) == .buffered(received: 2, total: 3))
        guard case .stored(let receipt) = try await ingest(store, part(2, of: 3, text: "for the ", id: "P2")) else {
            Issue.record("the last part did not store the joined message")
            return
        }
        let caseID = try #require(receipt.caseID)
        let detail = try #require(try await store.caseDetail(id: caseID))
        #expect(detail.messages.count == 1 && detail.messages[0].message.body == "My parcel is late for the third time.")
        // The joined raw payload re-normalizes to the same text (what quarantine retry relies on).
        let raw = try #require(try await store.rawPayload(messageID: detail.messages[0].id))
        let again = try #require(try adapter.normalize(raw, receivedAt: Date()).first)
        #expect(again.body == "My parcel is late for the third time." && again.fragment == nil)
        // A provider retry of a part after the join is a duplicate of the joined message.
        guard case .stored(let late) = try await ingest(store, part(1, of: 3, text: "My parcel is late ", id: "P1")) else {
            Issue.record("a late retry of a part was not acknowledged")
            return
        }
        #expect(late.duplicate && late.messageID == receipt.messageID)
    }

    @Test func staleAndReplayedRequestsAreRefused() throws {
        let adapter = VonageAdapter(name: "vonage", configuration: .init(signatureSecret: secret))
        let old = try signed(["msisdn": "447700900123", "messageId": "X", "text": "x"], at: Date().addingTimeInterval(-3600))
        var replayed = old
        replayed.receivedAt = Date()
        #expect(throws: WebhookRejection.self) { try adapter.verify(replayed) }
    }
}
