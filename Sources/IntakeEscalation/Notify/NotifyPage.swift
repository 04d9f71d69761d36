import Foundation
import IntakeCore
import IntakeForwarding

/// What every notifier does before it sends: reads the stored page and asks the gate whether its alert
/// still pages. A page that comes due after the alert was acknowledged is recorded as done, unsent.
enum NotifyPage {
    /// The recorded outcome of a page the gate held back (the alert was acknowledged meanwhile).
    static let acknowledged = DeliveryResult.done(remoteID: "not sent: acknowledged")
    /// The recorded outcome of a call-again reminder whose outcome changed meanwhile (the customer was reached).
    static let overtaken = DeliveryResult.done(remoteID: "not sent: the call outcome changed")

    /// The page to send, or the result to record without sending anything.
    static func open(_ delivery: Delivery, gate: any AlertGate) async -> Result<PageMessage, DeliveryResult> {
        let page: PageMessage
        do {
            page = try PageMessage.decode(delivery.payload)
        } catch {
            return .failure(.permanent(reason: "the stored page cannot be read: \(error)", status: nil))
        }
        do {
            guard try await gate.allows(page) else { return .failure(page.reminderFor == nil ? acknowledged : overtaken) }
        } catch {
            // The alert's state is unknown (the store is down): sending could page after an ACK, so wait.
            return .failure(.retry(reason: "cannot tell whether alert \(page.alertID) still pages: \(error)", status: nil, after: .seconds(1)))
        }
        return .success(page)
    }

    /// Sends the stored page with `send` unless it cannot be read or the gate holds it back (then the
    /// result to record, nothing sent): what every notifier's `deliver` is.
    static func deliver(_ delivery: Delivery, gate: any AlertGate, send: (PageMessage) async -> DeliveryResult) async -> DeliveryResult {
        switch await open(delivery, gate: gate) {
        case .failure(let result): return result
        case .success(let page): return await send(page)
        }
    }

    /// The alert's text without a first line that only repeats the title (shown above it anyway).
    static func textBelowTitle(_ page: PageMessage) -> String {
        let text = page.text.trimmedWhitespace()
        guard let newline = text.firstIndex(where: \.isNewline), text[..<newline].trimmedWhitespace() == page.title.trimmedWhitespace() else {
            return text == page.title.trimmedWhitespace() ? "" : text
        }
        return text[newline...].trimmedWhitespace()
    }

    /// A string field of a JSON answer (`sid`, `ts`).
    static func field(_ name: String, of answer: TrackerHTTP.Answer) -> String? {
        (answer.json() as? [String: Any])?[name] as? String
    }

    /// `text` cut to at most `limit` UTF-16 units (what providers count), ending in `…` when cut.
    static func clipped(_ text: String, to limit: Int, ellipsis: String = "…") -> String {
        guard text.utf16.count > limit else { return text }
        var out = ""
        var used = 0
        let budget = limit - ellipsis.utf16.count
        for character in text {
            let size = character.utf16.count
            if used + size > budget { break }
            out.append(character)
            used += size
        }
        return out.trimmedWhitespace() + ellipsis
    }
}
