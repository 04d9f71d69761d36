import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeForwarding
import IntakeTesting
import Testing

/// Each tracker against the providers' stand-in, which rejects any request its published API
/// description does not allow: the whole life of a case, and the failures an outbox must survive.
@Suite(.serialized) struct TrackerTests {
    /// The stand-in's name for each tracker's create operation.
    static let createOperation = ["jira": "createIssue", "zendesk": "CreateTicket", "github": "issues/create", "linear": "issueCreate"]

    /// Runs `body` with a fresh stub and harness, and always stops both.
    func with(_ kind: String, timeout: Duration = .seconds(5), _ body: (ForwardingHarness) async throws -> Void) async throws {
        try await ProviderStub.withHarness({ try ForwardingHarness(kind: kind, stub: $0, timeout: timeout) }, body)
    }

    /// Printed, reflected or dumped (a log line, an error), no tracker shows its token, plain or as the
    /// Basic credentials it sends.
    @Test(arguments: ["jira", "zendesk", "github", "linear", "webhook"])
    func aTrackerNeverPrintsItsToken(kind: String) {
        let token = ForwardingHarness.token
        let tracker: any Tracker = kind == "webhook"
            ? WebhookTracker(http: TrackerHTTP(client: HTTPClient.shared, baseURL: "http://127.0.0.1:9", headers: [], timeout: .seconds(1), secrets: [token]),
                             url: "http://127.0.0.1:9/hook", secret: token)
            : ForwardingHarness.tracker(kind, base: "http://127.0.0.1:9", client: HTTPClient.shared, timeout: .seconds(1), clock: SystemClock())
        var dumped = ""
        dump(tracker, to: &dumped)
        let basic = Data("bot@acme.com:\(token)".utf8).base64EncodedString()
        for text in [String(describing: tracker), String(reflecting: tracker), dumped] {
            #expect(!text.contains(token) && !text.contains(basic), "\(kind): \(text)")
        }
    }

    @Test(arguments: ["jira", "zendesk", "github", "linear"])
    func aCaseBecomesOneTicketItsRepliesCommentsAndItsResolutionTheTicketsStatus(kind: String) async throws {
        try await with(kind) { h in
            let caseID = try #require(try await h.complaint("m1", body: "I paid twice and want a refund.\nOrder 1182."))
            try await h.deliver()
            let ticket = try #require(try await h.deliveries().first { $0.state == .done && $0.key.hasSuffix("C-\(caseID)") })
            let remote = try #require(ticket.remoteID)

            _ = try await h.complaint("m2", body: "Still nothing after a week.", thread: "m1")
            _ = try await h.store.updateCase(id: caseID, patch: CasePatch(state: .resolved), actor: "sam", at: h.clock.now())
            try await h.drain()
            try await h.deliver()

            let all = try await h.deliveries()
            #expect(all.count == 3)
            #expect(all.allSatisfy { $0.state == .done }, "\(all.map { "\($0.key): \($0.lastStatus ?? 0) \($0.lastError ?? "")" })")
            #expect(all.filter { $0.key.contains("/comment/") }.count == 1)
            #expect(all.filter { $0.key.contains("/status/") }.count == 1)

            let requests = try await h.stub.requests(provider: kind)
            #expect(!requests.isEmpty)
            #expect(requests.allSatisfy { $0["valid"] as? Bool == true }, "\(requests.filter { $0["valid"] as? Bool != true }.map { $0["error"] ?? "" })")
            #expect(requests.filter { $0["operation"] as? String == Self.createOperation[kind] }.count == 1)
            let bodies = requests.compactMap { $0["body"] as? String }.joined(separator: "\n")
            #expect(bodies.contains("Still nothing after a week."))
            #expect(bodies.contains("intake-"))  // the case key travels to the tracker
            #expect(!bodies.contains(ForwardingHarness.token))

            // The case's own log says where it went.
            let events = try #require(try await h.store.caseDetail(id: caseID)).events
            #expect(events.contains { $0.type == .forwarded && $0.data["remote_id"] == remote && $0.data["destination"] == kind })
        }
    }

    @Test(arguments: ["jira", "zendesk", "github", "linear"])
    func aLostAnswerAfterTheRemoteCreateDoesNotMakeASecondTicket(kind: String) async throws {
        try await with(kind) { h in
            // The tracker makes the ticket, but its answer never reaches us (as a crash before recording it).
            try await h.stub.scenario(provider: kind, operation: Self.createOperation[kind]!, responses: [["status": 500, "after_effect": true]])
            _ = try await h.complaint("m1", body: "The heater is broken again.")
            try await h.deliver()
            let first = try #require(try await h.deliveries().first)
            if kind == "linear" {
                // The issue id is derived from the key: the same attempt finds its issue and attaches the key.
                #expect(first.state == .done && first.attempts == 1)
            } else {
                #expect(first.state == .pending && first.attempts == 1 && first.lastStatus == 500)
            }

            h.clock.advance(by: .seconds(5))
            try await h.deliver()
            let done = try #require(try await h.deliveries().first)
            #expect(done.state == .done && done.attempts == (kind == "linear" ? 1 : 2))
            #expect(try await ticketCount(h, kind) == 1)
            let creates = try await h.stub.requests(provider: kind).filter { $0["operation"] as? String == Self.createOperation[kind] }
            #expect(creates.count == 1, "the retry made a second create request")
        }
    }

