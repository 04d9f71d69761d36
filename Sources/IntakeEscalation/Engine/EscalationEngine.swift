import Foundation
import IntakeCore
import IntakePolicy
import Logging
import Synchronization

/// Decides the urgency of every new message and opens a call-now alert that pages the team's first step
/// at once, recording why the case is urgent. It judges each message inside the transaction that stores
/// it (an `IngestJudge`), so the alert and its first pages commit with the message and the notifiers send
/// as soon as the intake commits. It also reads the case stream (consumer `escalation`) for the rest:
/// messages stored without it (before it ran, or a staff member's `ACK 4821` reply), and people raising or
/// lowering urgency by hand.
public final class EscalationEngine: EventHandler, IngestJudge, Sendable {
    public let consumerName = "escalation"

    /// Messages not judged as they were stored, and a person's urgency change; the rest of the log (its
    /// own decisions among it) is not its business.
    public func handles(_ event: CaseEvent) -> Bool {
        (event.type == .messageReceived && !JudgedOnIngest.marks(event)) || (event.type == .urgencyChanged && event.actor != Self.rulesActor)
    }
    /// Read from the log at all: messages not marked judged, and urgency changes.
    public var eventFilter: EventFilter? {
        EventFilter(types: [.messageReceived, .urgencyChanged], excludingKey: JudgedOnIngest.key, excludingValue: JudgedOnIngest.value)
    }
    /// A gateway that turns call first on does not page for the complaints it stored before: the engine
    /// reads the log from where it was when it first ran.
    public var startsWhenNew: ConsumerStart { .end }
    /// The actor of urgency events written by the rules (a person's name otherwise).
    public static let rulesActor = "urgency-rules"
    public typealias Store = CaseStore & AlertStore & DeliveryStore & JudgingStore

    let store: any Store
    let oncall: OnCallConfig
    let pages: PageBuilder
    let clock: any WallClock
    let logger: Logger
    /// Fired after pages were enqueued, so the notifiers send at once.
    let enqueued: CommitSignal
    /// When recent messages arrived, for the volume rule; nil until read back from the event log at the
    /// first message this process sees, so a restart does not forget the last window. (A message whose
    /// intake transaction rolls back after it was judged stays counted: the rule may fire a message early,
    /// never late.)
    private let recent = Mutex<VolumeWindow?>(nil)

    public init(store: any Store, oncall: OnCallConfig, pages: PageBuilder, clock: any WallClock, logger: Logger, enqueued: CommitSignal) {
        self.store = store
        self.oncall = oncall
        self.pages = pages
        self.clock = clock
        self.logger = logger
        self.enqueued = enqueued
    }

    // MARK: Judging as messages are stored

    /// Every message but a staff member's reply, which acknowledges an alert rather than complains.
    public func judgesOnIngest(_ message: InboundMessage) -> Bool { staff(message) == nil }

