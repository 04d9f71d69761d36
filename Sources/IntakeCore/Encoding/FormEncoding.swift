import Foundation

/// Reads `application/x-www-form-urlencoded` bodies (SMS providers' webhooks), keeping repeated names and order.
public enum FormEncoding {
    /// The name-value pairs of a form body; nil when it is not valid percent-encoding or not UTF-8.
    public static func parse(_ body: Data) -> [(name: String, value: String)]? {
        guard let text = String(data: body, encoding: .utf8) else { return nil }
        var pairs: [(name: String, value: String)] = []
        for field in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func decode(_ component: Substring) -> String? {
        component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

extension Array where Element == (name: String, value: String) {
    /// The first value of a form field.
    public func first(_ name: String) -> String? { first { $0.name == name }?.value }
}
