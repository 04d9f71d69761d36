import AsyncHTTPClient
import NIOHTTP1
import Foundation
import IntakeCore
import IntakeServer
import Testing

@Suite(.serialized) struct IngestAPITests {
    @Test(arguments: ["sqlite", "postgres"])
    func ingestDedupThreadingAndContacts(_ driver: String) async throws {
        let gw = try await TestGateway.start(store: try await TestStore.fresh(driver))
        let first = try await gw.post(#"{"external_id":"w-1","sender":{"name":"Ann","email":"ann@example.com"},"subject":"Kettle","body":"It broke","conversation":"t1"}"#,
                                      token: "form-token-0123456789")
        #expect(first.status == 202)
        #expect(first.object["case_id"] as? String == "C-1" && first.object["duplicate"] as? Bool == false)
        let again = try await gw.post(#"{"external_id":"w-1","sender":{"name":"Ann","email":"ann@example.com"},"subject":"Kettle","body":"It broke","conversation":"t1"}"#)
        #expect(again.status == 202 && again.object["duplicate"] as? Bool == true && again.object["message_id"] as? Int == first.object["message_id"] as? Int)
        let followUp = try await gw.post(#"{"external_id":"w-2","sender":{"email":"ANN@example.com","phone":"+14155550100"},"body":"Any news?","conversation":"t1"}"#)
        #expect(followUp.object["case_id"] as? String == "C-1")
        let bySubjectToken = try await gw.post(#"{"external_id":"w-3","sender":{"email":"boss@example.com"},"subject":"Re: [#C-1] Kettle","body":"Escalating"}"#)
        #expect(bySubjectToken.object["case_id"] as? String == "C-1")
        let byExternalID = try await gw.post(#"{"external_id":"w-5","sender":{"email":"ann@example.com"},"body":"about my first message","thread_refs":["w-1"]}"#)
        #expect(byExternalID.object["case_id"] as? String == "C-1")
        let bySMSNumber = try await gw.post(#"{"external_id":"w-4","channel":"sms","sender":{"phone":"+1 415 555 0100"},"body":"new problem"}"#)
        #expect(bySMSNumber.object["case_id"] as? String == "C-2")
        #expect(bySMSNumber.object["contact_id"] as? Int == first.object["contact_id"] as? Int)

        let detail = json(try await gw.request(.GET, "/v1/cases/C-1").body)
        #expect((detail["messages"] as? [Any])?.count == 4)
        #expect(((detail["contact"] as? [String: Any])?["identities"] as? [Any])?.count == 2)
        let list = json(try await gw.request(.GET, "/v1/cases?channel=sms").body)
        #expect((list["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["C-2"])
        try await gw.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func casesAreFilteredByContactAndTimeAndPaged(_ driver: String) async throws {
        let gw = try await TestGateway.start(store: try await TestStore.fresh(driver))
        let ann = try await gw.post(#"{"external_id":"f-1","sender":{"email":"ann@example.com"},"body":"one"}"#)
        _ = try await gw.post(#"{"external_id":"f-2","sender":{"email":"bob@example.com"},"body":"two"}"#)
        _ = try await gw.post(#"{"external_id":"f-3","sender":{"email":"ann@example.com"},"body":"three","subject":"another problem"}"#)
        func ids(_ query: String) async throws -> [String] {
            let page = json(try await gw.request(.GET, "/v1/cases?\(query)").body)
            return (page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        }
        let contact = try #require(ann.object["contact_id"] as? Int)
        #expect(try await ids("contact=\(contact)") == ["C-3", "C-1"])
        #expect(try await ids("since=2000-01-01T00:00:00Z").count == 3)
        #expect(try await ids("since=2999-01-01T00:00:00Z").isEmpty)
        let first = json(try await gw.request(.GET, "/v1/cases?limit=2").body)
        #expect((first["items"] as? [Any])?.count == 2 && first["next"] as? String == "C-2")
        #expect(try await ids("limit=2&before=C-2") == ["C-1"])
        #expect(try await gw.request(.GET, "/v1/cases?since=yesterday").status == 400)
        #expect(try await gw.request(.GET, "/v1/cases?contact=none").status == 400)
        try await gw.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func aMessagesRawPayloadIsServedAsReceivedWithItsDigest(_ driver: String) async throws {
        let gw = try await TestGateway.start(store: try await TestStore.fresh(driver))
        let body = #"{"external_id":"r-1", "sender":{"email":"ann@example.com"},"body":"It broke \u00e9"}"#
        let posted = try await gw.post(body)
        let id = try #require(posted.object["message_id"] as? Int)
        let raw = try await gw.request(.GET, "/v1/messages/\(id)/raw")
        #expect(raw.status == 200 && raw.body == body, "the bytes posted, spacing and escapes included")
        #expect(raw.headers.first(name: "content-type") == "application/json")
        #expect(raw.headers.first(name: "x-content-type-options") == "nosniff" && raw.headers.first(name: "content-security-policy") == "sandbox")
        let hex = RawPayload.hexDigest(Data(body.utf8))
        let digest = stride(from: 0, to: hex.count, by: 2).map { offset in
            UInt8(hex.dropFirst(offset).prefix(2), radix: 16)!
        }
        #expect(raw.headers.first(name: "repr-digest") == "sha-256=:\(Data(digest).base64EncodedString()):")
        let detail = json(try await gw.request(.GET, "/v1/cases/C-1").body)
        #expect(((detail["messages"] as? [[String: Any]])?.first?["raw_sha256"] as? String) == hex)
        #expect(((detail["messages"] as? [[String: Any]])?.first?["adapter_kind"] as? String) == "generic")
        #expect(try await gw.request(.GET, "/v1/messages/\(id + 1000)/raw").status == 404)
        #expect(try await gw.request(.GET, "/v1/messages/abc/raw").status == 404)
        #expect(try await gw.request(.GET, "/v1/messages/\(id)/raw", token: nil).status == 401)
        #expect(try await gw.request(.GET, "/v1/messages/\(id)/raw", token: "form-token-0123456789").status == 403)
        try await gw.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func everyErrorHasItsStatusAndAProblemDocument(_ driver: String) async throws {
        let gw = try await TestGateway.start(store: try await TestStore.fresh(driver))
        let valid = #"{"sender":{"email":"a@example.com"},"body":"x"}"#
        func check(_ expected: Int, _ response: (status: Int, body: String, headers: HTTPHeaders), _ mention: String? = nil) {
            #expect(response.status == expected, "\(response.body)")
            #expect(response.headers["Content-Type"].first == "application/problem+json")
            let problem = json(response.body)
            #expect(problem["status"] as? Int == expected && !(problem["detail"] as? String ?? "").isEmpty)
            if let mention { #expect((response.body).contains(mention)) }
        }
        check(400, try await gw.request(.POST, "/v1/messages", json: "{not json"))
        check(401, try await gw.request(.POST, "/v1/messages", json: valid, token: nil))
        check(401, try await gw.request(.POST, "/v1/messages", json: valid, token: "wrong-token-value"))
        check(403, try await gw.request(.POST, "/v1/messages", json: valid, token: "rep-token-0123456789"))
        check(403, try await gw.request(.GET, "/v1/cases", token: "form-token-0123456789"))
        check(404, try await gw.request(.GET, "/v1/cases/C-999"))
        check(404, try await gw.request(.GET, "/v1/nowhere"))
        check(413, try await gw.request(.POST, "/v1/messages", json: #"{"body":"\#(String(repeating: "x", count: 8000))"}"#))
        check(415, try await gw.request(.POST, "/v1/messages", json: valid, contentType: "text/plain"))
        check(422, try await gw.request(.POST, "/v1/messages", json: #"{"sender":{"email":"nope"}}"#), "sender.email")
        let opened = try await gw.post(valid)
        let caseID = try #require(opened.object["case_id"] as? String)
        #expect(try await gw.request(.PATCH, "/v1/cases/\(caseID)", json: #"{"state":"closed"}"#).status == 200)
        check(409, try await gw.request(.PATCH, "/v1/cases/\(caseID)", json: #"{"state":"open"}"#))
        check(422, try await gw.request(.PATCH, "/v1/cases/\(caseID)", json: #"{"state":"sleeping"}"#), "state")
        // No secret appears in any answer.
        let bad = try await gw.request(.POST, "/v1/messages", json: valid, token: "wrong-token-value")
        #expect(!bad.body.contains(TestGateway.adminToken) && !bad.body.contains("wrong-token-value"))
        // While not ready (here: stopping, as after SIGTERM), /readyz answers 503 with the reason. (A post
        // refused with 503 while the store is away: PostgresGatewayTests.)
        gw.gateway.readiness.markNotReady("shutting down")
        let readyz = try await gw.request(.GET, "/readyz")
        #expect(readyz.status == 503 && json(readyz.body)["reason"] as? String == "shutting down")
        try await gw.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func casesChangeStateAndAssigneeWithEventsAndTheStream(_ driver: String) async throws {
        let gw = try await TestGateway.start(store: try await TestStore.fresh(driver))
        let opened = try await gw.post(#"{"sender":{"email":"a@example.com"},"body":"broken","conversation":"c"}"#)
        let caseID = try #require(opened.object["case_id"] as? String)
        let patched = try await gw.request(.PATCH, "/v1/cases/\(caseID)", json: #"{"state":"acknowledged","assignee":"sam"}"#, token: "rep-token-0123456789")
        #expect(json(patched.body)["state"] as? String == "acknowledged" && json(patched.body)["assignee"] as? String == "sam")
        _ = try await gw.request(.PATCH, "/v1/cases/\(caseID)", json: #"{"state":"resolved"}"#)
        _ = try await gw.post(#"{"sender":{"email":"a@example.com"},"body":"it broke again","conversation":"c"}"#)
        let reopened = json(try await gw.request(.GET, "/v1/cases/\(caseID)").body)
        #expect((reopened["case"] as? [String: Any])?["state"] as? String == "open")
        let events = (json(try await gw.request(.GET, "/v1/events?after=0").body)["items"] as? [[String: Any]]) ?? []
        let types = events.map { $0["type"] as? String ?? "" }
        #expect(types == ["case.opened", "message.received", "case.state_changed", "case.assigned", "case.state_changed", "case.state_changed", "message.received"])
        #expect(events.first { $0["type"] as? String == "case.assigned" }?["actor"] as? String == "sam")

        // The server-sent-events stream replays from a cursor and then follows new commits.
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(gw.port)/v1/events/stream?after=\(events.count)")
        request.headers.add(name: "Authorization", value: "Bearer \(TestGateway.adminToken)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.headers["Content-Type"].first == "text/event-stream")
        _ = try await gw.post(#"{"sender":{"email":"new@example.com"},"body":"fresh"}"#)
        var received = ""
        for try await chunk in response.body {
            received += String(buffer: chunk)
            if received.contains("event: message.received") { break }
        }
        #expect(received.contains("event: case.opened") && received.contains("id: \(events.count + 1)"))
        try await gw.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func quarantinedInputIsListedAndReleasedAfterTheConfigIsFixed(_ driver: String) async throws {
        let gw = try await TestGateway.start(store: try await TestStore.fresh(driver))
        let posted = try await gw.post(#"{"external_id":"q-1","sender":{"phone":"(415) 555-0100"},"body":"call me back"}"#)
        #expect(posted.status == 202 && posted.object["quarantined"] as? Bool == true)
        let id = try #require(posted.object["quarantine_id"] as? Int)
        let listed = (json(try await gw.request(.GET, "/v1/quarantine").body)["items"] as? [[String: Any]]) ?? []
        #expect(listed.count == 1 && (listed[0]["reason"] as? String ?? "").contains("default_region"))
        let stillFailing = try await gw.request(.POST, "/v1/quarantine/\(id)/retry")
        #expect(stillFailing.status == 422 && json(stillFailing.body)["released"] as? Bool == false)
        #expect(stillFailing.headers["Content-Type"].first == "application/problem+json")
        #expect((json(stillFailing.body)["reason"] as? String ?? "").contains("default_region") && json(stillFailing.body)["status"] as? Int == 422)
        #expect(try await gw.request(.POST, "/v1/quarantine/\(id)/retry", token: "rep-token-0123456789").status == 403)
        #expect(try await gw.request(.GET, "/metrics").body.contains("intake_quarantine_size 1"))
        #expect(try await gw.request(.GET, "/metrics").body.contains(#"intake_messages_total{channel="api",outcome="quarantined"} 1"#))
        try await gw.stop()

        // Restart on the same data with the fix: the entry is still there and now releases into a case.
        let fixed = try await TestGateway.start(yaml: TestGateway.defaultYAML.replacingOccurrences(of: "{kind: generic, name: api}", with: "{kind: generic, name: api, default_region: US}"), dataDir: gw.dataDir,
                                                 store: gw.store)
        let released = try await fixed.request(.POST, "/v1/quarantine/\(id)/retry")
        #expect(released.status == 200 && json(released.body)["released"] as? Bool == true)
        let caseID = try #require(json(released.body)["case_id"] as? String)
        let detail = json(try await fixed.request(.GET, "/v1/cases/\(caseID)").body)
        #expect(((detail["contact"] as? [String: Any])?["identities"] as? [[String: Any]])?.first?["value"] as? String == "+14155550100")
        #expect(((detail["messages"] as? [[String: Any]])?.first?["adapter_kind"] as? String) == "generic")  // a retry goes through the adapter too
        #expect(try await fixed.request(.POST, "/v1/quarantine/\(id)/retry").status == 409)
        #expect((json(try await fixed.request(.GET, "/v1/quarantine").body)["items"] as? [Any])?.isEmpty == true)
        #expect(try await fixed.request(.GET, "/metrics").body.contains("intake_quarantine_size 0"))
        // Quarantined behind this gateway's back (the CLI, another instance): the next scrape counts it.
        _ = try await fixed.gateway.store.ingest([.quarantine(QuarantineRequest(
            adapter: "api", receivedAt: Date(), reason: "elsewhere", raw: RawPayload(contentType: "text/plain", bytes: Data("x".utf8))))])
        #expect(try await fixed.request(.GET, "/metrics").body.contains("intake_quarantine_size 1"))
        try await fixed.stop()
    }

    @Test(arguments: ["sqlite", "postgres"])
    func everythingSurvivesARestart(_ driver: String) async throws {
        let gw = try await TestGateway.start(store: try await TestStore.fresh(driver))
        for index in 0..<20 {
            _ = try await gw.post(#"{"external_id":"r-\#(index)","sender":{"email":"p\#(index % 4)@example.com"},"body":"m\#(index)","conversation":"c\#(index % 4)"}"#)
        }
        try await gw.stop()
        let again = try await TestGateway.start(dataDir: gw.dataDir, store: gw.store)
        let cases = (json(try await again.request(.GET, "/v1/cases").body)["items"] as? [[String: Any]]) ?? []
        #expect(cases.count == 4 && cases.allSatisfy { $0["message_count"] as? Int == 5 })
        let duplicate = try await again.post(#"{"external_id":"r-3","sender":{"email":"p3@example.com"},"body":"m3","conversation":"c3"}"#)
        #expect(duplicate.object["duplicate"] as? Bool == true)
        try await again.stop()
    }

    @Test func healthReadinessMetricsAndContacts() async throws {
        let gw = try await TestGateway.start()
        #expect(try await gw.request(.GET, "/healthz", token: nil).status == 200)
        let ready = try await gw.request(.GET, "/readyz", token: nil)
        #expect(ready.status == 200 && ready.body.contains("\"adapter\":\"api\""))
        let opened = try await gw.post(#"{"sender":{"email":"a@example.com"},"body":"x"}"#)
        let contactID = try #require(opened.object["contact_id"] as? Int)
        let patched = try await gw.request(.PATCH, "/v1/contacts/\(contactID)",
                                           json: #"{"alternates":[{"name":"Joe","role":"foreman","phone":"+442079460018"}],"abusive":true}"#)
        #expect(patched.status == 200 && json(patched.body)["abusive"] as? Bool == true)
        #expect(try await gw.request(.PATCH, "/v1/contacts/\(contactID)", json: #"{"alternates":[{"name":"J","role":"r","phone":"12"}]}"#).status == 422)
        let metrics = try await gw.request(.GET, "/metrics", token: nil).body
        #expect(metrics.contains(#"intake_messages_total{channel="api",outcome="stored"} 1"#))
        #expect(metrics.contains(#"intake_cases_opened_total{channel="api"} 1"#))
        #expect(metrics.contains("intake_commit_duration_seconds_count"))
        try await gw.stop()
    }
}
