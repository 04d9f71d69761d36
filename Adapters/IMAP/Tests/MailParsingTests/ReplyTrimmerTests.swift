import MailParsing
import Testing

/// `newText`: quoted history and signatures are cut, the sender's own words stay.
@Suite struct ReplyTrimmerTests {
    @Test func dropsQuotedLinesAndAttribution() {
        let text = """
        The noise started again last night.

        On Mon, 1 Jan 2024 at 10:00, Intake <support@intake.example> wrote:
        > Thank you for your report.
        > Case C-12 is open.
        """
        #expect(ReplyTrimmer.newText(of: text) == "The noise started again last night.")
    }

    @Test func attributionWrappedOverTwoLines() {
        let text = """
        Still broken.

        On Mon, Jan 1, 2024 at 10:00 AM Intake Support <
        support@intake.example> wrote:

        > old text
        """
        #expect(ReplyTrimmer.newText(of: text) == "Still broken.")
    }

    @Test func keepsInterleavedAnswers() {
        let text = """
        > Where exactly?
        Behind the station.
        > Since when?
        Since Monday.
        """
        #expect(ReplyTrimmer.newText(of: text) == "Behind the station.\nSince Monday.")
    }

    @Test func cutsOutlookBlocks() {
        let original = """
        Please call me back.

        -----Original Message-----
        From: Intake
        Sent: Monday, January 1, 2024 10:00 AM
        Subject: Your case
        """
        #expect(ReplyTrimmer.newText(of: original) == "Please call me back.")

        let headerBlock = """
        See attached photo.

        From: Intake Support <support@intake.example>
        Sent: Monday, January 1, 2024 10:00
        To: Alice
        Subject: RE: Noise
        """
        #expect(ReplyTrimmer.newText(of: headerBlock) == "See attached photo.")

        let rule = "Thanks.\n\n________________________________\nFrom: Intake\nSent: today\n"
        #expect(ReplyTrimmer.newText(of: rule) == "Thanks.")
    }

    @Test func cutsSignatures() {
        #expect(ReplyTrimmer.newText(of: "Broken lamp on Main St.\n-- \nAlice\n+49 123") == "Broken lamp on Main St.")
        #expect(ReplyTrimmer.newText(of: "Broken lamp.\n\nSent from my iPhone") == "Broken lamp.")
        #expect(ReplyTrimmer.newText(of: "Broken lamp.\n\nGet Outlook for Android") == "Broken lamp.")
        #expect(ReplyTrimmer.newText(of: "Broken lamp.\nVon meinem iPhone gesendet") == "Broken lamp.")
    }

    @Test func keepsForwardedMailHeaders() {
        let text = """
        Look what they sent me:

        ---------- Forwarded message ---------
        From: Landlord <landlord@example.com>
        Date: Mon, 1 Jan 2024
        Subject: Heating

        The heating stays off.
        """
        #expect(ReplyTrimmer.newText(of: text).contains("The heating stays off."))
    }

    @Test func keepsEverythingWhenOnlyHistoryIsLeft() {
        // A case must not become empty: an all-quoted mail keeps its text.
        #expect(ReplyTrimmer.newText(of: "> only quoted\n> text") == "> only quoted\n> text")
    }

    @Test func plainTextStaysAndBlankRunsCollapse() {
        #expect(ReplyTrimmer.newText(of: "\n\nLine one\n\n\n\nLine two\n\n") == "Line one\n\nLine two")
        // Sentences that merely mention the words are not cut.
        let text = "On Monday the lamp was off.\nFrom: my window I saw it."
        #expect(ReplyTrimmer.newText(of: text) == text)
    }

    @Test func decodedMailCarriesNewText() throws {
        let body = "New info.\r\n\r\nOn Tue, Intake wrote:\r\n> old\r\n"
        let mail = try MailDecoder.decode(MailFixture.plain(body: body))
        #expect(mail.textBody == "New info.\n\nOn Tue, Intake wrote:\n> old")
        #expect(mail.newText == "New info.")
    }

    @Test func htmlQuotesAreTrimmedToo() throws {
        let raw = MailFixture.lf([
            "From: a@example.com", "Subject: html", "Content-Type: text/html; charset=utf-8", "",
            "<div>My answer</div><div class=\"gmail_quote\"><blockquote><p>Your question</p></blockquote></div>", "",
        ])
        let mail = try MailDecoder.decode(raw)
        #expect(mail.textBody == "My answer\n\n> Your question")
        #expect(mail.newText == "My answer")
    }
}
