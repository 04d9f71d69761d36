import Foundation
import Testing
@testable import FeedParsing

/// Dates in the formats feeds use, checked against instants computed independently.
@Suite struct FeedDateTests {
    /// Seconds since 1970 for a UTC civil time, via Foundation's own ISO 8601 parser.
    static func utc(_ iso: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: iso) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: iso)!
    }

    @Test(arguments: [
        // RFC 822 / 2822
        ("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 +0000", "2004-01-01T19:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 -0500", "2004-01-02T00:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 EST", "2004-01-02T00:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 PDT", "2004-01-02T02:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21 +05:30", "2004-01-01T14:18:21Z"),
        ("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z"),  // two-digit year
        ("Fri, 31 Dec 99 23:59:59 GMT", "1999-12-31T23:59:59Z"),
        ("Thu, 01 Jan 2004 19:48 GMT", "2004-01-01T19:48:00Z"),  // no seconds
        ("01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z"),  // no weekday
        ("Thursday, 1 January 2004 19:48:21 UT", "2004-01-01T19:48:21Z"),
        ("Thu, 01 Jan 2004 19:48:21", "2004-01-01T19:48:21Z"),  // no zone: UTC
        ("Thu, 01-Jan-2004 19:48:21 GMT", "2004-01-01T19:48:21Z"),
        ("Thu Jan  1 19:48:21 2004", "2004-01-01T19:48:21Z"),  // asctime
        ("Thu, 1 Jan 2004 19:48:21 GMT+2", "2004-01-01T17:48:21Z"),
        // ISO 8601 / RFC 3339 / W3C-DTF
        ("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z"),
        ("2003-12-31T10:14:55.25Z", "2003-12-31T10:14:55.250Z"),
        ("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z"),
        ("2003-12-31T10:14:55+0100", "2003-12-31T09:14:55Z"),
        ("2003-12-31T10:14:55", "2003-12-31T10:14:55Z"),  // no zone: UTC
        ("2003-12-31T10:14Z", "2003-12-31T10:14:00Z"),
        ("2003-12-31 10:14:55Z", "2003-12-31T10:14:55Z"),
        ("2002-10-13T09:00+01:00", "2002-10-13T08:00:00Z"),
        ("2003-12-31", "2003-12-31T00:00:00Z"),
        ("2003-12", "2003-12-01T00:00:00Z"),
        ("2003", "2003-01-01T00:00:00Z"),
        ("20031231T101455Z", "2003-12-31T10:14:55Z"),
    ])
    func parses(_ input: String, _ expected: String) {
        #expect(FeedDate.parse(input) == Self.utc(expected), "\(input)")
    }

    @Test(arguments: ["", "yesterday", "2003-02-30", "2003-13-01", "Thu, 32 Jan 2004 10:00:00 GMT", "Thu, 01 Foo 2004", "2003-12-31T25:00:00Z"])
    func rejects(_ input: String) {
        #expect(FeedDate.parse(input) == nil, "\(input)")
    }

    @Test func atom03DatesMapToPublishedUpdatedCreated() throws {
        let xml = """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry>
            <issued>2003-12-31T10:14:55Z</issued><modified>2004-01-01T00:00:00Z</modified><created>2003-12-30T00:00:00Z</created>
            </entry></feed>
            """
        let entry = try #require(try FeedParser.parse(data: Data(xml.utf8), baseURL: nil).entries.first)
        #expect(entry.published == Self.utc("2003-12-31T10:14:55Z"))
        #expect(entry.updated == Self.utc("2004-01-01T00:00:00Z"))
        #expect(entry.created == Self.utc("2003-12-30T00:00:00Z"))
    }

    @Test func dublinCoreDatesInRSS() throws {
        let xml = """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">
            <channel><item><dc:date>2003-12</dc:date><dcterms:created>2003</dcterms:created></item>
            <item><dcterms:modified>2004-01-01T00:00:00+01:00</dcterms:modified><pubDate>Wed, 31 Dec 2003 10:14:55 +0000</pubDate></item>
            </channel></rss>
            """
        let entries = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil).entries
        #expect(entries[0].updated == Self.utc("2003-12-01T00:00:00Z"))
        #expect(entries[0].created == Self.utc("2003-01-01T00:00:00Z"))
        #expect(entries[1].updated == Self.utc("2003-12-31T23:00:00Z"))
        #expect(entries[1].published == Self.utc("2003-12-31T10:14:55Z"))
    }
}
