import CCurl
import Foundation

/// One logged-in IMAP session: libcurl connects, does TLS or STARTTLS and logs in (password or
/// XOAUTH2); the commands then go over curl's connection as they are written.
///
/// curl's own IMAP requests fetch one message per round trip, always without `PEEK`, and cut the
/// literals of custom commands; a session that speaks the commands itself (through `curl_easy_send`
/// and `curl_easy_recv`, so TLS, proxies and authentication stay curl's) fetches a whole batch with one
/// `UID FETCH set (UID BODY.PEEK[])` and leaves `\Seen` alone until the mail is stored.
///
/// Blocking. Owned by one poll (or one acknowledgement) and used from one thread at a time.
final class CurlIMAPConnection: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let server: IMAPServer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var socket: curl_socket_t = -1
    private var reader = IMAPResponseReader(literalLimit: 0)
    private var receiveBuffer = [UInt8](repeating: 0, count: 256 * 1024)
    private var nextTag = 1
    /// The mailbox SELECTed now, if any, and the UIDVALIDITY its SELECT reported.
    private var selected: String?
    private var selectedValidity: UInt32?
    /// Set after a transport failure: the stream may be cut mid-response, so nothing more is sent.
    private var broken = false

    private static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK }()

    /// Connects and logs in; throws a classified `IMAPError` (refused login, TLS, unreachable).
    init(server: IMAPServer) throws {
        guard Self.globalInit, let handle = curl_easy_init() else {
            throw IMAPError.setup("libcurl could not be initialized")
        }
        self.handle = handle
        self.server = server
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure()
        try perform(what: "login", mailbox: nil)
        guard ccurl_getinfo_socket(handle, &socket) == CURLE_OK, socket != -1 else {
            throw IMAPError.unexpected("libcurl gave no socket for the IMAP connection to \(server.address)")
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    private func configure() throws {
        var codes: [CURLcode] = [
            ccurl_setopt_string(handle, CURLOPT_URL, server.url),
            // Connect, TLS, capabilities and login, then hand the connection over.
            ccurl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1),
            ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, server.connectTimeoutSeconds),
            // Bounds curl's own waits: the login, and the LOGOUT it sends at cleanup.
            ccurl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, server.connectTimeoutSeconds),
            ccurl_setopt_string(handle, CURLOPT_USERNAME, server.user),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, server.verifyCertificates ? 1 : 0),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, server.verifyCertificates ? 2 : 0),
        ]
        switch server.tls {
        case .imaps, .starttls: codes.append(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
        case .none: codes.append(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue)))
        }
        if let caFile = server.caFile { codes.append(ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
        switch server.credential {
        case .password(let password):
            codes.append(ccurl_setopt_string(handle, CURLOPT_PASSWORD, password))
        case .bearer(let token):
            codes.append(ccurl_setopt_string(handle, CURLOPT_XOAUTH2_BEARER, token))
            codes.append(ccurl_setopt_string(handle, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2"))
        }
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            throw IMAPError.setup("libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }
    }

    /// Runs a command in `mailbox` (SELECTed first when given and not already) and returns the text of
    /// its untagged responses, one line each.
    func command(_ command: String, in mailbox: String?) throws -> [String] {
        try responses(command, in: mailbox, literalLimit: 1024 * 1024).map(\.text)
    }

    /// Fetches `section` (`""` for the whole mail, `"HEADER"`) of each UID with one
    /// `UID FETCH set (UID BODY.PEEK[section])`: no `\Seen` is set. `received` gets each mail as its
    /// response completes (a literal over `limit` as `.dropped`); UIDs the server no longer has are
    /// simply not named. A connection lost midway throws after the mails that did arrive.
    func fetch(
        _ uids: [UInt32], section: String, in mailbox: String, limit: Int,
        received: (UInt32, IMAPServerResponse.Literal) -> Void
    ) throws {
        guard !uids.isEmpty else { return }
        let item = "BODY[\(section)]"
        try select(mailbox)
        try run("UID FETCH \(IMAPResponse.uidSet(uids)) (UID BODY.PEEK[\(section)])", mailbox: mailbox, literalLimit: limit) { response in
            if let (uid, literal) = IMAPResponse.fetchedLiteral(response, item: item) { received(uid, literal) }
        }
    }

    /// The untagged responses of a command.
    private func responses(_ command: String, in mailbox: String?, literalLimit: Int) throws -> [IMAPServerResponse] {
        if let mailbox { try select(mailbox) }
        var collected: [IMAPServerResponse] = []
        try run(command, mailbox: mailbox, literalLimit: literalLimit) { collected.append($0) }
        return collected
    }

    /// SELECTs `mailbox` and checks that it still has the UIDVALIDITY the caller's UIDs belong to: a
    /// mailbox recreated between a STATUS and the SELECT must not get the old mailbox's positions.
    func select(_ mailbox: String, uidValidity expected: UInt32) throws {
        try select(mailbox)
        guard selectedValidity == expected else {
            throw IMAPError.unexpected(
                "mailbox \"\(mailbox)\" on IMAP server \(server.address) changed UIDVALIDITY during the poll (\(expected) → "
                    + "\(selectedValidity.map(String.init) ?? "none")); it is read again by the next poll")
        }
    }

    private func select(_ mailbox: String) throws {
        guard selected != mailbox else { return }
        selected = nil
        selectedValidity = nil
        var validity: UInt32?
        try run("SELECT \(IMAPResponse.quoted(mailbox))", mailbox: mailbox, literalLimit: 1024 * 1024) { response in
            validity = validity ?? IMAPResponse.selectedUIDValidity(response.text)
        }
        selected = mailbox
        selectedValidity = validity
    }

    /// Sends one tagged command and hands each untagged response to `untagged` until the tagged
    /// completion: OK returns, NO or BAD throw (`isRefusedCommand`), `* BYE` or a lost connection throw
    /// `isConnectionFailure`.
    private func run(
        _ command: String, mailbox: String?, literalLimit: Int, untagged: (IMAPServerResponse) -> Void
    ) throws {
        let tag = "G\(nextTag)"
        nextTag += 1
        let what = Self.verb(of: command)
        guard !broken else {
            throw IMAPError(curlCode: CURLE_SEND_ERROR.rawValue, detail: "the connection broke earlier in this poll", command: what,
                            mailbox: mailbox, server: server)
        }
        try send("\(tag) \(command)\r\n", what: what, mailbox: mailbox)
        reader.literalLimit = literalLimit
        while true {
            while let response = try reader.next() {
                let first = response.lines.first ?? ""
                if first.hasPrefix(tag + " ") {
                    let status = first.dropFirst(tag.count + 1)
                    if status.prefix(2).uppercased() == "OK" { return }
                    throw IMAPError(curlCode: CURLE_QUOTE_ERROR.rawValue, detail: server.scrub(String(status)), command: what,
                                    mailbox: mailbox, server: server)
                }
                if first.prefix(5).uppercased() == "* BYE" {
                    markBroken()
                    throw IMAPError(curlCode: CURLE_RECV_ERROR.rawValue, detail: "the server said \(server.scrub(first))",
                                    command: what, mailbox: mailbox, server: server)
                }
                untagged(response)
            }
            try receive(what: what, mailbox: mailbox)
        }
    }

    private func send(_ text: String, what: String, mailbox: String?) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { curl_easy_send(handle, $0.baseAddress! + offset, bytes.count - offset, &sent) }
            if code == CURLE_AGAIN {
                try wait(for: Int16(POLLOUT), what: what, mailbox: mailbox)
                continue
            }
            guard code == CURLE_OK else { throw transportFailure(code, what: what, mailbox: mailbox) }
            offset += sent
        }
    }

    private func receive(what: String, mailbox: String?) throws {
        while true {
            var count = 0
            let code = receiveBuffer.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress, $0.count, &count) }
            if code == CURLE_AGAIN {
                try wait(for: Int16(POLLIN), what: what, mailbox: mailbox)
                continue
            }
            guard code == CURLE_OK else { throw transportFailure(code, what: what, mailbox: mailbox) }
            guard count > 0 else {
                markBroken()
                throw IMAPError(curlCode: CURLE_GOT_NOTHING.rawValue, detail: "the connection was closed", command: what,
                                mailbox: mailbox, server: server)
            }
            receiveBuffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            return
        }
    }

    /// Waits until the socket is ready; a server silent for `stallTimeoutSeconds` is gone.
    private func wait(for events: Int16, what: String, mailbox: String?) throws {
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let ready = poll(&descriptor, 1, Int32(server.stallTimeoutSeconds * 1000))
            if ready > 0 { return }
            if ready < 0, errno == EINTR { continue }
            markBroken()
            throw IMAPError(curlCode: CURLE_OPERATION_TIMEDOUT.rawValue,
                            detail: ready == 0 ? "nothing received for \(server.stallTimeoutSeconds) s" : String(cString: strerror(errno)),
                            command: what, mailbox: mailbox, server: server)
        }
    }

    private func perform(what: String, mailbox: String?) throws {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return }
        throw failure(code, what: what, mailbox: mailbox)
    }

    private func transportFailure(_ code: CURLcode, what: String, mailbox: String?) -> IMAPError {
        markBroken()
        return failure(code, what: what, mailbox: mailbox)
    }

    /// No more commands on this connection; shutting the socket down also keeps curl's LOGOUT at
    /// cleanup from waiting on a server that will not answer.
    private func markBroken() {
        guard !broken else { return }
        broken = true
        if socket != -1 { _ = shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private func failure(_ code: CURLcode, what: String, mailbox: String?) -> IMAPError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        errorBuffer[0] = 0
        return IMAPError(curlCode: code.rawValue, detail: server.scrub(detail), command: what, mailbox: mailbox, server: server)
    }

    /// `UID FETCH 1:* (...)` gives `UID FETCH`, for error messages.
    private static func verb(of command: String) -> String {
        let words = command.split(separator: " ", maxSplits: 2)
        if words.first == "UID", words.count > 1 { return "UID \(words[1])" }
        return words.first.map(String.init) ?? command
    }
}
