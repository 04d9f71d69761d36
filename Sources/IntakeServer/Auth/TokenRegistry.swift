import Crypto
import Foundation
import IntakeCore

/// The API tokens the gateway accepts, kept only as SHA-256 hashes and compared in constant time.
public struct TokenRegistry: Sendable {
    struct Entry: Sendable {
        var name: String
        var role: TokenRole
        var hash: [UInt8]
    }

    private let entries: [Entry]

    public init(tokens: [(name: String, role: TokenRole, secret: String)]) {
        entries = tokens.map { Entry(name: $0.name, role: $0.role, hash: Self.hash($0.secret)) }
    }

    /// The principal for a presented token, or nil. Every entry is compared, so timing reveals nothing.
    public func principal(for token: String) -> Principal? {
        let presented = Self.hash(token)
        var match: Entry?
        for entry in entries where constantTimeEquals(entry.hash, presented) && match == nil { match = entry }
        return match.map { Principal(name: $0.name, role: $0.role) }
    }

    public static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    public static func hexHash(_ token: String) -> String { RawPayload.hexDigest(Data(token.utf8)) }

    /// The bytes of a hex string of 64 digits.
    static func bytes(hex: String) -> [UInt8]? {
        guard hex.count == 64 else { return nil }
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
