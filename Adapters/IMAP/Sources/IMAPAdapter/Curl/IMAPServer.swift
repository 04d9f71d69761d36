import Foundation

/// Where and how to reach the IMAP server: address, TLS and credentials.
public struct IMAPServer: Sendable {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// TLS from the first byte (port 993).
        case imaps
        /// Plain connect, then `STARTTLS` before login; refused if the server does not offer it.
        case starttls
        /// No TLS at all: only with `allow_insecure: true` (a test server on loopback).
        case none
    }

    /// What the login proves. Printed, logged or dumped, it shows its kind only.
    public enum Credential: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        case password(String)
        /// An OAuth2 access token sent with SASL XOAUTH2 (Gmail, Microsoft 365).
        case bearer(String)

        var secret: String {
            switch self {
            case .password(let value), .bearer(let value): value
            }
        }

        public var description: String {
            switch self {
            case .password: "password(<redacted>)"
            case .bearer: "bearer(<redacted>)"
            }
        }

        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
    }

    public var host: String
    public var port: Int
    public var tls: TLSMode
    public var verifyCertificates: Bool
    /// A CA bundle to trust instead of the system's (a private CA, a test certificate).
    public var caFile: String?
    public var user: String
    public var credential: Credential
    public var connectTimeoutSeconds = 15
    /// A transfer that receives nothing for this long fails (the server is gone).
    public var stallTimeoutSeconds = 60

    public init(
        host: String, port: Int, tls: TLSMode, verifyCertificates: Bool = true, caFile: String? = nil, user: String,
        credential: Credential
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.verifyCertificates = verifyCertificates
        self.caFile = caFile
        self.user = user
        self.credential = credential
    }

    /// `host:port`, for messages.
    var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The URL curl connects to: the scheme says whether TLS starts at once (`imaps`).
    var url: String { "\(tls == .imaps ? "imaps" : "imap")://\(address)/" }

    /// Removes the secret from any text that may end up in a log or an error.
    func scrub(_ text: String) -> String {
        let secret = credential.secret
        guard !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: "<redacted>")
    }
}
