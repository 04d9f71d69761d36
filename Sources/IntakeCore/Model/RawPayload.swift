import Crypto
import Foundation

/// The bytes a channel delivered, kept exactly, addressed by their SHA-256 so any message can be re-normalized.
public struct RawPayload: Codable, Sendable, Equatable {
    /// The media type of `bytes` (`application/json`, `message/rfc822`, `application/x-www-form-urlencoded`).
    public var contentType: String
    public var bytes: Data
    /// Channel facts that are not in the bytes but are needed to re-normalize them (a feed URL, a mailbox).
    public var metadata: [String: String]

    public init(contentType: String, bytes: Data, metadata: [String: String] = [:]) {
        self.contentType = contentType
        self.bytes = bytes
        self.metadata = metadata
    }

    /// Hex SHA-256 of the bytes: the payload's address in the store.
    public var sha256: String { Self.hexDigest(bytes) }

    /// Hex SHA-256 of any bytes.
    public static func hexDigest(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
