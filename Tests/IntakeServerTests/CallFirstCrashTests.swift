import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeTesting
import NIOCore
import Testing

/// `kill -9` of a real `intake serve` between a page and its timeout: after the restart the
/// supervisor is still paged, once, and the pages already sent are not sent again.
@Suite(.serialized) struct CallFirstCrashTests {
    @Test func aKillNineBetweenAPageAndItsTimeoutStillEscalatesOnceAfterRestart() async throws {
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("crash-page-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let port = try LocalPort.free()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await killAndRestart(stub: stub, dataDir: dataDir, port: port, client: client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func killAndRestart(stub: ProviderStub, dataDir: String, port: Int, client: HTTPClient) async throws {
        let yaml = CallFirstGatewayTests.yaml(stub, ackTimeout: "3s")
        let environment = CallFirstGatewayTests.environment
        let server = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        try await GatewayProcess.waitReady(port: port, client: client)
        var post = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/messages")
        post.method = .POST
        post.headers.add(name: "Authorization", value: "Bearer \(GatewayProcess.adminToken)")
        post.headers.add(name: "Content-Type", value: "application/json")
        post.body = .bytes(ByteBuffer(string: #"{"external_id":"m-1","sender":{"name":"Dana","phone":"+14155550177"},"body":"Please cancel my order now."}"#))
        #expect(try await client.execute(post, timeout: .seconds(5)).status.code == 202)
        // Wait until bob's three pages are sent and recorded, then kill before the 3 s timeout.
        let alertID = try await eventually { () -> Int? in
            let items = try await GatewayProcess.get(port: port, "/v1/alerts", client: client)["items"] as? [[String: Any]] ?? []
            guard let id = items.first?["id"] as? Int else { return nil }
            let attempts = try await GatewayProcess.get(port: port, "/v1/alerts/\(id)", client: client)["attempts"] as? [[String: Any]] ?? []
            return attempts.count == 3 ? id : nil
        }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(try await stub.requests().count == 3)

        // Down past the timeout; on restart the due step is paged at once, exactly once.
        try await Task.sleep(for: .seconds(4))
        let restarted = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        defer { restarted.terminate(); restarted.waitUntilExit() }
        try await GatewayProcess.waitReady(port: port, client: client)
        _ = try await eventually { try await stub.requests().count >= 5 ? true : nil }
        try await Task.sleep(for: .seconds(1))
        let requests = try await stub.requests()
        let to = requests.map { FormEncoding.parse(Data(($0["body"] as? String ?? "").utf8))?.first("To") ?? "slack" }
        #expect(to.filter { $0 == CallFirstGatewayTests.sue }.count == 2, "\(to)")
        #expect(requests.count == 5, "pages sent before the kill were sent again: \(to)")
        let alert = try await GatewayProcess.get(port: port, "/v1/alerts/\(alertID)", client: client)
        #expect(alert["state"] as? String == "paging" && (alert["attempts"] as? [Any])?.count == 5)
    }


}
