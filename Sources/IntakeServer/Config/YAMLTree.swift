import IntakeCore
import Yams

/// Reads YAML text into a `ConfigValue` tree, keeping key order for messages.
enum YAMLTree {
    static func parse(_ text: String) throws -> ConfigValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigErrors(problems: [ConfigProblem(path: "(yaml)", message: "not valid YAML: \(error)")])
        }
        guard let node else { return .map([]) }
        return convert(node)
    }

    private static func convert(_ node: Node) -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            if (scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)) {
                return .null
            }
            return .scalar(scalar.string)
        case .sequence(let sequence):
            return .list(sequence.map(convert))
        case .mapping(let mapping):
            return .map(mapping.map { (key: $0.key.string ?? "\($0.key)", value: convert($0.value)) })
        case .alias:
            return .null
        }
    }
}
