import AsyncHTTPClient
import IntakeCore
import IntakeForwarding

/// Pages through Twilio's REST API: a text message (`sms`, the Messages API, words from
/// `TwilioSMSBody`) or a phone call (`voice`, the Calls API with inline TwiML from `TwilioVoiceTwiML`).
public struct TwilioNotifier: DeliveryDestination, CustomStringConvertible, CustomReflectable {
    /// Which of Twilio's resources a page becomes.
    public enum Channel: String, Sendable {
        case sms, voice
    }

    public let name: String
    public let maxConcurrency: Int
    let channel: Channel
    let account: TwilioAccount
    let http: TrackerHTTP
    let gate: any AlertGate

    public init(_ channel: Channel, name: String? = nil, account: TwilioAccount, client: HTTPClient, timeout: Duration = .seconds(10),
                maxConcurrency: Int = 16, gate: any AlertGate) {
        self.name = name ?? NotifyConfig.destinationName(for: channel.rawValue)
        self.channel = channel
        self.maxConcurrency = maxConcurrency
        self.account = account
        self.gate = gate
        http = TrackerHTTP(client: client, baseURL: account.baseURL, headers: account.headers, timeout: timeout, secrets: account.secrets)
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryResult {
        await NotifyPage.deliver(delivery, gate: gate) { page in
            switch channel {
            case .sms: await account.create("Messages.json", to: page, ("Body", TwilioSMSBody.body(for: page)), via: http)
            case .voice: await account.create("Calls.json", to: page, ("Twiml", TwilioVoiceTwiML.twiml(for: page)), via: http)
            }
        }
    }

    public var description: String { "TwilioNotifier(\(name))" }
    public var customMirror: Mirror { Mirror(self, children: ["name": name, "account": account]) }
}
