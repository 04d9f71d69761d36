import Foundation
import Hummingbird
@testable import IntakeServer
import IntakeCore
import Logging
import Testing

@Suite struct OpenAPIAndConfigTests {
    @Test func openAPIDocumentListsExactlyTheMountedRoutes() async throws {
        let config = try GatewayConfig.parse(yaml: "adapters: [{kind: generic, name: api}, {kind: sms.twilio, name: sms, auth_token: '${T}'}]", environment: ["T": "token"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oa-\(UUID().uuidString)").path
        let gateway = try await Gateway(config: config, dataDir: dir, environment: ["INTAKE_ADMIN_TOKEN": "x-admin-token-000000"], logger: Logger(label: "t"))
        let table = RouteTable(router: Router(context: IntakeRequestContext.self))
        gateway.mount(on: table)
        // Provider webhooks are mounted per configured adapter under one documented template.
        let mounted = Set(table.mounted.map { "\($0.method) \($0.path.hasPrefix("/v1/hooks/") ? "/v1/hooks/{adapter}" : $0.path)" })
        let document = try #require(try JSONSerialization.jsonObject(with: Gateway.openAPIDocument) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(mounted == documented, "undocumented: \(mounted.subtracting(documented)); not mounted: \(documented.subtracting(mounted))")
        #expect(mounted.contains("POST /v1/messages"))
    }

    @Test func configProblemsAreListedByKeyPathAndUnknownKeysRejected() {
        let yaml = """
            server: {port: 99999, colour: blue}
            storage: {durability: maybe}
            tokens:
              - {name: desk, role: rep, secret: plain-text-secret-value}
              - {name: bot, role: wizard, secret: "${MISSING_TOKEN}"}
            adapters:
              - {kind: generic, name: api}
              - {kind: carrier-pigeon, name: coop}
              - {kind: generic, name: api, default_region: USA}
            mystery: 1
            """
        do {
            _ = try GatewayConfig.parse(yaml: yaml, environment: [:])
            Issue.record("a bad configuration was accepted")
        } catch let errors as ConfigErrors {
            let lines = errors.problems.map(\.description)
            for expected in ["server.port: must be a whole number", "server.colour: unknown key", "storage.durability: must be one of full, normal",
                             "tokens[0].secret: must be a ${ENV_VAR} reference", "tokens[1].role: must be one of", "tokens[1].secret: environment variable MISSING_TOKEN is not set",
                             "adapters[1].kind: unknown adapter kind \"carrier-pigeon\"", "adapters[2].name: duplicate adapter name", "adapters[2].default_region: must be a two-letter",
                             "mystery: unknown key"] {
                #expect(lines.contains { $0.hasPrefix(expected) }, "missing: \(expected)\n\(lines.joined(separator: "\n"))")
            }
            #expect(!errors.description.contains("plain-text-secret-value"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func theShippedConfigurationsAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try GatewayConfig.load(path: root.appendingPathComponent("Config/intake.yaml").path, environment: [:])
        #expect(config.server.host == "127.0.0.1" && config.storage.driver == "sqlite" && config.adapters.map(\.kind) == ["generic"])
        let env = ["INTAKE_WEBFORM_TOKEN": "0123456789abcdef0", "INTAKE_DESK_TOKEN": "0123456789abcdef1", "INTAKE_LEAD_TOKEN": "0123456789abcdef2"]
        let example = try GatewayConfig.load(path: root.appendingPathComponent("Config/examples/tokens.yaml").path, environment: env)
        #expect(example.tokens.map(\.role) == [.ingest, .rep, .supervisor])
        let chat = try GatewayConfig.load(path: root.appendingPathComponent("Config/examples/chat-and-sms.yaml").path,
                                          environment: ["TWILIO_AUTH_TOKEN": "t", "SLACK_SIGNING_SECRET": "s", "TELEGRAM_WEBHOOK_SECRET": "tg"])
        #expect(chat.adapters.map(\.kind) == ["generic", "sms.twilio", "chat.slack", "chat.telegram"])
        let feeds = try GatewayConfig.load(path: root.appendingPathComponent("Config/examples/feeds.yaml").path, environment: ["ACME_ALERTS_FEED_ID": "123/456"])
        #expect(feeds.adapters.map(\.kind) == ["feed"])
        let shared = try GatewayConfig.load(path: root.appendingPathComponent("Config/examples/postgres.yaml").path,
                                            environment: ["INTAKE_DATABASE_URL": "postgres://intake:pw@db.internal:5432/intake"])
        #expect(shared.storage.driver == "postgres" && shared.storage.url == "postgres://intake:pw@db.internal:5432/intake")
    }

    @Test func everyRegisteredAdapterKindHasItsDocsRow() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("Adapters/README.md"), encoding: .utf8)
        for kind in AdapterRegistry.standard.kinds {
            #expect(readme.contains("| `\(kind.kind)` |"), "Adapters/README.md has no row for \(kind.kind)")
        }
    }
}