    /// Decides the message's urgency; when urgent, records why and opens the alert with its first pages, all
    /// in `transaction`, and wakes the notifiers once it commits.
    public func judge(_ stored: StoredMessage, event: CaseEvent, in transaction: any JudgingTransaction) throws {
        guard !MessageFlag.markAutomated(event.data["flags"]) else { return }
        let volume = try countVolume(event, transaction)
        guard let contact = try transaction.contact(id: stored.contactID) else { return }
        let message = stored.message
        var contactCount = 1
        if let rule = oncall.urgency.repeatedContact {
            contactCount = try transaction.messageCount(
                contactID: stored.contactID, from: message.receivedAt.addingTimeInterval(-rule.window.timeInterval), through: message.receivedAt)
        }
        let urgencyEvents = try transaction.urgencyEvents(caseID: event.caseID)
        let signals = UrgencySignals(message: message, contact: contact, messagesFromContact: contactCount, messagesAcrossChannels: volume)
        let verdict = oncall.urgency.evaluate(signals).applying(manualUrgency(urgencyEvents))
        guard verdict.urgent || verdict.suppressedBecauseAbusive else { return }
        let last = urgencyEvents.last?.data
        let reasons = verdict.reasons.joined(separator: "; ")
        var data: [String: String]?
        if last?["urgent"] != String(verdict.urgent) || last?["reasons"] != reasons {
            data = ["urgent": String(verdict.urgent), "reasons": reasons, "source": "rules"]
        }
        var opening: AlertOpening?
        var reference = ""
        if verdict.urgent, let record = try transaction.caseRecord(id: event.caseID) {
            opening = alertOpening(record, contact: contact, message: message, reasons: verdict.reasons)
            reference = record.reference
        }
        guard data != nil || opening != nil else { return }
        let decision = UrgencyDecision(caseID: event.caseID, event: data, alert: opening)
        guard let alert = try transaction.recordUrgency([decision], actor: Self.rulesActor, at: clock.now()).first ?? nil else { return }
        let summary = opening?.summary
        transaction.afterCommit { [self, reference] in opened(alert, reference: reference, summary: summary) }
    }

    // MARK: Reading the case stream

    /// Handles a page of events without storing the consumer position.
    public func handle(_ events: [CaseEvent]) async throws {
        _ = try await handle(events, storing: nil)
    }

    /// Stores the consumer position in the transaction that judged the page's messages. A page with
    /// nothing to judge leaves it to the service to store later, so most pages (every message judged as
    /// it was stored) cost no commit; one that wrote without it (an acknowledgement by SMS, a person's
    /// urgency change) has it stored now, so that a crash cannot replay those.
    public func handle(_ events: [CaseEvent], through position: ConsumerPosition) async throws -> PositionOutcome {
        try await handle(events, storing: position)
    }

    private func handle(_ events: [CaseEvent], storing position: ConsumerPosition?) async throws -> PositionOutcome {
        var messages: [CaseEvent] = []
        var wroteAlone = false
        for event in events where handles(event) {
            if event.type == .messageReceived {
                messages.append(event)
                continue
            }
            _ = try await judgeLogged(messages, storing: nil)
            messages = []
            try await manual(event)
            wroteAlone = true
        }
        guard !messages.isEmpty else { return wroteAlone ? .storeNow : .storeLater }
        return try await judgeLogged(messages, storing: position) ? .stored : .storeNow
    }

    /// Judges messages read from the log in one transaction that also stores `position`, then handles the
    /// staff replies among them (and only then has the position stored: returns whether it was).
    private func judgeLogged(_ events: [CaseEvent], storing position: ConsumerPosition?) async throws -> Bool {
        guard !events.isEmpty else { return false }
        let replies = try await store.judging { [self] transaction in
            var replies: [(message: InboundMessage, person: Person, caseID: Int64)] = []
            for event in events {
                guard let id = event.data["message_id"].flatMap(Int64.init), let stored = try transaction.message(id: id) else { continue }
                if let person = staff(stored.message) {
                    replies.append((stored.message, person, event.caseID))
                } else {
                    try judge(stored, event: event, in: transaction)
                }
            }
            if let position, replies.isEmpty { try transaction.setConsumerPosition(position) }
            return replies
        }
        for reply in replies { try await staffMessage(reply.message, from: reply.person, caseID: reply.caseID) }
        return position != nil && replies.isEmpty
    }

    /// Logs an alert opened and wakes the notifiers.
    private func opened(_ alert: Alert, reference: String, summary: String?) {
        enqueued.fire()
        logger.notice("call-now alert opened", metadata: ["case": "\(reference)", "alert": "\(alert.id)", "paged": "\(summary ?? "")"])
    }

