import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeEscalation
import IntakeForwarding
import IntakeTesting
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Each notifier against the providers' stand-in, which rejects any request Twilio's or Slack's
/// published API description does not allow: what is sent, what a held-back page sends (nothing),
/// and how refusals are classified without a secret in them.
@Suite(.serialized) struct NotifierTests {
    static let accountSID = "AC0123456789abcdef0123456789abcdef"
    static let authToken = "twilio-token-0123456789abcdef"
    static let botToken = "xoxb-1111-2222-slacktoken0123456789"
    static let signingSecret = "slack-signing-secret-0123456789"
    static let webhookSecret = "webhook-secret-0123456789abcdef"
    static let from = "+14155550100"
    static let clock = TestClock(now: Date(timeIntervalSince1970: 1_800_000_000))

    /// An alert gate with a fixed answer.
    struct FixedGate: AlertGate {
        var paging: Bool
        func allows(_ page: PageMessage) async throws -> Bool { paging }
    }

    /// A page with the characters that break SMS, XML and mrkdwn: `&`, `<`, `>`, quotes and typographic punctuation.
    static func page(method: String, address: String) -> PageMessage {
        PageMessage(
            alertID: 7, code: "4821", caseReference: "C-42", person: "ann", method: method, address: address,
            title: "Call Dana Reyes now: +14155550100 (C-42)",
            text: """
            Call Dana Reyes now: +14155550100 (C-42)
            “My fridge died & the food’s spoiling — 3rd time <again>.”
            Urgent: VIP customer, 3 messages in 1 hour.
            https://intake.example.com/v1/cases/C-42
            Open with: “Hi Dana, this is Acme support about your fridge.”
            """,
            speech: "Call Dana Reyes at +1 415 555 0100 about case C-42. She says: \"My fridge died & the food's spoiling <again>.\"",
            voiceActionURL: "https://intake.example.com/v1/alerts/7/voice?step=1&round=1",
            caseLink: "https://intake.example.com/v1/cases/C-42", step: "step 1 of 2, round 1",
            at: Date(timeIntervalSince1970: 1_800_000_000))
    }

    static func delivery(_ page: PageMessage) throws -> Delivery {
        Delivery(id: 1, destination: NotifyConfig.destinationName(for: page.method), key: "page-7-1-\(page.method)", caseID: 42,
                 payload: try page.encoded(), state: .pending, attempts: 0, nextAttemptAt: clock.now(), lastStatus: nil, lastError: nil,
                 remoteID: nil, createdAt: clock.now())
    }

    /// The four notifiers as the config builds them, pointed at the stub.
    static func config(_ stub: ProviderStub, accountSID: String = accountSID) -> NotifyConfig {
        NotifyConfig(twilio: TwilioAccount(accountSID: accountSID, authToken: authToken, from: from, baseURL: stub.baseURL),
                     slack: SlackAccount(botToken: botToken, signingSecret: signingSecret, baseURL: stub.baseURL),
                     webhookSecret: webhookSecret, timeout: .seconds(5), maxConcurrency: 4)
    }

    static func address(_ method: String, _ stub: ProviderStub) -> String {
        switch method {
        case "slack": "U024BE7LH"
        case "webhook": stub.baseURL + "/hooks/ann"
        default: "+14155550123"
        }
    }

    /// Runs `body` with a fresh stub and HTTP client, and always stops both.
    func with(_ body: (ProviderStub, HTTPClient) async throws -> Void) async throws {
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await body(stub, client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Sends one page by `method` through the configured notifier; returns the result and what the stub recorded.
    func send(_ method: String, stub: ProviderStub, client: HTTPClient, paging: Bool = true,
              config: NotifyConfig? = nil) async throws -> (DeliveryResult, PageMessage) {
        let notifier = try #require((config ?? Self.config(stub)).destination(for: method, client: client, clock: Self.clock,
                                                                               gate: FixedGate(paging: paging)))
        #expect(notifier.name == "page-\(method)")
        let page = Self.page(method: method, address: Self.address(method, stub))
        return (await notifier.deliver(try Self.delivery(page)), page)
    }

