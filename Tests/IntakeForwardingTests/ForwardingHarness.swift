import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeForwarding
import IntakeStore
import IntakeTesting
import Logging

/// A store, the providers' stand-in and one tracker destination, driven step by step on a test clock.
final class ForwardingHarness: StubHarness {
    static let token = "secret-token-0123456789abcdef"
    let store: SQLiteCaseStore
    let stub: ProviderStub
    let client: HTTPClient
    let clock = TestClock(now: Date(timeIntervalSince1970: 1_800_000_000))
    let destination: TrackerDestination
    let consumer: EventConsumerService
    let outbox: OutboxService

    init(kind: String, stub: ProviderStub, routes: [ForwardingRoute]? = nil, timeout: Duration = .seconds(5)) throws {
        self.stub = stub
        store = try SQLiteCaseStore(path: try temporaryDirectory("forwarding").appendingPathComponent("intake.sqlite").path)
        client = HTTPClient(eventLoopGroupProvider: .singleton)
        let tracker = Self.tracker(kind, base: stub.baseURL, client: client, timeout: timeout, clock: clock)
        destination = TrackerDestination(name: kind, maxConcurrency: 4, tracker: tracker, store: store)
        let handler = ForwardingConsumer(store: store, routes: routes ?? [ForwardingRoute(to: [kind])], tagRules: [TagRule(name: "returns", keywords: ["refund"])],
                                         destinations: [kind], link: { "https://intake.example.com/v1/cases/\($0)" }, clock: clock)
        let logger = Logger(label: "forwarding-test")
        consumer = EventConsumerService(handler: handler, store: store, commits: CommitSignal(), clock: clock, logger: logger)
        outbox = OutboxService(destination: destination, store: store, clock: clock, logger: logger, baseBackoff: .seconds(1),
                               observer: ForwardedObserver(store: store, logger: logger))
    }

    static func tracker(_ kind: String, base: String, client: HTTPClient, timeout: Duration, clock: any WallClock) -> any Tracker {
        switch kind {
        case "jira":
            JiraTracker(http: TrackerHTTP(client: client, baseURL: base, headers: JiraTracker.headers(email: "bot@acme.com", token: token),
                                          timeout: timeout, secrets: [token]), settings: .init(project: "SUP"))
        case "zendesk":
            ZendeskTracker(http: TrackerHTTP(client: client, baseURL: base, headers: ZendeskTracker.headers(email: "bot@acme.com", token: token),
                                             timeout: timeout, secrets: [token]))
        case "github":
            GitHubTracker(http: TrackerHTTP(client: client, baseURL: base, headers: GitHubTracker.headers(token: token), timeout: timeout,
                                            secrets: [token], throttled: GitHubTracker.throttled), repository: "acme/support", labels: ["complaint"])
        case "linear":
            LinearTracker(http: TrackerHTTP(client: client, baseURL: base, headers: LinearTracker.headers(apiKey: token), timeout: timeout,
                                            secrets: [token]), settings: .init(teamID: "9cfb482a-81e3-4154-b5b9-2c805e70a02d",
                                                                               doneStateID: "1b1a9a4e-3b5a-4d39-9f3c-6a4c3e0f7a11"))
        default:
            WebhookTracker(http: TrackerHTTP(client: client, baseURL: "", headers: [], timeout: timeout, secrets: [token]),
                           url: base + "/hooks/ops", secret: token, clock: clock)
        }
    }

    func shutdown() async throws {
        try await client.shutdown()
    }

    /// Stores a complaint (a reply when `thread` names an earlier one) and lets the consumer enqueue.
    @discardableResult
    func complaint(_ id: String, body: String, thread: String? = nil, subject: String? = "Refund never arrived") async throws -> Int64? {
        let message = InboundMessage(
            adapter: "mail", channel: .email, externalID: id, receivedAt: clock.now(),
            sender: Sender(identities: [Identity.email("dana@example.com")!], displayName: "Dana Reyes"), subject: subject, body: body,
            threadRefs: thread.map { [$0] } ?? [], ownRefs: [id], raw: RawPayload(contentType: "text/plain", bytes: Data(body.utf8)))
        let outcome = try await store.ingest([.message(message)])
        try await drain()
        if case .stored(let receipt) = outcome.first { return receipt.caseID }
        return nil
    }

    func drain() async throws {
        while try await consumer.drainOnce() > 0 {}
    }

    /// Works the outbox until nothing is due now.
    func deliver() async throws {
        while try await outbox.workOnce() > 0 {}
    }

    func deliveries() async throws -> [Delivery] { try await store.deliveries(state: nil, limit: 100) }
}
