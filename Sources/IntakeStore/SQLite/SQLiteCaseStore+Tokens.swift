import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore: TokenStore {
    public func createToken(name: String, role: TokenRole, sha256: String, at date: Date) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM api_tokens WHERE name = ?"), arguments: [name]) != nil {
                throw StoreError.conflict("a token named \(name) exists; revoke it first")
            }
            try db.execute(sql: "INSERT INTO api_tokens(name, role, sha256, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [name, role.rawValue, sha256, date.timeIntervalSince1970])
        }
    }

    public func tokens() async throws -> [StoredToken] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM api_tokens ORDER BY name")).compactMap { row in
                TokenRole(rawValue: row["role"]).map {
                    StoredToken(name: row["name"], role: $0, sha256: row["sha256"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
                }
            }
        }
    }

    public func token(sha256: String) async throws -> StoredToken? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM api_tokens WHERE sha256 = ?"), arguments: [sha256]).flatMap { row in
                TokenRole(rawValue: row["role"]).map {
                    StoredToken(name: row["name"], role: $0, sha256: row["sha256"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
                }
            }
        }
    }

    @discardableResult
    public func revokeToken(name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM api_tokens WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }
}
