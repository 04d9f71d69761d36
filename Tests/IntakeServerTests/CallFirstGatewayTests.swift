import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeServer
import IntakeTesting
import NIOHTTP1
import Testing

/// Call first inside the real gateway: an urgent complaint, through the generic API or a Twilio SMS
/// webhook, pages the on-call rep by call, SMS and Slack at the providers' stand-in within 2 s; nobody
/// acknowledges, so the supervisor is paged after the timeout; each way to acknowledge stops it.
@Suite(.serialized) struct CallFirstGatewayTests {
    static let accountSID = "AC0123456789abcdef0123456789abcdef"
    static let twilioToken = "twilio-auth-token-0123456789"
    static let slackSecret = "slack-signing-secret-0123456789"
    static let environment = ["TWILIO_AUTH_TOKEN": twilioToken, "SLACK_BOT_TOKEN": "xoxb-1111-2222-slacktoken0123456789",
                              "SLACK_SIGNING_SECRET": slackSecret, "REP_TOKEN": "rep-token-0123456789"]
    static let bob = "+14155550102"
    static let sue = "+14155550109"

    /// bob is the only rep on call (2 s to acknowledge), then sue, the supervisor.
    static func yaml(_ stub: ProviderStub, ackTimeout: String) -> String {
        """
        server: {host: 127.0.0.1}
        tokens:
          - {name: sam, role: rep, secret: "${REP_TOKEN}"}
        adapters:
          - {kind: generic, name: api}
          - {kind: sms.twilio, name: sms, auth_token: "${TWILIO_AUTH_TOKEN}"}
        notify:
          twilio: {account_sid: \(accountSID), auth_token: "${TWILIO_AUTH_TOKEN}", from: "+14155550100", base_url: "\(stub.baseURL)"}
          slack: {bot_token: "${SLACK_BOT_TOKEN}", signing_secret: "${SLACK_SIGNING_SECRET}", base_url: "\(stub.baseURL)"}
        oncall:
          urgency: {keywords: [cancel, refund, lawsuit], public_mentions: true}
          people:
            - {name: bob, phone: "\(bob)", slack: U0BOB0001}
            - {name: sue, phone: "\(sue)", methods: [voice, sms]}
          schedules:
            - {name: reps, time_zone: UTC, layers: [{participants: [bob], start: "2026-01-05", shift: weekly}]}
          teams:
            - name: support
              ack_timeout: \(ackTimeout)
              escalation:
                - {schedules: [reps], methods: [voice, sms, slack]}
                - {people: [sue], ack_timeout: 1h}
        """
    }

    /// Runs `body` with the stand-in and a gateway paging it; always stops both.
    func with(ackTimeout: String = "2s", _ body: (TestGateway, ProviderStub) async throws -> Void) async throws {
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        let gw = try await TestGateway.start(yaml: Self.yaml(stub, ackTimeout: ackTimeout), environment: Self.environment)
        do {
            try await body(gw, stub)
        } catch {
            try? await gw.stop()
            throw error
        }
        try await gw.stop()
    }

    /// The pages the stand-in received, as (operation, To or Slack channel, when it arrived), each checked valid.
    func pages(_ stub: ProviderStub) async throws -> [(operation: String, to: String, at: Date)] {
        let requests = try await stub.requests(provider: "twilio") + stub.requests(provider: "slack")
        #expect(requests.allSatisfy { $0["valid"] as? Bool == true }, "\(requests.compactMap { $0["error"] })")
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return requests.map { request in
            let form = FormEncoding.parse(Data((request["body"] as? String ?? "").utf8)) ?? []
            return (request["operation"] as? String ?? "", form.first("To") ?? form.first("channel") ?? "",
                    iso.date(from: request["received_at"] as? String ?? "") ?? .distantFuture)
        }
    }

