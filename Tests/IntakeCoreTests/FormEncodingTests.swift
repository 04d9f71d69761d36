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
}
