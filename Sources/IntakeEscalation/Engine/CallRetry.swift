import Foundation
import IntakeCore
import IntakePolicy

/// Schedules the "call again" reminder after a call outcome of no answer or voicemail: the rep who
/// took the alert is reminded after `oncall.call_retry` (15 min by default), with the customer's
/// number and their alternates (foreman, supervisor, technician), unless a later outcome overtakes it.
public struct CallRetry: Sendable {
    /// Outcomes that schedule a reminder.
    public static let outcomes: Set<String> = ["no_answer", "voicemail"]
    let store: any CaseStore & DeliveryStore
    let oncall: OnCallConfig
    let pages: PageBuilder

    public init(store: any CaseStore & DeliveryStore, oncall: OnCallConfig, pages: PageBuilder) {
        self.store = store
        self.oncall = oncall
        self.pages = pages
    }

    /// Queues the reminder for `person` (an on-call name; else whoever acknowledged) and returns when
    /// it goes out; nil when the outcome needs none or nobody paged can be reminded.
    public func schedule(alert: Alert, outcome: String, person name: String, at now: Date) async throws -> Date? {
        guard Self.outcomes.contains(outcome),
              let person = oncall.people.first(where: { $0.name == name }) ?? oncall.people.first(where: { $0.name == alert.acknowledgedBy }),
              let detail = try await store.caseDetail(id: alert.caseID), let last = detail.messages.last
        else { return nil }
        let due = now.addingTimeInterval(oncall.callRetry.timeInterval)
        let reminders = try pages.reminders(alert: alert, person: person, outcome: outcome, detail: detail, message: last.message, at: now)
        guard !reminders.isEmpty else { return nil }
        _ = try await store.enqueue(reminders, at: due)
        return due
    }
}

extension PageBuilder {
    /// One reminder per method `person` is reached by (a text rather than a call when they have one),
    /// keyed `alert-<id>/retry-<time>/<person>/<method>`.
    func reminders(alert: Alert, person: Person, outcome: String, detail: CaseDetail, message: InboundMessage, at now: Date) throws -> [NewDelivery] {
        let usable = person.methods.filter { methods.contains($0.rawValue) && person.address(for: $0) != nil }
        let quiet = usable.filter { $0 != .voice }
        let chosen = quiet.isEmpty ? usable : quiet
        let link = caseLink(detail.record.reference)
        let base = CallNowText(record: detail.record, contact: detail.contact, message: message, reasons: alert.reasons, link: link, code: alert.code)
        let when = Self.clockTime(now)
        let heard = outcome == "voicemail" ? "went to voicemail" : "was not answered"
        let title = "Call again now (\(detail.record.reference)): your call at \(when) \(heard)."
        let body = base.text.split(separator: "\n").filter { !$0.hasPrefix("Acknowledge:") }.joined(separator: "\n")
        let text = title + "\n" + body + "\nThen record the outcome: reached, voicemail or no answer."
        let speech = "Reminder for case \(detail.record.reference): your call at \(when) \(heard). " + base.speech
        let key = "alert-\(alert.id)/retry-\(Int(now.timeIntervalSince1970))/\(person.name)/"
        return try chosen.map { method in
            let page = PageMessage(alertID: alert.id, code: alert.code, caseReference: detail.record.reference, person: person.name,
                                   method: method.rawValue, address: person.address(for: method) ?? "", title: title, text: text, speech: speech,
                                   voiceActionURL: voiceActionURL(alert.id), caseLink: link, step: "call again", at: now, reminderFor: outcome)
            return NewDelivery(destination: NotifyConfig.destinationName(for: method.rawValue), key: key + method.rawValue,
                               caseID: detail.record.id, payload: try page.encoded())
        }
    }

    /// `14:05 UTC`.
    static func clockTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d UTC", parts.hour ?? 0, parts.minute ?? 0)
    }
}
