import GRDB
import GRDBSQLite

/// Runs a cached statement with its values bound straight to SQLite, for the ingest path that runs each
/// statement thousands of times a second: no `StatementArguments` array of boxed values, no per-statement
/// bookkeeping. GRDB's change observation does not see these statements (`EventLogObserver` reads the
/// log's last sequence number at each commit instead), nor their failures: if SQLite rolls the transaction
/// back on its own (I/O error, disk full, interrupt), observers are not told of the rollback.
extension Statement {
    /// Binds `values` in order and steps the statement to its end.
    func run<each V: StatementBinding>(_ values: repeat each V) throws {
        try bindDirectly(repeat each values)
        defer { finish() }
        var code = sqlite3_step(sqliteStatement)
        while code == SQLITE_ROW { code = sqlite3_step(sqliteStatement) }
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// Binds `values` in order and reads the first row with `read`; nil when there is no row.
    func first<each V: StatementBinding, T>(_ values: repeat each V, read: (ColumnReader) -> T) throws -> T? {
        try bindDirectly(repeat each values)
        defer { finish() }
        let code = sqlite3_step(sqliteStatement)
        if code == SQLITE_ROW { return read(ColumnReader(statement: sqliteStatement)) }
        guard code == SQLITE_DONE else { throw failure(code) }
        return nil
    }

    /// Binds `values` in order and reads every row with `read`.
    func all<each V: StatementBinding, T>(_ values: repeat each V, read: (ColumnReader) -> T) throws -> [T] {
        try bindDirectly(repeat each values)
        defer { finish() }
        var rows: [T] = []
        var code = sqlite3_step(sqliteStatement)
        while code == SQLITE_ROW {
            rows.append(read(ColumnReader(statement: sqliteStatement)))
            code = sqlite3_step(sqliteStatement)
        }
        guard code == SQLITE_DONE else { throw failure(code) }
        return rows
    }

    private func bindDirectly<each V: StatementBinding>(_ values: repeat each V) throws {
        sqlite3_reset(sqliteStatement)
        var index: CInt = 0
        for value in repeat each values {
            index += 1
            let code = value.bind(to: sqliteStatement, at: index)
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    /// Resets the statement and drops its bound values (a payload's bytes are copied when bound, and would
    /// otherwise stay in the cached statement until its next use).
    private func finish() {
        sqlite3_reset(sqliteStatement)
        sqlite3_clear_bindings(sqliteStatement)
    }

    private func failure(_ code: CInt) -> DatabaseError {
        let message = sqlite3_errmsg(sqlite3_db_handle(sqliteStatement)).map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}

/// The current row of a stepped statement, read by column index.
struct ColumnReader {
    let statement: SQLiteStatement

    func int64(_ column: CInt) -> Int64 { sqlite3_column_int64(statement, column) }

    func optionalInt64(_ column: CInt) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    func text(_ column: CInt) -> String {
        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }

    func optionalText(_ column: CInt) -> String? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : text(column)
    }

    func double(_ column: CInt) -> Double { sqlite3_column_double(statement, column) }
}
