/// `trimmingCharacters(in:)` for the character sets the parser trims with, without
/// Foundation: on Linux that call bridges every string through NSString and UTF-16.
///
/// The sets are Foundation's exactly (`CharacterSet.whitespaces` is general category Zs,
/// tab and U+200B; `.whitespacesAndNewlines` adds U+000A-U+000D, U+0085, U+2028 and
/// U+2029), so results are the same as before, scalar for scalar.
enum TrimmingSet {
    /// `CharacterSet.whitespaces`.
    case whitespaces
    /// `CharacterSet.whitespacesAndNewlines`.
    case whitespacesAndNewlines

    @inline(__always) func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            if value == 0x20 || value == 0x09 { return true }
            return self == .whitespacesAndNewlines && (0x0A...0x0D).contains(value)
        }
        switch value {
        case 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        case 0x85, 0x2028, 0x2029: return self == .whitespacesAndNewlines
        default: return false
        }
    }
}

extension String {
    /// The string without leading and trailing scalars of `set`, like Foundation's
    /// `trimmingCharacters(in:)` with the matching `CharacterSet`.
    func trimming(_ set: TrimmingSet) -> String {
        trimming { set.contains($0) }
    }

    /// The string without leading and trailing scalars for which `isTrimmed` holds.
    func trimming(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}
