import Foundation
import Testing
@testable import FeedParsing

/// Runs feedparser's fixture corpus (shared/corpora/feeds) through `FeedParser`.
@Suite struct FeedCorpusTests {
    /// Well-formed fixtures we knowingly do not match, each with the reason. The test
    /// fails if one of these starts matching, so the list cannot go stale.
    static let knownGaps: [String: String] = [
        "wellformed/rss/entity_in_doctype.xml":
            "declares an internal entity: refused by design (no DTD declarations from untrusted feeds)",
        "wellformed/rdf/doctype_contains_entity_decl.xml":
            "declares a parameter entity: refused by design (no DTD declarations from untrusted feeds)",
        "wellformed/rss/item_madeup_tags_element.xml":
            "feedparser reads a made-up <tags>a, b</tags> element as categories; we read only category/dc:subject",
        "wellformed/rss/item_summary_and_description.xml":
            "feedparser takes a non-RSS <summary> element as the summary and demotes description to content",
        "wellformed/rss/item_description_and_summary.xml":
            "same feedparser quirk with the elements in the other order: <summary> becomes content",
    ]

    struct Tally: CustomStringConvertible {
        var files = 0, parseErrors = 0, matched = 0, mismatched = 0, unsupported = 0
        var description: String {
            "files \(files), parse errors \(parseErrors), matched \(matched), mismatched \(mismatched), unsupported-expression \(unsupported)"
        }
    }

    enum Outcome { case matched, mismatched, unsupported(String) }

    static func outcome(of fixture: CorpusFixture, result: ParsedFeed?) -> Outcome {
        guard let source = fixture.expect else { return .unsupported("no Expect line") }
        do {
            let expression = try ExpectExpression.parse(source)
            if case .integer = expression { return .unsupported("checks nothing (\(source))") }
            let value = try FeedparserMapping(feed: result).evaluate(expression)
            return value.isTruthy ? .matched : .mismatched
        } catch {
            return .unsupported(error.description)
        }
    }

    static func corpusRoot() throws -> URL {
        try #require(CorpusLocator.feedsDirectory(), "feed corpus not found beside the repository (or FEED_CORPUS_DIR)")
    }

    @Test func wellFormedFixturesParseAndMatchFeedparser() throws {
        let root = try Self.corpusRoot()
        var unexpected: [String] = []
        var gapsSeen: Set<String> = []
        var total = Tally()
        for folder in ["wellformed/rss", "wellformed/atom10", "wellformed/atom", "wellformed/rdf"] {
            let fixtures = try CorpusLocator.fixtures(in: folder, root: root)
            #expect(fixtures.count > 10, "too few fixtures in \(folder)")
            var tally = Tally()
            for fixture in fixtures {
                tally.files += 1
                var result: ParsedFeed?
                var failure: String?
                do throws(FeedParseError) {
                    result = try FeedParser.parse(data: fixture.data, baseURL: URL(string: "http://feed.example/feed.xml"))
                } catch {
                    tally.parseErrors += 1
                    failure = "parse error: \(error)"
                }
                let outcome = Self.outcome(of: fixture, result: result)
                switch outcome {
                case .matched: tally.matched += 1
                case .mismatched: tally.mismatched += 1
                case .unsupported(let reason):
                    tally.unsupported += 1
                    if ProcessInfo.processInfo.environment["FEED_CORPUS_VERBOSE"] != nil {
                        print("[feed corpus] unsupported \(fixture.relativePath): \(reason) | \(fixture.expect ?? "-")")
                    }
                }
                let failed: Bool = if failure != nil { true } else if case .mismatched = outcome { true } else { false }
                if failed {
                    if Self.knownGaps[fixture.relativePath] != nil {
                        gapsSeen.insert(fixture.relativePath)
                    } else {
                        unexpected.append("\(fixture.relativePath): \(failure ?? "mismatch") | Expect: \(fixture.expect ?? "-")\n    got \(Self.summary(result))")
                    }
                }
            }
            print("[feed corpus] \(folder): \(tally)")
            total.files += tally.files
            total.parseErrors += tally.parseErrors
            total.matched += tally.matched
            total.mismatched += tally.mismatched
            total.unsupported += tally.unsupported
        }
        print("[feed corpus] wellformed total: \(total)")
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected failures:\n\(unexpected.joined(separator: "\n"))")
        let stale = Set(Self.knownGaps.keys).subtracting(gapsSeen)
        #expect(stale.isEmpty, "known gaps that now pass (remove them from knownGaps): \(stale.sorted())")
        // Guard against a mapping that quietly marks everything unsupported.
        #expect(total.matched >= 280, "only \(total.matched) fixtures matched")
    }

    @Test func illFormedFixturesThrowOrParseAndBozoOnesThrow() throws {
        let root = try Self.corpusRoot()
        let fixtures = try CorpusLocator.fixtures(in: "illformed", root: root)
        #expect(fixtures.count >= 19)
        var tally = Tally()
        var bozoFixturesThatParsed: [String] = []
        for fixture in fixtures {
            tally.files += 1
            var result: ParsedFeed?
            do throws(FeedParseError) {
                result = try FeedParser.parse(data: fixture.data, baseURL: nil)
            } catch {
                tally.parseErrors += 1
                #expect(!error.description.isEmpty)
            }
            switch Self.outcome(of: fixture, result: result) {
            case .matched: tally.matched += 1
            case .mismatched: tally.mismatched += 1
            case .unsupported: tally.unsupported += 1
            }
            let saysBozo = (try? ExpectExpression.parse(fixture.expect ?? ""))?.conjuncts.contains(.path("bozo", [])) == true
                || fixture.expect.map { $0 == "bozo" || $0.hasPrefix("bozo and ") } == true
            if saysBozo, result != nil { bozoFixturesThatParsed.append(fixture.relativePath) }
        }
        print("[feed corpus] illformed: \(tally)")
        #expect(bozoFixturesThatParsed.isEmpty, "expected to be refused: \(bozoFixturesThatParsed)")
    }

    static func summary(_ feed: ParsedFeed?) -> String {
        guard let feed else { return "nil" }
        var text = "\(feed.format) title=\(feed.title.debugDescription) link=\(feed.link.debugDescription) subtitle=\(feed.subtitle.debugDescription) authors=\(feed.authors)"
        if let entry = feed.entries.first {
            text += " | entry0 id=\(entry.id.debugDescription) title=\(entry.title.debugDescription) link=\(entry.link.debugDescription) summary=\(entry.summaryText.debugDescription) content=\(entry.contentText.debugDescription) authors=\(entry.authors) categories=\(entry.categories) published=\(entry.published.map { "\($0)" } ?? "-") updated=\(entry.updated.map { "\($0)" } ?? "-")"
        }
        return text
    }
}
