import Foundation

/// The admin API token: `INTAKE_ADMIN_TOKEN` if set, else one generated on first start and kept in
/// `<data-dir>/admin-token` (mode 0600). Only the file's path is ever logged.
enum AdminToken {
    static func resolve(dataDir: String, environment: [String: String]) throws -> (token: String, generatedAt: String?) {
        if let token = environment["INTAKE_ADMIN_TOKEN"], !token.isEmpty { return (token, nil) }
        let path = (dataDir as NSString).appendingPathComponent("admin-token")
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !existing.isEmpty {
            return (existing, nil)
        }
        var generator = SystemRandomNumberGenerator()
        let token = "adm_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try writePrivately(token + "\n", to: path)
        return (token, path)
    }

    /// Writes `text` to a new file created with mode 0600 by open(2) itself (never readable by others, even
    /// briefly), synced, then renamed over `path`: a crash or a full disk leaves no half-written file there.
    static func writePrivately(_ text: String, to path: String) throws {
        let temporary = path + ".\(getpid()).tmp"
        func failure() -> GatewayError { GatewayError("cannot write the admin token to \(path): \(String(cString: strerror(errno)))") }
        unlink(temporary)  // one left by a crash, whatever its mode: O_EXCL below creates the file anew
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw failure() }
        let bytes = Array(text.utf8)
        let written = write(descriptor, bytes, bytes.count) == bytes.count && fsync(descriptor) == 0
        let error = written ? nil : failure()
        close(descriptor)
        if let error {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure()
            unlink(temporary)
            throw error
        }
    }
}

/// A start-up failure with a message for the operator.
public struct GatewayError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
