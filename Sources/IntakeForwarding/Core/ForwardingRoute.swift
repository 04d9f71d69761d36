import Foundation
import IntakeCore

/// What routing knows of a case when it decides where the case goes.
public struct CaseFacts: Sendable, Equatable {
    public var channel: ChannelKind
    public var isPublic: Bool
    public var urgent: Bool
    public var tags: [String]
    /// The contact's identity values (`dana@example.com`, `+14155550100`).
    public var identities: [String]

    public init(channel: ChannelKind, isPublic: Bool, urgent: Bool, tags: [String], identities: [String]) {
        self.channel = channel
        self.isPublic = isPublic
        self.urgent = urgent
        self.tags = tags
        self.identities = identities
    }
}

/// One routing rule: when every condition given holds (each list is any-of), the case goes to `to`.
/// A case goes to the union of the destinations of every rule it matches.
public struct ForwardingRoute: Sendable, Equatable {
    public var channels: [ChannelKind]?
    public var urgent: Bool?
    public var isPublic: Bool?
    public var tags: [String]?
    /// Identity values, or `@domain` for every email address at a domain.
    public var contacts: [String]?
    public var to: [String]

    public init(channels: [ChannelKind]? = nil, urgent: Bool? = nil, isPublic: Bool? = nil, tags: [String]? = nil,
                contacts: [String]? = nil, to: [String]) {
        self.channels = channels
        self.urgent = urgent
        self.isPublic = isPublic
        self.tags = tags
        self.contacts = contacts
        self.to = to
    }

    public func matches(_ facts: CaseFacts) -> Bool {
        if let channels, !channels.contains(facts.channel) { return false }
        if let urgent, urgent != facts.urgent { return false }
        if let isPublic, isPublic != facts.isPublic { return false }
        if let tags, !tags.contains(where: facts.tags.contains) { return false }
        if let contacts {
            let wanted = contacts.map { $0.lowercased() }
            let hit = facts.identities.contains { identity in
                let value = identity.lowercased()
                return wanted.contains { $0.hasPrefix("@") ? value.hasSuffix($0) : $0 == value }
            }
            if !hit { return false }
        }
        return true
    }

    /// The destinations of every route `facts` match, each once, in the order first named.
    public static func destinations(for facts: CaseFacts, routes: [ForwardingRoute]) -> [String] {
        var seen = Set<String>()
        return routes.filter { $0.matches(facts) }.flatMap(\.to).filter { seen.insert($0).inserted }
    }
}

/// Tags a case from its words (the operational map: returns, missed shipments, payments...): a tag
/// applies when any of its keywords appears as a whole word or phrase, in any case.
public struct TagRule: Sendable, Equatable {
    public var name: String
    public var keywords: [String]

    public init(name: String, keywords: [String]) {
        self.name = name
        self.keywords = keywords
    }

    public static func tags(for text: String, rules: [TagRule]) -> [String] {
        let words = " \(normalized(text)) "
        return rules.filter { rule in
            rule.keywords.contains { keyword in
                let phrase = normalized(keyword)
                return !phrase.isEmpty && words.contains(" \(phrase) ")
            }
        }.map(\.name)
    }

    /// Lower case, words separated by single spaces, punctuation dropped.
    static func normalized(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }).split(separator: " ").joined(separator: " ")
    }
}
