import Foundation
import AsyncHTTPClient
import Hummingbird
import IntakeCore
import IntakeEscalation
import IntakeForwarding
import IntakeStore
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The assembled gateway: store, case stream, adapters and HTTP API, run as one `ServiceGroup`.
///
/// ```
///  providers ─► HTTP (Hummingbird) ─► WebhookPipeline ─┐
///  IMAP, feeds ◄─ PollingAdapterService ───────────────┼─► CaseStream ─(group commit)─► SQLite or PostgreSQL store
///                                                      │        └─ CommitSignal ─► /v1/events, SSE, consumers
///  reps, CLI ─► /v1/cases, /v1/quarantine ─────────────┘
/// ```
/// Services start in order [case stream, polling adapters, HTTP] and stop in reverse: the HTTP server
/// stops taking requests first, adapters stop fetching, and the case stream drains what is pending last.
public final class Gateway: Sendable {
    public let config: GatewayConfig
    public let dataDir: String
    public let store: any CaseStore & TokenStore
    /// The embedded store, which also keeps alerts and the outbox (call first, forwarding); nil on PostgreSQL.
    let sqlite: SQLiteCaseStore?
    /// The shared store, closed when the gateway stops; nil on SQLite.
    let postgres: PostgresCaseStore?
    public let stream: CaseStream
    public let metrics: GatewayMetrics
    public let health = AdapterHealth()
    public let readiness = Readiness()
    public let tokens: TokenRegistry
    public let clock: any WallClock
    let logger: Logger
    private let group = Mutex<ServiceGroup?>(nil)

    /// Opens the data directory and store. `dataDir` and `port` override the configuration.
    public init(config: GatewayConfig, dataDir: String? = nil, port: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                clock: any WallClock = SystemClock(), logger: Logger) async throws {
        var config = config
        if let port { config.server.port = port }
        self.config = config
        self.dataDir = dataDir ?? config.dataDir
        self.clock = clock
        self.logger = logger
        metrics = GatewayMetrics(channels: Dictionary(config.adapters.map { ($0.name, $0.channel.rawValue) }) { first, _ in first })
        try FileManager.default.createDirectory(atPath: self.dataDir, withIntermediateDirectories: true)
        if config.storage.driver == "postgres" {
            let postgres = try await PostgresCaseStore.open(.init(url: config.storage.url ?? ""), logger: logger)
            (store, sqlite, self.postgres) = (postgres, nil, postgres)
        } else {
            let path = config.storage.path.hasPrefix("/") ? config.storage.path : (self.dataDir as NSString).appendingPathComponent(config.storage.path)
            let sqlite = try SQLiteCaseStore(path: path, durability: SQLiteCaseStore.Durability(rawValue: config.storage.durability) ?? .full)
            (store, self.sqlite, postgres) = (sqlite, sqlite, nil)
        }
        // Whatever appends to the event log (ingest, a case update, an alert; on PostgreSQL, any instance's)
        // wakes its readers: the store fires the stream's signal, so the stream itself does not.
        stream = CaseStream(store: store, maxBatch: config.storage.batchMax, logger: logger, observer: metrics, firesCommits: false)
        sqlite?.signalEventCommits(to: stream.commits)
        try await postgres?.signalEventCommits(to: stream.commits)
        let admin = try AdminToken.resolve(dataDir: self.dataDir, environment: environment)
        if let path = admin.generatedAt { logger.notice("generated an admin API token", metadata: ["path": "\(path)"]) }
        tokens = TokenRegistry(tokens: [(name: "admin", role: .admin, secret: admin.token)] + config.tokens.map { ($0.name, $0.role, $0.secret) })
    }

    /// The HTTP application, with `onServerRunning` told the bound port.
    func makeApplication(escalation: Escalation? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router(context: IntakeRequestContext.self)
        router.add(middleware: ProblemMiddleware(logger: logger))
        router.add(middleware: AuthMiddleware(tokens: tokens, store: store))
        let table = RouteTable(router: router)
        mount(on: table, escalation: escalation)
        var configuration = ApplicationConfiguration(address: .hostname(config.server.host, port: config.server.port), serverName: "IntakeGateway")
        configuration.backlog = 1024
        let readiness = self.readiness
        return Application(router: router, configuration: configuration, onServerRunning: { channel in
            readiness.markReady()
            await onServerRunning(channel.localAddress?.port ?? 0)
        }, logger: logger)
    }

