import Crypto
import Foundation
import IntakeCore

/// Verifies Slack's `X-Slack-Signature` (v0) on a request, with its `X-Slack-Request-Timestamp`.
///
/// Rules from Slack's "verifying requests from Slack" and its SDK (python-slack-sdk
/// `slack_sdk/signature/__init__.py`, `SignatureVerifier`): the signature is
/// `"v0=" + hex(HMAC-SHA256(signingSecret, "v0:" + timestamp + ":" + rawBody))`, and a request
/// whose timestamp is more than five minutes from the verifier's clock is refused, in either
/// direction (exactly 300 s off is still accepted). A missing body is signed as the empty string.
public struct SlackSignature: Sendable {
    /// The outcome of ``verify(timestamp:signature:body:now:)``; only `.valid` accepts the request.
    public enum Verdict: Sendable, Hashable {
        case valid
        case missingTimestamp
        /// The timestamp header is not a whole number of seconds.
        case malformedTimestamp
        case missingSignature
        /// The timestamp is more than ``maximumSkew`` away from `now` (a replay or a bad clock).
        case stale
        case mismatch
    }

    /// Slack's replay window: five minutes either side of the verifier's clock.
    public static let maximumSkew: TimeInterval = 300

    // Kept as bytes: swift-crypto 3's `SymmetricKey` is not `Sendable`.
    private let secret: Data

    /// - Throws: ``SlackSignatureError/emptySecret`` when the secret is empty or only whitespace,
    ///   as Slack's SDK does: such a secret would make every forged request verifiable.
    public init(signingSecret: String) throws {
        guard !signingSecret.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SlackSignatureError.emptySecret
        }
        self.secret = Data(signingSecret.utf8)
    }

    /// The `X-Slack-Signature` value Slack sends for this timestamp and body.
    public func signature(timestamp: String, body: Data?) -> String {
        var message = Data("v0:\(timestamp):".utf8)
        message.append(body ?? Data())
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return "v0=" + mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Checks the two headers against the raw body, with `now` as the verifier's clock.
    public func verify(timestamp: String?, signature: String?, body: Data?, now: Date) -> Verdict {
        guard let timestamp else { return .missingTimestamp }
        guard let signature else { return .missingSignature }
        guard let seconds = Int(timestamp) else { return .malformedTimestamp }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= Self.maximumSkew else { return .stale }
        let expected = self.signature(timestamp: timestamp, body: body)
        return constantTimeEquals(Array(expected.utf8), Array(signature.utf8)) ? .valid : .mismatch
    }
}

/// Why a ``SlackSignature`` could not be built. Never carries the secret itself.
public struct SlackSignatureError: Error, Hashable, CustomStringConvertible {
    private enum Kind: Hashable { case emptySecret }
    private let kind: Kind

    /// The signing secret is empty or only whitespace.
    public static let emptySecret = SlackSignatureError(kind: .emptySecret)

    public var description: String {
        switch kind {
        case .emptySecret: "Slack signing secret must not be empty (set it from the app's Basic Information page)"
        }
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension SlackSignature: RedactedDescription {}
