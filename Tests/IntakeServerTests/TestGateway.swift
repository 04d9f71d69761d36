import AsyncHTTPClient
import NIOHTTP1
import Foundation
import IntakeServer
import IntakeTesting
import Logging
import NIOCore
import Testing

/// A gateway started in this process on a free port, for tests that speak real HTTP to it.
final class TestGateway: Sendable {
    static let adminToken = "test-admin-token-0123456789"
    let gateway: Gateway
    let port: Int
    let dataDir: String
    /// The store it runs on: a restart passes it again.
    let store: TestStore
    private let task: Task<Void, any Error>

    private init(gateway: Gateway, port: Int, dataDir: String, store: TestStore, task: Task<Void, any Error>) {
        self.gateway = gateway
        self.port = port
        self.dataDir = dataDir
        self.store = store
        self.task = task
    }

    static let defaultYAML = """
        server: {host: 127.0.0.1, max_body_bytes: 4096}
        tokens:
          - {name: form, role: ingest, secret: "${FORM_TOKEN}"}
          - {name: sam, role: rep, secret: "${REP_TOKEN}"}
        adapters:
          - {kind: generic, name: api}
        """

    static let environment = ["INTAKE_ADMIN_TOKEN": adminToken, "FORM_TOKEN": "form-token-0123456789", "REP_TOKEN": "rep-token-0123456789"]

    static func start(yaml: String = defaultYAML, dataDir: String? = nil, environment extra: [String: String] = [:],
                      store: TestStore = .sqlite) async throws -> TestGateway {
        let dir = dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(UUID().uuidString)").path
        let environment = self.environment.merging(extra) { $1 }.merging(store.environment) { $1 }
        let config = try GatewayConfig.parse(yaml: store.yaml + yaml, environment: environment)
        var logger = Logger(label: "test-gateway")
        logger.logLevel = .error
        let gateway = try await Gateway(config: config, dataDir: dir, port: 0, environment: environment, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await gateway.run(signals: []) { port in continuation.yield(port) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the gateway did not start") }
        return TestGateway(gateway: gateway, port: port, dataDir: dir, store: store, task: task)
    }

    /// Graceful shutdown, as SIGTERM; waits for `run` to return.
    func stop() async throws {
        await gateway.shutdown()
        try await task.value
    }

    func request(_ method: HTTPMethod, _ path: String, json: String? = nil, token: String? = adminToken,
                 contentType: String? = "application/json", headers: [(String, String)] = []) async throws -> (status: Int, body: String, headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.body = .bytes(ByteBuffer(string: json))
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers)
    }

    /// Posts a generic message and returns the decoded receipt.
    func post(_ json: String, token: String = adminToken) async throws -> (status: Int, object: [String: Any]) {
        let response = try await request(.POST, "/v1/messages", json: json, token: token)
        return (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]) ?? [:])
    }
}

/// Which store a test gateway runs on: the SQLite file in its data directory, or a database of the tests' PostgreSQL.
enum TestStore: Sendable {
    case sqlite
    case postgres(url: String)

    /// A new, empty store of the driver named (`sqlite` or `postgres`).
    static func fresh(_ driver: String) async throws -> TestStore {
        driver == "postgres" ? .postgres(url: try await PostgresServer.shared().newDatabase()) : .sqlite
    }

    /// The configuration's `storage` section (none for the default, SQLite).
    var yaml: String {
        if case .postgres = self { return "storage: {driver: postgres, url: \"${INTAKE_DATABASE_URL}\"}\n" }
        return ""
    }

    var environment: [String: String] {
        if case .postgres(let url) = self { return ["INTAKE_DATABASE_URL": url] }
        return [:]
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `probe` every `every` until it returns a value; throws after `within / every` tries.
func eventually<T>(within: Duration = .seconds(10), every: Duration = .milliseconds(50), _ probe: () async throws -> T?) async throws -> T {
    for _ in 0..<Int(within / every) {
        if let value = try await probe() { return value }
        try await Task.sleep(for: every)
    }
    throw TestFailure("timed out waiting")
}

func json(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
}
