extension Unicode.Scalar {
    /// `properties.isWhitespace` with an ASCII fast path (the property lookup dominates
    /// the cost of converting large HTML bodies otherwise).
    var isFeedWhitespace: Bool {
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        return properties.isWhitespace
    }

    /// `properties.isAlphabetic` with an ASCII fast path.
    var isFeedLetter: Bool {
        if value < 0x80 { return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
        return properties.isAlphabetic
    }
}

extension UInt8 {
    /// ASCII whitespace as `Unicode.Scalar.isFeedWhitespace` defines it (space, tab to CR).
    @inline(__always) var isASCIIFeedWhitespace: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
    /// An ASCII letter.
    @inline(__always) var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    /// An ASCII digit.
    @inline(__always) var isASCIIDigit: Bool { (0x30...0x39).contains(self) }
    /// The byte with A-Z folded to a-z.
    @inline(__always) var asciiLowercased: UInt8 { (0x41...0x5A).contains(self) ? self + 32 : self }
}

extension UnsafeBufferPointer<UInt8> {
    /// The scalar whose UTF-8 encoding starts at `index` and its length in bytes. The
    /// buffer must hold valid UTF-8 (a Swift string's) and `index` a scalar boundary.
    @inline(__always) func scalar(at index: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let lead = self[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        var value: UInt32
        let length: Int
        if lead < 0xE0 {
            value = UInt32(lead & 0x1F)
            length = 2
        } else if lead < 0xF0 {
            value = UInt32(lead & 0x0F)
            length = 3
        } else {
            value = UInt32(lead & 0x07)
            length = 4
        }
        for offset in 1..<length { value = value << 6 | UInt32(self[index + offset] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}

extension String {
    /// The string without leading and trailing whitespace (Unicode-aware, no Foundation).
    var trimmedWhitespace: String {
        // Fast path: nothing to trim when both ends are ASCII and not whitespace.
        let utf8 = self.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return self }
        if firstByte < 0x80, lastByte < 0x80, !firstByte.isASCIIFeedWhitespace, !lastByte.isASCIIFeedWhitespace {
            return self
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isFeedWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isFeedWhitespace })!
        return String(scalars[first...last])
    }
}
