import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The providers' stand-in (`Tests/Peers/provider_stub.py`) run for a test: Jira, Zendesk, GitHub,
/// Linear, Twilio, Slack and webhook sinks on one port, each request validated against the provider's
/// published API description in `shared/specs`; scenarios inject outages, 429s, delays and lost answers.
public final class ProviderStub: Sendable {
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// Starts the stub and waits for its `LISTENING <port>` line. Throws with the install hint when the
    /// Python packages are missing: a check against the specs must not pass silently.
    public static func start(latencyMilliseconds: Int = 0, file: String = #filePath) async throws -> ProviderStub {
        let root = try TestPeers.repositoryRoot(from: file)
        let specs = try TestPeers.sharedSpecs(from: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PYTHON3"] ?? "python3",
                             root.appendingPathComponent("Tests/Peers/provider_stub.py").path,
                             "--specs", specs.path, "--port", "0", "--latency-ms", String(latencyMilliseconds)]
        let stdout = Pipe()
        // Errors go to a file: an unread pipe could fill and stall the stub.
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("provider-stub-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        let line = await Task.detached { () -> String in
            var bytes: [UInt8] = []
            let handle = stdout.fileHandleForReading
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first else { break }
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }.value
        guard line.hasPrefix("LISTENING "), let port = Int(line.dropFirst("LISTENING ".count)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""

            throw PeerUnavailable(description: "the provider stub did not start (pip install -r Tests/Peers/requirements.txt; scripts/setup --test does): \(errors.suffix(2000))")
        }
        return ProviderStub(port: port, process: process)
    }

    /// Stops the stub (SIGKILL: a child of a test process may ignore SIGTERM).
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The requests the stub recorded, oldest first, optionally of one provider.
    public func requests(provider: String? = nil) async throws -> [[String: Any]] {
        let query = provider.map { "?provider=\($0)" } ?? ""
        return try await control(.GET, "/_stub/requests\(query)") as? [[String: Any]] ?? []
    }

    /// The objects each provider holds now (tickets, issues, messages).
    public func state() async throws -> [String: Any] {
        try await control(.GET, "/_stub/state") as? [String: Any] ?? [:]
    }

    /// Queues injected answers for the next matching requests (see Tests/Peers/README.md).
    public func scenario(provider: String, operation: String, responses: [[String: Any]]) async throws {
        _ = try await control(.POST, "/_stub/scenario", body: ["provider": provider, "operation": operation, "responses": responses])
    }

    public func reset() async throws { _ = try await control(.POST, "/_stub/reset", body: [:]) }

    private func control(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> Any? {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw PeerUnavailable(description: "stub control \(path) answered \(response.status.code): \(String(buffer: bytes))")
        }
        return bytes.readableBytes == 0 ? nil : try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))
    }
}

/// A test harness built over a stand-in, holding what must be released (an HTTP client).
public protocol StubHarness: Sendable {
    func shutdown() async throws
}

extension ProviderStub {
    /// Starts a stand-in, builds a harness over it, runs `body`, and always shuts both down.
    public static func withHarness<Harness: StubHarness>(
        file: String = #filePath, _ make: (ProviderStub) throws -> Harness, _ body: (Harness) async throws -> Void
    ) async throws {
        let stub = try await start(file: file)
        defer { stub.stop() }
        let harness = try make(stub)
        do {
            try await body(harness)
        } catch {
            try await harness.shutdown()
            throw error
        }
        try await harness.shutdown()
    }
}
