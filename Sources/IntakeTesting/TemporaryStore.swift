import Foundation
import IntakeCore

/// A fresh temporary directory for a test's database or files.
public func temporaryDirectory(_ prefix: String = "intake-test") throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

extension WebhookRequest {
    /// A POST as a test would send it.
    public static func post(_ path: String, body: String, contentType: String, headers: [(String, String)] = [], at date: Date = Date()) -> WebhookRequest {
        WebhookRequest(method: "POST", pathAndQuery: path, publicURL: "https://intake.example.com\(path)",
                       headers: [("Content-Type", contentType)] + headers.map { (name: $0.0, value: $0.1) },
                       body: Data(body.utf8), receivedAt: date)
    }
}
