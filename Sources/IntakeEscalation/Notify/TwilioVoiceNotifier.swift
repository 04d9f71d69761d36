import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeForwarding

/// Pages by phone call through Twilio's Calls API with inline TwiML: reads the alert out and takes a
/// keypress (1 = acknowledge and call the customer) at the alert's voice action URL.
public struct TwilioVoiceNotifier: DeliveryDestination, CustomStringConvertible, CustomReflectable {
    /// Twilio's limit on the `Twiml` parameter.
    public static let maxTwimlLength = 4000

    public let name: String
    public let maxConcurrency: Int
    let account: TwilioAccount
    let http: TrackerHTTP
    let gate: any AlertGate

    public init(name: String = NotifyConfig.destinationName(for: "voice"), account: TwilioAccount, client: HTTPClient,
                timeout: Duration = .seconds(10), maxConcurrency: Int = 16, gate: any AlertGate) {
        self.name = name
        self.maxConcurrency = maxConcurrency
        self.account = account
        self.gate = gate
        http = TrackerHTTP(client: client, baseURL: account.baseURL, headers: account.headers, timeout: timeout, secrets: account.secrets)
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryResult {
        let page: PageMessage
        switch await NotifyPage.open(delivery, gate: gate) {
        case .failure(let result): return result
        case .success(let opened): page = opened
        }
        return await account.create("Calls.json", to: page, ("Twiml", Self.twiml(for: page)), via: http)
    }

    /// The call: the alert's speech and the ACK prompt inside a one-digit `<Gather>` that posts to the
    /// alert's voice action URL; without a key, the caller hears that the next person is paged.
    /// Every text is XML-escaped; the speech is shortened when the whole would pass 4000 characters.
    public static func twiml(for page: PageMessage) -> String {
        func document(_ speech: String) -> String {
            "<Response><Gather numDigits=\"1\" action=\"\(xmlEscaped(page.voiceActionURL))\" method=\"POST\" timeout=\"10\">"
                + "<Say>\(xmlEscaped(speech))</Say><Say>Press 1 to acknowledge and take this call.</Say></Gather>"
                + "<Say>No key pressed. We will page the next person.</Say></Response>"
        }
        let speech = page.speech.trimmedWhitespace()
        let whole = document(speech)
        guard whole.utf16.count > maxTwimlLength else { return whole }
        // Escaping can lengthen the speech (`&` is five characters): cut it until the escaped whole fits.
        var limit = speech.utf16.count - (whole.utf16.count - maxTwimlLength)
        while limit > 0 {
            let shorter = document(NotifyPage.clipped(speech, to: limit, ellipsis: "..."))
            if shorter.utf16.count <= maxTwimlLength { return shorter }
            limit -= max(1, shorter.utf16.count - maxTwimlLength)
        }
        return document("")
    }

    /// `text` safe in XML content and attribute values: the five markup characters as entities, and
    /// the control characters XML 1.0 forbids (which would make Twilio reject the document) dropped.
    public static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(" ")
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && !(0xFFFE...0xFFFF).contains(value)
                if allowed { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    public var description: String { "TwilioVoiceNotifier(\(name))" }
    public var customMirror: Mirror { Mirror(self, children: ["name": name, "account": account]) }
}
