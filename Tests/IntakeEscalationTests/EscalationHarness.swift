import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeEscalation
import IntakePolicy
import IntakeServer
import IntakeStore
import IntakeTesting
import Logging

/// A store, the providers' stand-in and the call-first services as a gateway assembles them, driven
/// step by step on a test clock: `drain()` runs the engine, `deliver()` the notifiers, `tick()` the timer.
final class EscalationHarness: StubHarness {
    static let twilioSID = "AC0123456789abcdef0123456789abcdef"
    static let environment = [
        "TWILIO_AUTH_TOKEN": "twilio-token-0123456789abcdef", "SLACK_BOT_TOKEN": "xoxb-1111-2222-slacktoken0123456789",
        "SLACK_SIGNING_SECRET": "slack-signing-secret-0123456789",
    ]
    /// Friday 2027-01-15 08:00 UTC: week 2 of the rotation, so bob is on call.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// ann and bob take weekly turns; sue (the supervisor) is step 2; rules: keywords, public, repeat contact.
    static func yaml(_ stub: ProviderStub, teamExtra: String = "") -> String {
        """
        adapters:
          - {kind: generic, name: api}
        notify:
          twilio: {account_sid: \(twilioSID), auth_token: "${TWILIO_AUTH_TOKEN}", from: "+14155550100", base_url: "\(stub.baseURL)"}
          slack: {bot_token: "${SLACK_BOT_TOKEN}", signing_secret: "${SLACK_SIGNING_SECRET}", base_url: "\(stub.baseURL)"}
        oncall:
          urgency:
            public_mentions: true
            keywords: [lawsuit, cancel, refund]
            repeat_contact: {messages: 3, within: 1h}
          people:
            - {name: ann, phone: "+14155550101", slack: U0ANN0001}
            - {name: bob, phone: "+14155550102", slack: U0BOB0001}
            - {name: sue, phone: "+14155550109", methods: [voice, sms]}
          schedules:
            - name: reps
              time_zone: UTC
              layers: [{participants: [ann, bob], start: "2027-01-04", shift: weekly, handoff: "09:00"}]
          teams:
            - name: support
              ack_timeout: 5m
              escalation:
                - {schedules: [reps], methods: [voice, sms, slack]}
                - {people: [sue]}
        \(teamExtra)
        """
    }

    let store: SQLiteCaseStore
    let stub: ProviderStub
    let client: HTTPClient
    let clock: TestClock
    let escalation: Escalation
    let consumer: EventConsumerService

    /// A harness over `store` (a new database when nil): a second harness over the same store is a restart.
    init(stub: ProviderStub, store: SQLiteCaseStore? = nil, clock: TestClock = TestClock(now: EscalationHarness.start), yaml: String? = nil) throws {
        self.stub = stub
        self.clock = clock
        self.store = try store ?? SQLiteCaseStore(path: try temporaryDirectory("escalation").appendingPathComponent("intake.sqlite").path)
        client = HTTPClient(eventLoopGroupProvider: .singleton)
        let config = try GatewayConfig.parse(yaml: yaml ?? Self.yaml(stub), environment: Self.environment, now: clock.now())
        guard let oncall = config.oncall else { throw HarnessError("no oncall section") }
        var logger = Logger(label: "escalation-test")
        logger.logLevel = .error
        escalation = Escalation(oncall: oncall, notify: config.notify, store: self.store, client: client,
                                caseLink: { "https://intake.example.com/v1/cases/\($0)" },
                                voiceActionURL: { "https://intake.example.com/v1/alerts/\($0)/voice" }, clock: clock, logger: logger)
        consumer = EventConsumerService(handler: escalation.engine, store: self.store, commits: CommitSignal(), clock: clock, logger: logger)
    }

    func shutdown() async throws { try await client.shutdown() }

    /// Stores a complaint (a reply when `thread` names an earlier one) and lets the engine read it; returns the case id.
    @discardableResult
    func complaint(_ id: String, body: String, channel: ChannelKind = .email, phone: String? = "+14155550177", email: String? = "dana@example.com",
                   name: String = "Dana Reyes", isPublic: Bool = false, thread: String? = nil) async throws -> Int64 {
        let message = message(id, body: body, channel: channel, phone: phone, email: email, name: name, isPublic: isPublic, thread: thread)
        let outcome = try await store.ingest([.message(message)])
        try await drain()
        guard case .stored(let receipt) = outcome.first, let caseID = receipt.caseID else { throw HarnessError("not stored: \(outcome)") }
        return caseID
    }

    /// A complaint as an adapter hands it to the store.
    func message(_ id: String, body: String, channel: ChannelKind = .email, phone: String? = "+14155550177", email: String? = "dana@example.com",
                 name: String = "Dana Reyes", isPublic: Bool = false, thread: String? = nil) -> InboundMessage {
        var identities: [Identity] = []
        if let phone { identities.append(Identity.phone(phone, defaultRegion: "US")!) }
        if let email { identities.append(Identity.email(email)!) }
        return InboundMessage(
            adapter: "api", channel: channel, externalID: id, receivedAt: clock.now(), sender: Sender(identities: identities, displayName: name),
            subject: channel == .email ? "My order" : nil, body: body, threadRefs: thread.map { [$0] } ?? [], ownRefs: [id], isPublic: isPublic,
            raw: RawPayload(contentType: "text/plain", bytes: Data(body.utf8)))
    }

    func drain() async throws {
        while try await consumer.drainOnce() > 0 {}
    }

    /// Works every notifier's outbox until nothing is due now.
    func deliver() async throws {
        var worked = 1
        while worked > 0 {
            worked = 0
            for outbox in escalation.outboxes { worked += try await outbox.workOnce() }
        }
    }

    /// Runs the timer once at the clock's time; returns how many alerts moved.
    @discardableResult
    func tick() async throws -> Int { try await escalation.timer.escalateDue() }

    func alerts() async throws -> [Alert] { try await store.alerts(state: nil, limit: 100) }

    /// What the stand-in received, as (provider operation, To or channel, body text), all checked valid.
    func pages() async throws -> [SentPage] {
        let requests = try await stub.requests(provider: "twilio") + stub.requests(provider: "slack")
        return requests.map { request in
            let form = FormEncoding.parse(Data((request["body"] as? String ?? "").utf8)) ?? []
            return SentPage(operation: request["operation"] as? String ?? "", to: form.first("To") ?? form.first("channel") ?? "",
                            text: form.first("Body") ?? form.first("Twiml") ?? form.first("text") ?? "", valid: request["valid"] as? Bool == true,
                            error: "\(request["error"] ?? "")")
        }
    }
}

/// One request a notifier made, as the stand-in recorded it.
struct SentPage: Equatable {
    var operation: String
    var to: String
    var text: String
    var valid: Bool
    var error: String
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
