import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import NIOCore
import Testing

/// A real `intake serve` polling a real Dovecot, killed with SIGKILL mid-batch and started again:
/// every mail ends in exactly one case, none lost, none stored twice.
@Suite(.serialized) struct GatewayKillTests {
    @Test func aKillNineMidBatchThenRestartLeavesEveryMailInExactlyOneCase() async throws {
        // On a loaded machine the gateway can store every mail before the test first looks; then the kill
        // did not land mid-batch and the round starts over on a fresh server (at most three rounds).
        var rounds = 0
        while rounds < 3, try await round() == false { rounds += 1 }
        #expect(rounds < 3, "the kill never landed mid-batch in 3 rounds")
    }

    /// One round on a fresh server and data directory; false when the kill came after every mail was stored.
    func round() async throws -> Bool {
        let server = try DovecotServer()
        defer { try? server.stop() }
        let total = 1500
        for index in 1...total { try server.deliver(TestMail.make(index, from: "Customer \(index) <c\(index)@example.com>")) }
        let dataDir = try temporaryDirectory("imap-kill").path
        let port = try DovecotServer.freePort()
        let yaml = server.gatewayAdapterYAML(", after_store: seen")
        let environment = ["IMAP_PASSWORD": server.password]
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let landed = try await killAndRestart(server: server, dataDir: dataDir, port: port, yaml: yaml, environment: environment, total: total, client: client)
            try await client.shutdown()
            return landed
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    func killAndRestart(server: DovecotServer, dataDir: String, port: Int, yaml: String, environment: [String: String], total: Int,
                        client: HTTPClient) async throws -> Bool {
        let first = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        try await GatewayProcess.waitReady(port: port, client: client)
        // Kill as soon as some mail is stored: the first polls (at most 200 mails each) are still going in.
        var before = 0
        for _ in 0..<1000 where before == 0 {
            before = try await storedCount(port: port, client: client)
            if before == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        print("imap kill test: killed with \(before) of \(total) mails stored")
        guard before < total else { return false }
        #expect(before > 0, "killed before any mail was stored")

        let second = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        try await GatewayProcess.waitReady(port: port, client: client)
        // Done when every mail is flagged \\Seen (set only after its message committed).
        var seen = 0
        for _ in 0..<600 where seen < total {
            try await Task.sleep(for: .milliseconds(100))
            seen = try server.flags().values.filter { $0.contains("\\Seen") }.count
        }
        #expect(seen == total, "\(seen) of \(total) mails flagged \\Seen")
        second.terminate()
        second.waitUntilExit()

        // Read the database itself: one case per mail, one message per case, none stored twice.
        let store = try SQLiteCaseStore(path: dataDir + "/intake.sqlite")
        var events: [CaseEvent] = []
        while true {
            let page = try await store.events(after: events.last?.seq ?? 0, limit: 500)
            if page.isEmpty { break }
            events += page
        }
        let received = events.filter { $0.type == .messageReceived }
        #expect(received.count == total, "\(received.count) of \(total) mails stored")
        #expect(Set(received.map(\.caseID)).count == total)
        #expect(events.filter { $0.type == .caseOpened }.count == total)
        return true
    }

    /// How many mails this gateway process stored, from its `/metrics`.
    func storedCount(port: Int, client: HTTPClient) async throws -> Int {
        let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let line = text.split(separator: "\n").first { $0.hasPrefix("intake_messages_total{") && $0.contains("outcome=\"stored\"") && $0.contains("email") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
    }
}
