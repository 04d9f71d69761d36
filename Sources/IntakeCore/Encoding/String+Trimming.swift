extension StringProtocol {
    /// The string without leading and trailing white space and line breaks.
    ///
    /// Pure Swift: Foundation's `trimmingCharacters(in:)` bridges through `NSString` on Linux and was the
    /// largest single cost of normalizing a message. ASCII is checked without Unicode property lookups,
    /// and the result is one slice of the original (usually nothing to trim).
    public func trimmedWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Self.isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !Self.isWhitespace($0) })!
        return String(self[first..<scalars.index(after: last)])
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return value == 0x20 || (value >= 0x09 && value <= 0x0D)
        }
        return scalar.properties.isWhitespace
    }
}
