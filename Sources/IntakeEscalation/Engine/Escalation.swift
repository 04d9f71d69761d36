import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakePolicy
import Logging
import ServiceLifecycle

/// The call-first services of a gateway: the engine reading the case stream, the timer escalating
/// from the database, and one outbox worker per configured notifier (voice, SMS, Slack, webhook).
///
/// ```
/// intake transaction: message ─► EscalationEngine ─(urgent)─► alert + pages ─(commit)─► outbox ─► Twilio | Slack | webhook
///                      EscalationTimer ─(step timed out, nobody acked)─► next step's pages ┘
/// ack: POST /v1/alerts/{id}/ack | SMS "ACK 1234" | Slack button | keypress 1 ─► acknowledged: nothing more is sent
/// ```
public struct Escalation: Sendable {
    public let engine: EscalationEngine
    public let timer: EscalationTimer
    public let outboxes: [OutboxService]
    /// Reminds a rep to call again after no answer or voicemail.
    public let retry: CallRetry

    public init(oncall: OnCallConfig, notify: NotifyConfig, store: any EscalationEngine.Store, client: HTTPClient,
                caseLink: @escaping @Sendable (String) -> String, voiceActionURL: @escaping @Sendable (Int64) -> String,
                clock: any WallClock = SystemClock(), logger: Logger, idlePoll: Duration = .milliseconds(250)) {
        let enqueued = CommitSignal()
        let timerWake = CommitSignal()
        let pages = PageBuilder(methods: notify.availableMethods, caseLink: caseLink, voiceActionURL: voiceActionURL)
        engine = EscalationEngine(store: store, oncall: oncall, pages: pages, clock: clock, logger: logger, enqueued: enqueued)
        // Messages are judged in the transaction that stores them; the engine's consumer takes the rest.
        store.judgeOnIngest(engine)
        timer = EscalationTimer(store: store, oncall: oncall, pages: pages, clock: clock, logger: logger, enqueued: enqueued, wakeups: timerWake)
        retry = CallRetry(store: store, oncall: oncall, pages: pages)
        let log = AlertAttemptLog(store: store, logger: logger, timer: timerWake)
        outboxes = notify.destinations(client: client, clock: clock, gate: StoreAlertGate(store: store)).map {
            OutboxService(destination: $0, store: store, clock: clock, logger: logger, baseBackoff: .seconds(1), maxBackoff: .seconds(30),
                          idlePoll: idlePoll, wakeups: enqueued, observer: log)
        }
    }
}
