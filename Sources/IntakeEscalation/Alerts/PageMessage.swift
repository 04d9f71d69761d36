import Foundation
import IntakeCore

/// One page as the outbox keeps it: who is paged, how, where, and the call-now alert they read or
/// hear. Built once when the escalation step is entered, so a retry sends the same words.
public struct PageMessage: Codable, Sendable, Equatable {
    public var alertID: Int64
    /// The short code a rep answers with (`ACK 4821` by SMS).
    public var code: String
    public var caseReference: String
    public var person: String
    /// `voice`, `sms`, `slack` or `webhook`.
    public var method: String
    /// A phone in E.164, a Slack member id, or a URL.
    public var address: String
    /// The alert's title: `Call Dana Reyes now: +14155550100 (C-42)`.
    public var title: String
    /// The whole alert: who to call and how, the complaint in a few lines, why urgent, the link, the opening line.
    public var text: String
    /// What a phone call reads out before "press 1 to acknowledge".
    public var speech: String
    /// Where Twilio posts the keypress of a call (`…/v1/alerts/7/voice`).
    public var voiceActionURL: String
    /// The case at the gateway.
    public var caseLink: String
    /// `step 1 of 2, round 1` or `fallback`.
    public var step: String
    public var at: Date
    /// Set on a "call again" reminder: the call outcome it follows (`no_answer`, `voicemail`). It is
    /// sent only while the alert is acknowledged with that outcome; an escalation page has none.
    public var reminderFor: String?

    public init(alertID: Int64, code: String, caseReference: String, person: String, method: String, address: String, title: String,
                text: String, speech: String, voiceActionURL: String, caseLink: String, step: String, at: Date, reminderFor: String? = nil) {
        self.alertID = alertID
        self.code = code
        self.caseReference = caseReference
        self.person = person
        self.method = method
        self.address = address
        self.title = title
        self.text = text
        self.speech = speech
        self.voiceActionURL = voiceActionURL
        self.caseLink = caseLink
        self.step = step
        self.at = at
        self.reminderFor = reminderFor
    }

    public func encoded() throws -> Data { try DeliveryPayload.encode(self) }
    public static func decode(_ data: Data) throws -> PageMessage { try DeliveryPayload.decode(PageMessage.self, from: data) }
}

/// Answers whether a page may still go out: an escalation page only while its alert pages (nothing
/// after an acknowledgement), a call-again reminder only while its outcome still stands.
public protocol AlertGate: Sendable {
    func allows(_ page: PageMessage) async throws -> Bool
}
