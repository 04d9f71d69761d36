import CCurl

/// Why talking to the IMAP server failed, in words an operator can act on; never carries the password or token.
public struct IMAPError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case setup
        case connect
        case login
        case tls
        case command
        case protocolError
    }

    private let kind: Kind
    public let description: String
    /// The curl result code, when curl reported the failure.
    public let curlCode: UInt32?

    private init(_ kind: Kind, _ description: String, curlCode: UInt32? = nil) {
        self.kind = kind
        self.description = description
        self.curlCode = curlCode
    }

    static func setup(_ message: String) -> IMAPError { IMAPError(.setup, message) }

    static func unexpected(_ message: String) -> IMAPError { IMAPError(.protocolError, message) }

    /// Classifies a curl failure: `detail` is curl's own message, already scrubbed of secrets.
    init(curlCode code: UInt32, detail: String, command: String, mailbox: String?, server: IMAPServer) {
        let at = "IMAP server \(server.address)"
        let place = mailbox.map { " in mailbox \"\($0)\"" } ?? ""
        switch CURLcode(code) {
        case CURLE_LOGIN_DENIED:
            self.init(.login, "login to \(at) as \"\(server.user)\" was refused: wrong user, password or token (\(detail))", curlCode: code)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            self.init(.connect, "cannot connect to \(at): \(detail)", curlCode: code)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            self.init(.tls, "TLS with \(at) failed: \(detail)", curlCode: code)
        case CURLE_USE_SSL_FAILED:
            self.init(.tls, "\(at) does not offer STARTTLS (\(detail)); use tls: imaps or a server that supports it", curlCode: code)
        case CURLE_QUOTE_ERROR:
            self.init(.command, "\(command)\(place) was refused by \(at) (\(detail))", curlCode: code)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_OPERATION_TIMEDOUT, CURLE_PARTIAL_FILE,
             CURLE_WEIRD_SERVER_REPLY:
            self.init(.connect, "\(at) went away during \(command)\(place): \(detail)", curlCode: code)
        default:
            self.init(.protocolError, "\(command)\(place) on \(at) failed: \(detail) (curl code \(code))", curlCode: code)
        }
    }

    /// The server refused the login (wrong password or token).
    public var isLoginRefused: Bool { kind == .login }
    /// The server cannot be reached or dropped the connection.
    public var isConnectionFailure: Bool { kind == .connect }
    /// The TLS handshake or certificate check failed.
    public var isTLSFailure: Bool { kind == .tls }
    /// The server answered NO or BAD to a command.
    var isRefusedCommand: Bool { kind == .command }
}
