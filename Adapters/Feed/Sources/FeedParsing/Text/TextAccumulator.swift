/// Builds plain text as UTF-8 bytes, collapsing whitespace and keeping at most one blank line.
///
/// Input must be valid UTF-8 split at scalar boundaries; whole scalars are kept or dropped,
/// so the output is valid UTF-8 too.
struct TextAccumulator {
    private var text: [UInt8] = []
    private var pendingSpace = false
    private var pendingBreaks = 0

    init(capacity: Int = 0) { text.reserveCapacity(capacity) }

    /// Appends character data (`bytes[range]`): whitespace runs collapse to one space;
    /// with `preformatted`, whitespace stays and line ends become line breaks.
    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, preformatted: Bool) {
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            let byte = bytes[index]
            if byte < 0x80 {
                if preformatted {
                    if byte == 0x0A || byte == 0x0D { lineBreak() } else { appendVisible(byte) }
                    index += 1
                } else if byte.isASCIIFeedWhitespace {
                    pendingSpace = true
                    index += 1
                } else {
                    // A run of visible ASCII goes in at once.
                    var runEnd = index + 1
                    while runEnd < end, bytes[runEnd] < 0x80, !bytes[runEnd].isASCIIFeedWhitespace { runEnd += 1 }
                    appendVisible(bytes, index..<runEnd)
                    index = runEnd
                }
            } else {
                let (scalar, length) = bytes.scalar(at: index)
                if !preformatted && scalar.properties.isWhitespace {
                    pendingSpace = true
                } else {
                    appendVisible(bytes, index..<(index + length))
                }
                index += length
            }
        }
    }

    /// Appends the text of a decoded character reference.
    mutating func appendText(_ string: String, preformatted: Bool) {
        var string = string
        string.withUTF8 { appendText($0, 0..<$0.count, preformatted: preformatted) }
    }

    mutating func lineBreak() { pendingBreaks = max(pendingBreaks, 1) }
    mutating func paragraphBreak() { pendingBreaks = 2 }

    @inline(__always) private mutating func flushPending() {
        if pendingBreaks == 0 && !pendingSpace { return }
        if !text.isEmpty {
            if pendingBreaks > 0 {
                while text.last == 0x20 { text.removeLast() }
                text.append(0x0A)
                if pendingBreaks > 1 { text.append(0x0A) }
            } else if pendingSpace {
                text.append(0x20)
            }
        }
        pendingBreaks = 0
        pendingSpace = false
    }

    private mutating func appendVisible(_ byte: UInt8) {
        flushPending()
        text.append(byte)
    }

    private mutating func appendVisible(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        flushPending()
        text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
    }

    func finish() -> String { String(decoding: text, as: UTF8.self) }
}
