import Foundation
import Testing
@testable import FeedParsing

/// Author strings and category elements.
@Suite struct PeopleAndCategoriesTests {
    @Test(arguments: [
        ("me@example.com (Example Editor)", "Example Editor", "me@example.com"),
        ("Example Editor <me@example.com>", "Example Editor", "me@example.com"),
        ("Example Editor (me@example.com)", "Example Editor", "me@example.com"),
        ("me+spam@example.com", nil, "me+spam@example.com"),
        ("Just A Name", "Just A Name", nil),
        ("Name <mailto:me@example.com>", "Name", "me@example.com"),
    ] as [(String, String?, String?)])
    func splitsPersonStrings(_ raw: String, _ name: String?, _ email: String?) {
        let person = PersonParsing.person(from: raw)
        #expect(person?.name == name)
        #expect(person?.email == email)
    }

    @Test func atomAuthorsAndCategories() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/">
            <author><name>Feed Author</name></author>
            <entry><author><name>A</name><email>a@example.com</email><uri>/a</uri></author><author><name>B</name></author>
            <category term="one"/><category term="two" label="Two"/><category label="only label"/></entry></feed>
            """
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil)
        #expect(feed.authors == [FeedPerson(name: "Feed Author")])
        let entry = feed.entries[0]
        #expect(entry.authors == [FeedPerson(name: "A", email: "a@example.com", uri: "http://example.com/a"), FeedPerson(name: "B")])
        #expect(entry.author?.name == "A")
        #expect(entry.categories == ["one", "two", "only label"])
    }

    @Test func rssAuthorsAndCategories() throws {
        let xml = """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
            <managingEditor>editor@example.com (The Editor)</managingEditor>
            <item><author>writer@example.com (Writer)</author><dc:creator>Co Author</dc:creator>
            <category domain="x">News</category><dc:subject>Politics</dc:subject><category>  </category></item>
            </channel></rss>
            """
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil)
        #expect(feed.authors == [FeedPerson(name: "The Editor", email: "editor@example.com")])
        #expect(feed.entries[0].authors == [FeedPerson(name: "Writer", email: "writer@example.com"), FeedPerson(name: "Co Author")])
        #expect(feed.entries[0].categories == ["News", "Politics"])
    }
}
