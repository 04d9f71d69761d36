import Foundation
import IntakeCore

/// Reads the case stream and fills the outbox: a ticket per routed case and destination, a comment per
/// later message, a status change per resolve, close or reopen. Every enqueue is idempotent per key,
/// so a page read twice (at least once) enqueues nothing twice.
public struct ForwardingConsumer: EventHandler {
    public let consumerName = "forwarding"
    let store: any CaseStore & DeliveryStore
    let routes: [ForwardingRoute]
    let tagRules: [TagRule]
    /// Every configured destination's name (comments go wherever a ticket was made).
    let destinations: [String]
    /// The link back to a case, from its reference (`C-42`).
    let link: @Sendable (String) -> String
    let clock: any WallClock
    /// Fired after enqueueing, so the outboxes send at once.
    let enqueued: CommitSignal?

    public init(store: any CaseStore & DeliveryStore, routes: [ForwardingRoute], tagRules: [TagRule], destinations: [String],
                link: @escaping @Sendable (String) -> String, clock: any WallClock = SystemClock(), enqueued: CommitSignal? = nil) {
        self.store = store
        self.routes = routes
        self.tagRules = tagRules
        self.destinations = destinations
        self.link = link
        self.clock = clock
        self.enqueued = enqueued
    }

    public func handle(_ events: [CaseEvent]) async throws {
        let instance = try await store.instanceID()
        var batch: [NewDelivery] = []
        var firstMessages: [Int64: Int64] = [:]  // case → its first message, for cases routed in this page
        for event in events {
            switch event.type {
            case .caseOpened, .urgencyChanged:
                batch += try await route(event, instance: instance, firstMessages: &firstMessages)
            case .messageReceived:
                // The first message is the ticket's description, not a comment.
                if let messageID = event.data["message_id"].flatMap(Int64.init), firstMessages[event.caseID] == messageID { continue }
                batch += try await comment(event, instance: instance, pending: batch)
            case .stateChanged:
                batch += try await status(event, instance: instance, pending: batch)
            default:
                continue
            }
        }
        // One transaction for the page: enqueueing is idempotent per key, so a page offered again adds nothing.
        if try await store.enqueue(batch, at: clock.now()) > 0 { enqueued?.fire() }
    }

    /// The key a case has at every tracker.
    static func key(instance: String, caseID: Int64) -> String { "intake-\(instance)-\(CaseReference.format(caseID))" }

    /// Opens a ticket at every destination the case's routes name now (again on an urgency change:
    /// a route for urgent cases then applies; destinations already given the case are not asked twice).
    private func route(_ event: CaseEvent, instance: String, firstMessages: inout [Int64: Int64]) async throws -> [NewDelivery] {
        guard let detail = try await store.caseDetail(id: event.caseID), let first = detail.messages.first else { return [] }
        firstMessages[event.caseID] = first.id
        let facts = facts(detail)
        let draft = makeDraft(.create, detail, facts: facts, key: Self.key(instance: instance, caseID: event.caseID), detail: nil,
                              text: first.message.body, at: event.at)
        return try ForwardingRoute.destinations(for: facts.facts, routes: routes).map { try delivery(draft, to: $0) }
    }

    private func comment(_ event: CaseEvent, instance: String, pending: [NewDelivery]) async throws -> [NewDelivery] {
        let key = Self.key(instance: instance, caseID: event.caseID)
        let destinations = try await ticketed(key, pending: pending)
        guard !destinations.isEmpty, let messageID = event.data["message_id"].flatMap(Int64.init),
              let detail = try await store.caseDetail(id: event.caseID),
              detail.messages.first?.id != messageID,  // the first message is the ticket's description
              let message = detail.messages.first(where: { $0.id == messageID })
        else { return [] }
        let draft = makeDraft(.comment, detail, facts: facts(detail), key: key, detail: "message-\(messageID)",
                              text: message.message.body, at: event.at, author: message.message.sender.displayName)
        return try destinations.map { try delivery(draft, to: $0) }
    }

    private func status(_ event: CaseEvent, instance: String, pending: [NewDelivery]) async throws -> [NewDelivery] {
        guard let to = event.data["to"], [CaseState.resolved.rawValue, CaseState.closed.rawValue, CaseState.open.rawValue].contains(to),
              let detail = try await store.caseDetail(id: event.caseID)
        else { return [] }
        let key = Self.key(instance: instance, caseID: event.caseID)
        var draft = makeDraft(.status, detail, facts: facts(detail), key: key, detail: "event-\(event.seq)", text: "", at: event.at)
        draft.state = to
        return try await ticketed(key, pending: pending).map { try delivery(draft, to: $0) }
    }

    /// The destinations a ticket was (or, in this page, is about to be) made at for this case key.
    private func ticketed(_ key: String, pending: [NewDelivery]) async throws -> [String] {
        var names: [String] = []
        for name in destinations {
            if pending.contains(where: { $0.destination == name && $0.key == key }) {
                names.append(name)
            } else if try await store.delivery(destination: name, key: key) != nil {
                names.append(name)
            }
        }
        return names
    }

    private func delivery(_ draft: TicketDraft, to destination: String) throws -> NewDelivery {
        NewDelivery(destination: destination, key: draft.deliveryKey, caseID: draft.caseID, payload: try draft.encoded())
    }

    struct Facts {
        var facts: CaseFacts
        var reasons: [String]
    }

    private func facts(_ detail: CaseDetail) -> Facts {
        let urgency = detail.events.last { $0.type == .urgencyChanged }
        let text = ([detail.record.subject ?? ""] + detail.messages.prefix(1).map(\.message.body)).joined(separator: "\n")
        let facts = CaseFacts(
            channel: detail.record.channel, isPublic: detail.record.isPublic, urgent: urgency?.data["urgent"] == "true",
            tags: TagRule.tags(for: text, rules: tagRules), identities: detail.contact.identities.map(\.value))
        let reasons = urgency?.data["reasons"].map { $0.components(separatedBy: "; ") } ?? []
        return Facts(facts: facts, reasons: reasons)
    }

    private func makeDraft(_ operation: TicketDraft.Operation, _ detail: CaseDetail, facts: Facts, key: String, detail suffix: String?,
                           text: String, at: Date, author: String? = nil) -> TicketDraft {
        let record = detail.record
        let firstLine = detail.messages.first?.message.body.split(separator: "\n").first.map(String.init) ?? ""
        let summary = (record.subject?.isEmpty == false ? record.subject! : firstLine).prefix(120)
        let email = detail.contact.identities.first { $0.kind == .email }?.value
        let name = detail.contact.displayName ?? email ?? detail.contact.identities.first?.value ?? "unknown customer"
        let customer = email.map { name == $0 ? name : "\(name) <\($0)>" } ?? name
        return TicketDraft(
            operation: operation, key: key, deliveryKey: suffix.map { "\(key)/\(operation.rawValue)/\($0)" } ?? key,
            caseID: record.id, reference: record.reference, title: "\(record.reference): \(summary)", text: text, customer: customer,
            customerEmail: email, channel: record.channel.rawValue, urgent: facts.facts.urgent, urgencyReasons: facts.reasons,
            tags: facts.facts.tags, link: link(record.reference), author: author ?? (operation == .comment ? customer : nil), at: at)
    }
}
