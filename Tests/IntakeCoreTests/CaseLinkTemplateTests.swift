import IntakeCore
import Testing

@Suite struct CaseLinkTemplateTests {
    @Test func everyPlaceholderIsFilledInAndTheRestKeptAsWritten() {
        #expect(CaseLinkTemplate("https://desk.example.com/cases/{ref}").link(to: "C-12") == "https://desk.example.com/cases/C-12")
        #expect(CaseLinkTemplate("https://x.example/{ref}/view?r={ref}").link(to: "C-7") == "https://x.example/C-7/view?r=C-7")
        #expect(CaseLinkTemplate("{ref}").link(to: "C-1") == "C-1")
        #expect(CaseLinkTemplate("https://x.example/inbox").link(to: "C-1") == "https://x.example/inbox")
        #expect(CaseLinkTemplate("https://x.example/{re}f{ref}").link(to: "C-2") == "https://x.example/{re}fC-2")
    }
}
