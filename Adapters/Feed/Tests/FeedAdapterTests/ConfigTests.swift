import FeedAdapter
import Foundation
import IntakeCore
import Testing

/// Reading `kind: feed` sections: defaults, every key, and problems by key path.
@Suite struct ConfigTests {
    private func read(_ yamlish: [(String, ConfigValue)], environment: [String: String] = [:]) -> (FeedAdapter, [String]) {
        let sink = ConfigSection.ProblemSink()
        let section = ConfigSection(path: "adapters[0]", value: .map(yamlish.map { (key: $0.0, value: $0.1) }), environment: environment, sink: sink)
        let adapter = FeedAdapter(name: "mentions", config: section)
        section.finish()
        return (adapter, sink.all.map(\.description))
    }

    private func feed(_ pairs: [(String, ConfigValue)]) -> ConfigValue { .map(pairs.map { (key: $0.0, value: $0.1) }) }

    @Test func readsFeedsWithDefaults() {
        let (adapter, problems) = read([
            ("user_agent", .scalar("Acme-Intake/2 (+https://acme.example/bot)")),
            ("timeout", .scalar("30s")),
            ("max_bytes", .scalar("2097152")),
            ("feeds", .list([
                feed([("url", .scalar("https://mastodon.example/tags/acme.rss")), ("name", .scalar("mastodon-acme")),
                      ("keywords", .list([.scalar("acme"), .scalar("acme kettle")])), ("exclude", .scalar("giveaway")),
                      ("interval", .scalar("2m")), ("backfill", .scalar("6h")), ("platform", .scalar("Mastodon"))]),
                feed([("url", .scalar("https://www.reddit.example/search.rss?q=acme&token=${FEED_TOKEN}"))]),
            ])),
        ], environment: ["FEED_TOKEN": "s3cret"])
        #expect(problems.isEmpty)
        let config = adapter.configuration
        #expect(config.userAgent == "Acme-Intake/2 (+https://acme.example/bot)" && config.timeout == .seconds(30) && config.maxBytes == 2_097_152)
        #expect(config.maxRedirects == 5 && !config.allowInsecureHTTP)
        #expect(config.feeds[0] == FeedSource(url: "https://mastodon.example/tags/acme.rss", name: "mastodon-acme", keywords: ["acme", "acme kettle"],
                                              exclude: ["giveaway"], interval: .seconds(120), backfill: .seconds(6 * 3600), platform: "mastodon"))
        let second = config.feeds[1]
        #expect(second.interval == .seconds(300) && second.backfill == .seconds(86400) && second.handlePlatform == "reddit.example")
        #expect(second.name == "www.reddit.example/search.rss" && second.url.hasSuffix("token=s3cret"))
        // Status never shows the query, where private feed tokens live.
        #expect(adapter.feedStatus()[1].url == "https://www.reddit.example/search.rss?…")
        #expect(!adapter.feedStatus().contains { $0.url.contains("s3cret") })
        #expect(adapter.cursorKey(for: config.feeds[0]) == "mentions/https://mastodon.example/tags/acme.rss")
    }

    @Test func reportsEveryProblemByKeyPath() {
        let (_, problems) = read([
            ("timeout", .scalar("forever")),
            ("max_redirects", .scalar("50")),
            ("colour", .scalar("blue")),
            ("feeds", .list([
                feed([("url", .scalar("http://insecure.example/feed"))]),
                feed([("url", .scalar("ftp://files.example/feed"))]),
                feed([("name", .scalar("no url")), ("interval", .scalar("1s")), ("keywords", .list([.scalar(" ")]))]),
                feed([("url", .scalar("https://a.example/f")), ("platform", .scalar("my platform")), ("filter", .scalar("x"))]),
                feed([("url", .scalar("https://a.example/f"))]),
            ])),
        ])
        let expected = [
            "adapters[0].timeout: must be a duration",
            "adapters[0].max_redirects: must be a whole number from 0 to 20",
            "adapters[0].colour: unknown key",
            "adapters[0].feeds[0].url: uses http://",
            "adapters[0].feeds[1].url: must be an http(s) URL (got ftp://)",
            "adapters[0].feeds[2].url: required",
            "adapters[0].feeds[2].name: must be a non-empty word without spaces",
            "adapters[0].feeds[2].interval: must be at least 10s",
            "adapters[0].feeds[2].keywords: must not hold empty words",
            "adapters[0].feeds[3].platform: may hold letters",
            "adapters[0].feeds[3].filter: unknown key",
            "adapters[0].feeds[4].url: the same feed is listed twice",
            "adapters[0].feeds[4].name: duplicate feed name \"a.example/f\"",
        ]
        for prefix in expected { #expect(problems.contains { $0.hasPrefix(prefix) }, "missing: \(prefix)\n\(problems.joined(separator: "\n"))") }
        #expect(problems.count == expected.count, "\(problems.joined(separator: "\n"))")
    }

    @Test func requiresAtLeastOneFeed() {
        let (_, problems) = read([])
        #expect(problems == ["adapters[0].feeds: required: a list of at least one feed with a url"])
    }
}
