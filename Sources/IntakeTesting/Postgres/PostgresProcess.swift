import Foundation

/// Runs PostgreSQL's programs for the test harness: as another user when the tests run as root, and the
/// server under a watchdog that outlives no test process.
enum PostgresProcess {
    /// The system user a program runs as (through `runuser`).
    struct User: Sendable {
        let name: String
        let uid: uid_t
        let gid: gid_t

        static func systemUser(_ name: String) throws -> User {
            guard let entry = getpwnam(name) else {
                throw PeerUnavailable(description: "no `\(name)` system user to run PostgreSQL as (initdb refuses root): apt-get install -y postgresql creates it")
            }
            return User(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        }
    }

    /// What the watchdog writes to `server.log` when the server exits, so a failed start is seen at once.
    static let exitMarker = "intake-harness: postgres exited"

    /// Starts `command` (the server, not daemonized) through a `/bin/sh` watchdog that polls this test process
    /// every second; once it is gone, the watchdog stops the server (SIGINT: fast shutdown) and removes `root`.
    ///
    /// The watchdog ignores SIGINT, SIGTERM and SIGHUP (Foundation starts it in its own process group anyway),
    /// so an interrupted test run still cleans up after itself.
    static func startWatched(_ command: [String], as user: User?, root: URL, dataDirectory: String) throws {
        let script = """
            parent=$1 root=$2 data=$3
            shift 3
            exec >>"$root/server.log" 2>&1 </dev/null
            trap '' INT TERM HUP
            ( "$@"; echo "\(exitMarker) with status $?" ) &
            server=$!
            while kill -0 "$parent" 2>/dev/null; do sleep 1; done
            # Signal the postmaster itself: runuser would turn SIGINT into SIGTERM (a smart shutdown) and then SIGKILL.
            if read -r postmaster 2>/dev/null <"$data/postmaster.pid" && [ "$(cat "/proc/$postmaster/comm" 2>/dev/null)" = postgres ]; then
              kill -INT "$postmaster"
            fi
            wait "$server"
            rm -rf "$root"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh", String(getpid()), root.path, dataDirectory] + asUser(user, command)
        process.currentDirectoryURL = root
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Runs a program to its end and returns its output; throws with that output when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], as user: User? = nil, in directory: URL? = nil) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PeerUnavailable(description: "\(executable) is missing; these tests need a real PostgreSQL: apt-get install -y postgresql")
        }
        let command = asUser(user, [executable] + arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        // The postgres user may not be allowed into the test's working directory.
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw PeerUnavailable(description: "\(command.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    private static func asUser(_ user: User?, _ command: [String]) -> [String] {
        guard let user else { return command }
        let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "runuser"
        return [runuser, "-u", user.name, "--"] + command
    }
}

/// Runs blocking work (a child process waited for) on a Dispatch thread, leaving the cooperative pool to the tests.
func offTheCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
