import Foundation

/// Reads and writes `application/x-www-form-urlencoded` bodies (SMS providers' webhooks and REST APIs), keeping repeated names and order.
///
/// Decodes bytes directly rather than through Foundation's string search and percent-decoding, which
/// cost more than the rest of a webhook's handling on Linux.
public enum FormEncoding {
    /// The name-value pairs of a form body; nil when it is not valid percent-encoding or not UTF-8.
    public static func parse(_ body: Data) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        var name: [UInt8] = []
        var current: [UInt8] = []
        var inValue = false
        var bytes = body.makeIterator()
        func finish() -> Bool {
            let value = current
            if !inValue { name = value }
            guard !name.isEmpty || inValue,
                  let decodedName = String(validating: name, as: UTF8.self),
                  let decodedValue = String(validating: inValue ? value : [], as: UTF8.self)
            else { return name.isEmpty && !inValue }
            pairs.append((decodedName, decodedValue))
            return true
        }
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "&"):
                guard finish() else { return nil }
                name = []
                current = []
                inValue = false
            case UInt8(ascii: "=") where !inValue:
                name = current
                current = []
                inValue = true
            case UInt8(ascii: "+"):
                current.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return nil }
                current.append(high << 4 | low)
            default:
                current.append(byte)
            }
        }
        guard finish() else { return nil }
        return pairs
    }

    /// Encodes pairs as a form body (RFC 3986 unreserved characters kept, space as `%20`).
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    /// Percent-encodes everything but the unreserved characters (also for URL query values), byte by
    /// byte over UTF-8 (Foundation's `addingPercentEncoding` bridges through `NSString` on Linux).
    public static func escape(_ text: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Array where Element == (name: String, value: String) {
    /// The first value of a form field.
    public func first(_ name: String) -> String? { first { $0.name == name }?.value }
}
