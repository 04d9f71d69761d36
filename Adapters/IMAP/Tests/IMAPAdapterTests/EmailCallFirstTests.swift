import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeTesting
import Testing

/// An urgent complaint by email, from a real Dovecot through the real `intake` binary, pages the
/// on-call rep by call and SMS at the providers' stand-in (which validates each request against
/// Twilio's published API description); a calm one pages nobody.
@Suite(.serialized) struct EmailCallFirstTests {
    static let rep = "+14155550102"

    @Test func anUrgentEmailPagesTheOnCallRepAndACalmOneDoesNot() async throws {
        let server = try DovecotServer()
        defer { try? server.stop() }
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        let dataDir = try temporaryDirectory("email-page").path
        let port = try DovecotServer.freePort()
        let yaml = server.gatewayAdapterYAML() + "\n" + """
            notify:
              twilio: {account_sid: AC0123456789abcdef0123456789abcdef, auth_token: "${TWILIO_AUTH_TOKEN}", from: "+14155550100", base_url: "\(stub.baseURL)"}
            oncall:
              urgency: {keywords: [cancel, lawsuit]}
              people: [{name: bob, phone: "\(Self.rep)", methods: [voice, sms]}]
              schedules: [{name: reps, time_zone: UTC, layers: [{participants: [bob], start: "2026-01-05", shift: weekly}]}]
              teams: [{name: support, escalation: [{schedules: [reps]}]}]
            """
        let environment = ["IMAP_PASSWORD": server.password, "TWILIO_AUTH_TOKEN": "twilio-auth-token-0123456789"]
        try server.deliver(TestMail.make(1, from: "Calm Customer <calm@example.com>", subject: "Question", body: "How do I change my address?\n"))
        try server.deliver(TestMail.make(2, from: "Dana Reyes <dana@example.com>", subject: "Third time",
                                         body: "I want to cancel my contract today.\n\n-- \nDana Reyes\nPhone: +1 415 555 0177\n"))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let gateway = try GatewayProcess.launch(dataDir: dataDir, port: port, yaml: yaml, environment: environment)
        defer { gateway.terminate(); gateway.waitUntilExit() }
        do {
            try await GatewayProcess.waitReady(port: port, client: client)
            var pages: [[String: Any]] = []
            for _ in 0..<200 where pages.count < 2 {
                try await Task.sleep(for: .milliseconds(50))
                pages = try await stub.requests(provider: "twilio")
            }
            #expect(Set(pages.compactMap { $0["operation"] as? String }) == ["CreateCall", "CreateMessage"])
            #expect(pages.allSatisfy { $0["valid"] as? Bool == true }, "\(pages.compactMap { $0["error"] })")
            let sms = pages.first { $0["operation"] as? String == "CreateMessage" }
            let form = FormEncoding.parse(Data((sms?["body"] as? String ?? "").utf8)) ?? []
            #expect(form.first("To") == Self.rep)
            // Who to call and on which number: the one in her signature.
            #expect((form.first("Body") ?? "").hasPrefix("Call Dana Reyes now: +14155550177"), "\(form.first("Body") ?? "")")
            // The calm mail is stored too, and pages nobody: one alert in all.
            let alerts = try await GatewayProcess.get(port: port, "/v1/alerts", client: client)["items"] as? [[String: Any]] ?? []
            #expect(alerts.count == 1)
            let cases = try await GatewayProcess.get(port: port, "/v1/cases", client: client)["items"] as? [[String: Any]] ?? []
            #expect(cases.count == 2)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
