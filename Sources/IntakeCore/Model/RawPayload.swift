import Crypto
import Foundation

/// The bytes a channel delivered, kept exactly with their SHA-256 so any message can be re-normalized from
/// bytes known to be the ones received.
public struct RawPayload: Codable, Sendable, Equatable {
    /// The media type of `bytes` (`application/json`, `message/rfc822`, `application/x-www-form-urlencoded`).
    public var contentType: String
    public var bytes: Data {
        didSet { sha256 = Self.hexDigest(bytes) }
    }
    /// Channel facts that are not in the bytes but are needed to re-normalize them (a feed URL, a mailbox).
    public var metadata: [String: String]

    public init(contentType: String, bytes: Data, metadata: [String: String] = [:]) {
        self.contentType = contentType
        self.bytes = bytes
        self.metadata = metadata
        self.sha256 = Self.hexDigest(bytes)
    }

    /// A payload read back from a store with the digest stored beside it: fails when the bytes no longer
    /// hash to that digest, so a payload changed on disk is never re-normalized as if it were the original.
    public init(stored sha256: String, contentType: String, bytes: Data, metadata: [String: String]) throws {
        self.init(contentType: contentType, bytes: bytes, metadata: metadata)
        guard self.sha256 == sha256 else {
            throw StoreError.corrupt("a stored raw payload no longer matches its SHA-256 \(sha256): its bytes hash to \(self.sha256)")
        }
    }

    /// A stored payload named by its digest without its bytes (`bytes` is empty): what a case's
    /// messages carry when read back, so reading a case never loads every attachment; the store's
    /// `rawPayload(messageID:)` returns the bytes.
    public init(storedAt sha256: String, contentType: String, metadata: [String: String] = [:]) {
        self.contentType = contentType
        self.bytes = Data()
        self.metadata = metadata
        self.sha256 = sha256
    }

    /// Hex SHA-256 of the bytes, stored with them and checked when they are read back. Computed once, where
    /// the payload is made (on the request's own task), so the single store writer does not spend its time hashing.
    public private(set) var sha256: String

    private enum CodingKeys: String, CodingKey { case contentType, bytes, metadata }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(contentType: try container.decode(String.self, forKey: .contentType), bytes: try container.decode(Data.self, forKey: .bytes),
                  metadata: try container.decode([String: String].self, forKey: .metadata))
    }

    /// Hex SHA-256 of any bytes.
    public static func hexDigest(_ data: some DataProtocol) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
