import IntakeCore

/// The rules that decide whether a new message forces a call now, evaluated on every message.
///
/// Each rule that matches adds a reason; any reason makes the verdict urgent, unless the contact is
/// flagged abusive, when the verdict keeps the reasons but forces no call.
public struct UrgencyRules: Sendable {
    /// Said in public (`isPublic`, or a social channel): others can see the complaint.
    public var publicMentions: Bool
    /// Whole-word keywords in the subject or body (`cancel`, `lawsuit`, `third time`).
    public var keywords: KeywordList
    /// Regular expressions over the subject and body.
    public var patterns: [UrgencyPattern]
    /// At least `count` messages from the same contact within `window`.
    public var repeatedContact: MessageCountRule?
    /// Accounts whose every message is urgent.
    public var vip: VIPList
    /// More than `count` messages across all channels within `window` (something is going on).
    public var volume: MessageCountRule?

    public init(
        publicMentions: Bool = true, keywords: KeywordList = KeywordList([]), patterns: [UrgencyPattern] = [],
        repeatedContact: MessageCountRule? = nil, vip: VIPList = VIPList([]), volume: MessageCountRule? = nil
    ) {
        self.publicMentions = publicMentions
        self.keywords = keywords
        self.patterns = patterns
        self.repeatedContact = repeatedContact
        self.vip = vip
        self.volume = volume
    }

    /// No rule at all: nothing is urgent unless set by hand.
    public static let none = UrgencyRules(publicMentions: false)

    /// The verdict for one new message.
    public func evaluate(_ signals: UrgencySignals) -> UrgencyVerdict {
        let message = signals.message
        var reasons: [String] = []
        if publicMentions, message.isPublic || message.channel == .social {
            reasons.append("public mention")
        }
        let text = [message.subject, message.body].compactMap { $0 }.joined(separator: "\n")
        reasons += keywords.matches(in: text).map { "keyword \"\($0)\"" }
        for pattern in patterns {
            if let found = pattern.firstMatch(in: text) { reasons.append("pattern \"\(pattern.source)\" matched \"\(found)\"") }
        }
        if let rule = repeatedContact, signals.messagesFromContact >= rule.count {
            reasons.append("\(signals.messagesFromContact) messages in \(DurationText.format(rule.window))")
        }
        if let entry = vip.match(message.sender.identities + (signals.contact?.identities ?? [])) {
            reasons.append("VIP account (\(entry))")
        }
        if let rule = volume, signals.messagesAcrossChannels > rule.count {
            reasons.append("\(signals.messagesAcrossChannels) messages across all channels in \(DurationText.format(rule.window))")
        }
        guard !reasons.isEmpty else { return .normal }
        if signals.contact?.abusive == true {
            return UrgencyVerdict(urgent: false, reasons: reasons + [UrgencyVerdict.abusiveReason], suppressedBecauseAbusive: true)
        }
        return UrgencyVerdict(urgent: true, reasons: reasons)
    }
}
