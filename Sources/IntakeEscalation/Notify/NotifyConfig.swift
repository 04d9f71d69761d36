import AsyncHTTPClient
import Foundation
import IntakeCore

/// The `notify:` section: the accounts pages go out through, each optional; what is configured decides
/// which contact methods can page (`availableMethods`).
///
/// ```yaml
/// notify:
///   twilio:                                   # voice and sms
///     account_sid: ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
///     auth_token: "${TWILIO_AUTH_TOKEN}"
///     from: "+14155550100"                    # a Twilio number of the account, E.164
///     # base_url: https://api.twilio.com
///   slack:                                    # slack (a DM from the app, with Acknowledge / Escalate buttons)
///     bot_token: "${SLACK_BOT_TOKEN}"
///     signing_secret: "${SLACK_SIGNING_SECRET}"   # checks the buttons' callbacks
///     # base_url: https://slack.com
///   webhook:                                  # webhook (signed JSON to the person's URL)
///     secret: "${PAGE_WEBHOOK_SECRET}"        # at least 16 characters
///   timeout: 10s                              # per request
///   max_concurrency: 16                       # attempts in flight per method
/// ```
public struct NotifyConfig: Sendable, CustomStringConvertible, CustomReflectable {
    /// Every contact method, in the order their destinations are built.
    public static let methods = ["voice", "sms", "slack", "webhook"]

    public var twilio: TwilioAccount?
    public var slack: SlackAccount?
    /// Signs webhook pages (`X-Intake-Signature`).
    public var webhookSecret: String?
    public var timeout: Duration = .seconds(10)
    public var maxConcurrency = 16

    public init(twilio: TwilioAccount? = nil, slack: SlackAccount? = nil, webhookSecret: String? = nil,
                timeout: Duration = .seconds(10), maxConcurrency: Int = 16) {
        self.twilio = twilio
        self.slack = slack
        self.webhookSecret = webhookSecret
        self.timeout = timeout
        self.maxConcurrency = maxConcurrency
    }

    /// The outbox destination of a contact method's pages: `page-voice`, `page-sms`, `page-slack`, `page-webhook`.
    public static func destinationName(for method: String) -> String { "page-\(method)" }

    /// The methods that can page with this configuration: Twilio gives voice and sms, Slack slack, a webhook secret webhook.
    public var availableMethods: Set<String> {
        var methods = Set<String>()
        if twilio != nil { methods.formUnion(["voice", "sms"]) }
        if slack != nil { methods.insert("slack") }
        if webhookSecret != nil { methods.insert("webhook") }
        return methods
    }

    /// One destination per available method, named by `destinationName(for:)`, in the order of `methods`.
    public func destinations(client: HTTPClient, clock: any WallClock = SystemClock(), gate: any AlertGate) -> [any DeliveryDestination] {
        Self.methods.compactMap { destination(for: $0, client: client, clock: clock, gate: gate) }
    }

    /// The destination of one method; nil when the method is not available.
    public func destination(for method: String, client: HTTPClient, clock: any WallClock = SystemClock(),
                            gate: any AlertGate) -> (any DeliveryDestination)? {
        let name = Self.destinationName(for: method)
        switch method {
        case "voice":
            return twilio.map { TwilioNotifier(.voice, name: name, account: $0, client: client, timeout: timeout, maxConcurrency: maxConcurrency, gate: gate) }
        case "sms":
            return twilio.map { TwilioNotifier(.sms, name: name, account: $0, client: client, timeout: timeout, maxConcurrency: maxConcurrency, gate: gate) }
        case "slack":
            return slack.map { SlackNotifier(name: name, account: $0, client: client, timeout: timeout, maxConcurrency: maxConcurrency, gate: gate) }
        case "webhook":
            return webhookSecret.map {
                WebhookNotifier(name: name, secret: $0, client: client, timeout: timeout, maxConcurrency: maxConcurrency, clock: clock, gate: gate)
            }
        default:
            return nil
        }
    }

    public var description: String {
        "NotifyConfig(methods: \(Self.methods.filter(availableMethods.contains)), timeout: \(timeout), max_concurrency: \(maxConcurrency))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["twilio": twilio as Any, "slack": slack as Any, "webhookSecret": webhookSecret == nil ? "none" : "<redacted>",
                                "timeout": timeout, "maxConcurrency": maxConcurrency])
    }

    /// Reads the section, recording every problem by key path (secrets are never echoed).
    public static func read(_ section: ConfigSection) -> NotifyConfig {
        var config = NotifyConfig()
        if let twilio = section.section("twilio") {
            config.twilio = readTwilio(twilio)
            twilio.finish()
        }
        if let slack = section.section("slack") {
            config.slack = readSlack(slack)
            slack.finish()
        }
        if let webhook = section.section("webhook") {
            let secret = webhook.secret("secret")
            if let secret, secret.count < 16 { webhook.problem("secret", "must be at least 16 characters") }
            config.webhookSecret = secret.flatMap { $0.count >= 16 ? $0 : nil }
            webhook.finish()
        }
        config.timeout = section.duration("timeout", default: .seconds(10))
        if config.timeout <= .zero { section.problem("timeout", "must be longer than 0s") }
        config.maxConcurrency = section.int("max_concurrency", default: 16, range: 1...256)
        section.finish()
        return config
    }

    private static func readTwilio(_ section: ConfigSection) -> TwilioAccount? {
        let sid = section.string("account_sid", required: true)
        if let sid, !TwilioAccount.isAccountSID(sid) {
            section.problem("account_sid", "must be a Twilio Account SID: AC and 32 hexadecimal digits")
        }
        let token = section.secret("auth_token")
        var from: String?
        if let text = section.string("from", required: true) {
            if text.trimmedWhitespace().hasPrefix("+"), let number = PhoneNumber(text, defaultRegion: "US"), !number.isShortCode {
                from = number.e164
            } else {
                section.problem("from", "must be a phone number in E.164 form, like +14155550100 (got \"\(text)\")")
            }
        }
        let base = url(section, "base_url") ?? "https://api.twilio.com"
        guard let sid, TwilioAccount.isAccountSID(sid), let token, let from else { return nil }
        return TwilioAccount(accountSID: sid, authToken: token, from: from, baseURL: base)
    }

    private static func readSlack(_ section: ConfigSection) -> SlackAccount? {
        let token = section.secret("bot_token")
        let signing = section.secret("signing_secret")
        let base = url(section, "base_url") ?? "https://slack.com"
        guard let token, let signing else { return nil }
        return SlackAccount(botToken: token, signingSecret: signing, baseURL: base)
    }

    private static func url(_ section: ConfigSection, _ key: String) -> String? {
        guard let text = section.string(key) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            section.problem(key, "must be an http or https URL")
            return nil
        }
        return text
    }
}
