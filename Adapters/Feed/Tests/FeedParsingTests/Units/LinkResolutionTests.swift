import Foundation
import Testing
import FeedParsing

/// Relative links resolve against nested `xml:base` and then the feed URL.
@Suite struct LinkResolutionTests {
    static let feedURL = URL(string: "http://feeds.example.org/blog/feed.xml")

    @Test func rssLinkResolvesAgainstFeedURL() throws {
        let xml = "<rss version=\"2.0\"><channel><link>/home</link><item><link>posts/1.html</link></item></channel></rss>"
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: Self.feedURL)
        #expect(feed.link == "http://feeds.example.org/home")
        #expect(feed.entries[0].link == "http://feeds.example.org/blog/posts/1.html")
    }

    @Test func nestedXMLBaseIsInheritedAndResolved() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/root/">
              <link href="index.html"/>
              <entry xml:base="entries/"><link href="one.html"/></entry>
              <entry xml:base="/other/"><link rel="alternate" href="two.html" xml:base="sub/"/></entry>
              <entry><link rel="self" href="self.xml"/><link href="three.html"/></entry>
              <entry xml:base="https://elsewhere.example/x/"><link href="../four.html"/></entry>
            </feed>
            """
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: Self.feedURL)
        #expect(feed.link == "http://example.com/root/index.html")
        #expect(feed.entries.map(\.link) == [
            "http://example.com/root/entries/one.html",
            "http://example.com/other/sub/two.html",
            "http://example.com/root/three.html",
            "https://elsewhere.example/four.html",
        ])
    }

    @Test func relativeXMLBaseOnRootResolvesAgainstFeedURL() throws {
        let xml = "<rss version=\"2.0\" xml:base=\"archive/\"><channel><item><link>a.html</link></item></channel></rss>"
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: Self.feedURL)
        #expect(feed.entries[0].link == "http://feeds.example.org/blog/archive/a.html")
    }

    @Test func guidIsTheLinkOnlyWhenPermalink() throws {
        let xml = """
            <rss version="2.0"><channel>
            <item><guid>http://example.com/a</guid></item>
            <item><guid isPermaLink="false">tag:example.com,2004:b</guid></item>
            </channel></rss>
            """
        let entries = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil).entries
        #expect(entries[0].link == "http://example.com/a")
        #expect(entries[0].id == "http://example.com/a")
        #expect(entries[1].link == nil)
        #expect(entries[1].id == "tag:example.com,2004:b")
    }

    @Test func withoutAnyBaseRelativeLinksStayRelative() throws {
        let xml = "<rss version=\"2.0\"><channel><item><link>posts/1.html</link></item></channel></rss>"
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil)
        #expect(feed.entries[0].link == "posts/1.html")
    }
}
