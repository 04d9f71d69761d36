import Foundation
import IntakeCore
import IntakeForwarding
import Testing

@Suite struct RoutingTests {
    let email = CaseFacts(channel: .email, isPublic: false, urgent: false, tags: [], identities: ["dana@bigco.com"])

    @Test func aCaseGoesToTheUnionOfEveryMatchingRouteInTheOrderFirstNamed() {
        let routes = [
            ForwardingRoute(to: ["ops"]),
            ForwardingRoute(urgent: true, to: ["jira", "ops"]),
            ForwardingRoute(channels: [.sms, .social], to: ["zendesk"]),
            ForwardingRoute(contacts: ["@bigco.com"], to: ["github"]),
            ForwardingRoute(tags: ["returns"], to: ["linear"]),
        ]
        #expect(ForwardingRoute.destinations(for: email, routes: routes) == ["ops", "github"])
        var urgentSMS = email
        urgentSMS.channel = .sms
        urgentSMS.urgent = true
        urgentSMS.identities = ["+14155550100"]
        urgentSMS.tags = ["returns"]
        #expect(ForwardingRoute.destinations(for: urgentSMS, routes: routes) == ["ops", "jira", "zendesk", "linear"])
    }

    @Test func everyConditionOfARouteMustHold() {
        let route = ForwardingRoute(channels: [.email], urgent: true, isPublic: false, to: ["jira"])
        #expect(!route.matches(email))
        var urgent = email
        urgent.urgent = true
        #expect(route.matches(urgent))
        urgent.isPublic = true
        #expect(!route.matches(urgent))
        #expect(ForwardingRoute(contacts: ["DANA@bigco.com"], to: ["x"]).matches(email))
        #expect(!ForwardingRoute(contacts: ["@co.com.evil"], to: ["x"]).matches(email))
    }

    @Test func tagsApplyOnWholeWordsAndPhrasesInAnyCase() {
        let rules = [TagRule(name: "returns", keywords: ["refund", "send it back"]), TagRule(name: "shipping", keywords: ["never arrived"])]
        #expect(TagRule.tags(for: "I want a REFUND, now.", rules: rules) == ["returns"])
        #expect(TagRule.tags(for: "The parcel never  arrived; can I send it back?", rules: rules) == ["returns", "shipping"])
        #expect(TagRule.tags(for: "They were refunded twice", rules: rules).isEmpty)
    }
}

@Suite struct WebhookSignatureTests {
    let body = Data(#"{"type":"case.created"}"#.utf8)
    let secret = "whsec-0123456789abcdef"

    @Test func aSignedBodyVerifiesAndAnyChangeOrStaleTimestampFails() {
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: 1_800_000_000)
        #expect(header.hasPrefix("t=1800000000,v1="))
        #expect(WebhookSignature.verify(header: header, body: body, secret: secret, now: 1_800_000_100))
        #expect(!WebhookSignature.verify(header: header, body: Data(#"{"type":"case.created "}"#.utf8), secret: secret, now: 1_800_000_100))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "another-secret-0123", now: 1_800_000_100))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: secret, now: 1_800_000_301 + 300))
        #expect(!WebhookSignature.verify(header: "v1=abc", body: body, secret: secret, now: 1_800_000_000))
    }

    @Test func theSignatureIsHMACSHA256OfTimestampDotBodyAsTheREADMESnippetComputesIt() throws {
        // The README's Python verification snippet, run for real.
        let header = WebhookSignature.sign(body: body, secret: secret, timestamp: 1_800_000_000)
        let script = """
            import hmac, hashlib, sys
            secret, header, body = sys.argv[1].encode(), sys.argv[2], sys.argv[3].encode()
            parts = dict(p.split("=", 1) for p in header.split(","))
            expected = hmac.new(secret, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
            print("ok" if hmac.compare_digest(expected, parts["v1"]) else "bad")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, secret, header, String(decoding: body, as: UTF8.self)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}
