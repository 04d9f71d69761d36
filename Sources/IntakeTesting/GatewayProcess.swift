import AsyncHTTPClient
import Foundation
import NIOCore

/// A real `intake serve` process for crash tests: launched from the executable built beside the test
/// bundle with a config written into its data directory, so a test can `kill -9` it and start it again.
public enum GatewayProcess {
    /// The admin token every launched gateway accepts.
    public static let adminToken = "crash-admin-token-0123456789"

    /// The `intake` executable built beside this test bundle.
    public static func binary() throws -> String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("intake").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw PeerUnavailable(description: "the intake executable is not built next to \(dir.path); run swift build first")
    }

    /// Starts `intake serve` on `port` with `yaml` (logging at warning) over `dataDir`.
    public static func launch(dataDir: String, port: Int, yaml: String = "adapters: [{kind: generic, name: api}]\n",
                              environment: [String: String] = [:]) throws -> Process {
        let config = dataDir + "/intake.yaml"
        try (yaml + "\nlog: {level: warning}\n").write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = ["serve", "--config", config, "--data-dir", dataDir, "--port", String(port)]
        process.environment = environment.merging(["INTAKE_ADMIN_TOKEN": adminToken, "PATH": "/usr/bin:/bin"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until `/readyz` answers 200 (10 s at most).
    public static func waitReady(port: Int, client: HTTPClient) async throws {
        for _ in 0..<200 {
            if let response = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"), timeout: .seconds(1)),
               response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PeerUnavailable(description: "intake did not become ready on port \(port)")
    }

    /// GETs `path` as the admin and decodes the JSON object answered (empty when it is not one).
    public static func get(port: Int, _ path: String, client: HTTPClient) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
        let body = try await client.execute(request, timeout: .seconds(5)).body.collect(upTo: 16 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }
}
