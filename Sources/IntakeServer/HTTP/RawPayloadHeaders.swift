import Crypto
import Foundation
import HTTPTypes
import IntakeCore

/// The headers of a raw payload served as it was received: its media type (the sender's), its SHA-256 as an
/// RFC 9530 `Repr-Digest`, and what keeps a browser from running it (a sender's HTML or script is data here).
enum RawPayloadHeaders {
    static let reprDigest = HTTPField.Name("Repr-Digest")!

    static func headers(_ raw: RawPayload) -> HTTPFields {
        [
            .contentType: raw.contentType, reprDigest: reprDigest(raw), .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "sandbox", .contentDisposition: "attachment",
        ]
    }

    /// `sha-256=:<base64 of the digest>:` of the payload's bytes (which the store has checked against the
    /// digest stored with them).
    static func reprDigest(_ raw: RawPayload) -> String {
        "sha-256=:\(Data(SHA256.hash(data: raw.bytes)).base64EncodedString()):"
    }
}
