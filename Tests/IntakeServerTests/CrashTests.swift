import AsyncHTTPClient
import NIOHTTP1
import Foundation
import IntakeTesting
import NIOCore
import Synchronization
import Testing

/// Stops a real `intake serve` process under concurrent load, with SIGKILL or SIGTERM, restarts it, and
/// checks that every message that got a 202 is stored, and stored once.
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
        let run = try await Self.interruptUnderLoad(driver, with: SIGKILL)
        #expect(run.exit == .uncaughtSignal(SIGKILL))
    }

    /// SIGTERM under load: intake stops first, what was taken in is drained (committed and answered), and
    /// the process exits 0; every message that got a 202 is there after a restart.
    @Test(arguments: ["sqlite", "postgres"])
    func sigtermMidLoadDrainsAndExitsZero(_ driver: String) async throws {
        let run = try await Self.interruptUnderLoad(driver, with: SIGTERM)
        #expect(run.exit == .exit(0), "SIGTERM must end in exit 0")
    }

    /// How an interrupted server ended.
    enum Exit: Equatable {
        case exit(Int32)
        case uncaughtSignal(Int32)
    }

    /// Posts from 16 workers until `signal` (sent once a few hundred posts were acknowledged) ends the server,
    /// restarts it on the same data, and checks every acknowledged message is stored once and no case
    /// was opened twice.
    static func interruptUnderLoad(_ driver: String, with signal: Int32) async throws -> (exit: Exit, acknowledged: Int) {
        let name = signal == SIGKILL ? "kill -9" : "SIGTERM"
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
                        // Refused (503 while stopping) or the server gone: this worker is done.
                        guard let receipt = try? await Self.post(port: port, id: id, client: loadClient) else { return }
                        tally.acknowledged.withLock { $0[id] = receipt["message_id"] as? Int }
                    }
                }
            }
            group.addTask {
                // Mid-load: once a few hundred posts were acknowledged (however busy the machine), or after 10 s.
                for _ in 0..<200 where tally.acknowledged.withLock({ $0.count }) < 400 {
                    try await Task.sleep(for: .milliseconds(50))
                }
                kill(pid, signal)
            }
            try await group.waitForAll()
        }
        server.waitUntilExit()
        let exit: Exit = server.terminationReason == .exit ? .exit(server.terminationStatus) : .uncaughtSignal(server.terminationStatus)
        try await loadClient.shutdown()
        let acked = tally.acknowledged.withLock { $0 }
        print("\(name) test (\(driver)): \(tally.attempted.withLock { $0 }) posts attempted, \(acked.count) acknowledged, ended by \(exit)")
        #expect(acked.count > 100, "too little load reached the server before \(name)")

        let clock = ContinuousClock()
        let restartedAt = clock.now
        let restarted = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        defer { restarted.terminate(); restarted.waitUntilExit() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        try await GatewayProcess.waitReady(port: port, client: client)
        print("\(name) test (\(driver)): restarted and ready in \(clock.now - restartedAt)")
        var missing: [String] = []
        for (id, messageID) in acked {
            let receipt = try await Self.post(port: port, id: id, client: client)
            if receipt?["duplicate"] as? Bool != true || receipt?["message_id"] as? Int != messageID { missing.append(id) }
        }
        print("\(name) test (\(driver)): \(acked.count) re-posted in \(clock.now - restartedAt)")
        #expect(missing.isEmpty, "acknowledged but lost or re-stored after \(name): \(missing.prefix(10))")
        // No case was created twice: every message opened its own case, so each case holds one message.
        let cases = try await allCases(port: port, client: client)
        try await client.shutdown()
        #expect(cases.count >= acked.count && cases.allSatisfy { $0["message_count"] as? Int == 1 },
                "\(cases.count) cases for \(acked.count) acknowledged messages, \(cases.filter { $0["message_count"] as? Int != 1 }.count) with other than one")
        return (exit, acked.count)
    }

    /// Every case, page by page.
    static func allCases(port: Int, client: HTTPClient) async throws -> [[String: Any]] {
        var cases: [[String: Any]] = []
        var before: String?
        repeat {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/cases?limit=500" + (before.map { "&before=\($0)" } ?? ""))
            request.headers.add(name: "Authorization", value: "Bearer \(GatewayProcess.adminToken)")
            let body = try await client.execute(request, timeout: .seconds(10)).body.collect(upTo: 64 << 20)
            let page = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            cases += page?["items"] as? [[String: Any]] ?? []
            before = page?["next"] as? String
        } while before != nil
        return cases
    }
}

/// What the load generator saw: every post tried, and the receipts of those answered 202.
final class Tally: Sendable {
    let acknowledged = Mutex<[String: Int]>([:])  // external id -> message id
    let attempted = Mutex(0)
}
