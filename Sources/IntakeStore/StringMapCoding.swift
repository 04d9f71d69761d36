import Foundation
import IntakeCore

/// Compact text encodings for the small lists and maps stored in columns, cheap on the ingest path.
enum StringMapCoding {
    /// A string map as a JSON object with sorted keys.
    static func encode(_ map: [String: String]) -> String {
        if map.isEmpty { return "{}" }
        var out = "{"
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            appendJSONString(key, to: &out)
            out += ":"
            appendJSONString(map[key]!, to: &out)
        }
        return out + "}"
    }

    /// A `LIKE` pattern (escape character `\`) matching an encoded map that holds `key` with `value`.
    static func likePattern(key: String, value: String) -> String {
        var pair = ""
        appendJSONString(key, to: &pair)
        pair += ":"
        appendJSONString(value, to: &pair)
        var pattern = "%"
        for character in pair {
            if character == "%" || character == "_" || character == "\\" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }

    static func decode(_ text: String?) -> [String: String] {
        guard let text, text != "{}", let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object.compactMapValues { $0 as? String }
    }

    /// A list of strings, one a line (refs never contain line breaks; any that do are folded to spaces).
    static func encodeLines(_ values: [String]) -> String {
        values.map { $0.utf8.contains(10) ? String($0.map { $0 == "\n" ? " " : $0 }) : $0 }.joined(separator: "\n")
    }

    static func decodeLines(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    static func encodeIdentities(_ identities: [Identity]) -> String {
        encodeLines(identities.map { "\($0.kind.rawValue):\($0.value)" })
    }

    static func decodeIdentities(_ text: String?) -> [Identity] {
        decodeLines(text).compactMap { line in
            guard let colon = line.firstIndex(of: ":"), let kind = Identity.Kind(rawValue: String(line[..<colon])) else { return nil }
            return Identity(kind: kind, value: String(line[line.index(after: colon)...]))
        }
    }

    static func appendJSONString(_ value: String, to out: inout String) {
        out += "\""
        // Most values need no escaping: append them whole rather than a scalar at a time.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += value
            out += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension JSONEncoder {
    /// The encoder for JSON columns: dates as seconds, keys sorted for stable bytes.
    static let column: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
