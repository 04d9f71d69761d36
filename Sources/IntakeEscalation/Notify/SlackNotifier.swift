import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeForwarding

/// Pages by Slack direct message (`chat.postMessage` to the person's member id): the alert and two
/// buttons, Acknowledge and Escalate, whose callbacks carry `{alertID}:{code}`.
public struct SlackNotifier: DeliveryDestination, CustomStringConvertible, CustomReflectable {
    public static let acknowledgeAction = "intake_ack"
    public static let escalateAction = "intake_escalate"
    /// Block Kit's limit on a section's text.
    static let sectionLimit = 3000
    /// Slack's own errors that pass with time; every other `ok: false` needs a person to fix something.
    static let transientErrors: Set<String> = ["ratelimited", "service_unavailable", "request_timeout", "internal_error", "fatal_error"]

    public let name: String
    public let maxConcurrency: Int
    let http: TrackerHTTP
    let gate: any AlertGate

    public init(name: String = NotifyConfig.destinationName(for: "slack"), account: SlackAccount, client: HTTPClient,
                timeout: Duration = .seconds(10), maxConcurrency: Int = 16, gate: any AlertGate) {
        self.name = name
        self.maxConcurrency = maxConcurrency
        self.gate = gate
        http = TrackerHTTP(client: client, baseURL: account.baseURL, headers: account.headers, timeout: timeout, secrets: account.secrets)
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryResult {
        await NotifyPage.deliver(delivery, gate: gate, send: post)
    }

    private func post(_ page: PageMessage) async -> DeliveryResult {
        guard let blocks = try? Self.blocksJSON(for: page) else {
            return .permanent(reason: "the Slack blocks are not valid JSON", status: nil)
        }
        // Form-encoded, as the spec's formData parameters describe: `blocks` is a JSON array in a string.
        let form = [("channel", page.address), ("text", Self.mrkdwnEscaped(page.title)), ("blocks", blocks),
                    ("unfurl_links", "false"), ("unfurl_media", "false")]
        switch await http.send(.POST, "/api/chat.postMessage", body: .form(form)) {
        case .failure(let result): return result
        case .success(let answer): return read(answer)
        }
    }

    /// Slack answers most failures with HTTP 200 and `{"ok": false, "error": "…"}`: `ratelimited` and
    /// Slack's own outages are tried again (after `Retry-After`), any other error is permanent.
    func read(_ answer: TrackerHTTP.Answer) -> DeliveryResult {
        guard (200..<300).contains(answer.status) else { return http.classify(answer) }
        guard let json = answer.json() as? [String: Any], let ok = (json["ok"] as? Bool) ?? (json["ok"] as? NSNumber)?.boolValue else {
            return .retry(reason: http.scrub("Slack answered \(answer.status) without \"ok\": \(answer.text.prefix(500))"), status: answer.status, after: nil)
        }
        if ok { return .done(remoteID: json["ts"] as? String) }
        let error = http.scrub(json["error"] as? String ?? "unknown_error")
        guard Self.transientErrors.contains(error) else {
            return .permanent(reason: "Slack refused the message: \(error)", status: answer.status)
        }
        let after = answer.headers.first(name: "Retry-After").flatMap { Int($0.trimmedWhitespace()) }.map { Duration.seconds(max(0, $0)) }
        return .retry(reason: "Slack: \(error)", status: answer.status, after: after)
    }

    /// The message's blocks as JSON: the alert (bold title, then its text, at most 3000 characters) and
    /// the two buttons, which a call-again reminder (already acknowledged) goes without.
    public static func blocksJSON(for page: PageMessage) throws -> String {
        String(decoding: try encoder.encode(blocks(for: page)), as: UTF8.self)
    }

    /// Encodable blocks (the JSON encoder of Foundation Essentials is several times faster than
    /// `JSONSerialization` on Linux, which was the largest cost of a Slack page).
    static func blocks(for page: PageMessage) -> [Block] {
        let value = "\(page.alertID):\(page.code)"
        // A section's text holds at most 3000 characters: cut the alert before escaping, so no entity is cut.
        let title = "*\(mrkdwnEscaped(page.title))*\n"
        let body = mrkdwnEscaped(NotifyPage.clipped(NotifyPage.textBelowTitle(page), to: max(0, sectionLimit - title.utf16.count)))
        let section = Block(type: "section", text: Text(type: "mrkdwn", text: NotifyPage.clipped(title + body, to: sectionLimit)))
        guard page.reminderFor == nil else { return [section] }
        return [section, Block(type: "actions", blockID: "intake_page_\(page.alertID)", elements: [
            Button(actionID: acknowledgeAction, text: Text(type: "plain_text", text: "Acknowledge"), value: value, style: "primary"),
            Button(actionID: escalateAction, text: Text(type: "plain_text", text: "Escalate"), value: value, style: "danger"),
        ])]
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// One Block Kit block: a section with text, or the actions row.
    struct Block: Encodable {
        var type: String
        var text: Text?
        var blockID: String?
        var elements: [Button]?
        enum CodingKeys: String, CodingKey { case type, text, blockID = "block_id", elements }
    }

    struct Text: Encodable {
        var type: String
        var text: String
    }

    struct Button: Encodable {
        var type = "button"
        var actionID: String
        var text: Text
        var value: String
        var style: String
        enum CodingKeys: String, CodingKey { case type, actionID = "action_id", text, value, style }
    }

    /// `text` as Slack's mrkdwn wants it: `&`, `<` and `>` as entities, so no text becomes a link or mention.
    public static func mrkdwnEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    public var description: String { "SlackNotifier(\(name))" }
    public var customMirror: Mirror { Mirror(self, children: ["name": name]) }
}
