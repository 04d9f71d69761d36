import Foundation

/// Locates and loads the stalwart mail-parser corpus in `shared/corpora/mail` beside the repository.
enum CorpusFixtures {
    /// The corpus folder: `$MAIL_CORPUS_DIR`, else found by walking up from this file (symlinks
    /// resolved) to a folder that has `shared/corpora/mail` inside or beside it.
    static func mailDirectory(filePath: String = #filePath) -> URL? {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["MAIL_CORPUS_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            for relative in ["shared/corpora/mail", "../shared/corpora/mail"] {
                let candidate = directory.appendingPathComponent(relative).standardizedFileURL
                if manager.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                    return candidate
                }
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// The README's LF form: every CR byte removed.
    static func lfForm(_ raw: Data) -> Data {
        Data(raw.filter { $0 != 0x0D })
    }

    /// The README's CRLF form: every bare LF turned into CRLF.
    static func crlfForm(_ raw: Data) -> Data {
        var out = Data()
        out.reserveCapacity(raw.count + raw.count / 20)
        var previous: UInt8 = 0
        for byte in raw {
            if byte == 0x0A && previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return out
    }

    /// Words (letters and digits) of an HTML document's visible text, found independently of
    /// the library's converter: head, script and style dropped, tags removed, basic entities read.
    static func visibleWords(ofHTML html: String) -> [String] {
        var text = html
        for pattern in ["(?is)<head\\b.*?</head\\s*>", "(?is)<script\\b.*?</script\\s*>",
                        "(?is)<style\\b.*?</style\\s*>", "(?s)<!--.*?-->", "(?s)<[^>]*>"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""),
                                ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        return words(of: text)
    }

    static func words(of text: String) -> [String] {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// CRLF to LF, then trailing whitespace (spaces, tabs, newlines) removed.
    static func normalized(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                index += 1
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        while let last = out.last, [0x20, 0x09, 0x0A, 0x0D].contains(last) { out.removeLast() }
        bytes = out
        return String(decoding: bytes, as: UTF8.self)
    }
}
