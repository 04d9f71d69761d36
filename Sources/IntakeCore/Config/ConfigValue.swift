/// A configuration tree as read from YAML, free of any YAML library.
public indirect enum ConfigValue: Sendable, Equatable {
    case null
    case scalar(String)
    case list([ConfigValue])
    case map([(key: String, value: ConfigValue)])

    public static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.scalar(let a), .scalar(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

/// One problem in a configuration, by key path (`adapters[1].mailbox: required`).
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible, Error {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Every problem found in a configuration; thrown when there is at least one.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public init(problems: [ConfigProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