    /// The stub's records of `provider`, each checked valid and of `operation`.
    func validRequests(_ stub: ProviderStub, _ provider: String, _ operation: String) async throws -> [[String: Any]] {
        let requests = try await stub.requests(provider: provider)
        #expect(requests.count == 1)
        #expect(requests.allSatisfy { $0["valid"] as? Bool == true }, "\(requests.map { $0["error"] ?? "" })")
        #expect(requests.allSatisfy { $0["operation"] as? String == operation })
        return requests
    }

    static func form(_ request: [String: Any]) -> [(name: String, value: String)] {
        FormEncoding.parse(Data((request["body"] as? String ?? "").utf8)) ?? []
    }

    // MARK: - What each notifier sends

    @Test func anSMSPageIsAValidTwilioMessageThatSaysHowToAcknowledge() async throws {
        try await with { stub, client in
            let (result, page) = try await send("sms", stub: stub, client: client)
            guard case .done(let sid?) = result else { Issue.record("not done: \(result)"); return }
            #expect(sid.hasPrefix("SM") && sid.count == 34)

            let request = try #require(try await validRequests(stub, "twilio", "CreateMessage").first)
            #expect(request["path"] as? String == "/2010-04-01/Accounts/\(Self.accountSID)/Messages.json")
            let form = Self.form(request)
            #expect(form.first("To") == page.address && form.first("From") == Self.from)
            let body = try #require(form.first("Body"))
            #expect(body == TwilioSMSBody.body(for: page))
            #expect(body.hasPrefix("Call Dana Reyes now: +14155550100 (C-42)\n"))
            #expect(body.hasSuffix("\nReply ACK 4821 to acknowledge."))
            #expect(body.contains("\"My fridge died & the food's spoiling - 3rd time <again>.\""))  // typographic punctuation as ASCII
            #expect(body.components(separatedBy: "Call Dana Reyes now").count == 2)  // the title once, not again from the text
            #expect(body.contains(page.caseLink))
            #expect(body.utf16.count <= 1600)
            #expect(!(request["body"] as? String ?? "").contains(Self.authToken))
        }
    }

    @Test func aVoicePageIsAValidTwilioCallWithWellFormedTwiMLThatGathersOneKey() async throws {
        try await with { stub, client in
            let (result, page) = try await send("voice", stub: stub, client: client)
            guard case .done(let sid?) = result else { Issue.record("not done: \(result)"); return }
            #expect(sid.hasPrefix("CA") && sid.count == 34)

            let request = try #require(try await validRequests(stub, "twilio", "CreateCall").first)
            let form = Self.form(request)
            #expect(form.first("To") == page.address && form.first("From") == Self.from)
            let twiml = try #require(form.first("Twiml"))
            #expect(twiml == TwilioVoiceTwiML.twiml(for: page))
            #expect(twiml.hasPrefix("<Response><Gather numDigits=\"1\" action=\"https://intake.example.com/v1/alerts/7/voice?step=1&amp;round=1\" method=\"POST\" timeout=\"10\"><Say>"))
            #expect(twiml.contains("food&apos;s spoiling &lt;again&gt;.&quot;") && twiml.contains("C-42. She says: &quot;My fridge died &amp; the"))
            #expect(twiml.hasSuffix("</Say><Say>Press 1 to acknowledge and take this call.</Say></Gather><Say>No key pressed. We will page the next person.</Say></Response>"))
            try checkWellFormed(twiml, page: page)
        }
    }

