import Foundation
import MailParsing
import Testing

/// Machine-sent mail is recognised so intake never answers it.
@Suite struct AutoResponseTests {
    func kind(_ headers: [String], own: [String] = []) throws -> AutoResponseKind? {
        try MailDecoder(ownAddresses: own).decode(MailFixture.plain(headers: headers)).autoResponse
    }

    @Test func personalMailIsNotAutomatic() throws {
        #expect(try kind([]) == nil)
        #expect(try kind(["Auto-Submitted: no"]) == nil)
        #expect(try kind(["Precedence: first-class"]) == nil)
    }

    @Test func autoSubmittedOtherThanNo() throws {
        #expect(try kind(["Auto-Submitted: auto-replied"]) == .autoReply)
        #expect(try kind(["Auto-Submitted: auto-generated; owner-email=\"x@example.com\""]) == .autoReply)
        #expect(try kind(["Auto-Submitted: Auto-Notified"]) == .autoReply)
    }

    @Test func vendorAutoReplyHeaders() throws {
        #expect(try kind(["X-Autoreply: yes"]) == .autoReply)
        #expect(try kind(["X-Autorespond: vacation"]) == .autoReply)
        #expect(try kind(["Precedence: auto_reply"]) == .autoReply)
    }

    @Test func bulkPrecedence() throws {
        #expect(try kind(["Precedence: bulk"]) == .bulk)
        #expect(try kind(["Precedence: junk"]) == .bulk)
        #expect(try kind(["Precedence: List"]) == .bulk)
    }

    @Test func loopOnlyForOwnAddresses() throws {
        #expect(try kind(["X-Loop: support@intake.example"], own: ["Support@Intake.example"]) == .loop)
        #expect(try kind(["X-Loop: support@intake.example"], own: ["other@intake.example"]) == nil)
        #expect(try kind(["X-Loop: support@intake.example"]) == nil)
        // A loop wins over every other signal.
        #expect(try kind(["X-Loop: support@intake.example", "Precedence: bulk"], own: ["support@intake.example"]) == .loop)
    }

    @Test func nullReturnPath() throws {
        let mail = try MailDecoder.decode(MailFixture.plain(headers: ["Return-Path: <>"]))
        #expect(mail.returnPath == "")
        #expect(mail.autoResponse == .autoReply)

        let daemon = MailFixture.crlf([
            "Return-Path: <>", "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
            "Subject: Undelivered Mail Returned to Sender", "", "This is the mail system.", "",
        ])
        #expect(try MailDecoder.decode(daemon).autoResponse == .bounce)
    }

    @Test func deliveryStatusReportIsBounce() throws {
        let raw = MailFixture.crlf([
            "From: MAILER-DAEMON@mx.example.com", "Subject: Delivery Status Notification (Failure)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=R", "",
            "--R", "Content-Type: text/plain", "", "Delivery to the following recipient failed.",
            "--R", "Content-Type: message/delivery-status", "",
            "Reporting-MTA: dns; mx.example.com", "", "Final-Recipient: rfc822; nobody@example.com",
            "Action: failed", "Status: 5.1.1", "",
            "--R--", "",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.autoResponse == .bounce)
        #expect(mail.textBody == "Delivery to the following recipient failed.")
        #expect(mail.attachments.map(\.contentType) == ["message/delivery-status"])
    }

    @Test func readReceiptIsAutoReply() throws {
        let raw = MailFixture.crlf([
            "From: alice@example.com", "Subject: Read: Your case",
            "Content-Type: multipart/report; report-type=\"disposition-notification\"; boundary=M", "",
            "--M", "Content-Type: text/plain", "", "Your message was displayed.",
            "--M", "Content-Type: message/disposition-notification", "", "Disposition: manual-action/MDN-sent-manually; displayed",
            "--M--", "",
        ])
        #expect(try MailDecoder.decode(raw).autoResponse == .autoReply)
    }
}
