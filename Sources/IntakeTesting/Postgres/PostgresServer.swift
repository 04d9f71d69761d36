import Foundation

/// A real PostgreSQL server for this test process (the store's and the gateway's tests): started on first use, shared by every test, gone with the process.
///
/// Needs the Debian package `postgresql` (its binaries in /usr/lib/postgresql/<version>/bin). Without it the
/// tests fail with that message rather than pass without a server. As root, the server runs as the `postgres`
/// system user, since initdb refuses root.
public final class PostgresServer: Sendable {
    /// The TCP port on 127.0.0.1; clients connect as `user`, without a password (trust authentication).
    public let port: Int
    /// The superuser initdb creates; the tests connect as it.
    public static let user = "intake"
    /// Holds the data directory, the Unix socket and `server.log`; removed when the test process is gone.
    let root: URL
    private let bin: PostgresBinaries

    private static let starting = Task { try await offTheCooperativePool { try PostgresServer.start() } }

    /// The process's server, started by the first caller.
    public static func shared() async throws -> PostgresServer {
        try await starting.value
    }

    /// Creates an empty database with a name of its own and returns its URL (`postgres://intake@127.0.0.1:PORT/NAME`).
    public func newDatabase() async throws -> String {
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
        let createdb = bin.path("createdb")
        let arguments = ["-h", "127.0.0.1", "-p", String(port), "-U", Self.user, name]
        _ = try await offTheCooperativePool { try PostgresProcess.run(createdb, arguments) }
        return "postgres://\(Self.user)@127.0.0.1:\(port)/\(name)"
    }

    /// Takes the database of `url` (from `newDatabase`) away, as an outage does: its connections end and no
    /// new one is accepted until `giveBack`.
    public func takeAway(_ url: String) async throws {
        let name = Self.databaseName(url)
        try await execute("ALTER DATABASE \(name) ALLOW_CONNECTIONS false")
        try await execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")
    }

    /// Accepts connections to the database of `url` again.
    public func giveBack(_ url: String) async throws {
        try await execute("ALTER DATABASE \(Self.databaseName(url)) ALLOW_CONNECTIONS true")
    }

    private static func databaseName(_ url: String) -> String { String(url.split(separator: "/").last ?? "") }

    /// Runs `sql` with psql as the superuser on the `postgres` database.
    public func execute(_ sql: String) async throws {
        let psql = bin.path("psql")
        let arguments = ["-h", "127.0.0.1", "-p", String(port), "-U", Self.user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql]
        _ = try await offTheCooperativePool { try PostgresProcess.run(psql, arguments) }
    }

    private init(port: Int, root: URL, bin: PostgresBinaries) {
        self.port = port
        self.root = root
        self.bin = bin
    }

    /// Creates a cluster in a new directory under /tmp and starts its server under a watchdog.
    private static func start() throws -> PostgresServer {
        let bin = try PostgresBinaries.find()
        var runAs: PostgresProcess.User?
        if getuid() == 0 { runAs = try PostgresProcess.User.systemUser("postgres") }
        let root = URL(fileURLWithPath: "/tmp").appendingPathComponent("intake-postgres-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if let runAs, chown(root.path, runAs.uid, runAs.gid) != 0 {
            throw PeerUnavailable(description: "chown \(root.path) to the postgres user failed: \(String(cString: strerror(errno)))")
        }
        let data = root.appendingPathComponent("data").path
        var watched = false
        do {
            try PostgresProcess.run(bin.path("initdb"), ["-D", data, "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                                    as: runAs, in: root)
            let port = try LocalPort.free()
            let server = PostgresServer(port: port, root: root, bin: bin)
            // fsync off: the tests never restart the server, and a 2-core CI machine has better uses for its disk.
            try PostgresProcess.startWatched(
                [bin.path("postgres"), "-D", data, "-c", "listen_addresses=127.0.0.1", "-p", String(server.port), "-k", root.path,
                 "-c", "max_connections=500", "-c", "fsync=off"],
                as: runAs, root: root, dataDirectory: data)
            watched = true
            try server.waitUntilReady()
            return server
        } catch {
            // Once watched, the directory goes with the test process (and the server with it, if it ever came up).
            if !watched { try? FileManager.default.removeItem(at: root) }
            throw error
        }
    }

    private var serverLog: URL { root.appendingPathComponent("server.log") }

    /// Polls `pg_isready` for up to 30 s; fails early, with the log's tail, when the server exited.
    private func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(30)
        let probe = ["-q", "-h", "127.0.0.1", "-p", String(port), "-U", Self.user, "-d", "postgres"]
        while Date() < deadline {
            if (try? PostgresProcess.run(bin.path("pg_isready"), probe)) != nil { return }
            if logTail().contains(PostgresProcess.exitMarker) { break }
            usleep(100_000)
        }
        throw PeerUnavailable(description: "PostgreSQL did not accept connections on 127.0.0.1:\(port); the end of \(serverLog.path):\n\(logTail())")
    }

    private func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: serverLog, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// Where the PostgreSQL programs are: the newest /usr/lib/postgresql/<version>/bin, else PATH.
struct PostgresBinaries: Sendable {
    let directory: String?

    func path(_ program: String) -> String {
        if let directory, FileManager.default.isExecutableFile(atPath: "\(directory)/\(program)") { return "\(directory)/\(program)" }
        return Self.onPath(program) ?? "/usr/bin/\(program)"
    }

    static func find() throws -> PostgresBinaries {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(base)/\($0)/bin/initdb") }
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        if let newest = versions.last { return PostgresBinaries(directory: "\(base)/\(newest)/bin") }
        guard onPath("initdb") != nil, onPath("postgres") != nil else {
            throw PeerUnavailable(description: "PostgreSQL is not installed (no \(base)/*/bin/initdb); these tests need a real server: apt-get install -y postgresql")
        }
        return PostgresBinaries(directory: nil)
    }

    private static func onPath(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
