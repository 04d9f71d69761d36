import MailParsing
import Testing

/// HTML bodies become readable text.
@Suite struct HTMLTextTests {
    func text(_ html: String) -> String { HTMLText.plainText(fromHTML: html) }

    @Test func dropsScriptsStylesHeadAndComments() {
        let html = """
        <!DOCTYPE html><html><head><title>Newsletter</title><style>body { color: red }</style>
        <script type="text/javascript">var a = "<p>not text</p>";</script></head>
        <body><!-- hidden --><p>Visible</p><SCRIPT>alert(1)</SCRIPT></body></html>
        """
        #expect(text(html) == "Visible")
    }

    @Test func decodesEntities() {
        #expect(text("Fish &amp; Chips &lt;3 &quot;ok&quot; &#39;x&#39; &#x263A; &euro;5 &copy &bogus; a&b")
            == "Fish & Chips <3 \"ok\" 'x' ☺ €5 © &bogus; a&b")
        #expect(text("a&nbsp;&nbsp;b") == "a  b")
    }

    @Test func keepsParagraphsBreaksAndLists() {
        let html = """
        <p>Dear team,</p><p>the lamp<br>is broken.</p>
        <ul><li>Main St</li><li>Station <b>square</b></li></ul>
        <ol><li>first</li><li>second</li></ol><div>Regards</div><div>Alice</div>
        """
        #expect(text(html) == """
        Dear team,

        the lamp
        is broken.

        - Main St
        - Station square

        1. first
        2. second

        Regards
        Alice
        """)
    }

    @Test func collapsesSourceWhitespaceButKeepsPre() {
        #expect(text("<p>a\n   b\t c</p>") == "a b c")
        #expect(text("<pre>x  y\n  z</pre>") == "x  y\n  z")
    }

    @Test func marksBlockquotes() {
        #expect(text("<p>new</p><blockquote><p>old</p><p>older</p></blockquote>") == "new\n\n> old\n>\n> older")
    }

    @Test func toleratesBrokenMarkup() {
        #expect(text("1 < 2 and <b>bold") == "1 < 2 and bold")
        #expect(text("<p title=\"a>b\">quoted attr</p>") == "quoted attr")
        #expect(text("<script>never closed") == "never closed")
        #expect(text("") == "")
    }

    @Test func tableCellsAreSeparated() {
        #expect(text("<table><tr><td>Name</td><td>Alice</td></tr><tr><td>Street</td><td>Main</td></tr></table>")
            == "Name Alice\nStreet Main")
    }
}
