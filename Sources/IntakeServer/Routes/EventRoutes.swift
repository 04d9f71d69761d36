import Foundation
import HTTPTypes
import Hummingbird
import IntakeCore
import ServiceLifecycle

/// `/v1/events`: the case stream by sequence number, as pages and as a server-sent-events stream;
/// `?types=` narrows either to some event types (an on-call console follows `alert.*`).
struct EventRoutes {
    let store: any CaseStore
    let commits: CommitSignal
    /// How often an idle stream re-reads the log (catching writes from other processes) and sends a keep-alive.
    let idlePoll: Duration

    func mount(on table: RouteTable) {
        table.on("/v1/events", method: .get) { request, context in
            try context.require(.rep)
            let after = try request.intQuery("after", range: 0...Int64.max) ?? 0
            let limit = Int(try request.intQuery("limit", range: 1...1000) ?? 100)
            let types = Self.types(request)
            let events = try await store.events(after: after, limit: limit)
            return try .json(API.Page(items: events.filter { types?.contains($0.type.rawValue) ?? true }.map(API.EventBody.init),
                                      next: events.last.map { String($0.seq) }))
        }
        table.on("/v1/events/stream", method: .get) { request, context in
            try context.require(.rep)
            let start = try request.intQuery("after", range: 0...Int64.max)
                ?? request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0) } ?? 0
            let types = Self.types(request)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in try await stream(from: start, types: types, to: &writer) })
        }
    }

    /// `?types=alert.sent,alert.escalated`: only these event types (a console watching alerts); nil for all.
    static func types(_ request: Request) -> Set<String>? {
        guard let text = request.uri.queryParameters.get("types"), !text.isEmpty else { return nil }
        return Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    private func stream(from start: Int64, types: Set<String>?, to writer: inout any ResponseBodyWriter) async throws {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let commits = self.commits.subscribe()
        let idlePoll = self.idlePoll
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in commits { wake.yield() }
                wake.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: idlePoll)
                    wake.yield()
                }
            }
            defer { group.cancelAll() }
            var after = start
            try await writer.write(ByteBuffer(string: ": intake event stream\n\n"))
            try await withGracefulShutdownHandler {
                for await _ in wakeups {
                    while true {
                        let events = try await store.events(after: after, limit: 500)
                        for event in events {
                            after = event.seq
                            guard types?.contains(event.type.rawValue) ?? true else { continue }
                            let data = String(decoding: try API.encoder.encode(API.EventBody(event)), as: UTF8.self)
                            try await writer.write(ByteBuffer(string: "id: \(event.seq)\nevent: \(event.type.rawValue)\ndata: \(data)\n\n"))
                        }
                        if events.count < 500 { break }
                    }
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            } onGracefulShutdown: {
                wake.finish()
            }
            try await writer.finish(nil)
        }
    }
}
