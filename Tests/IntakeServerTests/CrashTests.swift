import AsyncHTTPClient
import NIOHTTP1
import Foundation
import IntakeTesting
import NIOCore
import Synchronization
import Testing

/// Kills a real `intake serve` process with SIGKILL under concurrent load, restarts it, and checks that
/// every message that got a 202 is stored, and stored once.
@Suite(.serialized) struct CrashTests {
    static func post(port: Int, id: String, client: HTTPClient) async throws -> [String: Any]? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/messages")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(GatewayProcess.adminToken)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"external_id":"\#(id)","sender":{"email":"\#(id)@example.com"},"body":"complaint \#(id)"}"#))
        let response = try await client.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 202 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
    }

    @Test(arguments: ["sqlite", "postgres"])
    func killNineMidLoadLosesNoAcknowledgedMessage(_ driver: String) async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let port = try LocalPort.free()
        let store = try await TestStore.fresh(driver)
        let (yaml, environment) = (store.yaml + "adapters: [{kind: generic, name: api}]\n", store.environment)
        let server = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        // One client a server life: a client's pool backs off from a peer that died.
        let loadClient = HTTPClient(eventLoopGroupProvider: .singleton)
        try await GatewayProcess.waitReady(port: port, client: loadClient)

        let pid = server.processIdentifier
        let tally = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for index in 0..<100_000 {
                        let id = "w\(worker)-\(index)"
                        tally.attempted.withLock { $0 += 1 }
                        guard let receipt = try? await Self.post(port: port, id: id, client: loadClient) else { return }  // the server died
                        tally.acknowledged.withLock { $0[id] = receipt["message_id"] as? Int }
                    }
                }
            }
            group.addTask {
                // Kill mid-load: once a few hundred posts were acknowledged (however busy the machine), or after 10 s.
                for _ in 0..<200 where tally.acknowledged.withLock({ $0.count }) < 400 {
                    try await Task.sleep(for: .milliseconds(50))
                }
                kill(pid, SIGKILL)
            }
            try await group.waitForAll()
        }
        server.waitUntilExit()
        try await loadClient.shutdown()
        let acked = tally.acknowledged.withLock { $0 }
        print("crash test (\(driver)): \(tally.attempted.withLock { $0 }) posts attempted, \(acked.count) acknowledged before kill -9")
        #expect(acked.count > 100, "too little load reached the server before the kill")

        let clock = ContinuousClock()
        let restartedAt = clock.now
        let restarted = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        defer { restarted.terminate(); restarted.waitUntilExit() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        try await GatewayProcess.waitReady(port: port, client: client)
        print("crash test (\(driver)): restarted and ready in \(clock.now - restartedAt)")
        var missing: [String] = []
        for (id, messageID) in acked {
            let receipt = try await Self.post(port: port, id: id, client: client)
            if receipt?["duplicate"] as? Bool != true || receipt?["message_id"] as? Int != messageID { missing.append(id) }
        }
        print("crash test (\(driver)): \(acked.count) re-posted in \(clock.now - restartedAt)")
        #expect(missing.isEmpty, "acknowledged but lost or re-stored after kill -9: \(missing.prefix(10))")
        // No case was created twice: one case per stored message, each with one message.
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/cases?limit=500")
        request.headers.add(name: "Authorization", value: "Bearer \(GatewayProcess.adminToken)")
        let page = try await client.execute(request, timeout: .seconds(5)).body.collect(upTo: 16 << 20)
        try await client.shutdown()
        let items = (try JSONSerialization.jsonObject(with: Data(buffer: page)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(!items.isEmpty && items.allSatisfy { $0["message_count"] as? Int == 1 })
    }
}

/// What the load generator saw: every post tried, and the receipts of those answered 202.
final class Tally: Sendable {
    let acknowledged = Mutex<[String: Int]>([:])  // external id -> message id
    let attempted = Mutex(0)
}
