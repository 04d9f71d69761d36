import Foundation

/// The Slack app pages are posted as: its bot token (`chat:write`), its signing secret (which checks
/// the buttons' callbacks) and the Web API's base URL. Prints without either secret.
public struct SlackAccount: Sendable, CustomStringConvertible, CustomReflectable {
    public var botToken: String
    /// Checks `X-Slack-Signature` on the interaction callbacks of the Acknowledge and Escalate buttons.
    public var signingSecret: String
    public var baseURL: String

    public init(botToken: String, signingSecret: String, baseURL: String = "https://slack.com") {
        self.botToken = botToken
        self.signingSecret = signingSecret
        self.baseURL = baseURL
    }

    var headers: [(String, String)] { [("Authorization", "Bearer \(botToken)"), ("Accept", "application/json")] }

    var secrets: [String] { [botToken, signingSecret] }

    public var description: String { "SlackAccount(\(baseURL), token: <redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: ["baseURL": baseURL]) }
}
