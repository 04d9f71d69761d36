import CCurl
import Foundation

/// One IMAP connection through one libcurl easy handle: custom commands and URL-form fetches.
///
/// Blocking. Owned by one poll (or one acknowledgement) and used only from the adapter's serial
/// queue, never from two threads at once; curl keeps the connection open between calls, so one
/// login serves the whole poll.
final class CurlIMAPConnection: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let server: IMAPServer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private let sink = ResponseSink()

    private static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK }()

    init(server: IMAPServer) throws {
        guard Self.globalInit, let handle = curl_easy_init() else {
            throw IMAPError.setup("libcurl could not be initialized")
        }
        self.handle = handle
        self.server = server
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure()
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    private func configure() throws {
        let userdata = Unmanaged.passUnretained(sink).toOpaque()
        var codes: [CURLcode] = [
            ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_setopt_write_callback(handle, { data, size, count, context in
                guard let context else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
                return sink.append(data, size * count)
            }),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, userdata),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, server.connectTimeoutSeconds),
            // A server that stops sending for this long is gone: fail rather than hang the poll.
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, server.stallTimeoutSeconds),
            ccurl_setopt_string(handle, CURLOPT_USERNAME, server.user),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, server.verifyCertificates ? 1 : 0),
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, server.verifyCertificates ? 2 : 0),
        ]
        switch server.tls {
        case .imaps: codes.append(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
        case .starttls: codes.append(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
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

    /// Runs a command in `mailbox` (selected first when given) and returns its untagged lines.
    ///
    /// curl hands over only untagged lines whose keyword matches the command's; every `UID ...`
    /// command gets them all.
    func command(_ command: String, in mailbox: String?) throws -> [String] {
        ccurl_setopt_string(handle, CURLOPT_URL, server.url(mailbox: mailbox, suffix: ""))
        ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, command)
        defer { ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil) }
        sink.reset(limit: 64 * 1024 * 1024)
        try perform(what: Self.verb(of: command), mailbox: mailbox)
        return IMAPResponse.lines(sink.data)
    }

    /// Fetches one message (or one section of it) by UID with the URL form, which curl sends as
    /// `UID FETCH n BODY[]`: the server sets `\Seen`. Fails with `.tooLarge` past `limit` bytes.
    func fetch(mailbox: String, uid: UInt32, section: String? = nil, expectedSize: Int, limit: Int) throws -> Data {
        let suffix = ";UID=\(uid)" + (section.map { ";SECTION=\($0)" } ?? "")
        ccurl_setopt_string(handle, CURLOPT_URL, server.url(mailbox: mailbox, suffix: suffix))
        sink.reset(limit: limit, reserve: min(expectedSize, limit))
        do {
            try perform(what: "FETCH of UID \(uid)", mailbox: mailbox)
        } catch let error as IMAPError where sink.overflowed {
            _ = error
            throw IMAPError.tooLarge(uid: uid, limit: limit)
        }
        return sink.take()
    }

    private func perform(what: String, mailbox: String?) throws {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return }
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        throw IMAPError(curlCode: code.rawValue, detail: server.scrub(detail), command: what, mailbox: mailbox, server: server)
    }

    /// `UID FETCH 1:* (...)` gives `UID FETCH`, for error messages.
    private static func verb(of command: String) -> String {
        let words = command.split(separator: " ", maxSplits: 2)
        if words.first == "UID", words.count > 1 { return "UID \(words[1])" }
        return words.first.map(String.init) ?? command
    }
}

/// Collects what curl's write callback delivers, up to a limit.
private final class ResponseSink {
    private(set) var data = Data()
    private var limit = Int.max
    private(set) var overflowed = false

    func reset(limit: Int, reserve: Int = 0) {
        data = Data()
        if reserve > 0 { data.reserveCapacity(reserve) }
        self.limit = limit
        overflowed = false
    }

    func append(_ bytes: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let bytes else { return count }
        if data.count + count > limit {
            overflowed = true
            return 0  // makes curl stop with CURLE_WRITE_ERROR
        }
        bytes.withMemoryRebound(to: UInt8.self, capacity: count) { data.append($0, count: count) }
        return count
    }

    func take() -> Data {
        defer { data = Data() }
        return data
    }
}
