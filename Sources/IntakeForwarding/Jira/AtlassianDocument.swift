/// Plain text as an Atlassian Document Format document (Jira Cloud v3 descriptions and comments):
/// one paragraph per non-empty line.
enum AtlassianDocument {
    static func from(_ text: String) -> [String: Any] {
        let paragraphs: [[String: Any]] = text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            ["type": "paragraph", "content": [["type": "text", "text": String(line)]]]
        }
        return ["type": "doc", "version": 1, "content": paragraphs.isEmpty ? [["type": "paragraph", "content": []]] : paragraphs]
    }
}
