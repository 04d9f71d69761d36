import Foundation
import Testing
@testable import FeedParsing

/// HTML fragments from feeds turned into readable text.
@Suite struct HTMLTextTests {
    @Test(arguments: [
        ("Example <b>Atom</b>", "Example Atom"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("line<br>break<br/>again", "line\nbreak\nagain"),
        ("<ul><li>a</li><li>b</li></ul>after", "a\nb\n\nafter"),
        ("AT&amp;T &lt;tag&gt; &quot;q&quot; &#233;t&#xE9; &eacute; &nbsp;x", "AT&T <tag> \"q\" été é x"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        ("<script>alert('x')</script>visible<style>p{}</style>", "visible"),
        ("a<!-- hidden -->b", "ab"),
        ("  lots \n\t of   space  ", "lots of space"),
        ("<pre>  keep\n  this</pre>", "keep\n  this"),
        ("<a href=\"x\" title='a > b'>link</a>", "link"),
        ("<a href=http://example.com/\">example</a>", "example"),
        ("&unknown; & stays", "&unknown; & stays"),
        ("<!DOCTYPE", "<!DOCTYPE"),
        ("<![CDATA[<b>raw</b>]]>", "<b>raw</b>"),
    ])
    func converts(_ html: String, _ expected: String) {
        #expect(HTMLText.plainText(fromHTML: html) == expected)
    }

    @Test func contentTypesOfAtom() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry>
            <title type="html">A &amp;amp; B &lt;i&gt;x&lt;/i&gt;</title>
            <summary type="text">1 &lt; 2 &amp; &lt;b&gt;</summary>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p><p>&lt;tag&gt; &amp; more</p></div></content>
            </entry></feed>
            """
        let entry = try #require(try FeedParser.parse(data: Data(xml.utf8), baseURL: nil).entries.first)
        #expect(entry.title == "A & B x")
        #expect(entry.summaryText == "1 < 2 & <b>")
        #expect(entry.contentText == "Hello world\n\n<tag> & more")
    }

    @Test func cdataAndContentEncodedInRSS() throws {
        let xml = """
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item>
            <title><![CDATA[Fish & <Chips>]]></title>
            <description><![CDATA[<p>Short &amp; sweet</p>]]></description>
            <content:encoded>&lt;p&gt;Para one&lt;/p&gt;&lt;p&gt;Para &lt;em&gt;two&lt;/em&gt;&lt;/p&gt;</content:encoded>
            </item></channel></rss>
            """
        let entry = try #require(try FeedParser.parse(data: Data(xml.utf8), baseURL: nil).entries.first)
        #expect(entry.title == "Fish & <Chips>")
        #expect(entry.summaryText == "Short & sweet")
        #expect(entry.contentText == "Para one\n\nPara two")
    }
}
