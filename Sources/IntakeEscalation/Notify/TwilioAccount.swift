import Foundation
import IntakeCore
import IntakeForwarding

/// The Twilio account pages are sent from: its SID and auth token, the number texts and calls come
/// from, and the API's base URL. Prints without its token.
public struct TwilioAccount: Sendable, CustomStringConvertible, CustomReflectable {
    /// `AC` and 32 hex digits.
    public var accountSID: String
    public var authToken: String
    /// The sender in E.164 (`+14155550100`): a Twilio number of this account.
    public var from: String
    public var baseURL: String

    public init(accountSID: String, authToken: String, from: String, baseURL: String = "https://api.twilio.com") {
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.baseURL = baseURL
    }

    /// Whether `sid` has the form of an Account SID (Twilio's own pattern `^AC[0-9a-fA-F]{32}$`).
    public static func isAccountSID(_ sid: String) -> Bool {
        let hex = sid.utf8.dropFirst(2)
        return sid.hasPrefix("AC") && hex.count == 32 && hex.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }

    /// HTTP Basic with the Account SID and auth token.
    var credentials: String { Data("\(accountSID):\(authToken)".utf8).base64EncodedString() }

    var headers: [(String, String)] { [("Authorization", "Basic \(credentials)"), ("Accept", "application/json")] }

    /// What must never be recorded: the token, and the header that carries it.
    var secrets: [String] { [authToken, credentials] }

    /// The path of one of the account's resources (`Messages.json`, `Calls.json`).
    func path(_ resource: String) -> String { "/2010-04-01/Accounts/\(FormEncoding.escape(accountSID))/\(resource)" }

    /// Creates a Message or Call (`resource`) to the page's phone from this account's number, with the
    /// resource's own field (`Body`, `Twiml`); the remote id is Twilio's `sid`.
    func create(_ resource: String, to page: PageMessage, _ field: (String, String), via http: TrackerHTTP) async -> DeliveryResult {
        let form = [("To", page.address), ("From", from), field]
        switch await http.send(.POST, path(resource), body: .form(form)) {
        case .failure(let result): return result
        case .success(let answer): return http.classify(answer, remoteID: NotifyPage.field("sid", of: answer))
        }
    }

    public var description: String { "TwilioAccount(\(accountSID), from: \(from), token: <redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: ["accountSID": accountSID, "from": from, "baseURL": baseURL]) }
}
