import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeEscalation
import Testing

/// The `notify:` section: what each account gives, the checks on its values, and no secret in any problem or print-out.
struct NotifyConfigTests {
    static let environment = [
        "TWILIO_AUTH_TOKEN": "twilio-token-0123456789abcdef", "SLACK_BOT_TOKEN": "xoxb-1111-2222-slacktoken0123456789",
        "SLACK_SIGNING_SECRET": "slack-signing-secret-0123456789", "PAGE_WEBHOOK_SECRET": "webhook-secret-0123456789abcdef",
        "SHORT_SECRET": "too-short",
    ]

    struct Gate: AlertGate {
        func allows(_ page: PageMessage) async throws -> Bool { true }
    }

    static func map(_ pairs: KeyValuePairs<String, ConfigValue>) -> ConfigValue { .map(pairs.map { (key: $0.key, value: $0.value) }) }

    static let twilio = map(["account_sid": .scalar("AC0123456789abcdef0123456789ABCDEF"), "auth_token": .scalar("${TWILIO_AUTH_TOKEN}"),
                             "from": .scalar("+1 (415) 555-0100")])
    static let slack = map(["bot_token": .scalar("${SLACK_BOT_TOKEN}"), "signing_secret": .scalar("${SLACK_SIGNING_SECRET}")])
    static let webhook = map(["secret": .scalar("${PAGE_WEBHOOK_SECRET}")])

    /// Reads `value` as the `notify:` section; returns the config and its problems as text.
    static func read(_ value: ConfigValue) -> (NotifyConfig, [String]) {
        let sink = ConfigSection.ProblemSink()
        let config = NotifyConfig.read(ConfigSection(path: "notify", value: value, environment: environment, sink: sink))
        return (config, sink.all.map(\.description))
    }

    @Test func everyAccountGivesItsMethodsAndADestinationEach() async throws {
        let (config, problems) = Self.read(Self.map(["twilio": Self.twilio, "slack": Self.slack, "webhook": Self.webhook,
                                                     "timeout": .scalar("5s"), "max_concurrency": .scalar("8")]))
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.availableMethods == ["voice", "sms", "slack", "webhook"])
        #expect(config.twilio?.from == "+14155550100" && config.twilio?.baseURL == "https://api.twilio.com")
        #expect(config.slack?.signingSecret == Self.environment["SLACK_SIGNING_SECRET"] && config.slack?.baseURL == "https://slack.com")
        #expect(config.timeout == .seconds(5) && config.maxConcurrency == 8)

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let destinations = config.destinations(client: client, gate: Gate())
        #expect(destinations.map(\.name) == ["page-voice", "page-sms", "page-slack", "page-webhook"])
        #expect(destinations.allSatisfy { $0.maxConcurrency == 8 })
        // Printing a notifier or the config (a log line, a crash report) shows no secret.
        let printed = destinations.map { "\($0) \(String(reflecting: $0))" }.joined() + "\(config)" + String(reflecting: config)
        var dumped = ""
        dump(config, to: &dumped)
        for secret in Self.environment.values { #expect(!printed.contains(secret) && !dumped.contains(secret)) }
        try await client.shutdown()
    }

    @Test func eachSectionIsOptional() {
        let (onlySlack, problems) = Self.read(Self.map(["slack": Self.slack]))
        #expect(problems.isEmpty)
        #expect(onlySlack.availableMethods == ["slack"])
        let (none, _) = Self.read(.null)
        #expect(none.availableMethods.isEmpty && none.timeout == .seconds(10) && none.maxConcurrency == 16)
        #expect(NotifyConfig.destinationName(for: "voice") == "page-voice")
    }

    @Test func badValuesAreProblemsAtTheirKeysAndNoSecretIsEchoed() {
        let (config, problems) = Self.read(Self.map([
            "twilio": Self.map(["account_sid": .scalar("AC123"), "auth_token": .scalar("literal-token-value"), "from": .scalar("4155550100"),
                                "base_url": .scalar("ftp://x")]),
            "slack": Self.map(["bot_token": .scalar("${SLACK_BOT_TOKEN}"), "channel": .scalar("x")]),
            "webhook": Self.map(["secret": .scalar("${SHORT_SECRET}")]),
            "max_concurrency": .scalar("0"),
        ]))
        #expect(config.availableMethods.isEmpty)
        let text = problems.joined(separator: "\n")
        for key in ["notify.twilio.account_sid: must be a Twilio Account SID", "notify.twilio.auth_token: must be a ${ENV_VAR} reference",
                    "notify.twilio.from: must be a phone number in E.164 form", "notify.twilio.base_url: must be an http or https URL",
                    "notify.slack.signing_secret: required", "notify.slack.channel: unknown key",
                    "notify.webhook.secret: must be at least 16 characters", "notify.max_concurrency: must be a whole number"] {
            #expect(text.contains(key), "missing \(key) in\n\(text)")
        }
        #expect(!text.contains("literal-token-value") && !text.contains("too-short"))
    }
}
