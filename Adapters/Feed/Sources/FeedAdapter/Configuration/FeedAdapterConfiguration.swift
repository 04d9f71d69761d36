import Foundation

/// Everything a `feed` adapter instance is told by its configuration: the feeds and how to fetch them.
public struct FeedAdapterConfiguration: Sendable, Equatable {
    /// The User-Agent sent with every request unless the configuration names another.
    public static let defaultUserAgent = "IntakeGateway/1.0 (+feed adapter)"

    public var feeds: [FeedSource]
    public var userAgent: String
    /// The whole transfer, redirects included, must finish within this.
    public var timeout: Duration
    /// A response body larger than this (after decompression) is aborted while it streams.
    public var maxBytes: Int
    public var maxRedirects: Int
    /// Whether `http://` feeds (and redirects to `http://`) are allowed; otherwise only `https://`.
    public var allowInsecureHTTP: Bool
    /// The longest a failing feed waits before its next attempt.
    public var maxBackoff: Duration
    /// How many seen entries each feed's cursor remembers (never fewer than the feed currently lists).
    public var seenLimit: Int

    public init(
        feeds: [FeedSource], userAgent: String = Self.defaultUserAgent, timeout: Duration = .seconds(20),
        maxBytes: Int = 10 * 1024 * 1024, maxRedirects: Int = 5, allowInsecureHTTP: Bool = false,
        maxBackoff: Duration = .seconds(3600), seenLimit: Int = 5000
    ) {
        self.feeds = feeds
        self.userAgent = userAgent
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.allowInsecureHTTP = allowInsecureHTTP
        self.maxBackoff = maxBackoff
        self.seenLimit = seenLimit
    }
}

/// One feed to poll, with the filters that decide which of its entries are mentions.
public struct FeedSource: Sendable, Equatable {
    /// The feed's address as configured; with the adapter name it keys the feed's cursor.
    public var url: String
    /// A short name for status, logs and metrics (defaults to the URL's host and path).
    public var name: String
    /// An entry becomes a message only if its title or text contains one of these (any, case-insensitive); empty: every entry.
    public var keywords: [String]
    /// An entry whose title or text contains one of these is never a message.
    public var exclude: [String]
    public var interval: Duration
    /// On the feed's first successful poll, entries older than this (or undated) are recorded as seen only.
    public var backfill: Duration
    /// The platform prefix of author handles (`mastodon`, `reddit`); defaults to the feed's host.
    public var platform: String?

    public init(
        url: String, name: String? = nil, keywords: [String] = [], exclude: [String] = [],
        interval: Duration = .seconds(300), backfill: Duration = .seconds(86400), platform: String? = nil
    ) {
        self.url = url
        self.name = name ?? FeedSource.defaultName(for: url)
        self.keywords = keywords
        self.exclude = exclude
        self.interval = interval
        self.backfill = backfill
        self.platform = platform
    }

    /// The handle platform: the configured one, else the feed's host without `www.`.
    public var handlePlatform: String {
        if let platform, !platform.isEmpty { return platform.lowercased() }
        let host = URL(string: url)?.host?.lowercased() ?? "feed"
        return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }

    /// The URL without its query and fragment, for status and errors (queries may carry private feed tokens).
    public var displayURL: String { FeedSource.redacted(url) }

    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "(invalid url)" }
        if parts.query != nil { parts.query = "…" }
        parts.fragment = nil
        parts.user = nil
        parts.password = nil
        return parts.string?.replacingOccurrences(of: "%E2%80%A6", with: "…") ?? "(invalid url)"
    }

    static func defaultName(for url: String) -> String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return url }
        let path = parts.path.split(separator: "/").joined(separator: "/")
        return path.isEmpty ? host : "\(host)/\(path)"
    }
}