    /// Parses the TwiML and checks the round trip of the action URL and the speech.
    func checkWellFormed(_ twiml: String, page: PageMessage) throws {
        #if canImport(FoundationXML)
        let document = try XMLDocument(xmlString: twiml, options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "Response")
        let gather = try #require(root.elements(forName: "Gather").first)
        #expect(gather.attribute(forName: "action")?.stringValue == page.voiceActionURL)
        #expect(gather.attribute(forName: "numDigits")?.stringValue == "1")
        #expect(gather.elements(forName: "Say").map { $0.stringValue ?? "" } == [page.speech, "Press 1 to acknowledge and take this call."])
        #expect(root.elements(forName: "Say").first?.stringValue == "No key pressed. We will page the next person.")
        #else
        // No XML parser: at least no raw markup character is left in the speech.
        let speech = twiml.components(separatedBy: "<Say>")[1].components(separatedBy: "</Say>")[0]
        #expect(!speech.contains("<") && !speech.contains(">") && !speech.replacingOccurrences(of: "&amp;", with: "").contains("& "))
        #endif
    }

    @Test func aSlackPageIsAValidDirectMessageWithAcknowledgeAndEscalateButtons() async throws {
        try await with { stub, client in
            let (result, page) = try await send("slack", stub: stub, client: client)
            guard case .done(let ts?) = result else { Issue.record("not done: \(result)"); return }
            #expect(!ts.isEmpty)

            let request = try #require(try await validRequests(stub, "slack", "chat_postMessage").first)
            let headers = request["headers"] as? [String: String] ?? [:]
            #expect(headers["content-type"] == "application/x-www-form-urlencoded")
            let form = Self.form(request)
            #expect(form.first("channel") == "U024BE7LH")
            #expect(form.first("text") == "Call Dana Reyes now: +14155550100 (C-42)")
            let blocks = try #require(try JSONSerialization.jsonObject(with: Data((form.first("blocks") ?? "").utf8)) as? [[String: Any]])
            #expect(blocks.map { $0["type"] as? String } == ["section", "actions"])
            let section = try #require((blocks[0]["text"] as? [String: Any])?["text"] as? String)
            #expect(section.hasPrefix("*Call Dana Reyes now: +14155550100 (C-42)*\n“My fridge died"))  // the title once, in bold
            #expect(section.contains("food’s spoiling — 3rd time &lt;again&gt;.”") && section.contains("died &amp; the"))
            let buttons = try #require(blocks[1]["elements"] as? [[String: Any]])
            #expect(buttons.map { $0["action_id"] as? String } == ["intake_ack", "intake_escalate"])
            #expect(buttons.map { $0["value"] as? String } == ["7:4821", "7:4821"])
            #expect(buttons.map { $0["style"] as? String } == ["primary", "danger"])
            #expect(buttons.map { ($0["text"] as? [String: Any])?["text"] as? String } == ["Acknowledge", "Escalate"])
            #expect(page.method == "slack")
        }
    }

