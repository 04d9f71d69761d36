import Foundation
import Testing
import FeedParsing

/// Hostile XML must be refused quickly, and nothing from local files may leak into output.
@Suite struct XMLAttackTests {
    /// Parses `xml`, returning the result or error and the elapsed time.
    static func attempt(_ xml: String) -> (Result<ParsedFeed, FeedParseError>, Duration) {
        let clock = ContinuousClock()
        var result: Result<ParsedFeed, FeedParseError>!
        let elapsed = clock.measure {
            do throws(FeedParseError) {
                result = .success(try FeedParser.parse(data: Data(xml.utf8), baseURL: nil))
            } catch {
                result = .failure(error)
            }
        }
        return (result, elapsed)
    }

    static func expectRefusedQuickly(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let (result, elapsed) = attempt(xml)
        switch result {
        case .success(let feed):
            Issue.record("parsed a hostile document: \(feed)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.isDTDRefused, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("root:"), sourceLocation: sourceLocation)
        }
        #expect(elapsed < .seconds(1), "took \(elapsed)", sourceLocation: sourceLocation)
    }

    @Test func externalEntityToLocalFileIsRefused() {
        Self.expectRefusedQuickly("""
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>&xxe;</title></channel></rss>
            """)
    }

    @Test func externalEntityToNetworkURLIsRefused() {
        Self.expectRefusedQuickly("""
            <!DOCTYPE rss [<!ENTITY remote SYSTEM "http://127.0.0.1:9/secret.txt">]>
            <rss version="2.0"><channel><title>&remote;</title></channel></rss>
            """)
    }

    @Test func parameterEntityIsRefused() {
        Self.expectRefusedQuickly("""
            <!DOCTYPE rss [
              <!ENTITY % file SYSTEM "file:///etc/passwd">
              <!ENTITY % wrapper "<!ENTITY leaked '%file;'>">
              %wrapper;
            ]>
            <rss version="2.0"><channel><title>&leaked;</title></channel></rss>
            """)
    }

    @Test func billionLaughsIsRefused() {
        var declarations = #"<!ENTITY lol0 "lol">"#
        for level in 1...9 {
            declarations += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        Self.expectRefusedQuickly("""
            <!DOCTYPE rss [\(declarations)]>
            <rss version="2.0"><channel><title>&lol9;</title></channel></rss>
            """)
    }

    @Test func oneEntityReferencedTenThousandTimesIsRefused() {
        let value = String(repeating: "A", count: 10_000)
        let references = String(repeating: "&big;", count: 10_000)
        Self.expectRefusedQuickly("""
            <!DOCTYPE rss [<!ENTITY big "\(value)">]>
            <rss version="2.0"><channel><item><description>\(references)</description></item></channel></rss>
            """)
    }

    @Test func entityDeclarationStopsTheParserAtOnce() {
        // The body is malformed; a refusal as "DTD" (not "not well-formed") shows the
        // parser stopped at the declaration instead of reading on.
        Self.expectRefusedQuickly(#"<!DOCTYPE rss [<!ENTITY a "b">]><rss><unclosed>&a;"#)
    }

    @Test func nonEntityDeclarationsAreRefusedToo() {
        Self.expectRefusedQuickly("""
            <!DOCTYPE rss [<!ELEMENT rss ANY><!ATTLIST rss version CDATA "2.0">]>
            <rss><channel><title>x</title></channel></rss>
            """)
    }

    @Test func externalDTDIsNeverLoaded() throws {
        // A DOCTYPE that only names an external DTD is allowed (Netscape RSS 0.91 has one),
        // but the DTD is never read, so entities it might define stay unexpanded.
        let xml = """
            <!DOCTYPE rss SYSTEM "file:///etc/passwd">
            <rss version="0.91"><channel><title>before&passwd;after</title>
            <item><title>&amp; &lt;ok&gt;</title></item></channel></rss>
            """
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil)
        #expect(feed.title == "beforeafter")
        #expect(feed.entries.first?.title == "& <ok>")
        #expect(!"\(feed)".contains("root:"))
    }

    @Test func emptyInternalSubsetIsAccepted() throws {
        let feed = try FeedParser.parse(data: Data("<!DOCTYPE rss []><rss version=\"2.0\"><channel><title>ok</title></channel></rss>".utf8), baseURL: nil)
        #expect(feed.title == "ok")
    }

    @Test func xIncludeIsNotProcessed() throws {
        let xml = """
            <rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel>
            <title>t<xi:include href="file:///etc/passwd" parse="text"/></title></channel></rss>
            """
        let feed = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil)
        #expect(feed.title == "t")
    }

    @Test func oversizedDocumentIsRefusedBeforeParsing() {
        let data = Data(repeating: 0x20, count: 2_000)
        #expect {
            try FeedParser.parse(data: data, baseURL: nil, maximumBytes: 1_000)
        } throws: { error in
            (error as? FeedParseError)?.isTooLarge == true
        }
    }
}
