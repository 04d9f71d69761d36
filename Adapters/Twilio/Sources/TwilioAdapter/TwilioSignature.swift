import Crypto
import Foundation
import IntakeCore

/// Verifies the `X-Twilio-Signature` header of a Twilio webhook request.
///
/// The rules are those of Twilio's own SDK (twilio-python `twilio/request_validator.py`,
/// `RequestValidator.compute_signature` and `validate`):
/// - the signed string is the full URL Twilio requested, followed, for form posts, by
///   `name + value` for every parameter name in sorted order and, within one name, every distinct
///   value in sorted order (sorting is by code point, as Python sorts `str`);
/// - the signature is `base64(HMAC-SHA1(authToken, signedString))` (or HMAC-SHA256 for webhooks
///   signed with a SharedKey whose settings header names `HMAC_SHA256`);
/// - a request is accepted when the signature matches the URL with its port removed or with the
///   scheme's default port added (`:443` for https, `:80` for http), because Twilio's back end is
///   not consistent about which form it signs;
/// - for JSON bodies Twilio adds `bodySHA256=<hex SHA-256 of the raw body>` to the URL query and
///   signs the URL with no parameters: the hash must match the body.
public struct TwilioSignature: Sendable {
    /// The HMAC used for the signature. Auth Token webhooks always use HMAC-SHA1.
    public enum Algorithm: String, Sendable, Hashable {
        case hmacSHA1 = "HMAC_SHA1"
        case hmacSHA256 = "HMAC_SHA256"

        /// The algorithm named by an `X-Twilio-Webhooks-Signature-Settings` header
        /// (`key=...,algorithm=HMAC_SHA256`); a missing header or one without `algorithm=` means
        /// HMAC-SHA1, and an algorithm this verifier does not know gives `nil` (reject the request).
        public init?(signatureSettingsHeader header: String?) {
            for part in (header ?? "").split(separator: ",", omittingEmptySubsequences: false) {
                guard let equals = part.firstIndex(of: "=") else { continue }
                let name = part[..<equals].trimmingCharacters(in: .whitespaces)
                let value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if name == "algorithm", !value.isEmpty {
                    self.init(rawValue: value.uppercased())
                    return
                }
            }
            self = .hmacSHA1
        }
    }

    // Kept as bytes: swift-crypto 3's `SymmetricKey` is not `Sendable`.
    private let token: Data
    public let algorithm: Algorithm

    /// - Parameters:
    ///   - authToken: the account Auth Token (or the SharedKey secret) the webhook is signed with.
    ///   - algorithm: HMAC-SHA1 unless the request's signature settings header says otherwise.
    public init(authToken: String, algorithm: Algorithm = .hmacSHA1) {
        self.token = Data(authToken.utf8)
        self.algorithm = algorithm
    }

