import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import IntakeCore
import IntakeServer
import Logging
import Synchronization

/// `intake bench-page`: the call-first latency, from a message's 202 to the first notifier request for
/// its case, at a fixed offered rate of urgent complaints; runs the whole gateway (SQLite, engine,
/// outboxes) against a local Twilio/Slack stand-in that answers at once. The same run's POST latency
/// is printed as the baseline.
struct BenchPage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-page", abstract: "Measure the latency from an urgent message's 202 to its first page.", shouldDisplay: false)

    @Option(help: "Offered rates in messages/s, comma-separated.") var rates = "100,1000"
    @Option(help: "Seconds per rate.") var seconds = 10
    @Option(help: "full or normal.") var durability = "full"
    @Option(help: "The share of messages that are urgent (1 in N when N > 1): the rest page nobody.") var urgentEvery = 1
    @Option(help: "How the on-call rep is paged, comma-separated (voice, sms, slack).") var methods = "voice,sms,slack"
    @Flag(help: "Keep each run's data directory (to inspect the database).") var keepData = false

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let pages = FirstPages()
        let (server, stubPort) = try await startStub(pages: pages, logger: logger)
        defer { server.cancel() }
        print("bench-page: complaints through POST /v1/messages; urgent ones page by \(methods) a local stand-in; durability \(durability)")
        for rate in rates.split(separator: ",").compactMap({ Int($0) }) {
            pages.reset()
            try await measure(rate: rate, stubPort: stubPort, pages: pages, logger: logger)
        }
    }

    /// One gateway, one rate: posts `rate × seconds` urgent complaints on schedule, then waits for their pages.
    func measure(rate: Int, stubPort: Int, pages: FirstPages, logger: Logger) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if keepData { print("    data kept in \(dir.path)") } else { try? FileManager.default.removeItem(at: dir) } }
        let token = "bench-admin-token-0123456789"
        let environment = ["INTAKE_ADMIN_TOKEN": token, "TW": "bench-twilio-token-0123456789", "SB": "xoxb-bench-0123456789", "SS": "bench-signing-0123456789"]
        let base = "http://127.0.0.1:\(stubPort)"
        let yaml = """
            server: {host: 127.0.0.1, max_body_bytes: 65536}
            storage: {durability: \(durability)}
            adapters: [{kind: generic, name: api}]
            notify:
              twilio: {account_sid: AC0123456789abcdef0123456789abcdef, auth_token: "${TW}", from: "+14155550100", base_url: "\(base)"}
              slack: {bot_token: "${SB}", signing_secret: "${SS}", base_url: "\(base)"}
            oncall:
              urgency: {keywords: [cancel]}
              people: [{name: bob, phone: "+14155550102", slack: U0BOB0001}]
              schedules: [{name: reps, time_zone: UTC, layers: [{participants: [bob], start: "2026-01-05", shift: weekly}]}]
              teams: [{name: support, escalation: [{schedules: [reps], methods: [\(methods)]}]}]
            """
        let config = try GatewayConfig.parse(yaml: yaml, environment: environment)
        let gateway = try await Gateway(config: config, dataDir: dir.path, port: 0, environment: environment, logger: logger)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await gateway.run(signals: []) { portContinuation.yield($0) } }
        var portIterator = ports.makeAsyncIterator()
        guard let port = await portIterator.next() else { throw ValidationError("the gateway did not start") }

        let client = LocalServer.client()
        let tally = PostTally()
        let total = rate * seconds
        let start = ContinuousClock.now
        let interval = Duration.seconds(1) / rate
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                try await Task.sleep(until: start + interval * index, clock: .continuous)
                group.addTask {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/messages")
                    request.method = .POST
                    request.headers.add(name: "Authorization", value: "Bearer \(token)")
                    request.headers.add(name: "Content-Type", value: "application/json")
                    let phone = String(format: "+1%03d555%04d", 201 + index / 10_000, index % 10_000)
                    let urgent = index % urgentEvery == 0
                    let text = urgent ? "Third time asking: cancel my order \(index) now." : "Where is my order \(index)?"
                    request.body = .bytes(.init(string: #"{"external_id":"r\#(rate)-\#(index)","channel":"sms","sender":{"name":"Customer \#(index)","phone":"\#(phone)"},"body":"\#(text)"}"#))
                    let sent = ContinuousClock.now
                    guard let response = try? await client.execute(request, timeout: .seconds(30)), response.status.code == 202,
                          let body = try? await response.body.collect(upTo: 1 << 16) else {
                        tally.failures.withLock { $0 += 1 }
                        return
                    }
                    let now = ContinuousClock.now
                    let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                    guard let reference = object?["case_id"] as? String else {
                        tally.failures.withLock { $0 += 1 }
                        return
                    }
                    if urgent { tally.accepted.withLock { $0[reference] = now } }
                    tally.postLatencies.withLock { $0.append((now - sent).timeInterval) }
                }
            }
            try await group.waitForAll()
        }
        let offeredFor = (ContinuousClock.now - start).timeInterval
        // Every accepted case's page arrives, or 30 s pass.
        let references = tally.accepted.withLock { Array($0.keys) }
        let deadline = ContinuousClock.now + .seconds(30)
        while pages.count(of: references) < references.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        var latencies: [Double] = []
        var early = 0
        for (reference, at) in tally.accepted.withLock({ $0 }) {
            guard let first = pages.first(reference) else { continue }
            let latency = (first - at).timeInterval
            if latency < 0 { early += 1 }
            latencies.append(max(0, latency))
        }
        let paged = latencies.count
        latencies.sort()
        let posts = tally.postLatencies.withLock { $0 }.sorted()
        func ms(_ values: [Double], _ p: Double) -> Double { values.isEmpty ? .nan : values[min(values.count - 1, Int(Double(values.count) * p))] * 1000 }
        print(String(format: "  %5d msg/s offered for %.1f s (1 in %d urgent): %d urgent accepted (%d failed), %d paged", rate, offeredFor,
                     urgentEvery, references.count, tally.failures.withLock { $0 }, paged))
        print(String(format: "    202 → first page: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d pages arrived before the client read its 202)",
                     ms(latencies, 0.5), ms(latencies, 0.99), (latencies.last ?? .nan) * 1000, early))
        print(String(format: "    baseline, the POST itself (send → 202): p50 %.1f ms, p99 %.1f ms; page p99 / POST p99 = %.2f",
                     ms(posts, 0.5), ms(posts, 0.99), ms(latencies, 0.99) / ms(posts, 0.99)))
        try await client.shutdown()
        await gateway.shutdown()
        _ = try? await running.value
    }

    /// A Twilio and Slack stand-in that answers at once and notes when each case's first page arrived.
    func startStub(pages: FirstPages, logger: Logger) async throws -> (Task<Void, any Error>, Int) {
        let router = Router()
        router.post("/2010-04-01/Accounts/{sid}/Messages.json") { request, _ -> Response in
            try await pages.note(request)
            return Self.json(201, #"{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}"#)
        }
        router.post("/2010-04-01/Accounts/{sid}/Calls.json") { request, _ -> Response in
            try await pages.note(request)
            return Self.json(201, #"{"sid":"CA0123456789abcdef0123456789abcdef","status":"queued"}"#)
        }
        router.post("/api/chat.postMessage") { request, _ -> Response in
            try await pages.note(request)
            return Self.json(200, #"{"ok":true,"channel":"D0BOB","ts":"1700000000.000100"}"#)
        }
        let (task, port) = await LocalServer.start(router, backlog: 4096, logger: logger)
        return (task, port)
    }

    static func json(_ status: Int, _ body: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: body)))
    }
}

/// What the load generator saw: when each case's 202 arrived, each POST's latency, the failures.
final class PostTally: Sendable {
    let accepted = Mutex<[String: ContinuousClock.Instant]>([:])
    let postLatencies = Mutex<[Double]>([])
    let failures = Mutex(0)
}

/// When the first page of each case (`C-123`, found in the page's text) reached the stand-in.
final class FirstPages: Sendable {
    private let arrivals = Mutex<[String: ContinuousClock.Instant]>([:])

    func note(_ request: Request) async throws {
        let now = ContinuousClock.now
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        let form = FormEncoding.parse(Data(body.readableBytesView)) ?? []
        let text = form.first("Body") ?? form.first("Twiml") ?? form.first("text") ?? ""
        guard let range = text.range(of: #"C-[0-9]+"#, options: .regularExpression) else { return }
        let reference = String(text[range])
        arrivals.withLock { if $0[reference] == nil { $0[reference] = now } }
    }

    func reset() { arrivals.withLock { $0 = [:] } }
    func first(_ reference: String) -> ContinuousClock.Instant? { arrivals.withLock { $0[reference] } }
    func count(of references: [String]) -> Int { arrivals.withLock { all in references.filter { all[$0] != nil }.count } }
}
