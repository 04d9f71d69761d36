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

    public func attempted(_ attempts: [DeliveryAttempt]) async {
        var logged: [AlertAttempt] = []
        var failedSteps: [(alertID: Int64, prefix: String, at: Date)] = []
        for item in attempts {
            guard let key = PageKey(item.delivery.key) else { continue }
            logged.append(Self.attempt(key, item))
            if case .permanent = item.result { failedSteps.append((key.alertID, key.stepPrefix, item.at)) }
        }
        do {
            try await store.recordAlertAttempts(logged)
            for step in failedSteps where try await store.escalateIfStepFailed(alertID: step.alertID, stepKeyPrefix: step.prefix, at: step.at) {
                timer.fire()
            }
        } catch {
            logger.warning("could not log page attempts", metadata: ["count": "\(logged.count)", "error": "\(error)"])
        }
    }

    /// The log line of one attempt: sent (with the provider's id), skipped (held back), retrying or failed.
    static func attempt(_ page: PageKey, _ item: DeliveryAttempt) -> AlertAttempt {
        let (delivery, at) = (item.delivery, item.at)
        switch item.result {
        case .done(let remoteID):
            let skipped = remoteID?.hasPrefix("not sent") ?? false
            return AlertAttempt(alertID: page.alertID, deliveryID: delivery.id, person: page.person, method: page.method, at: at,
                                result: skipped ? "skipped" : "sent", status: nil, providerID: skipped ? nil : remoteID, detail: skipped ? remoteID : nil)
        case .retry(let reason, let status, _):
            return AlertAttempt(alertID: page.alertID, deliveryID: delivery.id, person: page.person, method: page.method, at: at,
                                result: "retrying", status: status, providerID: nil, detail: reason)
        case .permanent(let reason, let status):
            return AlertAttempt(alertID: page.alertID, deliveryID: delivery.id, person: page.person, method: page.method, at: at,
                                result: "failed", status: status, providerID: nil, detail: reason)
        }
    }
}

/// What a page's outbox key says (`alert-<id>/<step>/<person>/<method>`), read without decoding its payload.
struct PageKey {
    var alertID: Int64
    /// `alert-<id>/<step>/`, shared by every page of the step.
    var stepPrefix: String
    var person: String
    var method: String

    init?(_ key: String) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].hasPrefix("alert-"), let id = Int64(parts[0].dropFirst(6)) else { return nil }
        alertID = id
        stepPrefix = "\(parts[0])/\(parts[1])/"
        person = String(parts[2])
        method = String(parts[3])
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
