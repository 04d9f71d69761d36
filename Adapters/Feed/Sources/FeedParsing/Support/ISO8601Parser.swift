import Foundation

/// ISO 8601 / RFC 3339 / W3C-DTF dates, including partial dates (`2003`, `2003-12`).
enum ISO8601Parser {
    static func parse(_ text: String) -> Date? {
        var cursor = Cursor(Array(text.utf8))
        guard let year = cursor.digits(exactly: 4) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, second = 0, nanosecond = 0, offset = 0
        let dashed = cursor.skip("-")
        if let value = cursor.digits(exactly: 2) {
            month = value
            if dashed ? cursor.skip("-") : true, let value = cursor.digits(exactly: 2) { day = value }
        }
        if cursor.skip("T") || cursor.skip("t") || cursor.skip(" ") {
            guard let h = cursor.digits(exactly: 2) else { return nil }
            hour = h
            let colon = cursor.skip(":")
            guard let m = cursor.digits(exactly: 2) else { return nil }
            minute = m
            if colon ? cursor.skip(":") : true, let s = cursor.digits(exactly: 2) {
                second = s
                if cursor.skip(".") || cursor.skip(",") {
                    let fraction = cursor.digitRun()
                    guard !fraction.isEmpty else { return nil }
                    let nine = (fraction + String(repeating: "0", count: 9)).prefix(9)
                    nanosecond = Int(nine) ?? 0
                }
            }
            cursor.skipSpaces()
            if cursor.skip("Z") || cursor.skip("z") {
                offset = 0
            } else if let sign = cursor.sign() {
                guard let zoneHours = cursor.digits(exactly: 2) else { return nil }
                _ = cursor.skip(":")
                let zoneMinutes = cursor.digits(exactly: 2) ?? 0
                offset = sign * (zoneHours * 3600 + zoneMinutes * 60)
            }
        }
        cursor.skipSpaces()
        guard cursor.atEnd else { return nil }
        return FeedDate.instant(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            nanosecond: nanosecond, offsetSeconds: offset)
    }

    /// A position in ASCII bytes.
    private struct Cursor {
        let bytes: [UInt8]
        var position = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        mutating func skip(_ character: Character) -> Bool {
            guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
            position += 1
            return true
        }

        mutating func skipSpaces() { while position < bytes.count, bytes[position] == 0x20 { position += 1 } }

        mutating func digits(exactly count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + count)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            position += count
            return value
        }

        mutating func digitRun() -> String {
            let start = position
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