    /// Every route, mounted on `table` (also used by the OpenAPI test to list them).
    func mount(on table: RouteTable, escalation: Escalation? = nil) {
        let webhooks = config.adapters.compactMap { $0 as? any WebhookAdapter }
            .map { WebhookPipeline(adapter: $0, stream: stream, logger: logger, observer: metrics) }
        WebhookRoutes(pipelines: webhooks, maxBodyBytes: config.server.maxBodyBytes, publicBaseURL: config.server.publicBaseURL, clock: clock)
            .mount(on: table)
        CaseRoutes(store: store, clock: clock, maxBodyBytes: config.server.maxBodyBytes).mount(on: table)
        EventRoutes(store: store, commits: stream.commits, idlePoll: .seconds(2)).mount(on: table)
        QuarantineRoutes(store: store, retrier: retrier, metrics: metrics).mount(on: table)
        if let sqlite {
            DeliveryRoutes(store: sqlite, clock: clock).mount(on: table)
            AlertRoutes(store: sqlite, timer: escalation?.timer, retry: escalation?.retry, oncall: config.oncall, notify: config.notify,
                        publicBaseURL: config.server.publicBaseURL, clock: clock, maxBodyBytes: config.server.maxBodyBytes).mount(on: table)
        }
        var operations = OperationsRoutes(readiness: readiness, health: health, metrics: metrics, store: store, openAPI: Self.openAPIDocument,
                                          sources: config.adapters.compactMap { $0 as? any SourceStatusReporting })
        if let postgres {
            operations.storeProblem = { await postgres.unreachableReason() }
        }
        operations.mount(on: table)
    }

    public var retrier: QuarantineRetrier { QuarantineRetrier(store: store, stream: stream, adapters: config.adapters) }

    /// The services in start order.
    func services(client: HTTPClient?, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        let pollers: [any Service] = config.adapters.compactMap { $0 as? any PollingAdapter }.map {
            health.report($0.name, .starting)
            return PollingAdapterService(adapter: $0, stream: stream, store: store, health: health, clock: clock, logger: logger)
        }
        for adapter in config.adapters where adapter is any WebhookAdapter { health.report(adapter.name, .healthy) }
        let escalation = makeEscalation(client: client)
        // The call-first services (the escalation consumer, the timer, the notifiers) have a thread of their
        // own, so a page does not queue behind the HTTP handlers of every other message. (Messages are judged
        // in the intake transaction itself.)
        let paging: [any Service] = escalation.map { escalation in
            let services: [any Service] = [
                EventConsumerService(handler: escalation.engine, store: store, commits: stream.commits, clock: clock, logger: logger),
                escalation.timer,
            ] + escalation.outboxes
            return services.map { PinnedService($0, on: Self.pagingExecutor) }
        } ?? []
        return [stream] + pollers + paging + consumers(client: client)
            + [try makeApplication(escalation: escalation, onServerRunning: onServerRunning)]
    }

    /// The thread the call-first services run on, shared by every gateway in the process.
    private static let pagingExecutor = DedicatedThreadExecutor(name: "intake-paging")

    /// The call-first services, when an `oncall:` section is configured.
    func makeEscalation(client: HTTPClient?) -> Escalation? {
        guard let oncall = config.oncall, let client, let sqlite else { return nil }
        let base = publicBase
        return Escalation(oncall: oncall, notify: config.notify, store: sqlite, client: client,
                          caseLink: CaseLinkTemplate(caseLinkTemplate).link(to:),
                          voiceActionURL: { "\(base)/v1/alerts/\($0)/voice" }, clock: clock, logger: logger)
    }

    /// The base URL people and providers reach this gateway at.
    var publicBase: String {
        let base = config.server.publicBaseURL ?? "http://\(config.server.host):\(config.server.port)"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// The client forwarders and notifiers share (one connection pool per host), when any is configured.
    func makeHTTPClient() -> HTTPClient? {
        guard !config.forwarding.destinations.isEmpty || config.oncall != nil else { return nil }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The readers of the case stream (forwarding) and their outboxes.
    func consumers(client: HTTPClient?) -> [any Service] {
        guard let client, let sqlite, !config.forwarding.destinations.isEmpty else { return [] }
        let forwarding = Forwarding(config: config.forwarding, store: sqlite, client: client, defaultLink: publicBase + "/v1/cases/{ref}", clock: clock, logger: logger)
        let consumer = EventConsumerService(handler: forwarding.consumer, store: store, commits: stream.commits, clock: clock, logger: logger)
        return [consumer] + forwarding.outboxes
    }

    /// Where a case is seen: the public base URL when set, else this listener.
    var caseLinkTemplate: String { config.forwarding.caseLink ?? publicBase + "/v1/cases/{ref}" }

    /// Runs until SIGTERM or SIGINT (graceful: stop intake, drain, exit) or until the task is cancelled.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        metrics.setQuarantine(try await store.quarantineCount())
        let client = makeHTTPClient()
        let services = try services(client: client, onServerRunning: onServerRunning)
        let readiness = self.readiness
        let group = ServiceGroup(configuration: .init(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: signals, cancellationSignals: [], logger: logger))
        self.group.withLock { $0 = group }
        do {
            try await withGracefulShutdownHandler {
                try await group.run()
            } onGracefulShutdown: {
                readiness.markNotReady("shutting down")
            }
        } catch {
            try? await client?.shutdown()
            await postgres?.close()
            throw error
        }
        try await client?.shutdown()
        await postgres?.close()
    }

    /// Starts a graceful shutdown, as SIGTERM does: stop intake, drain, return from `run`.
    public func shutdown() async {
        readiness.markNotReady("shutting down")
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// The committed OpenAPI description of this API.
    public static var openAPIDocument: Data {
        (try? Data(contentsOf: Bundle.module.url(forResource: "openapi", withExtension: "json")!)) ?? Data("{}".utf8)
    }
}
