import Foundation
@testable import IMAPAdapter
import IntakeCore
import Testing

/// `normalize` on raw mail bytes alone, as quarantine retry calls it: no server involved.
@Suite struct NormalizeTests {
    private let adapter = IMAPAdapter(name: "support", configuration: .init(
        server: IMAPServer(host: "imap.example.com", port: 993, tls: .imaps, user: "u", credential: .password("p")),
        defaultRegion: "GB", ownAddresses: ["support@example.com"]))

    private func raw(_ text: String, metadata: [String: String] = ["mailbox": "INBOX", "uid": "7"]) -> RawPayload {
        RawPayload(contentType: "message/rfc822", bytes: Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8), metadata: metadata)
    }

    private func normalize(_ text: String) throws -> InboundMessage {
        try #require(try adapter.normalize(raw(text), receivedAt: Date()).first)
    }

    @Test func aReplyCarriesSenderThreadRefsAndOnlyTheNewText() throws {
        let message = try normalize("""
            From: =?utf-8?q?Ann_M=C3=BCller?= <Ann@Example.COM>
            To: support@example.com
            Subject: Re: Kettle [#C-12]
            Message-ID: <reply-1@example.com>
            In-Reply-To: <out-9@intake.example>
            References: <first-1@example.com> <out-9@intake.example>
            Content-Type: text/plain; charset=utf-8

            Still broken.

            On Mon, 2 Mar 2026, Support <support@example.com> wrote:
            > We are sorry to hear that.
            """)
        #expect(message.channel == .email && message.adapter == "support")
        #expect(message.sender.identities == [Identity(kind: .email, value: "ann@example.com")])
        #expect(message.sender.displayName == "Ann Müller")
        #expect(message.subject == "Re: Kettle [#C-12]")
        #expect(message.body == "Still broken.")
        #expect(message.threadRefs == ["<out-9@intake.example>", "<first-1@example.com>", "case:C-12"])
        #expect(message.ownRefs == ["<reply-1@example.com>"])
        #expect(message.externalID.hasPrefix("<reply-1@example.com>#"))
        #expect(message.flags.isEmpty)
        #expect(message.raw.metadata["uid"] == "7")
    }

    @Test func theExternalIDIsStableAcrossDeliveriesAndDistinctForReusedMessageIDs() throws {
        let base = "From: a@example.com\nSubject: One\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nMessage-ID: <same@x>\n"
        let first = try normalize("Received: from a by b\n" + base + "\nbody one")
        let copy = try normalize("Received: from c by d\n" + base + "\nbody one")
        let other = try normalize(base.replacingOccurrences(of: "Subject: One", with: "Subject: Two") + "\nbody two")
        #expect(first.externalID == copy.externalID, "the same mail fetched twice must dedup")
        #expect(first.externalID != other.externalID, "two different mails with one Message-ID must both be kept")
    }

    @Test func aMailWithoutMessageIDIsKeyedByItsBytes() throws {
        let one = try normalize("From: a@example.com\nSubject: x\n\nfirst")
        let again = try normalize("From: a@example.com\nSubject: x\n\nfirst")
        let two = try normalize("From: a@example.com\nSubject: x\n\nsecond")
        #expect(one.externalID.hasPrefix("sha256:") && one.externalID == again.externalID && one.externalID != two.externalID)
        #expect(one.ownRefs.isEmpty)
    }

    @Test func autoRepliesBouncesAndLoopsAreAutomated() throws {
        let vacation = try normalize("From: b@example.com\nSubject: Away\nAuto-Submitted: auto-replied\n\nI am away")
        let loop = try normalize("From: c@example.com\nSubject: x\nX-Loop: support@example.com\n\nagain")
        let own = try normalize("From: Support <support@example.com>\nSubject: Re: x\n\nour own copy")
        let bulk = try normalize("From: news@example.com\nSubject: News\nPrecedence: bulk\n\nnews")
        let person = try normalize("From: d@example.com\nSubject: Help\n\nplease")
        #expect(vacation.flags == [.automated] && loop.flags == [.automated] && own.flags == [.automated] && bulk.flags == [.automated])
        #expect(person.flags.isEmpty)
    }

    @Test func attachmentsAreListedWithNameTypeAndSize() throws {
        let message = try normalize("""
            From: a@example.com
            Subject: Photo
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain

            See the photo.
            --b1
            Content-Type: image/png; name="kettle.png"
            Content-Disposition: attachment; filename="kettle.png"
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --b1--
            """)
        #expect(message.body == "See the photo.")
        #expect(message.attachments == [AttachmentInfo(filename: "kettle.png", contentType: "image/png", size: 8)])
    }

    @Test func aPhoneInTheSendersOwnSignatureIsAnIdentityButNotOneInQuotedHistory() throws {
        let signed = try normalize("From: a@example.com\nSubject: x\n\nIt leaks.\n-- \nAnn\nPhone: 020 7946 0018\n")
        #expect(signed.sender.identities.contains(Identity(kind: .phone, value: "+442079460018")))
        let quoted = try normalize("From: a@example.com\nSubject: x\n\nThanks\n\nOn Mon, Support wrote:\n> -- \n> Phone: 020 7946 0999\n")
        #expect(quoted.sender.identities == [Identity(kind: .email, value: "a@example.com")])
    }

    @Test func unreadableInputIsQuarantinedNotDropped() {
        for text in ["", "just some words without any header line", "\u{0}\u{1}\u{2}"] {
            do {
                _ = try adapter.normalize(raw(text), receivedAt: Date())
                Issue.record("accepted \(text.debugDescription)")
            } catch let error as NormalizationError {
                #expect(error.disposition == .quarantine)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func aMailWithoutSenderAddressIsQuarantined() {
        do {
            _ = try adapter.normalize(raw("Subject: who?\nTo: support@example.com\n\nhello"), receivedAt: Date())
            Issue.record("accepted a mail without From")
        } catch let error as NormalizationError {
            #expect(error.disposition == .quarantine && error.reason.contains("no sender address"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aHeaderOnlyRawIsRefusedWithTheReasonEvenOnRetry() {
        let header = raw("From: a@example.com\nSubject: Huge\n\n", metadata: ["mailbox": "INBOX", "uid": "9", "truncated": "headers", "size": "31457280"])
        do {
            _ = try adapter.normalize(header, receivedAt: Date())
            Issue.record("accepted a truncated mail")
        } catch let error as NormalizationError {
            #expect(error.disposition == .quarantine)
            #expect(error.reason.contains("mail of 30.0 MB is over max_bytes (25.0 MB): kept with its header only"))
            #expect(error.reason.contains("Subject: Huge") && error.reason.contains("mailbox INBOX, UID 9"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
