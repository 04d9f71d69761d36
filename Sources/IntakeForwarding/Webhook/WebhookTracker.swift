import AsyncHTTPClient
import Foundation
import IntakeCore

/// Forwards cases to any HTTP endpoint as versioned JSON (`case.created`, `case.message`,
/// `case.state_changed`), signed with `X-Intake-Signature`; `X-Intake-Delivery` lets the receiver dedup.
public struct WebhookTracker: Tracker {
    public static let version = "1"
    let http: TrackerHTTP
    let url: String
    let secret: String
    let clock: any WallClock

    public init(http: TrackerHTTP, url: String, secret: String, clock: any WallClock = SystemClock()) {
        self.http = http
        self.url = url
        self.secret = secret
        self.clock = clock
    }

    public var needsTicket: Bool { false }

    public func find(_ draft: TicketDraft) async -> TrackerLookup { .notFound }

    public func create(_ draft: TicketDraft) async -> DeliveryResult { await post(draft, type: "case.created") }
    public func comment(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult { await post(draft, type: "case.message") }
    public func setStatus(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult { await post(draft, type: "case.state_changed") }

    /// The JSON body of one event: stable field names, documented in the forwarding README.
    static func body(_ draft: TicketDraft, type: String) -> [String: Any] {
        var caseFields: [String: Any] = [
            "id": draft.reference, "title": draft.title, "channel": draft.channel, "customer": draft.customer,
            "urgent": draft.urgent, "urgency_reasons": draft.urgencyReasons, "tags": draft.tags, "link": draft.link,
        ]
        if let email = draft.customerEmail { caseFields["customer_email"] = email }
        var body: [String: Any] = [
            "version": version, "type": type, "key": draft.key, "delivery": draft.deliveryKey, "at": ISO8601DateFormatter().string(from: draft.at), "case": caseFields,
        ]
        switch draft.operation {
        case .create: body["text"] = draft.text
        case .comment:
            body["text"] = draft.text
            if let author = draft.author { body["author"] = author }
        case .status: body["state"] = draft.state ?? ""
        }
        return body
    }

    private func post(_ draft: TicketDraft, type: String) async -> DeliveryResult {
        guard let data = try? JSONSerialization.data(withJSONObject: Self.body(draft, type: type), options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return .permanent(reason: "the event is not valid JSON", status: nil)
        }
        let timestamp = Int(clock.now().timeIntervalSince1970)
        let headers = [
            (WebhookSignature.header, WebhookSignature.sign(body: data, secret: secret, timestamp: timestamp)),
            ("X-Intake-Delivery", draft.deliveryKey),
        ]
        switch await http.send(.POST, url, body: .raw(data, contentType: "application/json"), extraHeaders: headers) {
        case .success(let answer): return http.classify(answer, remoteID: nil)
        case .failure(let result): return result
        }
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension WebhookTracker: RedactedDescription {}
