import Foundation
import IntakeCore
@testable import IntakePolicy

/// An instant written in ISO 8601 with its offset, so tests read as the wall times they mean.
func at(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
    return date
}

func zone(_ identifier: String) -> TimeZone { TimeZone(identifier: identifier)! }

/// A message as an adapter hands it over.
func message(
    _ body: String, subject: String? = nil, channel: ChannelKind = .email, isPublic: Bool = false,
    from identities: [Identity] = [Identity(kind: .email, value: "pat@example.com")]
) -> InboundMessage {
    InboundMessage(
        adapter: "test", channel: channel, externalID: UUID().uuidString, receivedAt: at("2026-03-02T10:00:00Z"),
        sender: Sender(identities: identities), subject: subject, body: body, isPublic: isPublic,
        raw: RawPayload(contentType: "text/plain", bytes: Data(body.utf8)))
}

func contact(abusive: Bool = false, identities: [Identity] = [Identity(kind: .email, value: "pat@example.com")]) -> Contact {
    Contact(id: 7, displayName: "Pat", identities: identities, alternates: [], abusive: abusive, createdAt: at("2026-01-01T00:00:00Z"))
}

/// The team used across escalation tests: ann, bob and chen rotate daily; dana and maria are supervisors.
enum Team {
    static let ann = Person(name: "ann", phone: "+14155550101", slackUserID: "U0ANN", methods: [.voice, .sms])
    static let bob = Person(name: "bob", phone: "+14155550102", methods: [.voice])
    static let chen = Person(name: "chen", slackUserID: "U0CHEN", methods: [.slack])
    static let dana = Person(name: "dana", phone: "+14155550104", slackUserID: "U0DANA", methods: [.slack, .sms])
    static let maria = Person(name: "maria", phone: "+14155550105", methods: [.voice, .sms])

    /// Daily at 09:00 New York from Monday 2026-03-02: ann, bob, chen.
    static let primary = Schedule(
        name: "primary", timeZone: zone("America/New_York"),
        layers: [RotationLayer(
            name: "daily", participants: ["ann", "bob", "chen"], start: at("2026-03-02T09:00:00-05:00"), shift: .daily,
            handoff: 9 * 3600, timeZone: zone("America/New_York"))])

    /// Nobody until 2026-04-01.
    static let later = Schedule(
        name: "later", timeZone: zone("UTC"),
        layers: [RotationLayer(name: "l", participants: ["bob"], start: at("2026-04-01T00:00:00Z"), shift: .weekly, handoff: 0, timeZone: zone("UTC"))])

    static let directory = OnCallDirectory(people: [ann, bob, chen, dana, maria], schedules: [primary, later])
}
