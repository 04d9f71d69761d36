import Foundation
import Testing
import FeedParsing

/// Parsers run on many threads at once (one libxml2 context per call).
@Suite struct ConcurrencyTests {
    @Test func parallelParsesAgree() async throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/">
            <title type="html">&lt;b&gt;Busy&lt;/b&gt; feed</title>
            <entry><id>tag:1</id><link href="a"/><updated>2003-12-31T10:14:55Z</updated></entry></feed>
            """
        let expected = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil)
        let hostile = Data(#"<!DOCTYPE rss [<!ENTITY a "b">]><rss/>"#.utf8)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    if index % 4 == 0 {
                        return (try? FeedParser.parse(data: hostile, baseURL: nil)) == nil
                    }
                    return (try? FeedParser.parse(data: Data(xml.utf8), baseURL: nil)) == expected
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 })
        #expect(expected.title == "Busy feed")
        #expect(expected.entries.first?.link == "http://example.com/a")
    }
}
