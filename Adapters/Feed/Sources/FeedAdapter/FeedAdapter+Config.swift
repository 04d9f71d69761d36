import Foundation
import IntakeCore

extension FeedAdapter: ConfigurableAdapter {
    public static let kind = "feed"
    public static let summary =
        "Polls RSS and Atom feeds (Mastodon, Reddit, Google Alerts, review sites) and turns matching entries into public social mentions."

    /// Reads `feeds:` and the fetch settings, recording every problem in `config` by key path.
    public convenience init(name: String, config: ConfigSection) {
        let insecure = config.bool("allow_insecure_http", default: false)
        let userAgent = config.string("user_agent", default: FeedAdapterConfiguration.defaultUserAgent)
        if userAgent.isEmpty || userAgent.contains(where: { $0 == "\r" || $0 == "\n" }) {
            config.problem("user_agent", "must be one non-empty line")
        }
        let timeout = config.duration("timeout", default: .seconds(20))
        if timeout < .seconds(1) || timeout > .seconds(300) { config.problem("timeout", "must be from 1s to 5m") }
        let maxBackoff = config.duration("max_backoff", default: .seconds(3600))
        if maxBackoff < .seconds(1) { config.problem("max_backoff", "must be at least 1s") }
        var configuration = FeedAdapterConfiguration(
            feeds: [], userAgent: userAgent, timeout: timeout,
            maxBytes: config.int("max_bytes", default: 10 * 1024 * 1024, range: 1024...(256 * 1024 * 1024)),
            maxRedirects: config.int("max_redirects", default: 5, range: 0...20),
            allowInsecureHTTP: insecure, maxBackoff: maxBackoff,
            seenLimit: config.int("seen_limit", default: 5000, range: 100...100_000))

        let sections = config.sections("feeds")
        if sections.isEmpty { config.problem("feeds", "required: a list of at least one feed with a url") }
        var urls = Set<String>()
        var names = Set<String>()
        for section in sections {
            defer { section.finish() }
            guard let feed = Self.readFeed(section, allowInsecureHTTP: insecure) else { continue }
            if !urls.insert(feed.url).inserted { section.problem("url", "the same feed is listed twice") }
            if !names.insert(feed.name).inserted { section.problem("name", "duplicate feed name \"\(feed.name)\"") }
            configuration.feeds.append(feed)
        }
        self.init(name: name, configuration: configuration)
    }

    private static func readFeed(_ section: ConfigSection, allowInsecureHTTP: Bool) -> FeedSource? {
        let url = section.string("url", required: true)
        let name = section.string("name")
        let keywords = section.strings("keywords")
        let exclude = section.strings("exclude")
        let interval = section.duration("interval", default: .seconds(300))
        let backfill = section.duration("backfill", default: .seconds(86400))
        let platform = section.string("platform")
        for (key, list) in [("keywords", keywords), ("exclude", exclude)] where list.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            section.problem(key, "must not hold empty words")
        }
        if interval < .seconds(10) { section.problem("interval", "must be at least 10s") }
        if let name, name.isEmpty || name.contains(where: { $0.isWhitespace }) {
            section.problem("name", "must be a non-empty word without spaces")
        }
        if let platform, platform.isEmpty || !platform.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) {
            section.problem("platform", "may hold letters, digits, '.', '-' and '_' only (mastodon, reddit)")
        }
        guard let url else { return nil }
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), let host = parts.host, !host.isEmpty else {
            section.problem("url", "must be an absolute http(s) URL")
            return nil
        }
        switch scheme {
        case "https": break
        case "http" where allowInsecureHTTP: break
        case "http": section.problem("url", "uses http://; use https:// or set allow_insecure_http: true on the adapter")
        default: section.problem("url", "must be an http(s) URL (got \(scheme)://)")
        }
        return FeedSource(
            url: url, name: name, keywords: keywords, exclude: exclude, interval: interval, backfill: backfill,
            platform: platform?.lowercased())
    }
}
