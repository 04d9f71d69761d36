import Foundation
import IntakeCore
import IntakePolicy

/// Turns the pages of an escalation step into outbox deliveries, one per person and method, keyed
/// `alert-<id>/<step>/<person>/<method>` so each step pages each person exactly once, whatever restarts.
public struct PageBuilder: Sendable {
    /// The methods a notifier is configured for.
    let methods: Set<String>
    let caseLink: @Sendable (String) -> String
    let voiceActionURL: @Sendable (Int64) -> String

    public init(methods: Set<String>, caseLink: @escaping @Sendable (String) -> String, voiceActionURL: @escaping @Sendable (Int64) -> String) {
        self.methods = methods
        self.caseLink = caseLink
        self.voiceActionURL = voiceActionURL
    }

    /// The key prefix of a step's pages (the outbox keys share it).
    public static func stepPrefix(alertID: Int64, position: String) -> String { "alert-\(alertID)/\(position)/" }

    /// The deliveries of `batch`, one per person and method a notifier is configured for.
    public func deliveries(alertID: Int64, code: String, position: EscalationPosition, batch: PageBatch, record: CaseRecord, contact: Contact,
                           message: InboundMessage, reasons: [String], at: Date) throws -> [NewDelivery] {
        let link = caseLink(record.reference)
        let voiceAction = voiceActionURL(alertID)
        let step = position.description
        let text = CallNowText(record: record, contact: contact, message: message, reasons: reasons, link: link, code: code)
        return try batch.pages.filter { methods.contains($0.method.rawValue) }.map { page in
            let body = PageMessage(
                alertID: alertID, code: code, caseReference: record.reference, person: page.person, method: page.method.rawValue,
                address: page.address, title: text.title, text: text.text, speech: text.speech, voiceActionURL: voiceAction,
                caseLink: link, step: step, at: at)
            return NewDelivery(
                destination: NotifyConfig.destinationName(for: page.method.rawValue),
                key: Self.stepPrefix(alertID: alertID, position: position.storageKey) + "\(page.person)/\(page.method.rawValue)",
                caseID: record.id, payload: try body.encoded())
        }
    }

    /// The case log's line on who `batch` pages: `ann by voice, sms; bob: no phone; chen by slack: no notifier configured`.
    public func summary(_ batch: PageBatch) -> String {
        var byPerson: [(String, [String])] = []
        var skipped: [String] = []
        for page in batch.pages {
            guard methods.contains(page.method.rawValue) else {
                skipped.append("\(page.person) by \(page.method.rawValue): no notifier configured")
                continue
            }
            if let index = byPerson.firstIndex(where: { $0.0 == page.person }) {
                byPerson[index].1.append(page.method.rawValue)
            } else {
                byPerson.append((page.person, [page.method.rawValue]))
            }
        }
        let summary = (byPerson.map { "\($0.0) by \($0.1.joined(separator: ", "))" } + batch.unreachable + skipped).joined(separator: "; ")
        return summary.isEmpty ? "nobody" : summary
    }
}
