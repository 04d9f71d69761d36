import Foundation
import Testing
@testable import FeedParsing

/// Formats, encodings, errors and dedup keys.
@Suite struct ParsingBasicsTests {
    @Test(arguments: [
        ("<rss version=\"2.0\"/>", FeedFormat.rss20),
        ("<rss version=\"0.91\"/>", .rss091),
        ("<rss version=\"0.92\"/>", .rss092),
        ("<rss version=\"0.93\"/>", .rss093),
        ("<rss version=\"0.94\"/>", .rss094),
        ("<rss/>", .rssUnversioned),
        ("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"/>", .rss10),
        ("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"/>", .rss090),
        ("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", .atom10),
        ("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"/>", .atom03),
    ])
    func detectsFormat(_ xml: String, _ format: FeedFormat) throws {
        #expect(try FeedParser.parse(data: Data(xml.utf8), baseURL: nil).format == format)
    }

    @Test func notWellFormedReportsLineAndColumn() {
        let xml = "<rss version=\"2.0\">\n<channel>\n<title>x</titel>\n</channel></rss>"
        do {
            _ = try FeedParser.parse(data: Data(xml.utf8), baseURL: nil)
            Issue.record("parsed malformed XML")
        } catch {
            #expect(error.isNotWellFormed)
            #expect(error.description.contains("line 3"), "\(error)")
        }
    }

    @Test func unsupportedRootIsNamed() {
        do {
            _ = try FeedParser.parse(data: Data("<html><body/></html>".utf8), baseURL: nil)
            Issue.record("parsed HTML as a feed")
        } catch {
            #expect(error.isUnsupportedRoot)
            #expect(error.description.contains("<html>"))
        }
    }

    @Test func emptyAndUndeclaredHTMLEntityInputsAreNotWellFormed() {
        for xml in ["", "<rss><channel><title>&nbsp;</title></channel></rss>"] {
            #expect(throws: FeedParseError.self) { try FeedParser.parse(data: Data(xml.utf8), baseURL: nil) }
        }
    }

    @Test func byteOrderMarksAndDeclaredEncodings() throws {
        let xml = "<rss version=\"2.0\"><channel><title>Café ✓</title></channel></rss>"
        var utf8BOM = Data([0xEF, 0xBB, 0xBF])
        utf8BOM.append(Data(xml.utf8))
        var utf16LE = Data([0xFF, 0xFE])
        utf16LE.append(xml.data(using: .utf16LittleEndian)!)
        var utf16BE = Data([0xFE, 0xFF])
        utf16BE.append(xml.data(using: .utf16BigEndian)!)
        for data in [utf8BOM, utf16LE, utf16BE] {
            #expect(try FeedParser.parse(data: data, baseURL: nil).title == "Café ✓")
        }
        let latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>Café</title></channel></rss>"
        #expect(try FeedParser.parse(data: latin1.data(using: .isoLatin1)!, baseURL: nil).title == "Café")
        let cp1252 = "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss><channel><title>\u{201C}q\u{201D}</title></channel></rss>"
        #expect(try FeedParser.parse(data: cp1252.data(using: .windowsCP1252)!, baseURL: nil).title == "\u{201C}q\u{201D}")
    }

    @Test func dedupKeyPrefersIDThenLinkThenContentHash() {
        #expect(FeedEntry(id: "tag:1", link: "http://x/").dedupKey == "id:tag:1")
        #expect(FeedEntry(link: "http://x/").dedupKey == "link:http://x/")
        let a = FeedEntry(title: "Title", contentText: "Body")
        #expect(a.dedupKey == FeedEntry(title: "Title", contentText: "Body").dedupKey)
        #expect(a.dedupKey != FeedEntry(title: "Title", contentText: "Body!").dedupKey)
        #expect(FeedEntry(title: "ab", contentText: "c").dedupKey != FeedEntry(title: "a", contentText: "bc").dedupKey)
        #expect(a.dedupKey.hasPrefix("sha256:") && a.dedupKey.count == 7 + 64)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256MatchesFIPSVectors(_ message: String, _ digest: String) {
        #expect(SHA256.hexDigest(of: Array(message.utf8)) == digest)
    }

    @Test func sha256OfAMillionAs() {
        #expect(SHA256.hexDigest(of: [UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
