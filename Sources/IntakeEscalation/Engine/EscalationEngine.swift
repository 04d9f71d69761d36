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
    /// When recent messages arrived, for the volume rule (in memory: after a restart it fills again).
    private let recent = Mutex<[Date]>([])

    public init(store: any Store, oncall: OnCallConfig, pages: PageBuilder, clock: any WallClock, logger: Logger, enqueued: CommitSignal) {
        self.store = store
        self.oncall = oncall
        self.pages = pages
        self.clock = clock
        self.logger = logger
        self.enqueued = enqueued
    }

    public func handle(_ events: [CaseEvent]) async throws {
        for event in events {
            switch event.type {
            case .messageReceived:
                try await message(event)
            case .urgencyChanged where event.actor != Self.rulesActor:
                try await manual(event)
            default:
                continue
            }
        }
    }

    private func message(_ event: CaseEvent) async throws {
        guard let messageID = event.data["message_id"].flatMap(Int64.init) else { return }
        let flags = Set((event.data["flags"] ?? "").split(separator: ",").map(String.init))
        guard !flags.contains(MessageFlag.automated.rawValue), !flags.contains(MessageFlag.statusReport.rawValue) else { return }
        let volume = countVolume(at: event.at)
        guard let detail = try await store.caseDetail(id: event.caseID), let stored = detail.messages.first(where: { $0.id == messageID }) else { return }
        let message = stored.message
        if let person = staff(message) {
            try await staffMessage(message, from: person, caseID: event.caseID)
            return
        }
        var contactCount = 1
        if let rule = oncall.urgency.repeatedContact {
            contactCount = try await store.messageCount(contactID: stored.contactID, since: message.receivedAt.addingTimeInterval(-rule.window.seconds))
        }
        let signals = UrgencySignals(message: message, contact: detail.contact, messagesFromContact: contactCount, messagesAcrossChannels: volume)
        let verdict = oncall.urgency.evaluate(signals).applying(manualUrgency(detail))
        guard verdict.urgent || verdict.suppressedBecauseAbusive else { return }
        let last = detail.events.last { $0.type == .urgencyChanged }
        let reasons = verdict.reasons.joined(separator: "; ")
        if last?.data["urgent"] != String(verdict.urgent) || last?.data["reasons"] != reasons {
            _ = try await store.appendEvent(caseID: event.caseID, type: .urgencyChanged, actor: Self.rulesActor, at: clock.now(),
                                            data: ["urgent": String(verdict.urgent), "reasons": reasons, "source": "rules"])
        }
        if verdict.urgent { try await openAlert(detail, message: message, reasons: verdict.reasons) }
    }

    /// A person raised urgency: page now; lowered it: stop paging.
    private func manual(_ event: CaseEvent) async throws {
        if event.data["urgent"] == "true" {
            guard let detail = try await store.caseDetail(id: event.caseID), let last = detail.messages.last else { return }
            let reasons = (event.data["reasons"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            try await openAlert(detail, message: last.message, reasons: reasons.isEmpty ? ["marked urgent by \(event.actor)"] : reasons)
        } else {
            _ = try await store.cancelAlerts(caseID: event.caseID, by: event.actor, at: clock.now())
        }
    }

    /// Opens the alert and its first step's pages in one transaction (none when one already pages).
    func openAlert(_ detail: CaseDetail, message: InboundMessage, reasons: [String]) async throws {
        let now = clock.now()
        guard let plan = oncall.startEscalation(at: now) else {
            logger.error("urgent case but no escalation policy", metadata: ["case": "\(detail.record.reference)"])
            return
        }
        var code = String(format: "%04d", Int.random(in: 0...9999))
        while try await store.pagingAlert(code: code) != nil { code = String(format: "%04d", Int.random(in: 0...9999)) }
        let builder = pages
        let batch = plan.pages()
        let position = plan.position
        // The summary does not depend on the id: build once to know it.
        let summary = try builder.deliveries(alertID: 0, code: code, position: position, batch: batch, detail: detail, message: message,
                                             reasons: reasons, at: now).summary
        let code0 = code
        let alert = try await store.openAlert(
            caseID: detail.record.id, team: plan.policy.team, code: code, reasons: reasons, position: position.storageKey, nextDueAt: plan.nextDue,
            pages: { id in
                try builder.deliveries(alertID: id, code: code0, position: position, batch: batch, detail: detail, message: message,
                                       reasons: reasons, at: now).pages
            }, summary: summary, at: now)
        if let alert {
            enqueued.fire()
            logger.notice("call-now alert opened", metadata: ["case": "\(detail.record.reference)", "alert": "\(alert.id)", "paged": "\(summary)"])
        }
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

    /// Records a message at `at` and returns how many arrived within the volume rule's window.
    private func countVolume(at: Date) -> Int {
        guard let window = oncall.urgency.volume?.window.seconds else { return 1 }
        return recent.withLock { times in
            times.append(at)
            let cutoff = at.addingTimeInterval(-window)
            if let first = times.firstIndex(where: { $0 >= cutoff }), first > 0 { times.removeFirst(first) }
            return times.count
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
