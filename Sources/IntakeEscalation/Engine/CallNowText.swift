import Foundation
import IntakeCore

/// Writes the call-now alert: who to call and on which number (or the alternates, or a plain "no phone
/// on file" with the channel to reply on), the complaint in a few lines, why it is urgent, the link,
/// and the opening line — acknowledge and apologize first, then solve.
public struct CallNowText: Sendable, Equatable {
    public var title: String
    public var text: String
    public var speech: String

    public init(record: CaseRecord, contact: Contact, message: InboundMessage, reasons: [String], link: String, code: String) {
        let email = contact.identities.first { $0.kind == .email }?.value
        let name = contact.displayName ?? message.sender.displayName ?? email ?? contact.identities.first?.value ?? "the customer"
        let firstName = name.split(separator: " ").first.map(String.init) ?? name
        let reference = record.reference
        var lines: [String] = []
        var spokenNumber: String
        if let phone = contact.phone {
            title = "Call \(name) now: \(phone) (\(reference))"
            lines.append("CALL NOW: \(name), \(phone)")
            spokenNumber = "Call \(name) at \(Self.spoken(phone))"
        } else if !contact.alternates.isEmpty {
            title = "Call about \(reference) now: no phone for \(name); call \(contact.alternates[0].name) (\(contact.alternates[0].role)) \(contact.alternates[0].phone)"
            lines.append("No phone on file for \(name). Reach their people instead:")
            lines += contact.alternates.map { "  \($0.role): \($0.name), \($0.phone)" }
            spokenNumber = "There is no phone number for \(name). Call their \(contact.alternates[0].role), \(contact.alternates[0].name), at \(Self.spoken(contact.alternates[0].phone))"
        } else {
            let replyTo = message.sender.identities.first?.value ?? email ?? "the sender"
            title = "Urgent \(reference): no phone on file for \(name); reply by \(message.channel.rawValue) to \(replyTo)"
            lines.append("No phone on file for \(name): reply on \(message.channel.rawValue) to \(replyTo) now, and ask for a number to call.")
            spokenNumber = "There is no phone number for \(name). Reply on \(message.channel.rawValue) now"
        }
        let complaint = Self.excerpt(message.body, limit: 280)
        lines.append("Complaint (\(message.channel.rawValue)\(message.subject.map { ", \"\($0)\"" } ?? "")): \(complaint)")
        lines.append("Why urgent: \(reasons.isEmpty ? "marked urgent" : reasons.joined(separator: "; "))")
        let topic = message.subject.map { "your message about \($0)" } ?? "your message"
        lines.append("Open with: acknowledge and apologize first: \"Hi \(firstName), I'm calling from support about \(topic). I'm sorry this happened, and I'm going to help fix it now.\" Then work on the solution and give a clear time frame.")
        lines.append("Case: \(reference) \(link)")
        lines.append("Acknowledge: reply ACK \(code), press 1 on the call, or the Acknowledge button.")
        text = lines.joined(separator: "\n")
        speech = "Urgent complaint, case \(reference.replacingOccurrences(of: "-", with: " ")). \(spokenNumber). "
            + "Why: \(reasons.isEmpty ? "marked urgent" : reasons.joined(separator: ", ")). "
            + "They wrote: \(Self.excerpt(message.body, limit: 200)). Apologize first, then solve."
    }

    /// The first `limit` characters of a message on one line.
    static func excerpt(_ text: String, limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 3)) + "..."
    }

    /// A phone number read digit by digit.
    static func spoken(_ phone: String) -> String {
        phone.map { $0 == "+" ? "plus" : String($0) }.joined(separator: " ")
    }
}
