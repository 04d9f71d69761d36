import AsyncHTTPClient
import Foundation
import IntakeTesting
import NIOCore
import Testing

/// `kill -9` of a real `intake serve` between a tracker's create and recording its id: after the
/// restart the delivery is retried, finds the ticket by the case key, and no second ticket is made.
@Suite(.serialized) struct ForwardingCrashTests {
    @Test(arguments: ["jira", "zendesk", "github"])
    func aKillNineBetweenTheRemoteCreateAndItsRecordMakesNoSecondTicket(kind: String) async throws {
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        let operation = ["jira": "createIssue", "zendesk": "CreateTicket", "github": "issues/create"][kind]!
        // The tracker creates the ticket, then holds its answer: the gateway dies waiting for it.
        try await stub.scenario(provider: kind, operation: operation, responses: [["status": 500, "after_effect": true, "hold_ms": 8000]])
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("crash-forward-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let port = try LocalPort.free()
        let destination = switch kind {
        case "jira": #"{kind: jira, name: jira, base_url: "\#(stub.baseURL)", email: bot@acme.com, api_token: "${TRACKER_TOKEN}", project: SUP}"#
        case "zendesk": #"{kind: zendesk, name: zendesk, base_url: "\#(stub.baseURL)", email: bot@acme.com, api_token: "${TRACKER_TOKEN}"}"#
        default: #"{kind: github, name: github, base_url: "\#(stub.baseURL)", token: "${TRACKER_TOKEN}", repository: acme/support}"#
        }
        let yaml = """
            adapters: [{kind: generic, name: api}]
            forwarding:
              destinations: [\(destination)]
              routes: [{to: [\(kind)]}]
            """
        let environment = ["TRACKER_TOKEN": "tracker-token-0123456789"]
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let server = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
            try await GatewayProcess.waitReady(port: port, client: client)
            #expect(try await CrashTests.post(port: port, id: "fwd-1", client: client) != nil)
            // The create reached the tracker and took effect: kill before its answer comes back.
            _ = try await eventually(within: .seconds(15)) { try await tickets(stub, kind) == 1 ? true : nil }
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()

            let restarted = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
            defer { restarted.terminate(); restarted.waitUntilExit() }
            try await GatewayProcess.waitReady(port: port, client: client)
            let delivery = try await eventually(within: .seconds(15)) { () -> [String: Any]? in
                let items = try await GatewayProcess.get(port: port, "/v1/deliveries?state=done", client: client)["items"] as? [[String: Any]] ?? []
                return items.first { $0["state"] as? String == "done" }
            }
            #expect((delivery["attempts"] as? Int ?? 0) >= 1)
            let count = try await tickets(stub, kind)
            #expect(count == 1, "\(kind): \(count) tickets after a kill -9 between create and record")
            let creates = try await stub.requests(provider: kind).filter { $0["operation"] as? String == operation }
            #expect(creates.count == 1 && creates.allSatisfy { $0["valid"] as? Bool == true })
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// How many tickets the stand-in's tracker holds.
    func tickets(_ stub: ProviderStub, _ kind: String) async throws -> Int {
        let state = try await stub.state()[kind] as? [String: Any] ?? [:]
        let key = kind == "zendesk" ? "tickets" : "issues"
        return (state[key] as? [Any])?.count ?? (state[key] as? [String: Any])?.count ?? -1
    }


}
