import Foundation
import MailParsing
import Testing

/// Header and body decoding: RFC 2047/2231, transfer encodings, charsets, IDs, addresses.
@Suite struct DecodingTests {
    @Test func decodesEnvelope() throws {
        let raw = MailFixture.crlf([
            "Return-Path: <bounce@example.com>",
            "From: =?ISO-8859-1?Q?Andr=E9_M=FCller?= <andre@example.com>",
            "Reply-To: Help Desk <help@example.com>",
            "To: Support <support@intake.example>, other@example.com",
            "Cc: Team: anna@example.com, ben@example.com;",
            "Subject: =?UTF-8?B?UmU6IEzDpHJtIGltIEhvZg==?= [#C-77]",
            "Message-ID: <abc.123@mail.example.com>",
            "In-Reply-To: <prev@intake.example>",
            "References: <first@intake.example>",
            "  <prev@intake.example>",
            "Date: Tue, 02 Jan 2024 10:00:00 +0100",
            "X-Custom: one",
            "X-Custom: two",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Body line",
            "",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.subject == "Re: Lärm im Hof [#C-77]")
        #expect(mail.caseToken == "C-77")
        #expect(mail.from == MailAddress(name: "André Müller", address: "andre@example.com"))
        #expect(mail.replyTo == MailAddress(name: "Help Desk", address: "help@example.com"))
        #expect(mail.to == [MailAddress(name: "Support", address: "support@intake.example"),
                            MailAddress(name: nil, address: "other@example.com")])
        #expect(mail.cc.map(\.address) == ["anna@example.com", "ben@example.com"])
        #expect(mail.messageID == "abc.123@mail.example.com")
        #expect(mail.inReplyTo == ["prev@intake.example"])
        #expect(mail.references == ["first@intake.example", "prev@intake.example"])
        #expect(mail.date == Date(timeIntervalSince1970: 1_704_186_000))
        #expect(mail.returnPath == "bounce@example.com")
        #expect(mail.headers["x-custom"] == "one")
        #expect(mail.headers.all("X-CUSTOM") == ["one", "two"])
        #expect(mail.headers["Content-Type"]?.hasPrefix("text/plain") == true)
        #expect(mail.textBody == "Body line")
        #expect(mail.autoResponse == nil)
        #expect(mail.warnings.isEmpty)
    }

    @Test func missingOptionalHeadersAreNil() throws {
        let mail = try MailDecoder.decode(MailFixture.lf(["X-Only: yes", "", "text"]))
        #expect(mail.subject == nil && mail.from == nil && mail.date == nil && mail.messageID == nil)
        #expect(mail.returnPath == nil)
        #expect(mail.textBody == "text")
    }

    @Test func decodesTransferEncodingsAndCharsets() throws {
        // windows-1252 bytes for "Preis: 5 €" (0x80 is the euro sign there).
        let cp1252 = Data([0x50, 0x72, 0x65, 0x69, 0x73, 0x3A, 0x20, 0x35, 0x20, 0x80]).base64EncodedString()
        let raw = MailFixture.crlf([
            "From: a@example.com", "Subject: parts", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=XX", "",
            "--XX", "Content-Type: text/plain; charset=iso-8859-1",
            "Content-Transfer-Encoding: quoted-printable", "",
            "Gr=FC=DFe aus K=F6ln, sehr lange Zeile die weich umbrochen=",
            " wird.", "",
            "--XX", "Content-Type: text/plain; charset=windows-1252", "Content-Transfer-Encoding: base64", "",
            cp1252,
            "--XX--", "",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.textParts == ["Grüße aus Köln, sehr lange Zeile die weich umbrochen wird.", "Preis: 5 €"])
        #expect(mail.textBody == mail.textParts.joined(separator: "\n\n"))
        #expect(!mail.textBody.contains("\r"))
    }

    @Test func textWithoutCharsetFallsBackToLatin1() throws {
        var raw = Data("From: a@example.com\nSubject: x\nContent-Type: text/plain\n\nCaf".utf8)
        raw.append(0xE9)  // é in ISO-8859-1, invalid as UTF-8
        raw.append(contentsOf: Array(" ok\n".utf8))
        #expect(try MailDecoder.decode(raw).textBody == "Café ok")

        let utf8 = Data("From: a@example.com\nSubject: x\nContent-Type: text/plain\n\nCafé ok\n".utf8)
        #expect(try MailDecoder.decode(utf8).textBody == "Café ok")
    }

    @Test func rawEightBitHeadersFallBackToWindows1252() throws {
        var raw = Data("From: ".utf8)
        raw.append(contentsOf: [0x4A, 0xF6, 0x72, 0x67])  // "Jörg" in Latin-1
        raw.append(Data(" <j@example.com>\nSubject: K".utf8))
        raw.append(contentsOf: [0xF6, 0x6C, 0x6E, 0x20, 0x80])  // "Köln €" in Windows-1252
        raw.append(Data("\n\nbody\n".utf8))
        let mail = try MailDecoder.decode(raw)
        #expect(mail.subject == "Köln €")
        #expect(mail.from == MailAddress(name: "Jörg", address: "j@example.com"))
        #expect(mail.warnings.contains { $0.hasPrefix("unencoded 8-bit header") })
    }

    @Test func crlfAndLfGiveTheSameText() throws {
        let lines = ["From: a@example.com", "Subject: x", "", "line one", "line two", "", "para", ""]
        let viaCRLF = try MailDecoder.decode(MailFixture.crlf(lines))
        let viaLF = try MailDecoder.decode(MailFixture.lf(lines))
        #expect(viaCRLF.textBody == "line one\nline two\n\npara")
        #expect(viaLF.textBody == viaCRLF.textBody)
    }

    @Test func listsAttachmentsWithDecodedNamesAndSizes() throws {
        let payload = Data((0..<1000).map { UInt8($0 % 251) })
        let raw = MailFixture.crlf([
            "From: a@example.com", "Subject: files", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=B1", "",
            "--B1", "Content-Type: multipart/related; boundary=B2", "",
            "--B2", "Content-Type: text/html; charset=utf-8", "",
            "<p>See <img src=\"cid:logo@x\"></p>",
            "--B2", "Content-Type: image/png", "Content-ID: <logo@x>", "Content-Transfer-Encoding: base64", "",
            payload.prefix(10).base64EncodedString(),
            "--B2--",
            "--B1", "Content-Type: application/pdf",
            "Content-Disposition: attachment; filename*=UTF-8''Beschwerde%20L%C3%A4rm.pdf",
            "Content-Transfer-Encoding: base64", "",
            payload.base64EncodedString(options: .lineLength76Characters),
            "--B1", "Content-Type: text/plain; name=\"=?UTF-8?Q?Notiz=C3=A9.txt?=\"",
            "Content-Disposition: attachment", "", "a note",
            "--B1--", "",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.textBody == "See")
        #expect(mail.attachments == [
            MailAttachment(filename: nil, contentType: "image/png", size: 10, contentID: "logo@x", isInline: true),
            MailAttachment(filename: "Beschwerde Lärm.pdf", contentType: "application/pdf", size: 1000,
                           contentID: nil, isInline: false),
            MailAttachment(filename: "Notizé.txt", contentType: "text/plain", size: 6, contentID: nil, isInline: false),
        ])
    }

    @Test func prefersPlainTextOverHTMLAlternative() throws {
        let raw = MailFixture.lf([
            "From: a@example.com", "Subject: alt", "Content-Type: multipart/alternative; boundary=A", "",
            "--A", "Content-Type: text/plain; charset=utf-8", "", "plain version",
            "--A", "Content-Type: text/html; charset=utf-8", "", "<p>html version</p>",
            "--A--", "",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.textParts == ["plain version"])
        #expect(mail.attachments.isEmpty)
    }

    @Test func htmlOnlyMailIsConvertedToText() throws {
        let raw = MailFixture.lf([
            "From: a@example.com", "Subject: html", "Content-Type: text/html; charset=utf-8", "",
            "<html><head><style>p{color:red}</style></head><body><p>Hallo &amp; Gr&uuml;&szlig;e</p>"
                + "<ul><li>eins</li><li>zwei</li></ul></body></html>", "",
        ])
        #expect(try MailDecoder.decode(raw).textBody == "Hallo & Grüße\n\n- eins\n- zwei")
    }
}
