import Foundation
import IntakeCore
import Logging
import PostgresNIO
import Synchronization

/// One connection's queries, with rows read by column name: the PostgreSQL counterpart of a GRDB `Database`.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// How far the session got: whether it could run again on another connection.
    let progress: Progress

    /// Whether a session got a connection and whether the server answered any of its statements: a session
    /// that got one but no answer ran nothing, and may run again.
    final class Progress: Sendable {
        private let state = Atomic<Int>(0)  // 0: no connection yet, 1: leased, 2: answered

        func leased() { state.store(1, ordering: .relaxed) }
        func answered() { state.store(2, ordering: .relaxed) }
        var mayRunAgain: Bool { state.load(ordering: .relaxed) == 1 }
    }

    func execute(_ query: PostgresQuery) async throws {
        try await rows(query).consume()
    }

    /// Sends `query` and returns its rows once the server began to answer.
    private func rows(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        let rows = try await connection.answer(query, logger: logger)
        progress.answered()
        return rows
    }

    /// The first row's value, or nil when there is none.
    func first<T>(_ query: PostgresQuery, _ read: (PostgresColumns) throws -> T) async throws -> T? {
        var found: T?
        for try await row in try await rows(query) where found == nil {
            found = try read(PostgresColumns(row: row.makeRandomAccess()))
        }
        return found
    }

    func all<T>(_ query: PostgresQuery, _ read: (PostgresColumns) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in try await rows(query) {
            values.append(try read(PostgresColumns(row: row.makeRandomAccess())))
        }
        return values
    }

    /// The `column` (`id`, `seq`) an `INSERT ... RETURNING column` gave back.
    func insertReturningID(_ query: PostgresQuery, column: String = "id") async throws -> Int64 {
        guard let id = try await first(query, { try $0.int64(column) }) else {
            throw StoreError.unavailable("an insert returned no \(column)")
        }
        return id
    }
}

/// A row's columns by name, in the types the store writes.
struct PostgresColumns {
    let row: PostgresRandomAccessRow

    func int64(_ name: String) throws -> Int64 { try row[name].decode(Int64.self) }
    func optionalInt64(_ name: String) throws -> Int64? { try row[name].decode(Int64?.self) }
    func text(_ name: String) throws -> String { try row[name].decode(String.self) }
    func optionalText(_ name: String) throws -> String? { try row[name].decode(String?.self) }
    func double(_ name: String) throws -> Double { try row[name].decode(Double.self) }
    func optionalDouble(_ name: String) throws -> Double? { try row[name].decode(Double?.self) }
    func bool(_ name: String) throws -> Bool { try row[name].decode(Bool.self) }
    func data(_ name: String) throws -> Data { try row[name].decode(Data.self) }
    func date(_ name: String) throws -> Date { Date(timeIntervalSince1970: try double(name)) }
}

extension PostgresRowSequence {
    /// Reads the rows to the end, discarding them (a statement's completion).
    func consume() async throws {
        for try await _ in self {}
    }
}
