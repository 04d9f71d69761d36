import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore {
    /// Where the database is: parsed from a `postgres://user:password@host:port/database` URL.
    ///
    /// Its description leaves the password out, so a location can be logged and put in errors.
    public struct Location: Sendable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String

        public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
        }

        /// Reads a `postgres://` (or `postgresql://`) URL; throws naming what is wrong, never echoing a password.
        public init(url: String) throws {
            guard let components = URLComponents(string: url), let scheme = components.scheme,
                  scheme == "postgres" || scheme == "postgresql"
            else { throw LocationError("the PostgreSQL URL must look like postgres://user:password@host:port/database") }
            guard let host = components.host, !host.isEmpty else { throw LocationError("the PostgreSQL URL has no host") }
            guard let user = components.user, !user.isEmpty else { throw LocationError("the PostgreSQL URL has no user name") }
            let database = String(components.path.drop(while: { $0 == "/" }))
            guard !database.isEmpty else { throw LocationError("the PostgreSQL URL names no database") }
            if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value, mode != "disable" {
                throw LocationError("sslmode=\(mode) is not supported yet; the store connects without TLS (sslmode=disable)")
            }
            self.init(host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
                      password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database)
        }

        public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

        /// For one connection of its own (the store's probe when it opens).
        var connectionConfiguration: PostgresConnection.Configuration {
            .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
        }

        /// For the store's pool.
        var clientConfiguration: PostgresClient.Configuration {
            .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
        }
    }

    /// A PostgreSQL URL that cannot be used.
    public struct LocationError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// How PostgreSQL errors reach the store's callers: as `StoreError`s with the server's own message, never
/// the query's bound values (a message body, a phone number) nor the connection's password.
enum PostgresFailure {
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            let message = "PostgreSQL: \(describe(error))"
            throw losesTheConnection(error) ? StoreError.unreachable(message) : StoreError.unavailable(message)
        } catch let error as PostgresConnectionGone {
            throw StoreError.unreachable("PostgreSQL: \(error)")
        }
    }

    /// Whether `error` is the connection going away (the server shut down, restarted, or ended it; the
    /// network failed) rather than an answer to the query: a call then fails as the server being out of
    /// reach, like one that found no connection, not as a bad request.
    static func losesTheConnection(_ error: any Error) -> Bool {
        if error is PostgresConnectionGone { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown:
            return true
        case .server:
            // Class 08, connection exception; 57P01 to 57P05, the server ending sessions (shutdown, crash
            // recovery, an administrator's pg_terminate_backend, idle timeouts).
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default:
            return false
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + code
        }
        // No server answer (refused, reset, timed out): the code and the network's own error, no query text.
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }
}
