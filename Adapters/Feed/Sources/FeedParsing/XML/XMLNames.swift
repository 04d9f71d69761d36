import CLibXML2

/// Compares libxml2's NUL-terminated UTF-8 names with Swift strings without copying them.
///
/// The result is the same as `String(cString:) == string`: bytes are compared first,
/// and only when the first difference involves a non-ASCII byte (where Swift's canonical
/// equivalence can make different bytes equal, as with U+212A KELVIN SIGN and `K`)
/// does the comparison go through a Swift string.
enum XMLNames {
    static func equals(_ cString: UnsafePointer<xmlChar>, _ string: String) -> Bool {
        if let result = string.utf8.withContiguousStorageIfAvailable({ equals(cString, $0, string) }) { return result }
        return slowEquals(cString, string)
    }

    @inline(__always)
    private static func equals(_ cString: UnsafePointer<xmlChar>, _ bytes: UnsafeBufferPointer<UInt8>, _ string: String) -> Bool {
        for position in 0..<bytes.count {
            let byte = bytes[position]
            let found = cString[position]
            if found != byte { return found < 0x80 && byte < 0x80 ? false : slowEquals(cString, string) }
            if byte == 0 { return false }  // String(cString:) never holds NUL
        }
        let found = cString[bytes.count]
        if found == 0 { return true }
        return found < 0x80 ? false : slowEquals(cString, string)
    }

    /// Where the first differing bytes are both ASCII (or one string ends on ASCII), the
    /// strings differ: an ASCII scalar is a starter that decomposes to itself, so the
    /// canonical decompositions differ at the same place. Anything else asks Swift.
    private static func slowEquals(_ cString: UnsafePointer<xmlChar>, _ string: String) -> Bool {
        String(cString: cString) == string
    }

    /// Whether a namespace (`nil`: none) is in `namespaces`, as `namespaces.contains(href)`.
    static func namespace(_ ns: xmlNsPtr?, isIn namespaces: Set<String?>) -> Bool {
        guard let href = ns?.pointee.href else { return namespaces.contains(nil) }
        for candidate in namespaces {
            if let candidate, equals(href, candidate) { return true }
        }
        return false
    }

    /// Whether a namespace (`nil`: none) is `uri`, as `href.map(String.init(cString:)) == uri`.
    static func namespace(_ ns: xmlNsPtr?, is uri: String?) -> Bool {
        guard let href = ns?.pointee.href else { return uri == nil }
        guard let uri else { return false }
        return equals(href, uri)
    }
}