    /// A person raised urgency: page now; lowered it: stop paging.
    private func manual(_ event: CaseEvent) async throws {
        if event.data["urgent"] == "true" {
            guard let detail = try await store.caseDetail(id: event.caseID), let last = detail.messages.last else { return }
            let reasons = (event.data["reasons"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard let opening = alertOpening(detail.record, contact: detail.contact, message: last.message, reasons: reasons.isEmpty ? ["marked urgent by \(event.actor)"] : reasons) else { return }
            let decision = UrgencyDecision(caseID: event.caseID, event: nil, alert: opening)
            if let alert = try await store.recordUrgency([decision], actor: Self.rulesActor, at: clock.now()).first ?? nil {
                opened(alert, reference: detail.record.reference, summary: opening.summary)
            }
        } else {
            _ = try await store.cancelAlerts(caseID: event.caseID, by: event.actor, at: clock.now())
        }
    }

    /// The alert to open for an urgent case: the default team's first step, paged at once.
    func alertOpening(_ record: CaseRecord, contact: Contact, message: InboundMessage, reasons: [String]) -> AlertOpening? {
        let now = clock.now()
        guard let plan = oncall.startEscalation(at: now) else {
            logger.error("urgent case but no escalation policy", metadata: ["case": "\(record.reference)"])
            return nil
        }
        let builder = pages
        let batch = plan.pages()
        let position = plan.position
        return AlertOpening(
            team: plan.policy.team, reasons: reasons, position: position.storageKey, nextDueAt: plan.nextDue, summary: builder.summary(batch),
            pages: { id, code in
                try builder.deliveries(alertID: id, code: code, position: position, batch: batch, record: record, contact: contact, message: message,
                                       reasons: reasons, at: now)
            })
    }

    /// An on-call person writing in: `ACK <code>` acknowledges; the message is theirs, not a complaint.
    private func staffMessage(_ message: InboundMessage, from person: Person, caseID: Int64) async throws {
        guard message.channel == .sms, let code = AckCommand.code(in: message.body) else { return }
        guard let alert = try await store.pagingAlert(code: code) else {
            logger.info("an ACK matched no paging alert", metadata: ["person": "\(person.name)", "code": "\(code)"])
            return
        }
        do {
            _ = try await store.acknowledge(alertID: alert.id, by: person.name, via: "sms", at: clock.now())
        } catch let error as StoreError where error.isConflict {
            return
        }
        // The reply opened or joined a case of its own: close it, it is not a complaint.
        if caseID != alert.caseID {
            _ = try? await store.updateCase(id: caseID, patch: CasePatch(state: .closed), actor: "escalation", at: clock.now())
        }
    }

    /// The on-call person whose phone sent this message, if any.
    private func staff(_ message: InboundMessage) -> Person? {
        let phones = Set(message.sender.identities.filter { $0.kind == .phone }.map(\.value))
        guard !phones.isEmpty else { return nil }
        return oncall.people.first { $0.phone.map(phones.contains) ?? false }
    }

    /// The latest urgency a person set by hand, among a case's urgency events.
    private func manualUrgency(_ urgencyEvents: [CaseEvent]) -> ManualUrgency? {
        guard let last = urgencyEvents.last(where: { $0.actor != Self.rulesActor }) else { return nil }
        return last.data["urgent"] == "true" ? .urgent : .normal
    }

    /// Records a message and returns how many arrived within the volume rule's window, this one included.
    private func countVolume(_ event: CaseEvent, _ transaction: any JudgingTransaction) throws -> Int {
        guard let window = oncall.urgency.volume?.window.timeInterval else { return 1 }
        let cutoff = event.at.addingTimeInterval(-window)
        if recent.withLock({ $0 == nil }) {
            let earlier = try transaction.messageTimes(before: event.seq, since: cutoff)
            recent.withLock { if $0 == nil { $0 = VolumeWindow(times: earlier, lastSeq: event.seq - 1) } }
        }
        return recent.withLock { state in
            guard var current = state else { return 1 }
            state = nil  // mutated in place below, without a copy
            let count = current.count(event.at, seq: event.seq, since: cutoff)
            state = current
            return count
        }
    }
}