    /// The signature Twilio sends for a request to `url` with form parameters `params`
    /// (pass `[]` for JSON bodies, whose hash is in the URL instead).
    public func compute(url: String, params: [(String, String)]) -> String {
        var message = Data(url.utf8)
        for (name, values) in Self.canonicalParameters(params) {
            for value in values {
                message.append(contentsOf: name)
                message.append(contentsOf: value)
            }
        }
        let key = SymmetricKey(data: token)
        switch algorithm {
        case .hmacSHA1:
            return Data(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key)).base64EncodedString()
        case .hmacSHA256:
            return Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
        }
    }

    /// Whether `signature` (the `X-Twilio-Signature` header) is Twilio's for this request.
    ///
    /// - Parameters:
    ///   - url: the full public URL Twilio requested, query included (rebuilt by `WebhookURL` in IntakeCore).
    ///   - params: the decoded form parameters, in any order, repeated names allowed.
    ///   - body: the raw request body. It is read only when the URL carries `bodySHA256`; then
    ///     `params` are ignored, as Twilio signs JSON requests over the URL alone.
    ///     Unlike twilio-python, a URL with `bodySHA256` and a `nil` body is rejected rather than
    ///     checked as a form post, so a caller that forgets the body cannot accept an unchecked one.
    public func isValid(signature: String, url: String, params: [(String, String)], body: Data?) -> Bool {
        var signedParams = params
        var bodyHashMatches = true
        if let expectedHash = Self.firstQueryValue(named: "bodySHA256", in: url) {
            guard let body else { return false }
            let actualHash = Self.hex(SHA256.hash(data: body))
            bodyHashMatches = constantTimeEquals(Array(actualHash.utf8), Array(expectedHash.utf8))
            signedParams = []
        }
        let given = Array(signature.utf8)
        // Both forms are always computed and compared, so timing does not tell which one matched.
        var anyFormMatches = false
        for form in Self.portForms(of: url) {
            let computed = compute(url: form, params: signedParams)
            anyFormMatches = constantTimeEquals(Array(computed.utf8), given) || anyFormMatches
        }
        return bodyHashMatches && anyFormMatches
    }

    // MARK: - Twilio's canonical form

    /// Names sorted, each with its distinct values sorted; byte order of UTF-8 equals code-point
    /// order, which is how Python sorts and de-duplicates `str` (Swift's `String` comparison would
    /// instead treat canonically equivalent strings as equal).
    private static func canonicalParameters(_ params: [(String, String)]) -> [([UInt8], [[UInt8]])] {
        var valuesByName: [[UInt8]: Set<[UInt8]>] = [:]
        for (name, value) in params {
            valuesByName[Array(name.utf8), default: []].insert(Array(value.utf8))
        }
        return valuesByName
            .map { ($0.key, $0.value.sorted(by: { $0.lexicographicallyPrecedes($1) })) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
    }

    /// The URL without a port and with the default port, rebuilt the way Python's
    /// `urlparse(...).geturl()` does: scheme lower-cased, an empty `?` or `#` dropped.
    /// A URL that already has a port keeps it in the second form (twilio-python `add_port`).
    static func portForms(of url: String) -> [String] {
        guard let parts = URLParts(url) else { return [url] }
        let withoutPort = parts.rebuilt(authority: parts.hostAndUserInfo)
        let withPort: String
        if parts.port != nil {
            withPort = parts.rebuilt(authority: parts.authority)
        } else {
            let defaultPort = parts.scheme == "https" ? "443" : "80"
            withPort = parts.rebuilt(authority: parts.authority + ":" + defaultPort)
        }
        return [withoutPort, withPort]
    }

    private struct URLParts {
        var scheme: String
        var authority: String
        var hostAndUserInfo: String
        var port: Substring?
        var path: Substring
        var query: Substring
        var fragment: Substring

        init?(_ url: String) {
            guard let schemeEnd = url.range(of: "://") else { return nil }
            scheme = url[..<schemeEnd.lowerBound].lowercased()
            let afterScheme = url[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
            let authority = String(afterScheme[..<authorityEnd])
            self.authority = authority
            var rest = afterScheme[authorityEnd...]
            if let hash = rest.firstIndex(of: "#") {
                fragment = rest[rest.index(after: hash)...]
                rest = rest[..<hash]
            } else {
                fragment = ""
            }
            if let question = rest.firstIndex(of: "?") {
                query = rest[rest.index(after: question)...]
                path = rest[..<question]
            } else {
                query = ""
                path = rest
            }
            // A port is the digits after the last ':' that follows any userinfo and any
            // bracketed IPv6 literal.
            let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
            let host = authority[hostStart...]
            let searchFrom = host.lastIndex(of: "]") ?? host.startIndex
            if let colon = host[searchFrom...].lastIndex(of: ":") {
                let digits = host[host.index(after: colon)...]
                port = digits.isEmpty ? nil : digits
                hostAndUserInfo = String(authority[..<colon])
            } else {
                port = nil
                hostAndUserInfo = authority
            }
        }

        func rebuilt(authority: String) -> String {
            var url = scheme + "://" + authority + path
            if !query.isEmpty { url += "?" + query }
            if !fragment.isEmpty { url += "#" + fragment }
            return url
        }
    }

    /// The first value of `name` in the URL's query, decoded as Python's `parse_qs` does
    /// (`+` is a space, percent escapes decoded, blank values ignored).
    static func firstQueryValue(named name: String, in url: String) -> String? {
        guard let question = url.firstIndex(of: "?") else { return nil }
        var query = url[url.index(after: question)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        for pair in query.split(separator: "&") {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { continue }
            let decode = { (s: Substring) in
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            let value = decode(pieces[1])
            if decode(pieces[0]) == name, !value.isEmpty { return value }
        }
        return nil
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension TwilioSignature: RedactedDescription {}
