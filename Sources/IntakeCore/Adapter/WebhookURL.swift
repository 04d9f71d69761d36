/// Rebuilds the URL a provider called, which signature schemes (Twilio's) sign.
///
/// Behind a proxy or tunnel the server sees neither the provider's scheme nor its host, and the
/// signature covers both. A configured `publicBaseURL` (`https://intake.example.org`, optionally with a
/// path prefix) wins; without one, the first `X-Forwarded-Proto` and `X-Forwarded-Host` values are used,
/// then the `Host`, then `http`. Forwarded headers cannot make a forged request valid (the HMAC still
/// needs the secret); a wrong guess only makes genuine requests fail.
public enum WebhookURL {
    public static func rebuild(
        publicBaseURL: String?, forwardedProto: String?, forwardedHost: String?, host: String?, pathAndQuery: String
    ) -> String {
        let path = pathAndQuery.hasPrefix("/") ? pathAndQuery : "/" + pathAndQuery
        if let base = publicBaseURL?.trimmedWhitespace(), !base.isEmpty {
            var trimmed = Substring(base)
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return trimmed + path
        }
        let scheme = firstListValue(forwardedProto)?.lowercased() ?? "http"
        let authority = firstListValue(forwardedHost) ?? firstListValue(host) ?? ""
        return scheme + "://" + authority + path
    }

    /// The first value of a comma-separated header (proxies append theirs).
    private static func firstListValue(_ header: String?) -> String? {
        guard let header else { return nil }
        let first = header.split(separator: ",", maxSplits: 1).first?.trimmedWhitespace() ?? ""
        return first.isEmpty ? nil : first
    }
}
