import Foundation
import IntakeCore
import IntakePolicy
import Logging
import Synchronization

/// Reads the case stream (consumer `escalation`): evaluates urgency on every new message, records why a
/// case is urgent, and opens a call-now alert that pages the team's first step at once. Also takes
/// acknowledgements sent back by SMS (`ACK 4821`) and people raising or lowering urgency by hand.
public final class EscalationEngine: EventHandler, Sendable {
    public let consumerName = "escalation"

    /// New messages are judged, and a person's urgency change is applied; the rest of the log (its own
    /// decisions among it) is not its business.
    public func handles(_ event: CaseEvent) -> Bool {
        event.type == .messageReceived || (event.type == .urgencyChanged && event.actor != Self.rulesActor)
    }
    /// The actor of urgency events written by the rules (a person's name otherwise).
    public static let rulesActor = "urgency-rules"
    public typealias Store = CaseStore & AlertStore & DeliveryStore

    let store: any Store
    let oncall: OnCallConfig
    let pages: PageBuilder
    let clock: any WallClock
    let logger: Logger
    /// Fired after pages were enqueued, so the notifiers send at once.
    let enqueued: CommitSignal
    /// When recent messages arrived, for the volume rule, and the last event counted (a page offered
    /// again after a failure is not counted twice); nil until read back from the event log at the
    /// first message this process sees, so a restart does not forget the last window.
    private let recent = Mutex<(times: [Date], lastSeq: Int64)?>(nil)

    public init(store: any Store, oncall: OnCallConfig, pages: PageBuilder, clock: any WallClock, logger: Logger, enqueued: CommitSignal) {
        self.store = store
        self.oncall = oncall
        self.pages = pages
        self.clock = clock
        self.logger = logger
        self.enqueued = enqueued
    }

    /// Decides each new message's urgency, then writes every decision of the page of events (events
    /// and alerts with their first pages) in one transaction, so a burst costs one commit, not one per message.
    public func handle(_ events: [CaseEvent]) async throws {
        _ = try await handle(events, storing: nil)
    }

    /// Stores the consumer position in the transaction of the page's last decisions. A page that wrote
    /// nothing leaves it to the service to store later, so most pages (no urgent message) cost no commit;
    /// one that wrote without it (an acknowledgement by SMS, a person's urgency change) has it stored now,
    /// so that a crash cannot replay those.
    public func handle(_ events: [CaseEvent], through position: ConsumerPosition) async throws -> PositionOutcome {
        try await handle(events, storing: position)
    }

    private func handle(_ events: [CaseEvent], storing position: ConsumerPosition?) async throws -> PositionOutcome {
        var batch = DecisionBatch()
        var wroteAlone = false
        let details = try await readCases(of: events)
        for event in events {
            switch event.type {
            case .messageReceived:
                if try await message(event, detail: details[event.caseID], into: &batch) { wroteAlone = true }
            case .urgencyChanged where event.actor != Self.rulesActor:
                try await write(&batch)
                try await manual(event)
                wroteAlone = true
            default:
                continue
            }
        }
        if try await write(&batch, position: position) { return position == nil ? .storeNow : .stored }
        return wroteAlone ? .storeNow : .storeLater
    }

    /// The decisions of one page of events, and what they already changed (a case may have several messages in it).
    struct DecisionBatch {
        var decisions: [UrgencyDecision] = []
        var references: [String] = []
        /// The urgency event data each case was given in this batch.
        var urgency: [Int64: [String: String]] = [:]
        var alerting: Set<Int64> = []
    }

    /// The cases the page's new messages belong to, read concurrently (most messages are not urgent:
    /// reading their cases one after another was most of the engine's time).
    private func readCases(of events: [CaseEvent]) async throws -> [Int64: CaseDetail] {
        let ids = Set(events.filter { $0.type == .messageReceived }.map(\.caseID))
        let store = self.store
        return try await withThrowingTaskGroup(of: (Int64, CaseDetail?).self) { group in
            for id in ids { group.addTask { (id, try await store.caseDetail(id: id)) } }
            var details: [Int64: CaseDetail] = [:]
            for try await (id, detail) in group { details[id] = detail }
            return details
        }
    }

