import Foundation
import Synchronization

/// A mapping in the configuration, read key by key. Every problem is recorded with its key path
/// rather than thrown, so a check lists them all; `finish()` reports the keys nobody read as unknown.
///
/// Strings may hold `${ENV_VAR}` references, replaced from the environment. Secrets must be such
/// references (`secret(_:)`), so no credential is ever written literally in a config file.
public final class ConfigSection: Sendable {
    public let path: String
    private let entries: [(key: String, value: ConfigValue)]
    private let environment: [String: String]
    private let sink: ProblemSink
    private let used = Mutex<Set<String>>([])

    /// Where the problems of a whole configuration collect.
    public final class ProblemSink: Sendable {
        private let problems = Mutex<[ConfigProblem]>([])
        public init() {}
        public func add(_ path: String, _ message: String) { problems.withLock { $0.append(ConfigProblem(path: path, message: message)) } }
        public var all: [ConfigProblem] { problems.withLock { $0 } }
    }

    public init(path: String, value: ConfigValue, environment: [String: String], sink: ProblemSink) {
        self.path = path
        self.environment = environment
        self.sink = sink
        switch value {
        case .map(let entries): self.entries = entries
        case .null: self.entries = []
        default:
            self.entries = []
            sink.add(path.isEmpty ? "(top)" : path, "must be a mapping of keys to values")
        }
    }

    public var problems: ProblemSink { sink }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Records a problem at `key` (for checks across several keys).
    public func problem(_ key: String?, _ message: String) { sink.add(key.map(keyPath) ?? (path.isEmpty ? "(top)" : path), message) }

    public func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    private func raw(_ key: String) -> ConfigValue? {
        used.withLock { _ = $0.insert(key) }
        guard let value = entries.first(where: { $0.key == key })?.value, value != .null else { return nil }
        return value
    }

    private func scalar(_ key: String) -> String? {
        guard let value = raw(key) else { return nil }
        guard case .scalar(let text) = value else {
            sink.add(keyPath(key), "must be a single value")
            return nil
        }
        return interpolate(text, at: keyPath(key))
    }

    /// A string; records "required" when missing and `required` is set.
    public func string(_ key: String, required: Bool = false) -> String? {
        let value = scalar(key)
        if value == nil, required { sink.add(keyPath(key), "required") }
        return value
    }

    public func string(_ key: String, default fallback: String) -> String { string(key) ?? fallback }

    /// One of a fixed set of strings.
    public func choice(_ key: String, of options: [String], default fallback: String) -> String {
        guard let value = string(key) else { return fallback }
        guard options.contains(value) else {
            sink.add(keyPath(key), "must be one of \(options.joined(separator: ", ")) (got \"\(value)\")")
            return fallback
        }
        return value
    }

    public func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let text = scalar(key) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            sink.add(keyPath(key), "must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(text)\")")
            return fallback
        }
        return value
    }

    public func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let text = scalar(key) else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            sink.add(keyPath(key), "must be true or false (got \"\(text)\")")
            return fallback
        }
    }

    /// A duration written `15s`, `5m`, `2h`, `1d` or `250ms`.
    public func duration(_ key: String, default fallback: Duration) -> Duration {
        guard let text = scalar(key) else { return fallback }
        guard let value = Self.parseDuration(text) else {
            sink.add(keyPath(key), "must be a duration like 15s, 5m, 2h (got \"\(text)\")")
            return fallback
        }
        return value
    }

    /// A list of strings (a single string is taken as a list of one).
    public func strings(_ key: String) -> [String] {
        guard let value = raw(key) else { return [] }
        switch value {
        case .scalar(let text): return [interpolate(text, at: keyPath(key))]
        case .list(let items):
            return items.enumerated().compactMap { index, item in
                guard case .scalar(let text) = item else {
                    sink.add("\(keyPath(key))[\(index)]", "must be a single value")
                    return nil
                }
                return interpolate(text, at: "\(keyPath(key))[\(index)]")
            }
        default:
            sink.add(keyPath(key), "must be a list of values")
            return []
        }
    }

    /// A secret: must be written as a `${ENV_VAR}` reference, and the variable must be set.
    public func secret(_ key: String, required: Bool = true) -> String? {
        guard let value = raw(key) else {
            if required { sink.add(keyPath(key), "required (as a ${ENV_VAR} reference)") }
            return nil
        }
        guard case .scalar(let text) = value else {
            sink.add(keyPath(key), "must be a ${ENV_VAR} reference")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("${"), trimmed.hasSuffix("}"), trimmed.count > 3 else {
            // Never echo the value: it may be a real credential pasted by mistake.
            sink.add(keyPath(key), "must be a ${ENV_VAR} reference, not a literal secret")
            return nil
        }
        let name = String(trimmed.dropFirst(2).dropLast())
        guard let resolved = environment[name], !resolved.isEmpty else {
            sink.add(keyPath(key), "environment variable \(name) is not set")
            return nil
        }
        return resolved
    }

    public func section(_ key: String) -> ConfigSection? {
        guard let value = raw(key) else { return nil }
        return ConfigSection(path: keyPath(key), value: value, environment: environment, sink: sink)
    }

    /// A list of mappings (`adapters:`), each a section at `key[i]`.
    public func sections(_ key: String) -> [ConfigSection] {
        guard let value = raw(key) else { return [] }
        guard case .list(let items) = value else {
            sink.add(keyPath(key), "must be a list")
            return []
        }
        return items.enumerated().map { index, item in
            ConfigSection(path: "\(keyPath(key))[\(index)]", value: item, environment: environment, sink: sink)
        }
    }

    /// Records every key present but never read as unknown. Call once all keys were read.
    public func finish() {
        let seen = used.withLock { $0 }
        let known = seen.sorted().joined(separator: ", ")
        for entry in entries where !seen.contains(entry.key) {
            sink.add(keyPath(entry.key), "unknown key" + (known.isEmpty ? "" : " (expected one of: \(known))"))
        }
    }

    private func interpolate(_ text: String, at path: String) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(rest[start.upperBound..<end])
            if let value = environment[name] { out += value } else { sink.add(path, "environment variable \(name) is not set") }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let value = Double(number), value >= 0, !(suffix == "m" && number.hasSuffix("m")) {
                return .milliseconds(Int64(value * seconds * 1000))
            }
        }
        return nil
    }
}
