/// Someone who can be paged: a rep, a supervisor, a manager, with the ways to reach them.
public struct Person: Sendable, Equatable {
    /// The name schedules and escalation steps refer to (`ann`).
    public var name: String
    /// E.164 (`+14155550100`), for sms and voice.
    public var phone: String?
    /// Slack member id (`U024BE7LH`), for slack.
    public var slackUserID: String?
    /// A URL that receives a JSON page, for webhook.
    public var webhook: String?
    /// How to page them when a step says "each person's own methods", in the order to send.
    public var methods: [ContactMethod]

    public init(name: String, phone: String? = nil, slackUserID: String? = nil, webhook: String? = nil, methods: [ContactMethod]) {
        self.name = name
        self.phone = phone
        self.slackUserID = slackUserID
        self.webhook = webhook
        self.methods = methods
    }

    /// Where a page by `method` goes: the phone, the Slack id or the webhook URL; nil when they have none.
    public func address(for method: ContactMethod) -> String? {
        switch method {
        case .sms, .voice: phone
        case .slack: slackUserID
        case .webhook: webhook
        }
    }

    /// The methods they can be reached by, given the addresses they have, in the usual order.
    public var reachableMethods: [ContactMethod] { ContactMethod.allCases.filter { address(for: $0) != nil } }
}

/// A way to page someone.
public enum ContactMethod: String, Sendable, Codable, CaseIterable {
    /// A phone call (the point of "call first").
    case voice
    case sms
    case slack
    case webhook

    /// What a person needs for this method, for messages (`a phone`).
    public var requirement: String {
        switch self {
        case .sms, .voice: "a phone"
        case .slack: "a slack id"
        case .webhook: "a webhook URL"
        }
    }
}