    @Test func aWebhookPageIsSignedVersionedJSONWithEveryFieldOfThePage() async throws {
        try await with { stub, client in
            let (result, page) = try await send("webhook", stub: stub, client: client)
            #expect(result == .done(remoteID: nil))
            let request = try #require(try await validRequests(stub, "webhook", "ann").first)
            let headers = request["headers"] as? [String: String] ?? [:]
            let body = Data((request["body"] as? String ?? "").utf8)
            #expect(WebhookSignature.verify(header: headers["x-intake-signature"] ?? "", body: body, secret: Self.webhookSecret,
                                            now: Int(Self.clock.now().timeIntervalSince1970)))
            #expect(headers["x-intake-delivery"] == "page-7-1-webhook")
            #expect(headers["content-type"] == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(json["version"] as? String == "1" && json["type"] as? String == "alert.page" && json["delivery"] as? String == "page-7-1-webhook")
            #expect((json["alert_id"] as? NSNumber)?.int64Value == 7)
            let strings: [String: String] = [
                "code": page.code, "case_reference": page.caseReference, "person": page.person, "method": page.method, "address": page.address,
                "title": page.title, "text": page.text, "speech": page.speech, "voice_action_url": page.voiceActionURL,
                "case_link": page.caseLink, "step": page.step, "at": "2027-01-15T08:00:00Z",
            ]
            for (key, value) in strings { #expect(json[key] as? String == value, "\(key)") }
            #expect(Set(json.keys) == Set(strings.keys).union(["version", "type", "delivery", "alert_id"]))
        }
    }

    // MARK: - The gate

    @Test(arguments: NotifyConfig.methods)
    func aPageWhoseAlertNoLongerPagesSendsNothing(method: String) async throws {
        try await with { stub, client in
            let (result, _) = try await send(method, stub: stub, client: client, paging: false)
            #expect(result == .done(remoteID: "not sent: acknowledged"))
            #expect(try await stub.requests().isEmpty)
        }
    }

    @Test func aGateThatCannotAnswerDefersThePage() async throws {
        struct BrokenGate: AlertGate {
            struct Down: Error {}
            func allows(_ page: PageMessage) async throws -> Bool { throw Down() }
        }
        try await with { stub, client in
            let notifier = TwilioNotifier(.sms, account: TwilioAccount(accountSID: Self.accountSID, authToken: Self.authToken, from: Self.from,
                                                                    baseURL: stub.baseURL), client: client, gate: BrokenGate())
            let result = await notifier.deliver(try Self.delivery(Self.page(method: "sms", address: "+14155550123")))
            guard case .retry = result else { Issue.record("not a retry: \(result)"); return }
            #expect(try await stub.requests().isEmpty)
        }
    }

    // MARK: - Refusals

    @Test func slackOkFalseIsPermanentButRatelimitedIsRetriedAfterRetryAfter() async throws {
        try await with { stub, client in
            try await stub.scenario(provider: "slack", operation: "chat_postMessage", responses: [
                ["status": 200, "body": ["ok": false, "error": "channel_not_found"]],
                ["status": 200, "body": ["ok": false, "error": "ratelimited"], "headers": ["Retry-After": "30"]],
                ["status": 200, "body": ["ok": false, "error": "invalid_auth"]],
            ])
            let (notFound, _) = try await send("slack", stub: stub, client: client)
            #expect(notFound == .permanent(reason: "Slack refused the message: channel_not_found", status: 200))
            let (limited, _) = try await send("slack", stub: stub, client: client)
            #expect(limited == .retry(reason: "Slack: ratelimited", status: 200, after: .seconds(30)))
            let (auth, _) = try await send("slack", stub: stub, client: client)
            #expect(auth == .permanent(reason: "Slack refused the message: invalid_auth", status: 200))
            let requests = try await stub.requests(provider: "slack")
            #expect(requests.count == 3 && requests.allSatisfy { $0["valid"] as? Bool == true })
        }
    }

    @Test func slackHTTP429IsRetriedWithItsRetryAfter() async throws {
        try await with { stub, client in
            try await stub.scenario(provider: "slack", operation: "chat_postMessage", responses: [
                ["status": 429, "body": ["ok": false, "error": "ratelimited"], "headers": ["Retry-After": "12"]],
            ])
            let (result, _) = try await send("slack", stub: stub, client: client)
            guard case .retry(_, 429, .seconds(12)?) = result else { Issue.record("\(result)"); return }
        }
    }

    @Test func aTwilio400IsPermanentAndItsRecordedAnswerHasNoAuthToken() async throws {
        try await with { stub, client in
            let echo: [String: Any] = ["code": 21211, "message": "Invalid 'To' Phone Number (token \(Self.authToken))",
                                       "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400]
            try await stub.scenario(provider: "twilio", operation: "CreateMessage", responses: [["status": 400, "body": echo]])
            let (result, _) = try await send("sms", stub: stub, client: client)
            guard case .permanent(let reason, 400) = result else { Issue.record("not permanent: \(result)"); return }
            #expect(reason.contains("21211") && reason.contains("<redacted>"))
            #expect(!reason.contains(Self.authToken))
            #expect(!"\(result)".contains(Self.authToken))
        }
    }

    @Test func aTwilio503IsRetried() async throws {
        try await with { stub, client in
            try await stub.scenario(provider: "twilio", operation: "CreateCall", responses: [["status": 503, "headers": ["Retry-After": "5"]]])
            let (result, _) = try await send("voice", stub: stub, client: client)
            guard case .retry(_, 503, .seconds(5)?) = result else { Issue.record("\(result)"); return }
        }
    }

    @Test func aMalformedAccountSIDIsRejectedByTheStandInSoValidationIsOn() async throws {
        try await with { stub, client in
            let (result, _) = try await send("sms", stub: stub, client: client, config: Self.config(stub, accountSID: "ACnot-a-real-sid"))
            guard case .permanent(_, 400) = result else { Issue.record("not refused: \(result)"); return }
            let requests = try await stub.requests(provider: "twilio")
            let record = try #require(requests.first)
            #expect(requests.count == 1 && record["valid"] as? Bool == false)
            let error = (record["error"] as? String) ?? ""
            #expect(error.contains("AccountSid"), "\(error)")
        }
    }

    @Test func aWebhookAddressThatIsNoURLIsPermanentWithoutARequest() async throws {
        try await with { stub, client in
            let notifier = try #require(Self.config(stub).destination(for: "webhook", client: client, clock: Self.clock, gate: FixedGate(paging: true)))
            let result = await notifier.deliver(try Self.delivery(Self.page(method: "webhook", address: "pager.example.com/ann")))
            guard case .permanent(_, nil) = result else { Issue.record("\(result)"); return }
            #expect(try await stub.requests().isEmpty)
        }
    }

    // MARK: - Limits of the texts (no I/O)

    @Test func aLongAlertStaysWithinTheSMSLimitAndKeepsTheACKLine() {
        var page = Self.page(method: "sms", address: "+14155550123")
        page.text = (1...40).map { "Line \($0): " + String(repeating: "complaint ", count: 8) }.joined(separator: "\n")
        let short = TwilioSMSBody.body(for: page)
        #expect(short.contains("Line 6:") && !short.contains("Line 7:"))  // a few lines, not the whole alert
        #expect(short.hasSuffix("\nReply ACK 4821 to acknowledge."))

        page.text = (1...40).map { "Line \($0): " + String(repeating: "complaint ", count: 60) }.joined(separator: "\n")
        let long = TwilioSMSBody.body(for: page)
        #expect(long.utf16.count <= TwilioSMSBody.maxBodyLength)
        #expect(long.hasSuffix("...\nReply ACK 4821 to acknowledge."))
    }

    @Test func aLongAlertStaysWithinSlacksSectionLimit() throws {
        var page = Self.page(method: "slack", address: "U024BE7LH")
        page.text = String(repeating: "Tom & Jerry <urgent> ", count: 400)
        let blocks = try #require(try JSONSerialization.jsonObject(with: Data(try SlackNotifier.blocksJSON(for: page).utf8)) as? [[String: Any]])
        let section = try #require((blocks.first?["text"] as? [String: Any])?["text"] as? String)
        #expect(section.utf16.count <= 3000 && section.hasSuffix("…"))
        #expect(blocks.count == 2)
    }

    @Test func aLongSpeechStaysWithinTheTwiMLLimitAndWellFormed() throws {
        var page = Self.page(method: "voice", address: "+14155550123")
        page.speech = String(repeating: "Tom & Jerry <urgent> ", count: 400)
        let twiml = TwilioVoiceTwiML.twiml(for: page)
        #expect(twiml.utf16.count <= TwilioVoiceTwiML.maxTwimlLength)
        #expect(twiml.hasSuffix("<Say>No key pressed. We will page the next person.</Say></Response>"))
        #if canImport(FoundationXML)
        _ = try XMLDocument(xmlString: twiml, options: [])
        #endif
        #expect(TwilioVoiceTwiML.xmlEscaped("a\u{0}b\u{7}c\td") == "abc d")
    }
}
