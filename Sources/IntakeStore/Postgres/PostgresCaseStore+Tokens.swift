import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore: TokenStore {
    public func createToken(name: String, role: TokenRole, sha256: String, at date: Date) async throws {
        try await transaction { session in
            let inserted = try await session.first("""
                INSERT INTO api_tokens(name, role, sha256, created_at) VALUES (\(name), \(role.rawValue), \(sha256), \(date.timeIntervalSince1970))
                ON CONFLICT(name) DO NOTHING RETURNING name
                """) { try $0.text("name") }
            if inserted == nil { throw StoreError.conflict("a token named \(name) exists; revoke it first") }
        }
    }

    public func tokens() async throws -> [StoredToken] {
        try await session { try await $0.all("SELECT * FROM api_tokens ORDER BY name", Self.storedToken) }.compactMap { $0 }
    }

    public func token(sha256: String) async throws -> StoredToken? {
        try await session { try await $0.first("SELECT * FROM api_tokens WHERE sha256 = \(sha256)", Self.storedToken) } ?? nil
    }

    @discardableResult
    public func revokeToken(name: String) async throws -> Bool {
        try await transaction { session in
            try await session.first("DELETE FROM api_tokens WHERE name = \(name) RETURNING name") { try $0.text("name") } != nil
        }
    }

    /// A token row, or nil when its role is one this version does not know.
    static func storedToken(_ row: PostgresColumns) throws -> StoredToken? {
        guard let role = TokenRole(rawValue: try row.text("role")) else { return nil }
        return StoredToken(name: try row.text("name"), role: role, sha256: try row.text("sha256"), createdAt: try row.date("created_at"))
    }
}
