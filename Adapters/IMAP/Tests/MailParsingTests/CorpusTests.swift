import Foundation
import MailParsing
import Testing

/// Decodes every corpus mail in its LF and CRLF form and compares subject, From and the first
/// body text with stalwart mail-parser's expected output.
@Suite struct CorpusTests {
    /// Known, explained differences: "folder/NNN variant field" -> why. Every entry must still
    /// differ (a stale entry fails the test too), and every other comparison must match.
    static let allowedMismatches: [String: String] = [:]

    struct Tally {
        var matched = 0
        var total = 0
    }

    @Test func corpusMatchesMailParser() throws {
        guard let directory = CorpusFixtures.mailDirectory() else { throw CorpusError.missingCorpus }
        var tallies: [String: Tally] = [:]  // "folder variant field"
        var mismatches: [String: String] = [:]
        var mailCount = 0

        for folder in ["rfc", "thirdparty"] {
            let folderURL = directory.appendingPathComponent(folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: folderURL.path)
                .filter { $0.hasSuffix(".eml") }.sorted()
            for name in names {
                let stem = String(name.dropLast(4))
                let raw = try Data(contentsOf: folderURL.appendingPathComponent(name))
                mailCount += 1
                for (variant, input, jsonName) in [
                    ("LF", CorpusFixtures.lfForm(raw), "\(stem).json"),
                    ("CRLF", CorpusFixtures.crlfForm(raw), "\(stem).crlf.json"),
                ] {
                    let expected = try CorpusExpectation(
                        json: Data(contentsOf: folderURL.appendingPathComponent(jsonName)))
                    let key = "\(folder)/\(stem) \(variant)"
                    let results: [(String, String?)]
                    do {
                        let mail = try MailDecoder.decode(input)
                        results = Self.compare(mail, expected)
                    } catch {
                        results = ["subject", "from", "text"].map { ($0, "decode failed: \(error)") }
                    }
                    for (field, problem) in results {
                        tallies["\(folder) \(variant) \(field)", default: Tally()].total += 1
                        if let problem {
                            mismatches["\(key) \(field)"] = problem
                        } else {
                            tallies["\(folder) \(variant) \(field)", default: Tally()].matched += 1
                        }
                    }
                }
            }
        }

        print("mail corpus: \(mailCount) messages x 2 forms (LF, CRLF)")
        for key in tallies.keys.sorted() {
            let tally = tallies[key]!
            print("  \(key): \(tally.matched)/\(tally.total)")
        }
        for key in mismatches.keys.sorted() {
            let note = Self.allowedMismatches[key].map { " [allowed: \($0)]" } ?? ""
            print("  MISMATCH \(key): \(mismatches[key]!)\(note)")
        }

        #expect(mailCount == 30)
        for key in mismatches.keys.sorted() where Self.allowedMismatches[key] == nil {
            Issue.record("unexpected mismatch \(key): \(mismatches[key]!)")
        }
        for key in Self.allowedMismatches.keys.sorted() where mismatches[key] == nil {
            Issue.record("allow-list entry \(key) now matches: remove it")
        }
    }

    /// nil for a match, else what differed; one entry per compared field.
    static func compare(_ mail: DecodedMail, _ expected: CorpusExpectation) -> [(String, String?)] {
        var results: [(String, String?)] = []
        results.append(("subject", mail.subject == expected.subject
            ? nil : "got \(String(reflecting: mail.subject)), want \(String(reflecting: expected.subject))"))
        let fromMatches = mail.from?.name == expected.fromName && mail.from?.address == expected.fromAddress
        results.append(("from", fromMatches ? nil
            : "got \(String(reflecting: mail.from)), want name \(String(reflecting: expected.fromName)) address \(String(reflecting: expected.fromAddress))"))
        results.append(("text", compareText(mail.textParts.first, expected.firstTextBody)))
        return results
    }

    static func compareText(_ actual: String?, _ expected: CorpusExpectation.Body) -> String? {
        switch expected {
        case .none:
            return actual == nil ? nil : "got a text part \(String(reflecting: actual!.prefix(60))), want none"
        case .text(let text):
            guard let actual else { return "got no text part, want \(String(reflecting: text.prefix(60)))" }
            let got = CorpusFixtures.normalized(actual), want = CorpusFixtures.normalized(text)
            return got == want ? nil : "got \(String(reflecting: got.prefix(80))), want \(String(reflecting: want.prefix(80)))"
        case .html(let html):
            guard let actual else { return "got no text part, want the text of an HTML part" }
            let have = Set(CorpusFixtures.words(of: actual))
            let missing = CorpusFixtures.visibleWords(ofHTML: html).filter { !have.contains($0) }
            if actual.contains("<") && actual.contains(">") && actual.lowercased().contains("<html") {
                return "HTML tags left in the text"
            }
            return missing.isEmpty ? nil : "words missing from the text: \(missing.prefix(8))"
        case .other(let kind):
            return "expected body of kind \(kind); not comparable"
        }
    }
}
