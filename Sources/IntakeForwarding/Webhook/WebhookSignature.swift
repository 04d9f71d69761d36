import Crypto
import Foundation
import IntakeCore

/// The `X-Intake-Signature` header of outgoing webhooks: `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
/// `"<t>.<body>"` with the destination's secret, so a receiver can check origin and freshness.
public enum WebhookSignature {
    public static let header = "X-Intake-Signature"

    public static func sign(body: Data, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hex(body: body, secret: secret, timestamp: timestamp))"
    }

    /// Checks a header against the body; false when malformed, wrong, or older than `tolerance` seconds.
    public static func verify(header: String, body: Data, secret: String, now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = hex(body: body, secret: secret, timestamp: timestamp)
        return signatures.contains { constantTimeEquals($0.utf8, expected.utf8) }
    }

    private static func hex(body: Data, secret: String, timestamp: Int) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        mac.update(data: Data("\(timestamp).".utf8))
        mac.update(data: body)
        return mac.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
