import Foundation
import MailParsing
import Testing

/// Decoding from many tasks at once gives the same results as decoding one by one.
@Suite struct ConcurrencyTests {
    @Test func parallelDecodesMatchSequential() async throws {
        guard let directory = CorpusFixtures.mailDirectory() else { throw CorpusError.missingCorpus }
        var inputs: [Data] = []
        for folder in ["rfc", "thirdparty"] {
            let url = directory.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".eml") {
                let raw = try Data(contentsOf: url.appendingPathComponent(name))
                inputs += [CorpusFixtures.lfForm(raw), CorpusFixtures.crlfForm(raw)]
            }
        }
        let expected = try inputs.map { try MailDecoder.decode($0) }
        let rounds = 8
        let results = try await withThrowingTaskGroup(of: (Int, DecodedMail).self) { group in
            for _ in 0..<rounds {
                for (index, input) in inputs.enumerated() {
                    group.addTask { (index, try MailDecoder.decode(input)) }
                }
            }
            var collected: [(Int, DecodedMail)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == inputs.count * rounds)
        for (index, mail) in results {
            #expect(mail == expected[index])
        }
    }
}
