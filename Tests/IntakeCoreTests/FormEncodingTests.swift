import Foundation
import IntakeCore
import Testing

@Suite struct FormEncodingTests {
    func parse(_ text: String) -> [String]? {
        FormEncoding.parse(Data(text.utf8))?.map { "\($0.name)=\($0.value)" }
    }

    @Test func decodesPercentPlusRepeatsAndEmptyValues() {
        #expect(parse("From=%2B14155550100&Body=caf%C3%A9+%26+more&Body=again&Empty=&Flag") == ["From=+14155550100", "Body=café & more", "Body=again", "Empty=", "Flag="])
        #expect(parse("a=b%3Dc=d") == ["a=b=c=d"])
        #expect(parse("") == [])
        #expect(parse("a=1&&b=2") == ["a=1", "b=2"])
    }

    @Test func refusesBrokenEscapesAndInvalidUTF8() {
        #expect(parse("a=%ZZ") == nil)
        #expect(parse("a=%4") == nil)
        #expect(parse("a=%FF%FE") == nil)
    }
}

@Suite struct TrimmingTests {
    @Test func trimsUnicodeWhitespaceAndKeepsInnerSpace() {
        #expect("  a b \n\t".trimmedWhitespace() == "a b")
        #expect("\u{00A0}x\u{2003}".trimmedWhitespace() == "x")
        #expect(" \n ".trimmedWhitespace() == "")
        #expect("".trimmedWhitespace() == "")
        #expect("café".trimmedWhitespace() == "café")
    }

    @Test func encodingKeepsUnreservedCharactersEscapesTheRestAndRoundTrips() {
        let pairs = [("To", "+14155550100"), ("Body", "Call Dana now: “fridge” & 3rd time <again> ~ok_-."), ("a b", "ü=&%")]
        let body = FormEncoding.encode(pairs)
        #expect(body.hasPrefix("To=%2B14155550100&Body=Call%20Dana%20now%3A%20%E2%80%9Cfridge%E2%80%9D%20%26%203rd%20time%20%3Cagain%3E%20~ok_-."))
        #expect(body.hasSuffix("&a%20b=%C3%BC%3D%26%25"))
        #expect(FormEncoding.parse(Data(body.utf8))?.map { "\($0.name)=\($0.value)" } == pairs.map { "\($0.0)=\($0.1)" })
    }
}
