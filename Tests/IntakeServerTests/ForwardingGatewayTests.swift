import Foundation
import IntakeCore
import IntakeServer
import IntakeTesting
import Testing

/// Forwarding inside the real gateway: config, the case stream consumer, the outboxes and the
/// deliveries API, against the providers' stand-in.
@Suite(.serialized) struct ForwardingGatewayTests {
    static let environment = ["JIRA_API_TOKEN": "jira-token-0123456789", "OPS_WEBHOOK_SECRET": "ops-secret-0123456789"]

    @Test func theExampleConfigurationIsValidAndMistakesAreListedByKeyPath() throws {
        let root = try TestPeers.repositoryRoot()
        let env = ["OPS_WEBHOOK_SECRET": "0123456789abcdef0", "JIRA_API_TOKEN": "j", "ZENDESK_API_TOKEN": "z", "GITHUB_TOKEN": "g", "LINEAR_API_KEY": "l"]
        let example = try GatewayConfig.load(path: root.appendingPathComponent("Config/examples/forwarding.yaml").path, environment: env)
        #expect(example.forwarding.destinations.map(\.kind) == ["webhook", "jira", "zendesk", "github", "linear"])
        #expect(example.forwarding.routes.count == 4 && example.forwarding.tags.count == 4)

        let bad = """
            forwarding:
              destinations:
                - {kind: jira, name: jira, base_url: "not a url", email: a@b.c, api_token: literal-token-value, project: SUP}
                - {kind: fax, name: fax}
                - {kind: webhook, name: hook, url: "https://x.example", secret: "${SHORT}"}
              routes:
                - {to: [jira, nowhere]}
                - {match: {channels: [pigeon], urgency: high}, to: [hook]}
            """
        do {
            _ = try GatewayConfig.parse(yaml: bad, environment: ["SHORT": "short"])
            Issue.record("a bad forwarding section was accepted")
        } catch let errors as ConfigErrors {
            let lines = errors.problems.map(\.description)
            for expected in ["forwarding.destinations[0].base_url: must be an http or https URL", "forwarding.destinations[0].api_token: must be a ${ENV_VAR} reference",
                             "forwarding.destinations[1].kind: unknown destination kind \"fax\"", "forwarding.destinations[2].secret: must be at least 16 characters",
                             "forwarding.routes[0].to: no destination is named \"nowhere\"", "forwarding.routes[1].match.channels: unknown channel \"pigeon\"",
                             "forwarding.routes[1].match.urgency: unknown key"] {
                #expect(lines.contains { $0.hasPrefix(expected) }, "missing: \(expected)\n\(lines.joined(separator: "\n"))")
            }
            #expect(!errors.description.contains("literal-token-value"))
        }
    }

    @Test func aComplaintBecomesATicketAndAWebhookAndADeadLetterIsRetriedThroughTheAPI() async throws {
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        try await stub.scenario(provider: "jira", operation: "createIssue", responses: [["status": 400, "body": #"{"errors":{"project":"project is required"}}"#]])
        let yaml = """
            server: {host: 127.0.0.1}
            tokens:
              - {name: sam, role: rep, secret: "${REP_TOKEN}"}
            adapters:
              - {kind: generic, name: api}
            forwarding:
              destinations:
                - {kind: jira, name: jira, base_url: "\(stub.baseURL)", email: bot@acme.com, api_token: "${JIRA_API_TOKEN}", project: SUP}
                - {kind: webhook, name: ops, url: "\(stub.baseURL)/hooks/ops", secret: "${OPS_WEBHOOK_SECRET}"}
              routes:
                - {to: [ops]}
                - {match: {channels: [sms]}, to: [jira]}
            """
        let gw = try await TestGateway.start(yaml: yaml, environment: Self.environment)
        let accepted = try await gw.post(#"{"external_id":"f-1","channel":"sms","sender":{"name":"Dana","phone":"+14155550100"},"body":"My card was charged twice."}"#)
        #expect(accepted.status == 202)

        // The webhook gets it at once; Jira refuses (scripted 400): a dead letter with Jira's answer.
        let dead = try await eventually { () -> [String: Any]? in
            let page = json(try await gw.request(.GET, "/v1/deliveries?state=dead").body)
            return (page["items"] as? [[String: Any]])?.first
        }
        #expect(dead["destination"] as? String == "jira" && dead["last_status"] as? Int == 400)
        #expect((dead["last_error"] as? String ?? "").contains("project is required"))
        let hooks = try await stub.requests(provider: "webhook")
        #expect(hooks.count == 1)

        // A rep may not retry; a supervisor (admin) may, and the ticket is made.
        let id = dead["id"] as? Int ?? 0
        #expect(try await gw.request(.POST, "/v1/deliveries/\(id)/retry", token: "rep-token-0123456789").status == 403)
        #expect(try await gw.request(.POST, "/v1/deliveries/\(id)/retry").status == 200)
        #expect(try await gw.request(.POST, "/v1/deliveries/999/retry").status == 404)
        let done = try await eventually { () -> [String: Any]? in
            let delivery = json(try await gw.request(.GET, "/v1/deliveries/\(id)").body)
            return delivery["state"] as? String == "done" ? delivery : nil
        }
        #expect((done["remote_id"] as? String ?? "").hasPrefix("SUP-"))
        let created = try await stub.requests(provider: "jira").filter { $0["operation"] as? String == "createIssue" }
        #expect(created.count == 2 && created.allSatisfy { $0["valid"] as? Bool == true })
        let detail = json(try await gw.request(.GET, "/v1/cases/C-1").body)
        #expect((detail["events"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "case.forwarded" })
        try await gw.stop()
    }

}
