import Foundation
import GRDB
import IntakeCore
@testable import IntakeStore
import IntakeTesting
import PostgresNIO
import Testing

/// Raw payloads are stored in arrival order with their digest, and read back checked against it. A database
/// of the earlier schema (payloads keyed by their SHA-256, rows naming them by it, one payload shared by two
/// messages with the same bytes) migrates with every message, quarantine entry and pending part still
/// reading its own bytes.
@Suite struct RawPayloadStorageTests {
    /// The rows an earlier gateway wrote: two messages sharing one payload, a quarantine entry, and the first
    /// of two parts of an SMS, each with its payload under its digest. Each row is the first of its table, so
    /// every id is 1 in both stores.
    struct EarlierRows {
        static let shared = Data("raw shared".utf8)
        static let rejected = Data("not json {".utf8)
        static let part = Data("raw part-1".utf8)

        /// Each statement and its arguments, in the SQL both stores speak.
        static var statements: [(sql: String, arguments: [any Sendable])] {
            let metadata = StringMapCoding.encode([:])
            return [
                ("INSERT INTO raw_payloads(sha256, content_type, metadata, bytes) VALUES ($1, 'text/plain', $2, $3)",
                 [RawPayload.hexDigest(shared), metadata, shared]),
                ("INSERT INTO raw_payloads(sha256, content_type, metadata, bytes) VALUES ($1, 'application/json', $2, $3)",
                 [RawPayload.hexDigest(rejected), metadata, rejected]),
                ("INSERT INTO raw_payloads(sha256, content_type, metadata, bytes) VALUES ($1, 'text/plain', $2, $3)",
                 [RawPayload.hexDigest(part), metadata, part]),
                ("INSERT INTO contacts(display_name, created_at) VALUES ('Ann', 1800000000)", []),
                ("""
                 INSERT INTO cases(contact_id, state, channel, subject, assignee, is_public, message_count, created_at, updated_at, last_message_at)
                 VALUES (1, 'open', 'email', 'Broken kettle', NULL, FALSE, 2, 1800000000, 1800000000, 1800000000)
                 """, []),
            ] + ["old-1", "old-2"].map { id in
                ("""
                 INSERT INTO messages(adapter, external_id, case_id, contact_id, channel, received_at, sender_name, sender_identities,
                     subject, body, thread_refs, own_refs, is_public, attachments, flags, raw_sha256)
                 VALUES ('test', $1, 1, 1, 'email', 1800000000, 'Ann', $2, 'Broken kettle', 'It broke', $3, $3, FALSE, NULL, '', $4)
                 """, [id, StringMapCoding.encodeIdentities([Identity.email("ann@example.com")!]), StringMapCoding.encodeLines([]),
                       RawPayload.hexDigest(shared)])
            } + [
                ("""
                 INSERT INTO quarantine(adapter, received_at, reason, raw_sha256, status, attempts, message_id)
                 VALUES ('test', 1800000000, 'the body is not JSON', $1, 'pending', 0, NULL)
                 """, [RawPayload.hexDigest(rejected)]),
                ("""
                 INSERT INTO fragments(adapter, group_key, part, total, body, raw_sha256, received_at)
                 VALUES ('test', 'g1', 1, 2, 'Please call me ', $1, 1800000000)
                 """, [RawPayload.hexDigest(part)]),
            ]
        }
    }

    @Test func anSQLiteDatabaseOfPayloadsKeyedByDigestMigrates() async throws {
        let path = try temporaryStorePath()
        let earlier = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(earlier, upTo: "v4-alerts")
        try await earlier.write { db in
            for (sql, arguments) in EarlierRows.statements {
                // GRDB binds `?NNN` by position as PostgreSQL binds `$NNN`.
                let positional = sql.replacingOccurrences(of: "$", with: "?")
                try db.execute(sql: positional, arguments: StatementArguments(arguments.map { $0 as? any DatabaseValueConvertible }))
            }
        }
        try earlier.close()
        let store = try SQLiteCaseStore(path: path)
        try await expectMigrated(store)
    }

