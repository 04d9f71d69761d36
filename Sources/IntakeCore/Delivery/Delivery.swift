import Foundation

/// One thing to deliver to one destination (a ticket to Jira, a page to a phone), kept in the outbox
/// until the destination accepted it or refused it for good.
public struct Delivery: Sendable, Equatable, Codable {
    public var id: Int64
    /// The configured destination's name (`jira`, `oncall-sms`).
    public var destination: String
    /// The idempotency key: the same key for the same destination is enqueued once, and the remote side
    /// is told it (Zendesk `external_id`, a Jira property, an `Idempotency-Key` header).
    public var key: String
    public var caseID: Int64?
    /// What to send, in the destination's own terms (built when enqueued, so a retry sends the same).
    public var payload: Data
    public var state: DeliveryState
    public var attempts: Int
    public var nextAttemptAt: Date
    /// The last answer: an HTTP status, and the body or error (secrets removed by the destination).
    public var lastStatus: Int?
    public var lastError: String?
    /// The id the destination gave it (a ticket key), once done.
    public var remoteID: String?
    public var createdAt: Date

    public init(
        id: Int64, destination: String, key: String, caseID: Int64?, payload: Data, state: DeliveryState, attempts: Int,
        nextAttemptAt: Date, lastStatus: Int?, lastError: String?, remoteID: String?, createdAt: Date
    ) {
        self.id = id
        self.destination = destination
        self.key = key
        self.caseID = caseID
        self.payload = payload
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.remoteID = remoteID
        self.createdAt = createdAt
    }
}

/// A delivery to enqueue.
public struct NewDelivery: Sendable {
    public var destination: String
    public var key: String
    public var caseID: Int64?
    public var payload: Data

    public init(destination: String, key: String, caseID: Int64?, payload: Data) {
        self.destination = destination
        self.key = key
        self.caseID = caseID
        self.payload = payload
    }
}

/// Where a delivery stands.
public enum DeliveryState: String, Codable, Sendable {
    case pending
    case done
    /// Refused for good (a 4xx other than 408/409/429): waits for a person to fix the config and retry.
    case dead
}

/// How one attempt ended, as the destination classifies the answer it got.
public enum DeliveryResult: Sendable, Equatable, Error {
    case done(remoteID: String?)
    /// Try again: after `after` when the destination said so (Retry-After), else after the backoff.
    case retry(reason: String, status: Int?, after: Duration?)
    case permanent(reason: String, status: Int?)

    /// The shared reading of an HTTP answer: 2xx done; 408, 409, 429 and 5xx again (honouring
    /// Retry-After); any other 4xx permanent. Destinations only build requests and call this.
    public static func classify(status: Int, retryAfter: String?, body: String, remoteID: String?, now: Date = Date()) -> DeliveryResult {
        switch status {
        case 200..<300:
            return .done(remoteID: remoteID)
        case 408, 409, 429, 500..<600:
            return .retry(reason: body, status: status, after: retryAfter.flatMap { parseRetryAfter($0, now: now) })
        default:
            return .permanent(reason: body, status: status)
        }
    }

    /// Retry-After as seconds or an HTTP date.
    static func parseRetryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmedWhitespace()
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }
}

/// A destination cases or alerts are delivered to: builds the request, sends it, classifies the answer.
/// Retry, backoff, dedup and bookkeeping are the outbox's, shared by every destination.
public protocol DeliveryDestination: Sendable {
    var name: String { get }
    /// At most this many attempts to this destination at once.
    var maxConcurrency: Int { get }
    func deliver(_ delivery: Delivery) async -> DeliveryResult
}

extension DeliveryDestination {
    public var maxConcurrency: Int { 4 }
}

/// One attempt's answer, as the outbox records it and tells its observer: done, again at `nextAttemptAt`, or dead.
public struct DeliveryAttempt: Sendable {
    public var delivery: Delivery
    public var result: DeliveryResult
    public var nextAttemptAt: Date?
    public var at: Date

    public init(delivery: Delivery, result: DeliveryResult, nextAttemptAt: Date? = nil, at: Date) {
        self.delivery = delivery
        self.result = result
        self.nextAttemptAt = nextAttemptAt
        self.at = at
    }
}

/// The durable outbox: deliveries enqueued once per (destination, key), attempted until done or dead.
public protocol DeliveryStore: Sendable {
    /// Enqueues a delivery unless one with the same destination and key exists; returns the stored one.
    func enqueue(destination: String, key: String, caseID: Int64?, payload: Data, at: Date) async throws -> Delivery
    /// Enqueues several in one transaction, each unless its (destination, key) exists; returns how many were new.
    func enqueue(_ items: [NewDelivery], at: Date) async throws -> Int
    /// Pending deliveries of a destination due at `now`, oldest first.
    func dueDeliveries(destination: String, now: Date, limit: Int) async throws -> [Delivery]
    /// Records several attempts' answers in one transaction.
    func recordAttempts(_ attempts: [DeliveryAttempt]) async throws
    func deliveries(state: DeliveryState?, limit: Int) async throws -> [Delivery]
    /// Puts a dead delivery back in the queue (after the config was fixed).
    func requeue(id: Int64, at: Date) async throws -> Delivery
    /// The delivery enqueued under `key` for `destination`, if any (a comment looks up its ticket's).
    func delivery(destination: String, key: String) async throws -> Delivery?
    func delivery(id: Int64) async throws -> Delivery?
    /// A random id made once per store, so the keys two installations give trackers never collide.
    func instanceID() async throws -> String
}

/// The JSON a delivery's payload is kept in (sorted keys, ISO 8601 dates), built once when enqueued so a
/// retry sends the same; shared by the forwarders' drafts and the pages.
public enum DeliveryPayload {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    public static func encode(_ value: some Encodable) throws -> Data { try encoder.encode(value) }
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try decoder.decode(type, from: data) }
}
