import MailParsing
import Testing

/// `[#C-<digits>]` in the subject links a reply to its case.
@Suite struct CaseTokenTests {
    @Test(arguments: [
        ("Re: Noise complaint [#C-1234]", "C-1234"),
        ("[#C-1] first", "C-1"),
        ("AW: [#C-42] und [#C-43]", "C-42"),
        ("Re: [#C-] empty", nil),
        ("Re: [#c-12] lower case", nil),
        ("Re: [#C-12a]", nil),
        ("Re: [C-12] no hash", nil),
        ("Re: #C-12 no brackets", nil),
        ("[[#C-7]]", "C-7"),
        ("", nil),
    ] as [(String, String?)])
    func parses(subject: String, token: String?) {
        #expect(CaseToken.parse(subject) == token)
    }

    @Test func tokenInEncodedSubject() throws {
        // "Re: Lärm [#C-99]" as an RFC 2047 word: the token is found after decoding.
        let mail = try MailDecoder.decode(MailFixture.plain(subject: "=?UTF-8?Q?Re=3A_L=C3=A4rm_=5B#C-99=5D?="))
        #expect(mail.subject == "Re: Lärm [#C-99]")
        #expect(mail.caseToken == "C-99")
    }
}
