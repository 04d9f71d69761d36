import Foundation
import IntakeCore

/// The outbox destination around a `Tracker`: decodes the draft, looks before it creates, and holds a
/// comment back until its ticket exists.
public struct TrackerDestination: DeliveryDestination {
    public let name: String
    public let maxConcurrency: Int
    public let tracker: any Tracker
    let store: any DeliveryStore

    public init(name: String, maxConcurrency: Int, tracker: any Tracker, store: any DeliveryStore) {
        self.name = name
        self.maxConcurrency = maxConcurrency
        self.tracker = tracker
        self.store = store
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryResult {
        let draft: TicketDraft
        do {
            draft = try TicketDraft.decode(delivery.payload)
        } catch {
            return .permanent(reason: "the stored draft cannot be read: \(error)", status: nil)
        }
        switch draft.operation {
        case .create:
            switch await tracker.find(draft) {
            case .found(let ticket): return .done(remoteID: ticket)
            case .failed(let result): return result
            case .notFound: return await tracker.create(draft)
            }
        case .comment, .status:
            var ticket = ""
            if tracker.needsTicket {
                let created: Delivery?
                do {
                    created = try await store.delivery(destination: name, key: draft.key)
                } catch {
                    return .retry(reason: "outbox read failed: \(error)", status: nil, after: .seconds(1))
                }
                guard let created, created.state == .done, let remote = created.remoteID else {
                    return .retry(reason: "waiting for the ticket of \(draft.reference) to be created", status: nil, after: .seconds(1))
                }
                ticket = remote
            }
            return draft.operation == .comment ? await tracker.comment(draft, on: ticket) : await tracker.setStatus(draft, on: ticket)
        }
    }
}