    /// Waits until bob's three pages (call, SMS, Slack) arrived; returns how long after `start` the last
    /// one reached the stand-in (its arrival time, before the stand-in's own validation work).
    func bobsPages(_ stub: ProviderStub, since start: Date) async throws -> TimeInterval {
        try await eventually(every: .milliseconds(25)) {
            let bobs = try await pages(stub).filter { $0.to == Self.bob || $0.to == "U0BOB0001" }
            guard Set(bobs.map(\.operation)) == ["CreateCall", "CreateMessage", "chat_postMessage"] else { return nil }
            return bobs.map(\.at).max()!.timeIntervalSince(start)
        }
    }

    func alert(_ gw: TestGateway, case reference: String) async throws -> [String: Any] {
        try await eventually(every: .milliseconds(25)) {
            let items = json(try await gw.request(.GET, "/v1/alerts").body)["items"] as? [[String: Any]] ?? []
            return items.first { $0["case_id"] as? String == reference }
        }
    }

    @Test func theExampleConfigurationIsValid() throws {
        let root = try TestPeers.repositoryRoot()
        let env = ["REP_TOKEN": "rep-token-0123456789", "TWILIO_AUTH_TOKEN": "t", "SLACK_BOT_TOKEN": "s", "SLACK_SIGNING_SECRET": "s", "PAGER_WEBHOOK_SECRET": "0123456789abcdef0"]
        let config = try GatewayConfig.load(path: root.appendingPathComponent("Config/examples/oncall.yaml").path, environment: env)
        let oncall = try #require(config.oncall)
        #expect(oncall.teams.map(\.team) == ["support"] && oncall.people.count == 5)
        #expect(config.notify.availableMethods == ["voice", "sms", "slack", "webhook"])
    }

