import AsyncHTTPClient
import Foundation
import IntakeCore
import NIOCore
import NIOHTTP1

/// One tracker's HTTP calls: its base URL, auth headers and timeout; answers read into
/// `DeliveryResult`s with every secret scrubbed from what is recorded.
public struct TrackerHTTP: Sendable {
    /// A tracker's answer.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }
        public func json() -> Any? { try? JSONSerialization.jsonObject(with: body) }
    }

    let client: HTTPClient
    let baseURL: String
    let headers: [(String, String)]
    let timeout: Duration
    /// Values that must never reach a log, an error or a dead letter (tokens, passwords).
    let secrets: [String]
    /// A tracker's own "slow down" that the shared reading would take as permanent (GitHub's 403 rate limits).
    let throttled: @Sendable (Answer) -> Bool

    public init(client: HTTPClient, baseURL: String, headers: [(String, String)], timeout: Duration, secrets: [String],
                throttled: @escaping @Sendable (Answer) -> Bool = { _ in false }) {
        self.client = client
        self.throttled = throttled
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.headers = headers
        self.timeout = timeout
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    /// A request body.
    public enum Body: @unchecked Sendable {
        /// A JSON value (dictionaries and arrays as `JSONSerialization` takes them).
        case json(Any)
        case form([(String, String)])
        case raw(Data, contentType: String)
    }

    /// Sends a request to `path` (under the base URL, or absolute); a transport failure or timeout
    /// comes back as a retryable result.
    public func send(_ method: HTTPMethod, _ path: String, body: Body? = nil,
                     extraHeaders: [(String, String)] = []) async -> Result<Answer, DeliveryResult> {
        var request = HTTPClientRequest(url: path.hasPrefix("http://") || path.hasPrefix("https://") ? path : baseURL + path)
        request.method = method
        for (name, value) in headers + extraHeaders { request.headers.add(name: name, value: value) }
        switch body {
        case .json(let value):
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                return .failure(.permanent(reason: "the request body is not valid JSON", status: nil))
            }
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        case .form(let pairs):
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(pairs)))
        case .raw(let data, let contentType):
            request.headers.replaceOrAdd(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: data))
        case nil:
            break
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                + timeout.components.attoseconds / 1_000_000_000))
            let body = try await response.body.collect(upTo: 4 << 20)
            return .success(Answer(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView)))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failure(.retry(reason: "no answer within \(timeout)", status: nil, after: nil))
        } catch {
            return .failure(.retry(reason: scrub("request failed: \(error)"), status: nil, after: nil))
        }
    }

    /// The shared classification of an answer, with the body scrubbed and cut to what a person reads.
    public func classify(_ answer: Answer, remoteID: String? = nil) -> DeliveryResult {
        if throttled(answer) {
            return .retry(reason: scrub(String(answer.text.prefix(2000))), status: answer.status,
                          after: answer.headers.first(name: "Retry-After").flatMap { Int($0) }.map { .seconds($0) })
        }
        return DeliveryResult.classify(status: answer.status, retryAfter: answer.headers.first(name: "Retry-After"),
                                body: scrub(String(answer.text.prefix(2000))), remoteID: remoteID)
    }

    /// `text` with every secret replaced by `<redacted>`.
    public func scrub(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }
}

extension Result where Success == TrackerHTTP.Answer, Failure == DeliveryResult {
    /// The answer when it came with a 2xx status; else the classified failure.
    func accepted(by http: TrackerHTTP) -> Result<TrackerHTTP.Answer, DeliveryResult> {
        flatMap { answer in
            (200..<300).contains(answer.status) ? .success(answer) : .failure(http.classify(answer))
        }
    }

    /// The outcome of a call whose answer carries nothing to keep: classified, or the transport failure.
    func done(by http: TrackerHTTP, remoteID: String? = nil) -> DeliveryResult {
        switch self {
        case .success(let answer): http.classify(answer, remoteID: remoteID)
        case .failure(let result): result
        }
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension TrackerHTTP: RedactedDescription {}
