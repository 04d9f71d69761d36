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
        let dir = try Self.dataDirectory()
        let config = dir + "/intake.yaml"
        let tokenPath = dir + "/admin-token"
        var (admin, ingestToken) = ("", "")
        // At notice, the level of the line naming the generated admin token's file; no INTAKE_ADMIN_TOKEN: one
        // is generated.
        let (logged, status) = try await Self.serve("adapters: [{kind: generic, name: api}]\nlog: {level: notice}\n", environment: [:], in: dir) { port, client in
            // The generated admin token is in a 0600 file, and its path (never the token) is logged.
            let attributes = try FileManager.default.attributesOfItem(atPath: tokenPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            admin = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

            // A token created by the CLI works at once, with its role; revoked, it stops.
            let created = try Self.intake(["tokens", "create", "webform", "--role", "ingest", "--config", config, "--data-dir", dir])
            #expect(created.status == 0)
            ingestToken = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
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
            #expect(((object?["messages"] as? [[String: Any]])?.first?["adapter_kind"] as? String) == "generic")
            let shown = try Self.intake(["cases", "show", "C-1", "--config", config, "--data-dir", dir]).stdout
            #expect(shown.contains("via api (generic, api)") && shown.contains("It broke"))
            let listedCases = try JSONSerialization.jsonObject(with: Data(try Self.intake(["cases", "list", "--json", "--config", config, "--data-dir", dir]).stdout.utf8))
            #expect(((listedCases as? [[String: Any]])?.compactMap { $0["id"] as? String }) == ["C-1"])
            let quarantine = try Self.intake(["quarantine", "list", "--config", config, "--data-dir", dir])
            #expect(quarantine.stdout.contains("default_region"))
            let quarantinedJSON = try Self.intake(["quarantine", "list", "--json", "--config", config, "--data-dir", dir]).stdout
            let quarantined = try #require((try JSONSerialization.jsonObject(with: Data(quarantinedJSON.utf8)) as? [[String: Any]])?.first)
            let quarantineID = try #require(quarantined["id"] as? Int)
            #expect((quarantined["size"] as? Int ?? 0) > 0 && (quarantined["raw_sha256"] as? String)?.count == 64)
            let retryOne = try Self.intake(["quarantine", "retry", String(quarantineID), "--json", "--config", config, "--data-dir", dir])
            let retried = try JSONSerialization.jsonObject(with: Data(retryOne.stdout.utf8)) as? [[String: Any]]
            #expect(retryOne.status == 1 && retried?.first?["result"] as? String == "still_failing" && retried?.first?["id"] as? Int == quarantineID)
            let retry = try Self.intake(["quarantine", "retry", "--all", "--config", config, "--data-dir", dir])
            #expect(retry.status == 1 && retry.stdout.contains("still failing"))
        }
        // SIGTERM: stop intake, drain, exit 0.
        #expect(status == 0)
        #expect(!admin.isEmpty && !ingestToken.isEmpty && !logged.contains(admin) && !logged.contains(ingestToken))
        #expect(logged.contains("generated an admin API token") && logged.contains(tokenPath), "the token's file is named in the log:\n\(logged)")
    }

    /// At trace level every part of the gateway logs what it does, ServiceLifecycle its services by their
    /// descriptions: none of it may carry a credential (an IMAP password, a tracker's API token, a webhook's
    /// signing secret, the admin token), also while an IMAP server and the trackers are unreachable.
    @Test func atTraceLevelNoSecretIsLogged() async throws {
        let closed = try LocalPort.free()
        let yaml = """
            log: {level: trace}
            adapters:
              - {kind: generic, name: api}
              - {kind: imap, name: inbox, host: 127.0.0.1, port: \(closed), tls: none, allow_insecure: true, user: support@example.com,
                 password: "${TEST_IMAP_PASSWORD}", poll_interval: 1s}
            forwarding:
              destinations:
                - {kind: jira, name: jira, base_url: "http://127.0.0.1:\(closed)", email: bot@example.com, api_token: "${TEST_JIRA_TOKEN}", project: SUP}
                - {kind: webhook, name: ops, url: "http://127.0.0.1:\(closed)/hook", secret: "${TEST_HOOK_SECRET}"}
              routes:
                - {to: [jira, ops]}
            """
        let secrets = ["TEST_IMAP_PASSWORD": "imap-password-s3cret", "TEST_JIRA_TOKEN": "jira-token-s3cret",
                       "TEST_HOOK_SECRET": "hook-secret-s3cret-0123", "INTAKE_ADMIN_TOKEN": "admin-token-s3cret-0123"]
        let (logged, status) = try await Self.serve(yaml, environment: secrets) { port, client in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/messages")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer admin-token-s3cret-0123")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"external_id":"t1","sender":{"email":"ann@example.com"},"body":"It broke"}"#))
            #expect(try await client.execute(request, timeout: .seconds(5)).status == .accepted)
            // Long enough for IMAP polls and forwarding attempts to fail and be logged.
            try await Task.sleep(for: .seconds(2))
        }
        #expect(status == 0)
        #expect(logged.contains("poll failed") && logged.contains("PollingAdapterService(adapter: inbox)"), "\(logged.prefix(4000))")
        // Jira's token also travels as HTTP Basic credentials.
        let basic = Data("bot@example.com:jira-token-s3cret".utf8).base64EncodedString()
        for (name, secret) in secrets.merging(["Jira's Authorization header": basic]) { $1 } {
            #expect(!logged.contains(secret), "\(name) is in the log")
        }
    }

    /// `log.format: json`: every line is one JSON object with its time, level, message and logger, and the
    /// metadata as keys (here the generated admin token's path).
    @Test func jsonLogsAreOneObjectALine() async throws {
        let (logged, status) = try await Self.serve("adapters: [{kind: generic, name: api}]\nlog: {level: notice, format: json}\n", environment: [:]) { _, _ in }
        #expect(status == 0)
        let lines = logged.split(separator: "\n").filter { !$0.isEmpty }
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(!lines.isEmpty && objects.count == lines.count, "lines that are not JSON objects of strings:\n\(logged)")
        #expect(objects.allSatisfy { $0["ts"] != nil && $0["level"] != nil && $0["msg"] != nil && $0["logger"] != nil })
        let token = try #require(objects.first { $0["msg"] == "generated an admin API token" })
        #expect(token["level"] == "notice" && token["path"]?.hasSuffix("/admin-token") == true)
    }

    /// A new, empty data directory.
    static func dataDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs `intake serve` on `yaml` (written to `<dir>/intake.yaml`) over `dir`, a new data directory unless
    /// given, runs `body` once it is ready, stops it with SIGTERM, and returns what it logged and its exit status.
    static func serve(
        _ yaml: String, environment: [String: String], in dataDir: String? = nil, during body: (Int, HTTPClient) async throws -> Void
    ) async throws -> (log: String, status: Int32) {
        let dir = try dataDir ?? dataDirectory()
        try yaml.write(toFile: dir + "/intake.yaml", atomically: true, encoding: .utf8)
        let port = try LocalPort.free()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: try GatewayProcess.binary())
        server.arguments = ["serve", "--config", dir + "/intake.yaml", "--data-dir", dir, "--port", String(port)]
        server.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let log = Pipe()
        server.standardError = log
        try server.run()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await GatewayProcess.waitReady(port: port, client: client)
            try await body(port, client)
        } catch {
            server.terminate()
            try await client.shutdown()
            throw error
        }
        server.terminate()
        // Read while it stops: a full pipe would hold its last lines (and its exit) back.
        let logged = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        server.waitUntilExit()
        try await client.shutdown()
        return (logged, server.terminationStatus)
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
