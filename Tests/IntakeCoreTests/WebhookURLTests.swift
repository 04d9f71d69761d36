import IntakeCore
import Testing

@Suite struct WebhookURLTests {
    @Test func prefersConfiguredBaseThenForwardedHeaders() {
        #expect(WebhookURL.rebuild(publicBaseURL: "https://intake.example.org/", forwardedProto: "http", forwardedHost: "x", host: "y", pathAndQuery: "/sms?a=1")
            == "https://intake.example.org/sms?a=1")
        #expect(WebhookURL.rebuild(publicBaseURL: "https://example.org/intake", forwardedProto: nil, forwardedHost: nil, host: nil, pathAndQuery: "sms")
            == "https://example.org/intake/sms")
        #expect(WebhookURL.rebuild(publicBaseURL: nil, forwardedProto: "HTTPS, http", forwardedHost: "a.example, proxy", host: "127.0.0.1:8080", pathAndQuery: "/sms")
            == "https://a.example/sms")
        #expect(WebhookURL.rebuild(publicBaseURL: "  ", forwardedProto: nil, forwardedHost: nil, host: "127.0.0.1:8080", pathAndQuery: "/sms")
            == "http://127.0.0.1:8080/sms")
    }
}