    @Test func anOutageIsRetriedWithBackoffUntilTheTrackerRecovers() async throws {
        try await with("jira") { h in
            try await h.stub.scenario(provider: "jira", operation: "createIssue", responses: [["status": 503, "count": 2]])
            _ = try await h.complaint("m1", body: "No power since Monday.")
            try await h.deliver()
            #expect(try await h.deliveries().first?.lastStatus == 503)
            h.clock.advance(by: .seconds(1))
            try await h.deliver()
            h.clock.advance(by: .seconds(2))
            try await h.deliver()
            let delivery = try #require(try await h.deliveries().first)
            #expect(delivery.state == .done && delivery.attempts == 3)
            #expect(try await ticketCount(h, "jira") == 1)
        }
    }

    @Test func retryAfterOnA429IsHonoured() async throws {
        try await with("zendesk") { h in
            try await h.stub.scenario(provider: "zendesk", operation: "CreateTicket", responses: [["status": 429, "headers": ["Retry-After": "120"]]])
            _ = try await h.complaint("m1", body: "Wrong invoice.")
            try await h.deliver()
            h.clock.advance(by: .seconds(60))
            try await h.deliver()
            #expect(try await h.deliveries().first?.attempts == 1, "tried again before Retry-After passed")
            h.clock.advance(by: .seconds(61))
            try await h.deliver()
            #expect(try await h.deliveries().first?.state == .done)
        }
    }

    @Test func aTrackerThatDoesNotAnswerInTimeIsRetried() async throws {
        try await with("github", timeout: .milliseconds(300)) { h in
            try await h.stub.scenario(provider: "github", operation: "search/issues-and-pull-requests", responses: [["delay_ms": 1500]])
            _ = try await h.complaint("m1", body: "Support never called back.")
            try await h.deliver()
            let delivery = try #require(try await h.deliveries().first)
            #expect(delivery.state == .pending && (delivery.lastError ?? "").contains("no answer within"))
            h.clock.advance(by: .seconds(2))
            try await h.deliver()
            #expect(try await h.deliveries().first?.state == .done)
        }
    }

    @Test func aRefusalGoesToTheDeadLettersWithTheAnswerWithoutTheTokenAndCanBeRetried() async throws {
        try await with("jira") { h in
            let echo = #"{"errorMessages":["Field 'priority' cannot be set. Token \#(ForwardingHarness.token) has no permission."]}"#
            try await h.stub.scenario(provider: "jira", operation: "createIssue", responses: [["status": 400, "body": echo]])
            _ = try await h.complaint("m1", body: "Broken screen on arrival.")
            try await h.deliver()
            let dead = try #require(try await h.store.deliveries(state: .dead, limit: 10).first)
            #expect(dead.lastStatus == 400)
            #expect((dead.lastError ?? "").contains("cannot be set"))
            #expect(!(dead.lastError ?? "").contains(ForwardingHarness.token) && (dead.lastError ?? "").contains("<redacted>"))
            let events = try #require(try await h.store.caseDetail(id: dead.caseID ?? 0)).events
            #expect(events.contains { $0.type == .forwardFailed && $0.data["status"] == "400" })

            _ = try await h.store.requeue(id: dead.id, at: h.clock.now())
            try await h.deliver()
            #expect(try await h.store.delivery(id: dead.id)?.state == .done)
        }
    }

    @Test func aWebhookGetsSignedVersionedEventsForCreateCommentAndStatus() async throws {
        try await with("webhook") { h in
            let caseID = try #require(try await h.complaint("m1", body: "Where is my refund?"))
            _ = try await h.complaint("m2", body: "Hello?", thread: "m1")
            _ = try await h.store.updateCase(id: caseID, patch: CasePatch(state: .closed), actor: "sam", at: h.clock.now())
            try await h.drain()
            try await h.deliver()
            let requests = try await h.stub.requests(provider: "webhook")
            #expect(requests.count == 3)
            var types: [String] = []
            for request in requests {
                let headers = request["headers"] as? [String: String] ?? [:]
                let body = Data((request["body"] as? String ?? "").utf8)
                let signature = headers.first { $0.key.lowercased() == "x-intake-signature" }?.value ?? ""
                #expect(WebhookSignature.verify(header: signature, body: body, secret: ForwardingHarness.token, now: Int(h.clock.now().timeIntervalSince1970)))
                let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                #expect(json["version"] as? String == "1")
                #expect(headers.first { $0.key.lowercased() == "x-intake-delivery" }?.value == json["delivery"] as? String)
                types.append(json["type"] as? String ?? "")
            }
            // Deliveries go out concurrently: a receiver orders them by `at`, not by arrival.
            #expect(types.sorted() == ["case.created", "case.message", "case.state_changed"])
        }
    }

    /// How many tickets the tracker holds now.
    func ticketCount(_ h: ForwardingHarness, _ kind: String) async throws -> Int {
        let state = try await h.stub.state()
        let objects = state[kind] as? [String: Any] ?? [:]
        let key = ["jira": "issues", "zendesk": "tickets", "github": "issues", "linear": "issues"][kind]!
        if let list = objects[key] as? [Any] { return list.count }
        if let map = objects[key] as? [String: Any] { return map.count }
        return -1
    }
}
