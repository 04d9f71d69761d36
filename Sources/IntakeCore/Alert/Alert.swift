import Foundation

/// A call-now alert: an urgent case paging on-call people step by step until someone acknowledges.
/// Its state and timer live in the database, so a restart escalates on time and once per step.
public struct Alert: Codable, Sendable, Equatable {
    public var id: Int64
    public var caseID: Int64
    /// The team whose escalation policy pages.
    public var team: String
    public var state: AlertState
    /// Where in the policy it stands (the escalation module's own encoding, stored as is).
    public var position: String
    /// When the current step was entered, and when it times out (nil once acknowledged or exhausted).
    public var enteredAt: Date
    public var nextDueAt: Date?
    /// The short code a rep answers with (`ACK 4821`).
    public var code: String
    /// Why the case is urgent (`public mention`, `keyword "cancel"`).
    public var reasons: [String]
    public var acknowledgedBy: String?
    public var acknowledgedVia: String?
    public var acknowledgedAt: Date?
    /// How the call went: `reached`, `voicemail`, `no_answer`.
    public var outcome: String?
    public var createdAt: Date

    public init(id: Int64, caseID: Int64, team: String, state: AlertState, position: String, enteredAt: Date, nextDueAt: Date?, code: String,
                reasons: [String], acknowledgedBy: String? = nil, acknowledgedVia: String? = nil, acknowledgedAt: Date? = nil,
                outcome: String? = nil, createdAt: Date) {
        self.id = id
        self.caseID = caseID
        self.team = team
        self.state = state
        self.position = position
        self.enteredAt = enteredAt
        self.nextDueAt = nextDueAt
        self.code = code
        self.reasons = reasons
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedVia = acknowledgedVia
        self.acknowledgedAt = acknowledgedAt
        self.outcome = outcome
        self.createdAt = createdAt
    }
}

/// Where an alert stands.
public enum AlertState: String, Codable, Sendable, CaseIterable {
    /// Paging; escalates when the current step times out.
    case paging
    /// Someone took it: nothing more is sent.
    case acknowledged
    /// Every step, repeat and the fallback paged, and nobody acknowledged.
    case exhausted
    /// Urgency was lowered by a person before anyone acknowledged.
    case cancelled
}

/// One attempt to deliver one page, as the alert's log shows it.
public struct AlertAttempt: Codable, Sendable, Equatable {
    public var alertID: Int64
    public var deliveryID: Int64
    public var person: String
    public var method: String
    public var at: Date
    /// `sent`, `retrying`, `failed` or `skipped` (not sent: already acknowledged).
    public var result: String
    public var status: Int?
    /// The provider's id for the page (a Twilio SID, a Slack ts).
    public var providerID: String?
    public var detail: String?

    public init(alertID: Int64, deliveryID: Int64, person: String, method: String, at: Date, result: String, status: Int?, providerID: String?, detail: String?) {
        self.alertID = alertID
        self.deliveryID = deliveryID
        self.person = person
        self.method = method
        self.at = at
        self.result = result
        self.status = status
        self.providerID = providerID
        self.detail = detail
    }
}

/// What the urgency rules (or a person) decided for one case: the event to log, the alert to open.
public struct UrgencyDecision: Sendable {
    public var caseID: Int64
    /// The `case.urgency_changed` event's data; nil when the case's urgency did not change.
    public var event: [String: String]?
    public var alert: AlertOpening?

    public init(caseID: Int64, event: [String: String]?, alert: AlertOpening?) {
        self.caseID = caseID
        self.event = event
        self.alert = alert
    }
}

/// A call-now alert to open: its team, why, where its escalation starts, and its first pages, built
/// once the alert's id and code are known.
public struct AlertOpening: Sendable {
    public var team: String
    public var reasons: [String]
    public var position: String
    public var nextDueAt: Date?
    /// The case log's line on who was paged (`bob by voice, sms`).
    public var summary: String
    public var pages: @Sendable (_ alertID: Int64, _ code: String) throws -> [NewDelivery]

    public init(team: String, reasons: [String], position: String, nextDueAt: Date?, summary: String,
                pages: @escaping @Sendable (_ alertID: Int64, _ code: String) throws -> [NewDelivery]) {
        self.team = team
        self.reasons = reasons
        self.position = position
        self.nextDueAt = nextDueAt
        self.summary = summary
        self.pages = pages
    }
}

/// The durable side of escalation. Every change is one transaction with the pages it enqueues and
/// the case event it writes, so an acknowledgement and an escalation can never both win.
public protocol AlertStore: Sendable {
    /// Writes the urgency decisions of several cases in one transaction: each one's `case.urgency_changed`
    /// event (by `actor`), and its alert unless one pages the case already (then nil in the answer), with
    /// the first pages and `alert.sent`. Each alert gets a free four-digit acknowledgement code. (The
    /// escalation consumer, which stores its position with its decisions, writes them in a `judging`
    /// transaction instead.)
    func recordUrgency(_ decisions: [UrgencyDecision], actor: String, at: Date) async throws -> [Alert?]
    /// Paging alerts whose step timed out by `now`, oldest first.
    func dueAlerts(now: Date, limit: Int) async throws -> [Alert]
    /// The earliest time a paging alert times out, if any.
    func nextAlertDue() async throws -> Date?
    /// Moves a paging alert from `from` to `to` (or ends it, `state` exhausted) with its new pages, and
    /// writes `alert.escalated`; false when it was acknowledged or moved meanwhile (nothing written).
    func advanceAlert(id: Int64, from: String, to: String, state: AlertState, nextDueAt: Date?, pages: [NewDelivery],
                      summary: String, at: Date) async throws -> Bool
    /// Acknowledges a paging alert (writes `alert.acknowledged`); throws `StoreError.conflict` when it
    /// is not paging any more, `.notFound` when there is no such alert.
    func acknowledge(alertID: Int64, by: String, via: String, at: Date) async throws -> Alert
    /// The paging alert with this code, if any.
    func pagingAlert(code: String) async throws -> Alert?
    /// Stops a paging alert because a person lowered the case's urgency.
    func cancelAlerts(caseID: Int64, by: String, at: Date) async throws -> Int
    func recordOutcome(alertID: Int64, outcome: String, by: String, at: Date) async throws -> Alert
    func alert(id: Int64) async throws -> Alert?
    func alerts(state: AlertState?, limit: Int) async throws -> [Alert]
    /// Logs page attempts in one transaction.
    func recordAlertAttempts(_ attempts: [AlertAttempt]) async throws
    func alertAttempts(alertID: Int64) async throws -> [AlertAttempt]
    /// Makes a paging alert due now when every page of its current step failed for good, so the next
    /// step is paged at once rather than after the timeout; true when it did.
    func escalateIfStepFailed(alertID: Int64, stepKeyPrefix: String, at: Date) async throws -> Bool
    /// Messages stored from a contact received in a window, both ends included (the repeated-contact
    /// signal; bounded at the judged message, so judging it again later counts the same).
    func messageCount(contactID: Int64, from: Date, through: Date) async throws -> Int
    /// When the messages logged before event `seq` arrived, back to `since`, oldest first: what the
    /// volume rule counted before a restart.
    func messageTimes(before seq: Int64, since: Date) async throws -> [Date]
}
