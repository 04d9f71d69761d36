import Foundation

/// The fields the corpus test compares, read from one mail-parser JSON dump.
struct CorpusExpectation {
    enum Body: Equatable {
        case none
        case text(String)
        case html(String)
        case other(String)
    }

    var subject: String?
    var fromName: String?
    var fromAddress: String?
    var firstTextBody: Body

    init(json data: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let parts = root["parts"] as? [[String: Any]], let message = parts.first else {
            throw CorpusError.shape("no parts[0]")
        }
        let headers = message["headers"] as? [[String: Any]] ?? []
        for header in headers {
            guard let name = header["name"] as? String else { continue }
            if name == "subject", subject == nil {
                subject = Self.text(header["value"])
            } else if name == "from", fromName == nil, fromAddress == nil {
                let first = Self.firstAddress(header["value"])
                fromName = first?["name"] as? String
                fromAddress = first?["address"] as? String
            }
        }
        let textIndexes = root["text_body"] as? [Int] ?? []
        guard let first = textIndexes.first, first < parts.count else {
            firstTextBody = .none
            return
        }
        let body = parts[first]["body"]
        if let body = body as? [String: Any] {
            if let text = body["Text"] as? String { firstTextBody = .text(text) }
            else if let html = body["Html"] as? String { firstTextBody = .html(html) }
            else { firstTextBody = .other(body.keys.sorted().joined(separator: ",")) }
        } else {
            firstTextBody = .other(String(describing: body))
        }
    }

    private static func text(_ value: Any?) -> String? {
        if let dict = value as? [String: Any] {
            if let text = dict["Text"] as? String { return text }
            if let list = dict["TextList"] as? [String] { return list.joined(separator: " ") }
        }
        if let string = value as? String, string == "Empty" { return "" }
        return nil
    }

    private static func firstAddress(_ value: Any?) -> [String: Any]? {
        guard let dict = value as? [String: Any], let address = dict["Address"] as? [String: Any] else { return nil }
        if let list = address["List"] as? [[String: Any]] { return list.first }
        if let groups = address["Group"] as? [[String: Any]] {
            for group in groups {
                if let first = (group["addresses"] as? [[String: Any]])?.first { return first }
            }
        }
        return nil
    }
}

enum CorpusError: Error, CustomStringConvertible {
    case shape(String)
    case missingCorpus

    var description: String {
        switch self {
        case .shape(let detail): return "unexpected mail-parser JSON: \(detail)"
        case .missingCorpus:
            return "shared/corpora/mail not found beside the repository (set MAIL_CORPUS_DIR to override)"
        }
    }
}
