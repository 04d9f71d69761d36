import Crypto
import Foundation
import IntakeCore

/// Verifies the `sig` parameter of a signed Vonage (Nexmo) SMS API webhook, such as an inbound SMS.
///
/// Algorithm, as Vonage's SDKs implement it (vonage-python-sdk v3 `src/vonage/client.py`
/// `Client.signature` / `check_signature`; v4 `vonage_http_client/auth.py` `Auth.sign_params` /
/// `check_signature`; vonage-php-sdk-core `src/Client/Signature.php`; vonage-ruby-sdk
/// `lib/nexmo/signature.rb`) and as Vonage's "Signing Messages"
/// guide (developer.vonage.com/getting-started/concepts/signing-messages) describes it:
/// 1. take every request parameter except `sig`, sorted by name;
/// 2. in each value replace `&` and `=` with `_`;
/// 3. concatenate `&name=value` for each;
/// 4. `md5hash` (the dashboard default): hex(MD5(that string + signature secret));
///    `md5`/`sha1`/`sha256`/`sha512`: hex(HMAC-<hash>(signature secret, that string)).
/// The SDKs lower-case the received `sig` before comparing (the PHP and Ruby SDKs produce upper-case
/// HMAC hex), and so does this verifier.
/// The signed `timestamp` parameter (Unix seconds) is also checked against a window, to refuse
/// replays; the window is this project's policy (the guide names replay defence, not a number).
public struct VonageSignature: Sendable {
    /// The signature method chosen in the Vonage dashboard's API settings.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case md5hash, md5, sha1, sha256, sha512
    }

    /// The outcome of ``verify(params:now:)``; only `.valid` accepts the request.
    public enum Verdict: Sendable, Hashable {
        case valid
        case missingSignature
        case missingTimestamp
        /// `timestamp` is not a whole number of seconds.
        case malformedTimestamp
        /// `timestamp` is further than ``maximumSkew`` from `now`.
        case stale
        /// A parameter name occurs twice: the SDKs sign a dictionary, so the signed form is ambiguous.
        case duplicateParameter
        case mismatch
    }

    public static let defaultMaximumSkew: TimeInterval = 300

    private let secret: Data
    public let method: Method
    public let maximumSkew: TimeInterval

    /// - Throws: ``VonageSignatureError/emptySecret`` for an empty or whitespace-only secret.
    public init(signatureSecret: String, method: Method = .md5hash, maximumSkew: TimeInterval = defaultMaximumSkew) throws {
        guard !signatureSecret.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw VonageSignatureError.emptySecret
        }
        self.secret = Data(signatureSecret.utf8)
        self.method = method
        self.maximumSkew = maximumSkew
    }

    /// The lower-case hex signature of `params` (any `sig` entry is left out).
    public func signature(params: [String: String]) -> String {
        var message = Data()
        let sorted = params.filter { $0.key != "sig" }.sorted {
            // Python sorts `str` by code point; UTF-8 byte order is the same order.
            $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
        }
        for (name, value) in sorted {
            let cleaned = value.replacingOccurrences(of: "&", with: "_").replacingOccurrences(of: "=", with: "_")
            message.append(contentsOf: Array("&\(name)=\(cleaned)".utf8))
        }
        let key = SymmetricKey(data: secret)
        switch method {
        case .md5hash:
            var hasher = Insecure.MD5()
            hasher.update(data: message)
            hasher.update(data: secret)
            return Self.hex(hasher.finalize())
        case .md5: return Self.hex(HMAC<Insecure.MD5>.authenticationCode(for: message, using: key))
        case .sha1: return Self.hex(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: return Self.hex(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: return Self.hex(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
    }

    /// Checks the decoded webhook parameters (query string or form body, `sig` included).
    public func verify(params: [(String, String)], now: Date) -> Verdict {
        var byName: [String: String] = [:]
        for (name, value) in params {
            guard byName.updateValue(value, forKey: name) == nil else { return .duplicateParameter }
        }
        guard let sig = byName["sig"], !sig.isEmpty else { return .missingSignature }
        guard let timestamp = byName["timestamp"], !timestamp.isEmpty else { return .missingTimestamp }
        guard let seconds = Int(timestamp) else { return .malformedTimestamp }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= maximumSkew else { return .stale }
        let expected = signature(params: byName)
        return constantTimeEquals(Array(expected.utf8), Array(sig.lowercased().utf8)) ? .valid : .mismatch
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a ``VonageSignature`` could not be built. Never carries the secret itself.
public struct VonageSignatureError: Error, Hashable, CustomStringConvertible {
    private enum Kind: Hashable { case emptySecret }
    private let kind: Kind

    /// The signature secret is empty or only whitespace.
    public static let emptySecret = VonageSignatureError(kind: .emptySecret)

    public var description: String {
        switch kind {
        case .emptySecret: "Vonage signature secret must not be empty (Dashboard > API settings > Signature secret)"
        }
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension VonageSignature: RedactedDescription {}
