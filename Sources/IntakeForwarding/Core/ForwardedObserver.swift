import Foundation
import IntakeCore
import Logging

/// Writes `case.forwarded` into a case's log once its ticket exists (with the tracker's id), and
/// `case.forward_failed` when a tracker refused it for good, so people see both in the case.
public struct ForwardedObserver: DeliveryObserver {
    let store: any CaseStore
    let logger: Logger

    public init(store: any CaseStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func attempted(_ attempts: [DeliveryAttempt]) async {
        for attempt in attempts { await attempted(attempt.delivery, result: attempt.result, at: attempt.at) }
    }

    private func attempted(_ delivery: Delivery, result: DeliveryResult, at: Date) async {
        guard let caseID = delivery.caseID, let draft = try? TicketDraft.decode(delivery.payload), draft.operation == .create else { return }
        let event: (CaseEventType, [String: String])
        switch result {
        case .done(let remoteID):
            event = (.forwarded, ["destination": delivery.destination, "remote_id": remoteID ?? "", "delivery_id": String(delivery.id)])
        case .permanent(_, let status):
            event = (.forwardFailed, ["destination": delivery.destination, "status": status.map(String.init) ?? "", "delivery_id": String(delivery.id)])
        case .retry:
            return
        }
        do {
            _ = try await store.appendEvent(caseID: caseID, type: event.0, actor: "forwarding", at: at, data: event.1)
        } catch {
            logger.warning("could not log the forwarding on the case", metadata: ["case": "\(caseID)", "error": "\(error)"])
        }
    }
}
