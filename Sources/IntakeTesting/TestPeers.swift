import Foundation

/// Helpers adapter tests share: the third-party corpora beside the repository and the providers'
/// own SDKs run through python3.
public enum TestPeers {
    /// `shared/corpora`, found by walking up from `file` to the directory whose sibling `shared/` holds
    /// it (the repository's parent, in a work tree and in CI).
    public static func sharedCorpora(from file: String = #filePath) throws -> URL { try shared("corpora", from: file) }

    /// `shared/specs`: the providers' published API descriptions the test stand-ins validate against.
    public static func sharedSpecs(from file: String = #filePath) throws -> URL { try shared("specs", from: file) }

    /// The repository root: the folder holding Package.swift above `file`.
    public static func repositoryRoot(from file: String = #filePath) throws -> URL {
        var dir = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir.deleteLastPathComponent()
        }
        throw PeerUnavailable(description: "no Package.swift above \(file)")
    }

    private static func shared(_ name: String, from file: String) throws -> URL {
        // Resolve symlinks first: a scratch package that links these files in still finds the repo.
        var dir = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/\(name)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        throw PeerUnavailable(description: "no shared/\(name) beside any parent of \(file)")
    }

    /// Runs `script` with python3 and returns its standard output. Throws, with the install command,
    /// when python3 or `modules` are missing: a cross-check with a provider's SDK must not pass silently.
    public static func python(_ script: String, arguments: [String] = [], modules: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PYTHON3"] ?? "python3", "-c", script] + arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let hint = errors.contains("ModuleNotFoundError") || errors.contains("No such file")
                ? "python3 with the provider SDK is required: run `pip install \(modules)` (CI installs it)\n" : ""
            throw PeerUnavailable(description: "\(hint)python3 exited \(process.terminationStatus): \(errors)")
        }
        return output
    }
}

/// A test peer (corpus, SDK, server) could not be reached: the test fails with this message.
public struct PeerUnavailable: Error, CustomStringConvertible {
    public let description: String
}
