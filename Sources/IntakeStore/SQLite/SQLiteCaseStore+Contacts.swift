import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore {
    public func contact(id: Int64) async throws -> Contact? {
        try await pool.read { db in try Self.fetchContact(db, id: id) }
    }

    public func setAlternates(contactID: Int64, _ alternates: [AlternateContact]) async throws -> Contact {
        try await updateContact(contactID) { db in
            let json = String(decoding: try JSONEncoder.column.encode(alternates), as: UTF8.self)
            try db.execute(sql: "UPDATE contacts SET alternates = ? WHERE id = ?", arguments: [json, contactID])
        }
    }

    public func addIdentity(contactID: Int64, _ identity: Identity) async throws -> Contact {
        try await updateContact(contactID) { db in
            if let owner = try Int64.fetchOne(db.cachedStatement(sql: "SELECT contact_id FROM identities WHERE kind = ? AND value = ?"),
                                              arguments: [identity.kind.rawValue, identity.value]), owner != contactID {
                throw StoreError.conflict("\(identity) already belongs to contact \(owner)")
            }
            try db.execute(sql: "INSERT INTO identities(kind, value, contact_id) VALUES (?, ?, ?) ON CONFLICT(kind, value) DO NOTHING",
                           arguments: [identity.kind.rawValue, identity.value, contactID])
        }
    }

    public func setAbusive(contactID: Int64, _ abusive: Bool) async throws -> Contact {
        try await updateContact(contactID) { db in
            try db.execute(sql: "UPDATE contacts SET abusive = ? WHERE id = ?", arguments: [abusive, contactID])
        }
    }

    private func updateContact(_ id: Int64, _ change: @escaping @Sendable (Database) throws -> Void) async throws -> Contact {
        try await pool.write { db in
            guard try Self.fetchContact(db, id: id) != nil else { throw StoreError.notFound("contact \(id) does not exist") }
            try change(db)
            return try Self.fetchContact(db, id: id)!
        }
    }

    /// Read with values bound and columns read straight from SQLite: the call-first judge reads a contact
    /// for every message, on the writer.
    static func fetchContact(_ db: Database, id: Int64) throws -> Contact? {
        guard let row = try db.cachedStatement(sql: "SELECT display_name, abusive, alternates, created_at FROM contacts WHERE id = ?")
            .first(id, read: { (name: $0.optionalText(0), abusive: $0.int64(1) != 0, alternates: $0.text(2), createdAt: $0.double(3)) })
        else { return nil }
        let identities = try db.cachedStatement(sql: "SELECT kind, value FROM identities WHERE contact_id = ? ORDER BY kind, value")
            .all(id) { column in Identity.Kind(rawValue: column.text(0)).map { Identity(kind: $0, value: column.text(1)) } }
            .compactMap { $0 }
        // Most contacts list nobody else: the column's default is read without a JSON decoder.
        let alternates = row.alternates == "[]" ? [] : (try? JSONDecoder().decode([AlternateContact].self, from: Data(row.alternates.utf8))) ?? []
        return Contact(
            id: id, displayName: row.name, identities: identities, alternates: alternates, abusive: row.abusive,
            createdAt: Date(timeIntervalSince1970: row.createdAt))
    }
}
