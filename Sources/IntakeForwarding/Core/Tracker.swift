import Foundation
import IntakeCore

/// One tracker's request builder (Jira, Zendesk, GitHub, Linear, a webhook): turns a draft into the
/// tracker's calls and reads the answers. Retry, dedup and bookkeeping are the outbox's.
public protocol Tracker: Sendable {
    /// Whether comments and status changes need the ticket's remote id (a webhook does not).
    var needsTicket: Bool { get }
    /// The ticket already made under `draft.key` (a crash between the remote create and recording its
    /// id), looked up on the remote side before every create.
    func find(_ draft: TicketDraft) async -> TrackerLookup
    func create(_ draft: TicketDraft) async -> DeliveryResult
    func comment(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult
    /// Maps the case's state to the tracker's status; `.done(nil)` where the tracker has no such status.
    func setStatus(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult
}

extension Tracker {
    public var needsTicket: Bool { true }
}

/// What a remote lookup found.
public enum TrackerLookup: Sendable, Equatable {
    case found(String)
    case notFound
    /// The lookup itself failed: the delivery ends this attempt with that result.
    case failed(DeliveryResult)
}
