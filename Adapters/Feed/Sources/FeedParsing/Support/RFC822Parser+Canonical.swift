import Foundation

extension RFC822Parser {
    /// The common exact form `Www, DD Mmm YYYY HH:MM:SS ±hhmm` (or `GMT`, `UT`, `UTC`, `Z`),
    /// read straight from the bytes. `nil` means "not this form": the general parser
    /// then reads the text, and gives the same result for this form, only slower.
    static func parseCanonical(_ text: String) -> Date?? {
        var text = text
        return text.withUTF8 { bytes -> Date?? in
            var reader = CanonicalReader(bytes: bytes)
            return reader.read()
        }
    }
}

private struct CanonicalReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    private static let weekdays: [[UInt8]] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Array($0.utf8) }
    private static let months: [[UInt8]] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .map { Array($0.utf8) }

    mutating func read() -> Date?? {
        if position + 5 <= bytes.count, bytes[position + 3] == UInt8(ascii: ","), bytes[position + 4] == 0x20,
           Self.weekdays.contains(where: { matches($0) }) {
            position += 5
        }
        guard let day = number(minDigits: 1, maxDigits: 2), space(),
              let month = Self.months.firstIndex(where: { matches($0) }) else { return nil }
        position += 3
        guard space(), var year = number(minDigits: 4, maxDigits: 4), space(),
              let hour = number(minDigits: 2, maxDigits: 2), colon(),
              let minute = number(minDigits: 2, maxDigits: 2), colon(),
              let second = number(minDigits: 2, maxDigits: 2), space(),
              let offset = zone(), position == bytes.count else { return nil }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        return .some(FeedDate.instant(
            year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset))
    }

    private func matches(_ word: [UInt8]) -> Bool {
        guard position + word.count <= bytes.count else { return false }
        for (offset, byte) in word.enumerated() where bytes[position + offset] != byte { return false }
        return true
    }

    private mutating func space() -> Bool { skip(0x20) }
    private mutating func colon() -> Bool { skip(UInt8(ascii: ":")) }

    private mutating func skip(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
        var value = 0
        var digits = 0
        while digits < maxDigits, position < bytes.count, bytes[position].isASCIIDigit {
            value = value * 10 + Int(bytes[position] - 0x30)
            position += 1
            digits += 1
        }
        guard digits >= minDigits, position == bytes.count || !bytes[position].isASCIIDigit else { return nil }
        return value
    }

    /// `±hhmm` within the range the general parser accepts, or a UTC name.
    private mutating func zone() -> Int? {
        for name in ["GMT", "UTC", "UT", "Z"] where matches(Array(name.utf8)) && position + name.utf8.count == bytes.count {
            position = bytes.count
            return 0
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") else { return nil }
        let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
        position += 1
        guard let hhmm = number(minDigits: 4, maxDigits: 4) else { return nil }
        let hours = hhmm / 100, minutes = hhmm % 100
        guard hours <= 14, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
