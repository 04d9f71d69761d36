import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import NIOCore
import NIOHTTP1
import Testing

/// The `intake` executable as a person uses it: check-config, serve, tokens, cases, quarantine, SIGTERM.
@Suite(.serialized) struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func intake(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try GatewayProcess.binary())
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    @Test func checkConfigListsEveryProblemByKeyPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bad = dir.appendingPathComponent("bad.yaml").path
        try "server: {port: x}\nadapters:\n  - {kind: sms.twilio, name: sms, auth_token: hunter2hunter2}\n  - {kind: nope}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let failed = try Self.intake(["check-config", "--config", bad])
        #expect(failed.status == 2)
        for line in ["server.port: must be a whole number", "adapters[0].auth_token: must be a ${ENV_VAR} reference", "adapters[1].kind: unknown adapter kind", "adapters[1].name: required"] {
            #expect(failed.stderr.contains(line), "missing \(line) in:\n\(failed.stderr)")
        }
        #expect(!failed.stderr.contains("hunter2"))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let good = try Self.intake(["check-config", "--config", root.appendingPathComponent("Config/intake.yaml").path])
        #expect(good.status == 0 && good.stdout.contains("ok"))
    }

    @Test func serveTokensCasesQuarantineAndAGracefulStop() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = dir + "/intake.yaml"
        try "adapters: [{kind: generic, name: api}]\nlog: {level: warning}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let port = try LocalPort.free()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: try GatewayProcess.binary())
        server.arguments = ["serve", "--config", config, "--data-dir", dir, "--port", String(port)]
        server.environment = ["PATH": "/usr/bin:/bin"]  // no INTAKE_ADMIN_TOKEN: one is generated
        let log = Pipe()
        server.standardError = log
        try server.run()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        try await GatewayProcess.waitReady(port: port, client: client)

        // The generated admin token is in a 0600 file, and its path (never the token) is logged.
        let tokenPath = dir + "/admin-token"
        let attributes = try FileManager.default.attributesOfItem(atPath: tokenPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let admin = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        // A token created by the CLI works at once, with its role; revoked, it stops.
        let created = try Self.intake(["tokens", "create", "webform", "--role", "ingest", "--config", config, "--data-dir", dir])
        #expect(created.status == 0)
        let ingestToken = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        func post(_ body: String, token: String) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/messages")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .seconds(5))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        #expect(try await post(#"{"external_id":"a","sender":{"email":"ann@example.com"},"subject":"Broken kettle","body":"It broke"}"#, token: ingestToken).0 == 202)
        #expect(try await post(#"{"external_id":"q","sender":{"phone":"555 0100"},"body":"call me"}"#, token: admin).0 == 202)
        let listed = try Self.intake(["tokens", "list", "--config", config, "--data-dir", dir])
        #expect(listed.stdout.contains("webform") && listed.stdout.contains("ingest") && !listed.stdout.contains(ingestToken))
        #expect(try Self.intake(["tokens", "revoke", "webform", "--config", config, "--data-dir", dir]).status == 0)
        #expect(try await post(#"{"sender":{"email":"b@example.com"},"body":"x"}"#, token: ingestToken).0 == 401)

        let cases = try Self.intake(["cases", "list", "--config", config, "--data-dir", dir])
        #expect(cases.stdout.contains("C-1") && cases.stdout.contains("Broken kettle"))
        let json = try Self.intake(["cases", "show", "C-1", "--json", "--config", config, "--data-dir", dir])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(((object?["messages"] as? [[String: Any]])?.first?["body"] as? String) == "It broke")
        let quarantine = try Self.intake(["quarantine", "list", "--config", config, "--data-dir", dir])
        #expect(quarantine.stdout.contains("default_region"))
        let retry = try Self.intake(["quarantine", "retry", "--all", "--config", config, "--data-dir", dir])
        #expect(retry.status == 1 && retry.stdout.contains("still failing"))

        // SIGTERM: stop intake, drain, exit 0.
        server.terminate()
        server.waitUntilExit()
        try await client.shutdown()
        #expect(server.terminationStatus == 0)
        let logged = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!logged.contains(admin) && !logged.contains(ingestToken))
    }

    @Test func deadLettersAreListedAndRequeued() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = dir + "/intake.yaml"
        try "adapters: [{kind: generic, name: api}]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/intake.sqlite")
        let delivery = try await store.enqueue(destination: "jira", key: "case:C-1", caseID: 1, payload: Data("{}".utf8), at: Date())
        try await store.recordAttempts([DeliveryAttempt(delivery: delivery, result: .permanent(reason: "400 project is required", status: 400), at: Date())])
        let listed = try Self.intake(["deliveries", "list", "--config", config, "--data-dir", dir])
        #expect(listed.status == 0 && listed.stdout.contains("jira") && listed.stdout.contains("400 project is required"))
        #expect(try Self.intake(["deliveries", "retry", String(delivery.id), "--config", config, "--data-dir", dir]).status == 0)
        #expect(try await store.deliveries(state: .pending, limit: 10).map(\.id) == [delivery.id])
        let again = try Self.intake(["deliveries", "retry", String(delivery.id), "--config", config, "--data-dir", dir])
        #expect(again.status != 0 && again.stderr.contains("not a dead letter"))
    }
}
