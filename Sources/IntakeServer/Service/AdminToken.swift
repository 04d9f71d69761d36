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
        let created = FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw GatewayError("cannot write the admin token to \(path)") }
        return (token, path)
    }
}

/// A start-up failure with a message for the operator.
public struct GatewayError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
