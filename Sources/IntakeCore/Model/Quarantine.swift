import Foundation

/// Input an adapter could not normalize, kept raw with the reason so it can be fixed and retried.
public struct QuarantineEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var adapter: String
    public var receivedAt: Date
    public var reason: String
    /// The payload; in a listing without its bytes (`RawPayload(storedAt:)`, see `rawSize`): read the entry
    /// by id for them.
    public var raw: RawPayload
    /// The payload's size in bytes, also when `raw` carries none.
    public var rawSize: Int
    public var status: QuarantineStatus
    public var attempts: Int
    /// The message it became once a retry succeeded.
    public var messageID: Int64?

    public init(
        id: Int64, adapter: String, receivedAt: Date, reason: String, raw: RawPayload, status: QuarantineStatus,
        attempts: Int, messageID: Int64?, rawSize: Int? = nil
    ) {
        self.rawSize = rawSize ?? raw.bytes.count
        self.id = id
        self.adapter = adapter
        self.receivedAt = receivedAt
        self.reason = reason
        self.raw = raw
        self.status = status
        self.attempts = attempts
        self.messageID = messageID
    }
}

/// Whether a quarantined input still waits for a fix.
public enum QuarantineStatus: String, Codable, Sendable {
    case pending
    case released
}

/// Something to put in quarantine: the raw input and why it could not be normalized.
public struct QuarantineRequest: Sendable, Equatable {
    public var adapter: String
    public var receivedAt: Date
    public var reason: String
    public var raw: RawPayload

    public init(adapter: String, receivedAt: Date, reason: String, raw: RawPayload) {
        self.adapter = adapter
        self.receivedAt = receivedAt
        self.reason = reason
        self.raw = raw
    }
}
