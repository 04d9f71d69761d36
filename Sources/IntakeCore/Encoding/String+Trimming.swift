extension StringProtocol {
    /// The string without leading and trailing white space and line breaks.
    ///
    /// Pure Swift: Foundation's `trimmingCharacters(in:)` bridges through `NSString` on Linux and was the
    /// largest single cost of normalizing a message.
    public func trimmedWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        return String(trimmed)
    }
}
