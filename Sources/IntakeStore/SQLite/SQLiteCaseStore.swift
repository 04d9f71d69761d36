import Foundation
import GRDB
import IntakeCore
import Synchronization

/// The embedded `CaseStore`: one SQLite file in WAL mode through GRDB, one writer, many readers.
public final class SQLiteCaseStore: CaseStore, Sendable {
    /// How hard a commit waits for the disk.
    public enum Durability: String, Sendable {
        /// fsync on every commit: an acknowledged message survives a power cut, not only a crash.
        case full
        /// fsync at checkpoints: an acknowledged message survives `kill -9`, may be lost on power loss.
        case normal
    }

    let pool: DatabasePool
    /// Judges each message stored, in the transaction that stores it (the call-first engine), when set.
    let ingestJudge = Mutex<(any IngestJudge)?>(nil)
    /// Keeps checkpoints (page copies and their fsync) off the writer's commits.
    private let checkpointer: WALCheckpointer

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, durability: Durability = .full) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            // Every reference is written by this store's own transactions; checking them costs a fifth of
            // ingest throughput. Debug builds (every test) check them, release builds trust the code.
            #if DEBUG
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            #else
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            #endif
            // 8 MB of page cache. A larger cache costs more than it saves while writing: at the end of each
            // transaction SQLite walks the cache's hash table (pcache1's truncate), and with 64 MB that walk was
            // about 5% of the writer's samples. `intake bench-store` stored 16,100 to 18,700 msg/s with 64 MB
            // and 19,500 to 21,600 with 2 to 8 MB. Pages that miss are read from the OS page cache.
            try db.execute(sql: "PRAGMA cache_size = -8192")
            // The checkpointer below copies the log into the database; the writer checkpoints only once the
            // log reaches 256 MB, then copies what is left and restarts the log from its beginning. Each
            // restart holds commits up for a few milliseconds. A log never restarted grows, and every page that
            // misses the cache is looked up in it: with a 4 GB limit ingest fell from about 10,800 to 8,500 msg/s.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 65536")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteSchema.migrator.migrate(pool)
        checkpointer = try WALCheckpointer(path: path, interval: .milliseconds(20))
    }

    public func cursor(key: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM cursors WHERE key = ?"), arguments: [key]) }
    }

    public func setCursor(key: String, value: String) async throws {
        try await pool.write { db in try Self.upsertCursor(db, key: key, value: value) }
    }

    static func upsertCursor(_ db: Database, key: String, value: String) throws {
        try db.cachedStatement(sql: "INSERT INTO cursors(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .execute(arguments: [key, value])
    }

    public func consumerPosition(_ consumer: String) async throws -> Int64 {
        try await storedConsumerPosition(consumer) ?? 0
    }

    public func storedConsumerPosition(_ consumer: String) async throws -> Int64? {
        try await pool.read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM consumers WHERE name = ?"), arguments: [consumer]) }
    }

    public func setConsumerPosition(_ consumer: String, _ seq: Int64) async throws {
        try await pool.write { db in try Self.upsertConsumerPosition(db, consumer, seq) }
    }

    /// Moves a consumer's position forward (never back: a late writer cannot undo a newer position).
    static func upsertConsumerPosition(_ db: Database, _ consumer: String, _ seq: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO consumers(name, seq) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET seq = max(seq, excluded.seq)")
            .execute(arguments: [consumer, seq])
    }

    public func rawPayload(messageID: Int64) async throws -> RawPayload? {
        try await pool.read { db in
            guard let rawID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT raw_id FROM messages WHERE id = ?"), arguments: [messageID])
            else { return nil }
            return try Self.fetchRaw(db, id: rawID)
        }
    }

    /// The payload stored in row `id`, its bytes checked against the digest stored with them; a row that is
    /// gone is corruption too (every row pointing at a payload is written with it).
    static func fetchRaw(_ db: Database, id: Int64) throws -> RawPayload {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT sha256, content_type, metadata, bytes FROM raw_payloads WHERE id = ?"), arguments: [id])
        else { throw StoreError.corrupt("raw payload \(id) is missing") }
        return try RawPayload(stored: row["sha256"], contentType: row["content_type"], bytes: row["bytes"], metadata: StringMapCoding.decode(row["metadata"]))
    }

    /// Appends a payload with its digest and returns its row. Rows go in arrival order: a payload keyed by its
    /// hash would write a random page of that key's index for every message.
    static func storeRaw(_ db: Database, _ raw: RawPayload) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO raw_payloads(sha256, content_type, metadata, bytes) VALUES (?, ?, ?, ?)")
            .run(raw.sha256, raw.contentType, StringMapCoding.encode(raw.metadata), raw.bytes)
        return db.lastInsertedRowID
    }
}
