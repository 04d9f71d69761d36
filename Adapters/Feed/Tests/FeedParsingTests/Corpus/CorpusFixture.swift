import Foundation

/// One feedparser fixture: its bytes and the `Expect:` expression from its leading comment.
struct CorpusFixture {
    let relativePath: String
    let data: Data
    let expect: String?

    /// Reads the expression the way feedparser's harness does: decode by byte-order
    /// mark (else UTF-8), then take the line after `Expect:` up to `-->`.
    init(url: URL, relativePath: String) throws {
        self.relativePath = relativePath
        data = try Data(contentsOf: url)
        let text = Self.decode(data)
        guard text.contains("Description:"), let expectRange = text.range(of: "Expect:") else {
            expect = nil
            return
        }
        var line = text[expectRange.upperBound...].prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        if let end = line.range(of: "-->") { line = line[..<end.lowerBound] }
        expect = line.trimmingCharacters(in: .whitespaces)
    }

    private static func decode(_ data: Data) -> String {
        let bytes = [UInt8](data.prefix(3))
        if bytes.starts(with: [0xFF, 0xFE]) { return String(data: data, encoding: .utf16LittleEndian) ?? "" }
        if bytes.starts(with: [0xFE, 0xFF]) { return String(data: data, encoding: .utf16BigEndian) ?? "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Finds `shared/corpora/feeds` beside the repository root.
enum CorpusLocator {
    /// `FEED_CORPUS_DIR` when set; else walk up from this file to each folder that holds
    /// a `Package.swift` and look for `../shared/corpora/feeds` next to it.
    static func feedsDirectory(from filePath: String = #filePath) -> URL? {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["FEED_CORPUS_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if fileManager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                let candidate = directory.deletingLastPathComponent().appendingPathComponent("shared/corpora/feeds")
                if fileManager.fileExists(atPath: candidate.path) { return candidate }
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// Every `.xml` file under `folder`, recursively, sorted, with paths relative to `root`.
    static func fixtures(in folder: String, root: URL) throws -> [CorpusFixture] {
        let base = root.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var result: [CorpusFixture] = []
        for case let url as URL in enumerator where url.pathExtension == "xml" {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            result.append(try CorpusFixture(url: url, relativePath: relative))
        }
        return result.sorted { $0.relativePath < $1.relativePath }
    }
}