    @Test func anUrgentComplaintPagesTheRepWithin2sThenTheSupervisorAfterTheTimeoutUntilAcknowledged() async throws {
        try await with { gw, stub in
            let start = Date()
            let accepted = try await gw.post(#"{"external_id":"u-1","channel":"email","sender":{"name":"Dana Reyes","phone":"+14155550177"},"body":"Third time: cancel my contract now."}"#)
            #expect(accepted.status == 202)
            let toBob = try await bobsPages(stub, since: start)
            #expect(toBob < 2, "bob was paged after \(toBob) s")
            #expect(try await pages(stub).allSatisfy { $0.to != Self.sue })

            // Nobody acknowledges: after 2 s sue gets a call and an SMS.
            let toSue = try await eventually(every: .milliseconds(25)) {
                let sue = try await pages(stub).filter { $0.to == Self.sue }
                return sue.count == 2 ? sue.map(\.at).min()!.timeIntervalSince(start) : nil
            }
            #expect(toSue >= 2, "sue was paged before the timeout, after \(toSue) s")
            let alert = try await alert(gw, case: "C-1")
            #expect(alert["step"] as? String != "s0r0")

            // sue acknowledges through the API; a second ack is refused; the log shows every attempt.
            let id = alert["id"] as? Int ?? 0
            let ack = try await gw.request(.POST, "/v1/alerts/\(id)/ack", token: "rep-token-0123456789")
            #expect(ack.status == 200 && json(ack.body)["state"] as? String == "acknowledged")
            #expect(try await gw.request(.POST, "/v1/alerts/\(id)/ack").status == 409)
            let detail = json(try await gw.request(.GET, "/v1/alerts/\(id)").body)
            let attempts = detail["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.count == 5 && attempts.allSatisfy { $0["result"] as? String == "sent" })
        }
    }

    @Test func aKeypressOnTheCallAcknowledgesAndNothingMoreIsSent() async throws {
        // 6 s to acknowledge: room for the steps before the ack on a loaded machine; the supervisor is due after it.
        try await with(ackTimeout: "6s") { gw, stub in
            _ = try await gw.post(#"{"external_id":"u-1","channel":"chat","sender":{"name":"Kim","phone":"+14155550178"},"body":"Refund or lawsuit."}"#)
            _ = try await bobsPages(stub, since: Date())
            let alert = try await alert(gw, case: "C-1")
            let id = alert["id"] as? Int ?? 0
            let path = "/v1/alerts/\(id)/voice"
            let params = [("CallSid", "CA0123456789abcdef0123456789abcdef"), ("AccountSid", Self.accountSID), ("From", "+14155550100"),
                          ("To", Self.bob), ("Digits", "1"), ("CallStatus", "in-progress")]
            // A forged keypress is refused.
            let forged = try await gw.request(.POST, path, json: WebhookChannelTests.form(params), token: nil,
                                              contentType: "application/x-www-form-urlencoded", headers: [("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl")])
            #expect(forged.status == 403)
            let signature = try WebhookChannelTests.twilioSignature(url: "http://127.0.0.1:\(gw.port)\(path)", params: params, token: Self.twilioToken)
            let pressed = try await gw.request(.POST, path, json: WebhookChannelTests.form(params), token: nil,
                                               contentType: "application/x-www-form-urlencoded", headers: [("X-Twilio-Signature", signature)])
            #expect(pressed.status == 200 && pressed.body.contains("Acknowledged"))
            let acked = json(try await gw.request(.GET, "/v1/alerts/\(id)").body)
            #expect(acked["acknowledged_by"] as? String == "bob" && acked["acknowledged_via"] as? String == "voice")

            // bob got no answer: the call-again reminder is scheduled for him (15 min by default).
            let outcome = try await gw.request(.POST, "/v1/alerts/\(id)/outcome", json: #"{"outcome":"no_answer"}"#, token: "rep-token-0123456789")
            #expect(outcome.status == 200 && json(outcome.body)["retry_at"] is String, "\(outcome.body)")
            #expect(try await gw.request(.POST, "/v1/alerts/\(id)/outcome", json: #"{"outcome":"maybe"}"#).status == 422)

            try await Task.sleep(for: .seconds(7))
            #expect(try await pages(stub).allSatisfy { $0.to != Self.sue }, "the supervisor was paged after the ack")
        }
    }

    @Test func anSMSComplaintPagesAndTheRepAcknowledgesByTextingACK() async throws {
        // 6 s to acknowledge: room for the steps before the ack on a loaded machine; the supervisor is due after it.
        try await with(ackTimeout: "6s") { gw, stub in
            let url = "http://127.0.0.1:\(gw.port)/v1/hooks/sms"
            func text(_ sid: String, from: String, _ body: String) async throws -> Int {
                let params = [("MessageSid", sid), ("AccountSid", Self.accountSID), ("From", from), ("To", "+18005550199"), ("Body", body)]
                let signature = try WebhookChannelTests.twilioSignature(url: url, params: params, token: Self.twilioToken)
                return try await gw.request(.POST, "/v1/hooks/sms", json: WebhookChannelTests.form(params), token: nil,
                                            contentType: "application/x-www-form-urlencoded", headers: [("X-Twilio-Signature", signature)]).status
            }
            let start = Date()
            #expect(try await text("SM0001", from: "+14155550179", "I want a refund, the heater broke again.") == 200)
            let toBob = try await bobsPages(stub, since: start)
            #expect(toBob < 2, "bob was paged after \(toBob) s")
            let alert = try await alert(gw, case: "C-1")
            let id = alert["id"] as? Int ?? 0
            let code = alert["code"] as? String ?? ""

            #expect(try await text("SM0002", from: Self.bob, "ACK \(code)") == 200)
            let acked = try await eventually(every: .milliseconds(25)) {
                let detail = json(try await gw.request(.GET, "/v1/alerts/\(id)").body)
                return detail["state"] as? String == "acknowledged" ? detail : nil
            }
            #expect(acked["acknowledged_by"] as? String == "bob" && acked["acknowledged_via"] as? String == "sms")
            try await Task.sleep(for: .seconds(7))
            #expect(try await pages(stub).allSatisfy { $0.to != Self.sue }, "the supervisor was paged after the ack")
        }
    }

    @Test func theSlackEscalateButtonPagesTheSupervisorNowAndAcknowledgeIsSigned() async throws {
        // An hour to acknowledge: only the button can page sue now.
        try await with(ackTimeout: "1h") { gw, stub in
            _ = try await gw.post(#"{"external_id":"u-1","channel":"web","sender":{"name":"Lee","email":"lee@example.com"},"body":"Cancel it all."}"#)
            _ = try await bobsPages(stub, since: Date())
            let alert = try await alert(gw, case: "C-1")
            let id = alert["id"] as? Int ?? 0
            let code = alert["code"] as? String ?? ""
            func press(_ action: String) async throws -> (status: Int, body: String) {
                let payload = #"{"type":"block_actions","user":{"id":"U0BOB0001"},"actions":[{"action_id":"\#(action)","value":"\#(id):\#(code)"}]}"#
                let body = "payload=" + (payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                let timestamp = Int(Date().timeIntervalSince1970)
                let signature = try WebhookChannelTests.slackSignature(timestamp: timestamp, body: body)
                let response = try await gw.request(.POST, "/v1/alerts/slack-actions", json: body, token: nil, contentType: "application/x-www-form-urlencoded",
                                                    headers: [("X-Slack-Request-Timestamp", String(timestamp)), ("X-Slack-Signature", signature)])
                return (response.status, response.body)
            }
            let escalated = try await press("intake_escalate")
            #expect(escalated.status == 200 && escalated.body.contains("Escalated by bob"))
            _ = try await eventually(every: .milliseconds(25)) { try await pages(stub).filter { $0.to == Self.sue }.count == 2 ? true : nil }
            let acked = try await press("intake_ack")
            #expect(acked.status == 200 && acked.body.contains("Acknowledged by bob"))
            #expect(json(try await gw.request(.GET, "/v1/alerts/\(id)").body)["acknowledged_via"] as? String == "slack")
            let unsigned = try await gw.request(.POST, "/v1/alerts/slack-actions", json: "payload=%7B%7D", token: nil, contentType: "application/x-www-form-urlencoded")
            #expect(unsigned.status == 401)
        }
    }

    @Test func aConsoleFollowsAlertsOnTheEventStream() async throws {
        try await with(ackTimeout: "1h") { gw, stub in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(gw.port)/v1/events/stream?types=alert.sent,alert.acknowledged")
            request.headers.add(name: "Authorization", value: "Bearer \(TestGateway.adminToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.headers["Content-Type"].first == "text/event-stream")
            var chunks = response.body.makeAsyncIterator()
            var seen = ""
            /// Reads the stream until `text` shows up (5 s at most).
            func read(until text: String) async throws {
                let deadline = ContinuousClock.now + .seconds(5)
                while !seen.contains(text), ContinuousClock.now < deadline {
                    guard let chunk = try await chunks.next() else { break }
                    seen += String(buffer: chunk)
                }
            }
            let start = ContinuousClock.now
            _ = try await gw.post(#"{"external_id":"u-1","channel":"chat","sender":{"name":"Kim","phone":"+14155550178"},"body":"Refund now."}"#)
            try await read(until: "event: alert.sent")
            #expect(seen.contains("event: alert.sent") && ContinuousClock.now - start < .seconds(2), "\(seen)")
            let alert = try await alert(gw, case: "C-1")
            #expect(try await gw.request(.POST, "/v1/alerts/\(alert["id"] as? Int ?? 0)/ack").status == 200)
            try await read(until: "event: alert.acknowledged")
            #expect(seen.contains("event: alert.acknowledged"), "\(seen)")
            // Only the asked-for types: no message or urgency events.
            #expect(!seen.contains("event: message.received") && !seen.contains("event: case.urgency_changed"))
            _ = stub
        }
    }

}
