import AsyncHTTPClient
import Foundation
import IntakeCore

/// GitHub Issues: an issue per case whose body ends in a hidden `<!-- intake-key: … -->` marker (found
/// again by search before any create), later messages as comments, resolved and closed as closed.
public struct GitHubTracker: Tracker {
    let http: TrackerHTTP
    /// `owner/repo`.
    let repository: String
    let labels: [String]

    public init(http: TrackerHTTP, repository: String, labels: [String]) {
        self.http = http
        self.repository = repository
        self.labels = labels
    }

    public static func headers(token: String) -> [(String, String)] {
        [("Authorization", "Bearer \(token)"), ("Accept", "application/vnd.github+json"),
         ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "IntakeGateway")]
    }

    /// GitHub's rate limits answer 403 (or 429) with `Retry-After` or no requests left: try again later.
    public static let throttled: @Sendable (TrackerHTTP.Answer) -> Bool = { answer in
        answer.status == 403 && (answer.headers.first(name: "Retry-After") != nil || answer.headers.first(name: "x-ratelimit-remaining") == "0")
    }

    static func marker(_ key: String) -> String { "intake-key: \(key)" }

    public func find(_ draft: TicketDraft) async -> TrackerLookup {
        let query = "repo:\(repository) \"\(Self.marker(draft.key))\" in:body"
        switch await http.send(.GET, "/search/issues?q=\(FormEncoding.escape(query))&per_page=1").accepted(by: http) {
        case .failure(let result): return .failed(result)
        case .success(let answer):
            let items = (answer.json() as? [String: Any])?["items"] as? [[String: Any]] ?? []
            // Search matches words, not the exact phrase in every case: confirm the marker.
            let match = items.first { ($0["body"] as? String)?.contains(Self.marker(draft.key)) ?? false }
            return ((match?["number"] as? NSNumber)?.stringValue).map(TrackerLookup.found) ?? .notFound
        }
    }

    public func create(_ draft: TicketDraft) async -> DeliveryResult {
        let body = ([draft.text, ""] + draft.factLines.map { "- \($0)" } + ["", "<!-- \(Self.marker(draft.key)) -->"]).joined(separator: "\n")
        let issue: [String: Any] = ["title": draft.title, "body": body, "labels": labels + draft.tags + (draft.urgent ? ["urgent"] : [])]
        switch await http.send(.POST, "/repos/\(repository)/issues", body: .json(issue)).accepted(by: http) {
        case .failure(let result): return result
        case .success(let answer):
            guard let number = ((answer.json() as? [String: Any])?["number"] as? NSNumber)?.stringValue else {
                return .retry(reason: "GitHub answered \(answer.status) without an issue number", status: answer.status, after: nil)
            }
            return .done(remoteID: number)
        }
    }

    public func comment(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        let body = "**\(draft.author ?? draft.customer)** wrote on \(draft.channel):\n\n\(draft.text)"
        return await http.send(.POST, "/repos/\(repository)/issues/\(ticket)/comments", body: .json(["body": body])).done(by: http, remoteID: ticket)
    }

    public func setStatus(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        let state = draft.state == CaseState.open.rawValue ? "open" : "closed"
        return await http.send(.PATCH, "/repos/\(repository)/issues/\(ticket)", body: .json(["state": state])).done(by: http, remoteID: ticket)
    }
}
