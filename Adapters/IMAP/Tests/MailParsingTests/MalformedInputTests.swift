import Foundation
import MailParsing
import Testing

/// Broken input either recovers with warnings or throws, never crashes.
@Suite struct MalformedInputTests {
    @Test func emptyInputThrows() {
        #expect(throws: MailDecodeError.empty) { try MailDecoder.decode(Data()) }
        #expect(throws: MailDecodeError.empty) { try MailDecoder.headersOnly(Data()) }
    }

    @Test func headerlessInputThrows() {
        #expect(throws: MailDecodeError.self) { try MailDecoder.decode(Data("just some words\n".utf8)) }
        #expect(throws: MailDecodeError.self) { try MailDecoder.decode(Data("\n\nbody only\n".utf8)) }
        #expect(throws: MailDecodeError.self) { try MailDecoder.decode(Data([0x00, 0xFF, 0xFE, 0x01])) }
        let error = MailDecodeError.noHeaders(byteCount: 12)
        #expect(error.description.contains("quarantine"))
    }

    @Test func missingEndBoundaryRecoversParts() throws {
        let raw = MailFixture.crlf([
            "From: a@example.com", "Subject: cut off", "Content-Type: multipart/mixed; boundary=Z", "",
            "--Z", "Content-Type: text/plain", "", "first part",
            "--Z", "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename=a.bin", "",
            "0123456789",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.textBody == "first part")
        #expect(mail.attachments.map(\.filename) == ["a.bin"])
        #expect(!mail.warnings.isEmpty)
        print("missing end boundary warnings: \(mail.warnings)")
    }

    @Test func multipartWithoutBoundaryKeepsHeaders() throws {
        let raw = MailFixture.lf([
            "From: a@example.com", "Subject: no boundary", "Content-Type: multipart/mixed", "",
            "--X", "Content-Type: text/plain", "", "lost?", "--X--", "",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.subject == "no boundary")
        #expect(!mail.warnings.isEmpty)
    }

    @Test func invalidCharsetFallsBack() throws {
        var raw = Data("From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=x-unknown-42\n\n".utf8)
        raw.append(contentsOf: [0x4B, 0xF6, 0x6C, 0x6E, 0x0A])  // "Köln" in Latin-1
        #expect(try MailDecoder.decode(raw).textBody == "Köln")
    }

    @Test func garbageHeadersDoNotCrash() throws {
        var raw = Data("From: \u{1}\u{2} <<<@@@>>>\nSubject: =?bogus?X?zz?=\nTo: ,,,;;;\n".utf8)
        raw.append(contentsOf: [0xFF, 0xFE, 0x3A, 0x0A, 0x0A])
        raw.append(Data("body".utf8))
        let mail = try MailDecoder.decode(raw)
        #expect(mail.textBody == "body")
    }

    @Test func headersOnlyReadsJustTheHeaderBlock() throws {
        let raw = MailFixture.crlf([
            "Return-Path: <>", "From: Big Sender <big@example.com>", "Subject: Huge [#C-5]",
            "Content-Type: multipart/mixed; boundary=H", "",
            "--H", "Content-Type: text/plain", "", "body that is not read",
            "--H--", "",
        ])
        let mail = try MailDecoder.headersOnly(raw)
        #expect(mail.subject == "Huge [#C-5]")
        #expect(mail.from?.address == "big@example.com")
        #expect(mail.caseToken == "C-5")
        #expect(mail.returnPath == "")
        #expect(mail.textBody.isEmpty && mail.textParts.isEmpty && mail.attachments.isEmpty)

        // An endless header block is cut at maxHeaderBytes instead of being read whole.
        let endless = Data(("Subject: s\r\n" + String(repeating: "X-Fill: 0123456789\r\n", count: 10_000)).utf8)
        let cut = try MailDecoder(maxHeaderBytes: 1024).headersOnly(endless)
        #expect(cut.subject == "s")
        #expect(cut.headers.all("X-Fill").count < 60)
    }
}
