import AsyncHTTPClient
import Foundation
import IntakeCore

/// Zendesk Support: a ticket per case with the case key as `external_id` (and as the create's
/// `Idempotency-Key`), later messages as private comments, resolved and closed as `solved`.
public struct ZendeskTracker: Tracker {
    let http: TrackerHTTP

    public init(http: TrackerHTTP) { self.http = http }

    /// Basic auth as Zendesk's API tokens take it: `<email>/token:<token>`.
    public static func headers(email: String, token: String) -> [(String, String)] {
        [("Authorization", "Basic " + Data("\(email)/token:\(token)".utf8).base64EncodedString()), ("Accept", "application/json")]
    }

    public func find(_ draft: TicketDraft) async -> TrackerLookup {
        // The tickets list by external id reads the database, not the search index that lags behind.
        switch await http.send(.GET, "/api/v2/tickets?external_id=\(FormEncoding.escape(draft.key))").accepted(by: http) {
        case .failure(let result): return .failed(result)
        case .success(let answer):
            let tickets = (answer.json() as? [String: Any])?["tickets"] as? [[String: Any]] ?? []
            return tickets.compactMap { Self.id($0["id"]) }.first.map(TrackerLookup.found) ?? .notFound
        }
    }

    public func create(_ draft: TicketDraft) async -> DeliveryResult {
        var ticket: [String: Any] = [
            "subject": draft.title,
            "comment": ["body": ([draft.text, ""] + draft.factLines).joined(separator: "\n")],
            "external_id": draft.key,
            "priority": draft.urgent ? "urgent" : "normal",
            "tags": ["intake"] + draft.tags,
        ]
        if let email = draft.customerEmail { ticket["requester"] = ["name": draft.customer, "email": email] }
        let result = await http.send(.POST, "/api/v2/tickets", body: .json(["ticket": ticket]), extraHeaders: [("Idempotency-Key", draft.key)])
        switch result.accepted(by: http) {
        case .failure(let result): return result
        case .success(let answer):
            guard let id = Self.id(((answer.json() as? [String: Any])?["ticket"] as? [String: Any])?["id"]) else {
                return .retry(reason: "Zendesk answered \(answer.status) without a ticket id", status: answer.status, after: nil)
            }
            return .done(remoteID: id)
        }
    }

    public func comment(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        let body = "\(draft.author ?? draft.customer) wrote on \(draft.channel):\n\(draft.text)"
        return await update(ticket, ["comment": ["body": body, "public": false]])
    }

    public func setStatus(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        // Zendesk closes solved tickets itself; an API client sets solved, or open again.
        await update(ticket, ["status": draft.state == CaseState.open.rawValue ? "open" : "solved"])
    }

    private func update(_ ticket: String, _ fields: [String: Any]) async -> DeliveryResult {
        await http.send(.PUT, "/api/v2/tickets/\(FormEncoding.escape(ticket))", body: .json(["ticket": fields])).done(by: http, remoteID: ticket)
    }

    private static func id(_ value: Any?) -> String? {
        if let number = value as? NSNumber { return number.stringValue }
        return value as? String
    }
}
