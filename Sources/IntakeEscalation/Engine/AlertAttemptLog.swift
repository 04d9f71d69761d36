import Foundation
import IntakeCore
import Logging

/// Logs every page attempt on its alert (method, time, result, provider id), and when every page of a
/// step failed for good, makes the alert due now so the next step is paged at once.
public struct AlertAttemptLog: DeliveryObserver {
    let store: any AlertStore
    let logger: Logger
    /// Wakes the escalation timer.
    let timer: CommitSignal

    public init(store: any AlertStore, logger: Logger, timer: CommitSignal) {
        self.store = store
        self.logger = logger
        self.timer = timer
    }

    public func attempted(_ delivery: Delivery, result: DeliveryResult, at: Date) async {
        guard let page = try? PageMessage.decode(delivery.payload) else { return }
        let attempt: AlertAttempt
        switch result {
        case .done(let remoteID):
            let skipped = remoteID?.hasPrefix("not sent") ?? false
            attempt = AlertAttempt(alertID: page.alertID, deliveryID: delivery.id, person: page.person, method: page.method, at: at,
                                   result: skipped ? "skipped" : "sent", status: nil, providerID: skipped ? nil : remoteID, detail: skipped ? remoteID : nil)
        case .retry(let reason, let status, _):
            attempt = AlertAttempt(alertID: page.alertID, deliveryID: delivery.id, person: page.person, method: page.method, at: at,
                                   result: "retrying", status: status, providerID: nil, detail: reason)
        case .permanent(let reason, let status):
            attempt = AlertAttempt(alertID: page.alertID, deliveryID: delivery.id, person: page.person, method: page.method, at: at,
                                   result: "failed", status: status, providerID: nil, detail: reason)
        }
        do {
            try await store.recordAlertAttempt(attempt)
            if case .permanent = result {
                let prefix = delivery.key.split(separator: "/").prefix(2).joined(separator: "/") + "/"
                if try await store.escalateIfStepFailed(alertID: page.alertID, stepKeyPrefix: prefix, at: at) { timer.fire() }
            }
        } catch {
            logger.warning("could not log a page attempt", metadata: ["alert": "\(page.alertID)", "error": "\(error)"])
        }
    }
}

/// The store as the notifiers' gate: a page is sent only while its alert pages, a call-again
/// reminder only while the alert is acknowledged with the outcome that asked for it.
public struct StoreAlertGate: AlertGate {
    let store: any AlertStore
    public init(store: any AlertStore) { self.store = store }
    public func allows(_ page: PageMessage) async throws -> Bool {
        guard let alert = try await store.alert(id: page.alertID) else { return false }
        if let outcome = page.reminderFor { return alert.state == .acknowledged && alert.outcome == outcome }
        return alert.state == .paging
    }
}
