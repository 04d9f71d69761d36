import Foundation

/// One server response: its text lines, and the literals (`{n}` and the n bytes after it) between them.
///
/// `* 5 FETCH (UID 5 BODY[] {1234}` + 1,234 bytes + `)` is `lines: ["* 5 FETCH (UID 5 BODY[] {1234}", ")"]`,
/// `literals: [.bytes(...)]`: `literals[i]` follows `lines[i]`.
struct IMAPServerResponse: Equatable {
    enum Literal: Equatable {
        case bytes(Data)
        /// Larger than the reader's limit: its bytes were read and dropped.
        case dropped(size: Int)
    }

    var lines: [String] = []
    var literals: [Literal] = []

    /// The text with each literal replaced by its `{n}` marker, as one line.
    var text: String { lines.joined() }
}

/// Cuts the byte stream of an IMAP connection into responses (RFC 3501 §4.3: a line may end in `{n}`,
/// and then n bytes of literal come before the line goes on).
///
/// Incremental: `append` what the socket gave, then take `next()` until it says more bytes are needed.
/// A literal over `literalLimit` is not kept, so a server that sends a huge one cannot fill memory.
struct IMAPResponseReader {
    private var buffer: [UInt8] = []
    private var start = 0
    private var partial = IMAPServerResponse()
    /// Inside a literal of `literalSize` bytes, `literalLeft` still to come: kept when `keeping`, else
    /// dropped as they arrive.
    private var inLiteral = false
    private var literalSize = 0
    private var literalLeft = 0
    private var keeping = true
    private var kept = Data()
    var literalLimit: Int
    /// A line (outside literals) longer than this is a broken server, not a response.
    let lineLimit: Int

    init(literalLimit: Int, lineLimit: Int = 8 * 1024 * 1024) {
        self.literalLimit = literalLimit
        self.lineLimit = lineLimit
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole response, nil when more bytes are needed.
    mutating func next() throws -> IMAPServerResponse? {
        while true {
            if inLiteral {
                guard takeLiteral() else { return nil }
                continue
            }
            guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.count - start > lineLimit { throw IMAPError.unexpected("the IMAP server sent a line over \(lineLimit) bytes") }
                return nil
            }
            var end = newline
            if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: buffer[start..<end], as: UTF8.self)
            start = newline + 1
            let continues = !partial.lines.isEmpty
            partial.lines.append(line)
            if continues || Self.mayCarryLiterals(line), let size = Self.literalMarker(line) {
                inLiteral = true
                literalSize = size
                literalLeft = size
                keeping = size <= literalLimit
                if keeping { kept.reserveCapacity(size) }
                continue
            }
            defer { partial = IMAPServerResponse() }
            return partial
        }
    }

    /// Moves literal bytes from the buffer; true once the literal is complete.
    private mutating func takeLiteral() -> Bool {
        let available = min(literalLeft, buffer.count - start)
        if keeping { kept.append(contentsOf: buffer[start..<start + available]) }
        start += available
        literalLeft -= available
        guard literalLeft == 0 else { return false }
        partial.literals.append(keeping ? .bytes(kept) : .dropped(size: literalSize))
        kept = Data()
        inLiteral = false
        return true
    }

    /// Only untagged data (`* 4 FETCH ...`, `* LIST ...`) carries literals; a tagged completion and
    /// `* OK|NO|BAD|BYE|PREAUTH` end in free text, which may end in `{5}` without meaning one.
    static func mayCarryLiterals(_ line: String) -> Bool {
        guard line.hasPrefix("* ") else { return false }
        let word = line.dropFirst(2).prefix(while: { $0 != " " }).uppercased()
        return !["OK", "NO", "BAD", "BYE", "PREAUTH"].contains(word)
    }

    /// `{123}` or `{123+}` (LITERAL+) at the end of a line.
    static func literalMarker(_ line: String) -> Int? {
        guard line.hasSuffix("}"), let open = line.lastIndex(of: "{") else { return nil }
        var digits = line[line.index(after: open)..<line.index(before: line.endIndex)]
        if digits.hasSuffix("+") { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }
}
