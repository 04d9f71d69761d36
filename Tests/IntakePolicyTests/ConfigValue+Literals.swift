import IntakeCore

// Config trees written as Swift literals, in the order YAML would give them.
// (Same package as IntakeCore, so not `@retroactive`; test-only, so no other module sees it.)
// Numbers and booleans are written as strings ("3", "true"), as YAML scalars are: integer literals
// here would slow type-checking of every arithmetic expression in the tests.
extension ConfigValue: ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .scalar(value) }
    public init(arrayLiteral elements: ConfigValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, ConfigValue)...) { self = .map(elements.map { (key: $0.0, value: $0.1) }) }
}

extension ConfigValue {
    /// This map with `key` set to `value` (replaced in place, or appended).
    func setting(_ key: String, _ value: ConfigValue) -> ConfigValue {
        guard case .map(var entries) = self else { return self }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key: key, value: value))
        }
        return .map(entries)
    }

    /// This map without `key`.
    func removing(_ key: String) -> ConfigValue {
        guard case .map(let entries) = self else { return self }
        return .map(entries.filter { $0.key != key })
    }

    /// The value at `key` of a map.
    subscript(key: String) -> ConfigValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// This map with the item at `index` of the list at `key` changed by `change`.
    func updating(_ key: String, at index: Int, _ change: (ConfigValue) -> ConfigValue) -> ConfigValue {
        guard case .list(var items) = self[key] else { return self }
        items[index] = change(items[index])
        return setting(key, .list(items))
    }
}
