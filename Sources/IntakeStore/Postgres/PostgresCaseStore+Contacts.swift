import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore {
    public func contact(id: Int64) async throws -> Contact? {
        try await session { try await Self.fetchContact($0, id: id) }
    }

    public func setAlternates(contactID: Int64, _ alternates: [AlternateContact]) async throws -> Contact {
        let json = String(decoding: try JSONEncoder.column.encode(alternates), as: UTF8.self)
        return try await updateContact(contactID) { session in
            try await session.execute("UPDATE contacts SET alternates = \(json) WHERE id = \(contactID)")
        }
    }

    public func addIdentity(contactID: Int64, _ identity: Identity) async throws -> Contact {
        try await updateContact(contactID) { session in
            if let owner = try await session.first("SELECT contact_id FROM identities WHERE kind = \(identity.kind.rawValue) AND value = \(identity.value)",
                                                   { try $0.int64("contact_id") }), owner != contactID {
                throw StoreError.conflict("\(identity) already belongs to contact \(owner)")
            }
            try await session.execute("""
                INSERT INTO identities(kind, value, contact_id) VALUES (\(identity.kind.rawValue), \(identity.value), \(contactID))
                ON CONFLICT(kind, value) DO NOTHING
                """)
        }
    }

    public func setAbusive(contactID: Int64, _ abusive: Bool) async throws -> Contact {
        try await updateContact(contactID) { session in
            try await session.execute("UPDATE contacts SET abusive = \(abusive) WHERE id = \(contactID)")
        }
    }

    /// Changes a contact under the log's lock: ingest matches identities to contacts under the same lock.
    private func updateContact(_ id: Int64, _ change: @escaping @Sendable (PostgresSession) async throws -> Void) async throws -> Contact {
        try await loggedTransaction(announcing: false) { session in
            guard try await Self.fetchContact(session, id: id) != nil else { throw StoreError.notFound("contact \(id) does not exist") }
            try await change(session)
            return try await Self.fetchContact(session, id: id)!
        }
    }

    static func fetchContact(_ session: PostgresSession, id: Int64) async throws -> Contact? {
        guard let row = try await session.first("SELECT display_name, abusive, alternates, created_at FROM contacts WHERE id = \(id)", { row in
            (name: try row.optionalText("display_name"), abusive: try row.bool("abusive"), alternates: try row.text("alternates"),
             createdAt: try row.date("created_at"))
        }) else { return nil }
        let identities = try await session.all("SELECT kind, value FROM identities WHERE contact_id = \(id) ORDER BY kind, value") { row in
            let kind = Identity.Kind(rawValue: try row.text("kind"))
            return try kind.map { Identity(kind: $0, value: try row.text("value")) }
        }.compactMap { $0 }
        let alternates = row.alternates == "[]" ? [] : (try? JSONDecoder().decode([AlternateContact].self, from: Data(row.alternates.utf8))) ?? []
        return Contact(id: id, displayName: row.name, identities: identities, alternates: alternates, abusive: row.abusive, createdAt: row.createdAt)
    }
}
