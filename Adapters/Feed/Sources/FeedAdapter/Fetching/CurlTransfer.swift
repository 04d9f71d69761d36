import CCurl
import Dispatch
import Foundation
import IntakeCore
import Synchronization

/// Fetches feeds with libcurl: one easy handle per transfer, created, used and freed on one thread of a
/// dedicated dispatch queue, so blocking I/O never runs on Swift's cooperative pool and no `CURL*` is shared.
enum FeedFetcher {
    private static let queue = DispatchQueue(label: "intake.feed.fetch", attributes: .concurrent)

    static func fetch(_ request: FeedRequest) async -> Result<FeedResponse, FeedFetchError> {
        let cancel = CancelFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: CurlTransfer.perform(request, cancel: cancel)) }
            }
        } onCancel: {
            cancel.set()
        }
    }
}

/// Set when the polling task is cancelled: the transfer's callbacks then abort it.
final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// One libcurl transfer. Everything C stays inside `perform`; it returns Sendable Swift values.
enum CurlTransfer {
    /// `curl_global_init` must run once before any handle exists (it is not thread-safe itself).
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// What the callbacks fill in, reached from C through an unmanaged pointer for the transfer's duration.
    private final class Sink {
        let limit: Int
        let cancel: CancelFlag
        var body = Data()
        var exceeded = false
        /// Headers of the last response only (each redirect hop starts a new set).
        var headers: [(name: String, value: String)] = []

        init(limit: Int, cancel: CancelFlag) {
            self.limit = limit
            self.cancel = cancel
        }

        func header(_ name: String) -> String? { headers.last { $0.name == name }?.value }
    }

    static let accept = "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"

    static func perform(_ request: FeedRequest, cancel: CancelFlag) -> Result<FeedResponse, FeedFetchError> {
        guard initialized, let handle = curl_easy_init() else { return .failure(FeedFetchError(.transport("libcurl could not be initialized"))) }
        defer { curl_easy_cleanup(handle) }
        let sink = Sink(limit: request.maxBytes, cancel: cancel)
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        headerList = curl_slist_append(headerList, "Accept: \(accept)")
        if let etag = request.etag, isHeaderSafe(etag) { headerList = curl_slist_append(headerList, "If-None-Match: \(etag)") }
        if let modified = request.lastModified, isHeaderSafe(modified) {
            headerList = curl_slist_append(headerList, "If-Modified-Since: \(modified)")
        }
        defer { curl_slist_free_all(headerList) }

        let protocols = request.allowInsecureHTTP ? "http,https" : "https"
        let timeoutMS = Int(request.timeout.timeInterval * 1000)
        _ = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols)
        _ = ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        _ = ccurl_setopt_string(handle, CURLOPT_USERAGENT, request.userAgent)
        _ = ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl decodes (gzip, deflate, br, zstd)
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, request.maxRedirects)
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMS)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(timeoutMS, 10_000))
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)  // no SIGALRM from resolver timeouts in a threaded process
        _ = ccurl_setopt_offt(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBytes))  // refused early when Content-Length says so
        _ = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer.toOpaque())
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer.toOpaque())
        _ = ccurl_setopt_write_callback(handle) { data, size, count, context in
            guard let context else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            if sink.cancel.isSet { return 0 }
            // The cap applies to decoded bytes while they stream, so a small gzip bomb is stopped too.
            if sink.body.count + length > sink.limit {
                sink.exceeded = true
                return 0  // anything but `length` aborts the transfer
            }
            if let data, length > 0 { data.withMemoryRebound(to: UInt8.self, capacity: length) { sink.body.append($0, count: length) } }
            return length
        }
        _ = ccurl_setopt_header_callback(handle) { data, size, count, context in
            guard let context else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            if sink.cancel.isSet { return 0 }
            guard let data, length > 0 else { return length }
            let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            if line.hasPrefix("HTTP/") {
                sink.headers.removeAll()  // a new response (after a redirect or a 100 Continue)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                sink.headers.append((name, value))
            }
            return length
        }

        let code = curl_easy_perform(handle)
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard code == CURLE_OK else {
            return .failure(error(for: code, sink: sink, request: request, message: String(cString: errorBuffer)))
        }
        var effective: UnsafeMutablePointer<CChar>?
        _ = ccurl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let effectiveURL = effective.map { String(cString: $0) } ?? request.url
        switch status {
        case 200...203, 206...299:
            break
        case 304:
            break
        default:
            return .failure(FeedFetchError(.httpStatus(status), retryAfter: retryAfter(sink.header("retry-after"))))
        }
        let contentType = sink.header("content-type").map {
            $0.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
        return .success(FeedResponse(
            status: status, body: sink.body, etag: sink.header("etag"), lastModified: sink.header("last-modified"),
            contentType: contentType.flatMap { $0.isEmpty ? nil : $0 }, effectiveURL: effectiveURL))
    }

    private static func error(for code: CURLcode, sink: Sink, request: FeedRequest, message: String) -> FeedFetchError {
        if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED { return FeedFetchError(.tooLarge(limit: request.maxBytes)) }
        if code == CURLE_OPERATION_TIMEDOUT { return FeedFetchError(.timeout(seconds: request.timeout.timeInterval)) }
        if code == CURLE_TOO_MANY_REDIRECTS { return FeedFetchError(.tooManyRedirects(limit: request.maxRedirects)) }
        if code == CURLE_UNSUPPORTED_PROTOCOL { return FeedFetchError(.disallowedScheme) }
        if sink.cancel.isSet { return FeedFetchError(.transport("cancelled")) }
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        // libcurl's messages name hosts and ports, never the query string; strip one anyway if it slipped in.
        return FeedFetchError(.transport(FeedSource.redactingQueries(in: detail)))
    }

    /// `Retry-After` in seconds (the HTTP-date form is rare on feeds and ignored).
    private static func retryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Int(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(min(seconds, 86400))
    }

    /// A validator from a server goes back into a request header: refuse anything that could split it.
    private static func isHeaderSafe(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count < 1024 && !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
    }
}

extension FeedSource {
    /// Replaces the query of every URL-looking word in `text` (error messages) with `…`.
    static func redactingQueries(in text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word in
            guard word.contains("://"), let question = word.firstIndex(of: "?") else { return String(word) }
            return word[..<question] + "?…"
        }.joined(separator: " ")
    }
}
