import Foundation
import IntakeCore
import Testing
@testable import IntakePolicy

@Suite struct UrgencyRulesTests {
    private let rules = UrgencyRules(
        publicMentions: true,
        keywords: KeywordList(["lawsuit", "cancel", "refund", "third time"]),
        patterns: [try! UrgencyPattern("charge ?backs?")],
        repeatedContact: MessageCountRule(count: 3, window: .seconds(3600)),
        vip: VIPList(["@bigcustomer.com", "ceo@acme.example", "+14155550100", "twitter:@BigCo"].compactMap(VIPList.Entry.init)),
        volume: MessageCountRule(count: 50, window: .seconds(600)))

    private func verdict(_ message: InboundMessage, contact: Contact? = nil, fromContact: Int = 1, acrossChannels: Int = 1) -> UrgencyVerdict {
        rules.evaluate(UrgencySignals(message: message, contact: contact, messagesFromContact: fromContact, messagesAcrossChannels: acrossChannels))
    }

    @Test func aPlainMessageIsNotUrgent() {
        #expect(verdict(message("The delivery was late, please look into it.")) == .normal)
    }

    @Test func publicPostsAndSocialChannelsAreUrgent() {
        #expect(verdict(message("meh", isPublic: true)) == UrgencyVerdict(urgent: true, reasons: ["public mention"]))
        #expect(verdict(message("meh", channel: .social)).reasons == ["public mention"])
        let quiet = UrgencyRules(publicMentions: false)
        #expect(quiet.evaluate(UrgencySignals(message: message("meh", channel: .social))) == .normal)
    }

    @Test func keywordsMatchWholeWordsWhateverTheCase() {
        let found = verdict(message("I will CANCEL and want a Refund!", subject: "third   time this week"))
        #expect(found.urgent)
        #expect(found.reasons == [#"keyword "cancel""#, #"keyword "refund""#, #"keyword "third time""#])
    }

    @Test func keywordsDoNotMatchInsideOtherWords() {
        #expect(verdict(message("My order was cancelled and the refunds desk is a lawsuitable mess")) == .normal)
        #expect(verdict(message("a thirdtime charm")) == .normal)
        #expect(KeywordList(["third time"]).matches(in: "third-time lucky") == ["third time"])
        #expect(KeywordList(["can't"]).matches(in: "You CAN'T do this") == ["can't"])
        #expect(KeywordList(["can't"]).matches(in: "the cant of it") == [])
    }

    @Test func asciiTextIsSplitIntoTheSameWordsAsByCharacterAndOtherTextFallsBack() {
        let texts = ["", "   ", "Hello, World!", "third-time lucky", "You CAN'T do this", "ORDER #4821: 3rd_request\tREFUND\n",
                     "a1b2 C3D4 ...x", "trailing word"]
        for text in texts {
            let byCharacter = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            #expect(KeywordList.asciiLowercasedWords(of: text) == byCharacter, "\(text)")
        }
        #expect(KeywordList.asciiLowercasedWords(of: "Café au lait") == nil)
        #expect(KeywordList(["café"]).matches(in: "Un CAFÉ, s'il vous plaît") == ["café"])
    }

    @Test func patternsMatchCaseInsensitivelyAndQuoteWhatMatched() {
        let found = verdict(message("I filed a ChargeBack today"))
        #expect(found.reasons == [#"pattern "charge ?backs?" matched "ChargeBack""#])
        #expect(throws: UrgencyPattern.InvalidPattern.self) { try UrgencyPattern("(unclosed") }
    }

    @Test func repeatedContactCountsFromTheThreshold() {
        #expect(verdict(message("hello?"), fromContact: 2) == .normal)
        #expect(verdict(message("hello?"), fromContact: 3) == UrgencyVerdict(urgent: true, reasons: ["3 messages in 1h"]))
        #expect(verdict(message("hello?"), fromContact: 4).reasons == ["4 messages in 1h"])
    }

