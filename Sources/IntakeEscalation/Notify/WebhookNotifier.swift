import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeForwarding

/// Pages by signed webhook: the page as versioned JSON (`alert.page`, version 1) posted to the person's
/// URL with `X-Intake-Signature` and `X-Intake-Delivery`, as the forwarding webhooks are.
public struct WebhookNotifier: DeliveryDestination, CustomStringConvertible, CustomReflectable {
    public static let version = "1"
    public static let type = "alert.page"

    public let name: String
    public let maxConcurrency: Int
    let http: TrackerHTTP
    let secret: String
    let clock: any WallClock
    let gate: any AlertGate

    public init(name: String = NotifyConfig.destinationName(for: "webhook"), secret: String, client: HTTPClient, timeout: Duration = .seconds(10),
                maxConcurrency: Int = 16, clock: any WallClock = SystemClock(), gate: any AlertGate) {
        self.name = name
        self.maxConcurrency = maxConcurrency
        self.secret = secret
        self.clock = clock
        self.gate = gate
        http = TrackerHTTP(client: client, baseURL: "", headers: [], timeout: timeout, secrets: [secret])
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryResult {
        await NotifyPage.deliver(delivery, gate: gate) { page in await post(page, key: delivery.key) }
    }

    private func post(_ page: PageMessage, key: String) async -> DeliveryResult {
        guard let url = URL(string: page.address), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            return .permanent(reason: "the webhook address of \(page.person) is not an http or https URL", status: nil)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: Self.body(for: page, delivery: key),
                                                     options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return .permanent(reason: "the page is not valid JSON", status: nil)
        }
        let timestamp = Int(clock.now().timeIntervalSince1970)
        let headers = [
            (WebhookSignature.header, WebhookSignature.sign(body: data, secret: secret, timestamp: timestamp)),
            ("X-Intake-Delivery", key),
        ]
        switch await http.send(.POST, page.address, body: .raw(data, contentType: "application/json"), extraHeaders: headers) {
        case .failure(let result): return result
        case .success(let answer): return http.classify(answer)
        }
    }

    /// The JSON body: `version`, `type`, `delivery` (as in `X-Intake-Delivery`) and every field of the
    /// page in snake_case (`at` in ISO 8601).
    public static func body(for page: PageMessage, delivery: String) -> [String: Any] {
        [
            "version": version, "type": type, "delivery": delivery,
            "alert_id": page.alertID, "code": page.code, "case_reference": page.caseReference, "person": page.person,
            "method": page.method, "address": page.address, "title": page.title, "text": page.text, "speech": page.speech,
            "voice_action_url": page.voiceActionURL, "case_link": page.caseLink, "step": page.step,
            "at": ISO8601DateFormatter().string(from: page.at),
        ]
    }

    public var description: String { "WebhookNotifier(\(name))" }
    public var customMirror: Mirror { Mirror(self, children: ["name": name]) }
}
