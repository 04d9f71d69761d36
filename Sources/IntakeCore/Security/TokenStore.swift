import Foundation

/// A named API token as stored: only its SHA-256, never the token.
public struct StoredToken: Sendable, Equatable {
    public var name: String
    public var role: TokenRole
    public var sha256: String
    public var createdAt: Date

    public init(name: String, role: TokenRole, sha256: String, createdAt: Date) {
        self.name = name
        self.role = role
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}

/// Where API tokens made with `intake tokens create` are kept, by hash, so a new token works without a
/// restart and a revoked one stops working at once.
public protocol TokenStore: Sendable {
    /// Records a token by its hash; throws `StoreError.conflict` when the name is taken.
    func createToken(name: String, role: TokenRole, sha256: String, at date: Date) async throws
    func tokens() async throws -> [StoredToken]
    /// The token with this hash, if one is stored.
    func token(sha256: String) async throws -> StoredToken?
    /// Removes a token; returns whether one was there.
    @discardableResult
    func revokeToken(name: String) async throws -> Bool
}
