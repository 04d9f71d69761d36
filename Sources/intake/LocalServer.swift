import AsyncHTTPClient
import Hummingbird
import Logging

/// The benchmarks' local peers: an HTTP server on a free loopback port, and a client that keeps
/// enough connections open for the load they offer.
enum LocalServer {
    /// Starts `router` on 127.0.0.1 and a free port; returns the running task and the port.
    static func start(_ router: Router<BasicRequestContext>, backlog: Int = 256, logger: Logger) async -> (task: Task<Void, any Error>, port: Int) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), backlog: backlog),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        return (task, await iterator.next() ?? 0)
    }

    /// A client with up to 64 connections to one host, kept a minute.
    static func client() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