    /// Judges one new message into `batch`; returns true when it wrote on its own instead (a staff reply).
    private func message(_ event: CaseEvent, detail: CaseDetail?, into batch: inout DecisionBatch) async throws -> Bool {
        guard let messageID = event.data["message_id"].flatMap(Int64.init) else { return false }
        guard !MessageFlag.markAutomated(event.data["flags"]) else { return false }
        let volume = try await countVolume(event)
        guard let detail, let stored = detail.messages.first(where: { $0.id == messageID }) else { return false }
        let message = stored.message
        if let person = staff(message) {
            try await write(&batch)
            try await staffMessage(message, from: person, caseID: event.caseID)
            return true
        }
        var contactCount = 1
        if let rule = oncall.urgency.repeatedContact {
            contactCount = try await store.messageCount(
                contactID: stored.contactID, from: message.receivedAt.addingTimeInterval(-rule.window.timeInterval), through: message.receivedAt)
        }
        let signals = UrgencySignals(message: message, contact: detail.contact, messagesFromContact: contactCount, messagesAcrossChannels: volume)
        let verdict = oncall.urgency.evaluate(signals).applying(manualUrgency(detail))
        guard verdict.urgent || verdict.suppressedBecauseAbusive else { return false }
        let last = batch.urgency[event.caseID] ?? detail.events.last { $0.type == .urgencyChanged }?.data
        let reasons = verdict.reasons.joined(separator: "; ")
        var data: [String: String]?
        if last?["urgent"] != String(verdict.urgent) || last?["reasons"] != reasons {
            data = ["urgent": String(verdict.urgent), "reasons": reasons, "source": "rules"]
            batch.urgency[event.caseID] = data
        }
        var opening: AlertOpening?
        if verdict.urgent, !batch.alerting.contains(event.caseID) {
            opening = alertOpening(detail, message: message, reasons: verdict.reasons)
            if opening != nil { batch.alerting.insert(event.caseID) }
        }
        guard data != nil || opening != nil else { return false }
        batch.decisions.append(UrgencyDecision(caseID: event.caseID, event: data, alert: opening))
        batch.references.append(detail.record.reference)
        return false
    }

    /// Writes the batch's decisions in one transaction (with the consumer's `position`, if given) and
    /// wakes the notifiers when an alert opened; returns whether it wrote.
    @discardableResult
    private func write(_ batch: inout DecisionBatch, position: ConsumerPosition? = nil) async throws -> Bool {
        guard !batch.decisions.isEmpty else { return false }
        let alerts = try await store.recordUrgency(batch.decisions, actor: Self.rulesActor, at: clock.now(), position: position)
        if alerts.contains(where: { $0 != nil }) { enqueued.fire() }
        for (alert, (decision, reference)) in zip(alerts, zip(batch.decisions, batch.references)) {
            guard let alert else { continue }
            logger.notice("call-now alert opened", metadata: ["case": "\(reference)", "alert": "\(alert.id)", "paged": "\(decision.alert?.summary ?? "")"])
        }
        batch = DecisionBatch()
        return true
    }

    /// A person raised urgency: page now; lowered it: stop paging.
    private func manual(_ event: CaseEvent) async throws {
        if event.data["urgent"] == "true" {
            guard let detail = try await store.caseDetail(id: event.caseID), let last = detail.messages.last else { return }
            let reasons = (event.data["reasons"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard let opening = alertOpening(detail, message: last.message, reasons: reasons.isEmpty ? ["marked urgent by \(event.actor)"] : reasons) else { return }
            var batch = DecisionBatch()
            batch.decisions = [UrgencyDecision(caseID: event.caseID, event: nil, alert: opening)]
            batch.references = [detail.record.reference]
            try await write(&batch)
        } else {
            _ = try await store.cancelAlerts(caseID: event.caseID, by: event.actor, at: clock.now())
        }
    }

    /// The alert to open for an urgent case: the default team's first step, paged at once.
    func alertOpening(_ detail: CaseDetail, message: InboundMessage, reasons: [String]) -> AlertOpening? {
        let now = clock.now()
        guard let plan = oncall.startEscalation(at: now) else {
            logger.error("urgent case but no escalation policy", metadata: ["case": "\(detail.record.reference)"])
            return nil
        }
        let builder = pages
        let batch = plan.pages()
        let position = plan.position
        return AlertOpening(
            team: plan.policy.team, reasons: reasons, position: position.storageKey, nextDueAt: plan.nextDue, summary: builder.summary(batch),
            pages: { id, code in
                try builder.deliveries(alertID: id, code: code, position: position, batch: batch, detail: detail, message: message, reasons: reasons, at: now)
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

    private func manualUrgency(_ detail: CaseDetail) -> ManualUrgency? {
        guard let last = detail.events.last(where: { $0.type == .urgencyChanged && $0.actor != Self.rulesActor }) else { return nil }
        return last.data["urgent"] == "true" ? .urgent : .normal
    }

    /// Records a message and returns how many arrived within the volume rule's window, this one included.
    private func countVolume(_ event: CaseEvent) async throws -> Int {
        guard let window = oncall.urgency.volume?.window.timeInterval else { return 1 }
        let cutoff = event.at.addingTimeInterval(-window)
        if recent.withLock({ $0 == nil }) {
            let earlier = try await store.messageTimes(before: event.seq, since: cutoff)
            recent.withLock { if $0 == nil { $0 = (earlier, event.seq - 1) } }
        }
        return recent.withLock { state in
            guard var current = state else { return 1 }
            state = nil  // mutated in place below, without a copy
            if event.seq > current.lastSeq {
                current.times.append(event.at)
                current.lastSeq = event.seq
            }
            // By value: a re-ingested message may carry an older time than the ones before it.
            current.times.removeAll { $0 < cutoff }
            state = current
            return current.times.count
        }
    }
}
