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

extension String {
    /// The string without leading and trailing whitespace (Unicode-aware, no Foundation).
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isFeedWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isFeedWhitespace })!
        return String(scalars[first...last])
    }
}