    @Test func aPostgreSQLDatabaseOfPayloadsKeyedByDigestMigrates() async throws {
        let url = try await PostgresServer.shared().newDatabase()
        let earlier = try await PostgresCaseStore.open(.init(url: url), schemaUpTo: "v2-ingest-function")
        try await earlier.transaction { session in
            for (sql, arguments) in EarlierRows.statements {
                var bindings = PostgresBindings()
                for argument in arguments {
                    switch argument {
                    case let text as String: bindings.append(text)
                    case let data as Data: try bindings.append(data)
                    default: Issue.record("no binding for \(argument)")
                    }
                }
                try await session.execute(PostgresQuery(unsafeSQL: sql, binds: bindings))
            }
        }
        await earlier.close()
        let store = try await PostgresCaseStore.open(.init(url: url))
        try await expectMigrated(store)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func aPayloadWhoseBytesChangedIsRefused(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let receipt = try #require(try await store.ingest([.message(message("m1"))])[0].receipt)
        switch store {
        case let sqlite as SQLiteCaseStore:
            try await sqlite.pool.write { try $0.execute(sql: "UPDATE raw_payloads SET bytes = ?", arguments: [Data("raw m2".utf8)]) }
        case let postgres as PostgresCaseStore:
            try await postgres.session { try await $0.execute("UPDATE raw_payloads SET bytes = \(Data("raw m2".utf8))") }
        default:
            Issue.record("no way to change \(kind)'s bytes")
        }
        await #expect {
            try await store.rawPayload(messageID: receipt.messageID)
        } throws: { error in
            (error as? StoreError)?.isCorrupt == true && "\(error)".contains(RawPayload.hexDigest(Data("raw m1".utf8)))
        }
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func aPartSentAgainKeepsOnePayload(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        var part = message("part-1", email: nil, phone: "+14155550100", body: "Please call ", channel: .sms)
        part.fragment = MessageFragment(group: "g1", index: 1, total: 2)
        let outcomes = try await store.ingest([.message(part), .message(part)]) + store.ingest([.message(part)])
        #expect(outcomes.allSatisfy { $0.isBuffered })
        #expect(try await rawPayloadRows(store) == 1, "a provider's retry of a part stores its payload once")
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func aQuarantineListingCarriesSizesNotBytesAndOutlivesACorruptPayload(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let payloads = [Data("not json {".utf8), Data("also not json".utf8)]
        let outcomes = try await store.ingest(payloads.map {
            .quarantine(QuarantineRequest(adapter: "test", receivedAt: Date(), reason: "bad", raw: RawPayload(contentType: "application/json", bytes: $0)))
        })
        let ids = outcomes.compactMap { if case .quarantined(let id) = $0 { id } else { nil } }
        let listed = try await store.quarantine(status: .pending, limit: 10)
        #expect(listed.map(\.id) == ids && listed.allSatisfy { $0.raw.bytes.isEmpty && $0.raw.contentType == "application/json" })
        #expect(listed.map(\.rawSize) == payloads.map(\.count) && listed.map(\.raw.sha256) == payloads.map(RawPayload.hexDigest))

        let corrupted = "UPDATE raw_payloads SET bytes = ? WHERE id = (SELECT raw_id FROM quarantine WHERE id = ?)"
        switch store {
        case let sqlite as SQLiteCaseStore:
            try await sqlite.pool.write { try $0.execute(sql: corrupted, arguments: [Data("changed".utf8), ids[0]]) }
        case let postgres as PostgresCaseStore:
            try await postgres.session {
                try await $0.execute("UPDATE raw_payloads SET bytes = \(Data("changed".utf8)) WHERE id = (SELECT raw_id FROM quarantine WHERE id = \(ids[0]))")
            }
        default:
            Issue.record("no way to change \(kind)'s bytes")
        }
        #expect(try await store.quarantine(status: .pending, limit: 10).count == 2, "one bad payload does not hide the others")
        await #expect { try await store.quarantineEntry(id: ids[0]) } throws: { ($0 as? StoreError)?.isCorrupt == true }
        #expect(try await store.quarantineEntry(id: ids[1])?.raw.bytes == payloads[1])
        await closeStore(store)
    }

    func rawPayloadRows(_ store: any CaseStore) async throws -> Int64? {
        switch store {
        case let sqlite as SQLiteCaseStore:
            return try await sqlite.pool.read { try Int64.fetchOne($0, sql: "SELECT COUNT(*) FROM raw_payloads") }
        case let postgres as PostgresCaseStore:
            return try await postgres.session { try await $0.first("SELECT COUNT(*) AS n FROM raw_payloads") { try $0.int64("n") } }
        default:
            return nil
        }
    }

    /// Both earlier messages read the one payload they shared, the quarantine entry its own, and the pending
    /// part joins the next one with its bytes; new payloads get rows after the migrated ones.
    func expectMigrated(_ store: any CaseStore) async throws {
        let detail = try #require(try await store.caseDetail(id: 1))
        #expect(detail.messages.map(\.message.externalID) == ["old-1", "old-2"])
        #expect(detail.messages.allSatisfy { $0.message.raw.sha256 == RawPayload.hexDigest(EarlierRows.shared) })
        #expect(detail.messages.allSatisfy { $0.message.adapterKind == nil })  // not recorded before
        for stored in detail.messages {
            #expect(try await store.rawPayload(messageID: stored.id)?.bytes == EarlierRows.shared)
        }
        let entry = try #require(try await store.quarantineEntry(id: 1))
        #expect(entry.raw.bytes == EarlierRows.rejected && entry.raw.contentType == "application/json")

        var last = message("part-2", email: nil, phone: "+14155550100", body: "back", channel: .sms)
        last.fragment = MessageFragment(group: "g1", index: 2, total: 2)
        last.adapterKind = "sms.twilio"
        let joined = try #require(try await store.ingest([.message(last)])[0].receipt)
        let joinedCase = try #require(joined.caseID)
        let joinedDetail = try #require(try await store.caseDetail(id: joinedCase))
        #expect(joinedDetail.messages.map(\.message.body) == ["Please call me back"])
        #expect(joinedDetail.messages.map(\.message.adapterKind) == ["sms.twilio"])
        let raw = try await store.rawPayload(messageID: joined.messageID)
        #expect(raw.map { String(decoding: $0.bytes, as: UTF8.self) } == "raw part-1\nraw part-2")

        let fresh = try #require(try await store.ingest([.message(message("new"))])[0].receipt)
        #expect(try await store.rawPayload(messageID: fresh.messageID)?.bytes == Data("raw new".utf8))
    }
}
