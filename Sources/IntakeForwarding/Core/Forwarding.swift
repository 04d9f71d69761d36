import AsyncHTTPClient
import Foundation
import IntakeCore
import Logging
import ServiceLifecycle

/// The forwarding services of a gateway: the consumer that fills the outbox from the case stream and
/// one outbox worker per destination, sharing one HTTP client.
///
/// ```
/// case stream ─► ForwardingConsumer ─(routes)─► outbox (SQLite) ─► OutboxService per destination
///                                                                   └─► Jira | Zendesk | GitHub | Linear | webhook
/// ```
public struct Forwarding: Sendable {
    public let consumer: ForwardingConsumer
    public let outboxes: [OutboxService]
    public let destinations: [TrackerDestination]

    public init(config: ForwardingConfig, store: any CaseStore & DeliveryStore, client: HTTPClient, defaultLink: String,
                clock: any WallClock = SystemClock(), logger: Logger, idlePoll: Duration = .milliseconds(250)) {
        let wake = CommitSignal()
        let template = config.caseLink ?? defaultLink
        consumer = ForwardingConsumer(
            store: store, routes: config.routes, tagRules: config.tags, destinations: config.destinations.map(\.name),
            link: CaseLinkTemplate(template).link(to:), clock: clock, enqueued: wake)
        destinations = config.destinations.map {
            TrackerDestination(name: $0.name, maxConcurrency: $0.maxConcurrency, tracker: $0.tracker(client: client, clock: clock), store: store)
        }
        let observer = ForwardedObserver(store: store, logger: logger)
        outboxes = destinations.map {
            OutboxService(destination: $0, store: store, clock: clock, logger: logger, idlePoll: idlePoll, wakeups: wake, observer: observer)
        }
    }
}