    @Test func vipAccountsMatchByDomainEmailPhoneAndHandle() {
        let subdomain = verdict(message("hi", from: [Identity(kind: .email, value: "jo@ops.bigcustomer.com")]))
        #expect(subdomain.reasons == ["VIP account (@bigcustomer.com)"])
        #expect(verdict(message("hi", from: [Identity(kind: .email, value: "jo@notbigcustomer.com")])) == .normal)
        #expect(verdict(message("hi", from: [Identity(kind: .email, value: "ceo@acme.example")])).urgent)
        #expect(verdict(message("hi", from: [Identity(kind: .phone, value: "+14155550100")])).reasons == ["VIP account (+14155550100)"])
        #expect(verdict(message("hi", from: [Identity.handle(platform: "twitter", "@bigco")])).urgent)
        // The contact's other identities count too: the VIP wrote from a personal address.
        let known = contact(identities: [Identity(kind: .email, value: "pat@gmail.com"), Identity(kind: .phone, value: "+14155550100")])
        #expect(verdict(message("hi", from: [Identity(kind: .email, value: "pat@gmail.com")]), contact: known).urgent)
    }

    @Test func vipEntriesAreReadFromTheirWrittenForm() {
        #expect(VIPList.Entry("@bigcustomer.com") == .domain("bigcustomer.com"))
        #expect(VIPList.Entry("CEO@Acme.example") == .identity(Identity(kind: .email, value: "ceo@acme.example")))
        #expect(VIPList.Entry("+14155550100") == .identity(Identity(kind: .phone, value: "+14155550100")))
        #expect(VIPList.Entry("Slack:T1:U2") == .account("slack:T1:U2"))
        #expect(VIPList.Entry("@nodot") == nil)
        #expect(VIPList.Entry("+12") == nil)
        #expect(VIPList.Entry("just words") == nil)
    }

    @Test func volumeIsUrgentOnlyAboveTheCount() {
        #expect(verdict(message("hi"), acrossChannels: 50) == .normal)
        #expect(verdict(message("hi"), acrossChannels: 51).reasons == ["51 messages across all channels in 10m"])
    }

    @Test func reasonsFollowRuleOrder() {
        let found = verdict(message("cancel", isPublic: true, from: [Identity(kind: .email, value: "x@bigcustomer.com")]), fromContact: 5)
        #expect(found.reasons == ["public mention", #"keyword "cancel""#, "5 messages in 1h", "VIP account (@bigcustomer.com)"])
    }

    @Test func anAbusiveContactForcesNoCallButKeepsTheReasons() {
        let found = verdict(message("I'll file a lawsuit", isPublic: true), contact: contact(abusive: true))
        #expect(!found.urgent)
        #expect(found.suppressedBecauseAbusive)
        #expect(found.reasons == ["public mention", #"keyword "lawsuit""#, "contact flagged abusive: no forced call"])
        // Nothing to suppress: an ordinary verdict.
        #expect(verdict(message("thanks"), contact: contact(abusive: true)) == .normal)
    }

    @Test func aManualLevelWinsOverTheRules() {
        let suppressed = verdict(message("lawsuit"), contact: contact(abusive: true))
        let forced = suppressed.applying(.urgent)
        #expect(forced.urgent && !forced.suppressedBecauseAbusive)
        #expect(forced.reasons.last == "set urgent by hand")
        let calmed = verdict(message("lawsuit")).applying(.normal)
        #expect(!calmed.urgent)
        #expect(calmed.reasons == [#"keyword "lawsuit""#, "set not urgent by hand"])
        #expect(verdict(message("lawsuit")).applying(nil) == verdict(message("lawsuit")))
    }

    @Test func durationsReadShortInReasons() {
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
        #expect(DurationText.format(.seconds(86_400)) == "1d")
        #expect(DurationText.format(.seconds(45)) == "45s")
    }
}
