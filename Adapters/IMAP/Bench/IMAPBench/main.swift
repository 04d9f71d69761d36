// imap-bench: fetches, decodes and stores every mail of one mailbox through the real path
// (IMAPAdapter -> PollingAdapterService -> CaseStream -> SQLiteCaseStore, durability full),
// then prints one RESULT line. Driven by bench/imap.sh, which also runs the Python baseline.
//
//   imap-bench --port 14143 --user ann --mailbox INBOX --db /tmp/x.sqlite [--max-bytes N] [--expect N]
//   (password from IMAP_BENCH_PASSWORD)
import Foundation
import IMAPAdapter
import IntakeCore
import IntakeStore
import Logging

func argument(_ name: String, default fallback: String? = nil) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: "--\(name)"), index + 1 < args.count { return args[index + 1] }
    guard let fallback else {
        FileHandle.standardError.write(Data("imap-bench: --\(name) is required\n".utf8))
        exit(2)
    }
    return fallback
}

/// Peak and current resident memory of this process, in MB.
func memory() -> (peak: Double, current: Double) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Double {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }
    return (field("VmHWM:"), field("VmRSS:"))
}

var logger = Logger(label: "imap-bench")
logger.logLevel = .error
let mailbox = argument("mailbox", default: "INBOX")
let server = IMAPServer(
    host: argument("host", default: "127.0.0.1"), port: Int(argument("port"))!, tls: .none,
    user: argument("user"), credential: .password(ProcessInfo.processInfo.environment["IMAP_BENCH_PASSWORD"] ?? ""))
let adapter = IMAPAdapter(name: "bench", configuration: .init(
    server: server, mailboxes: [mailbox], afterStore: .seen,
    limits: .init(maxBytes: Int(argument("max-bytes", default: String(25 * 1024 * 1024)))!)), logger: logger)
let store = try SQLiteCaseStore(path: argument("db"), durability: .full)
let stream = CaseStream(store: store, logger: logger)
let service = PollingAdapterService(adapter: adapter, stream: stream, store: store, health: AdapterHealth(), logger: logger)
let expected = Int(argument("expect", default: "0"))!
let before = memory()

let streamTask = Task { try await stream.run() }
let started = ContinuousClock.now
var stored = 0
while true {
    let count = try await service.pollOnce()
    stored += count
    if count == 0 || (expected > 0 && stored >= expected) { break }
}
let elapsed = ContinuousClock.now - started
stream.stopAccepting()
try await streamTask.value

let seconds = elapsed.timeInterval
var events = 0
var last: Int64 = 0
while true {
    let page = try await store.events(after: last, limit: 500)
    guard let end = page.last?.seq else { break }
    events += page.filter { $0.type == .messageReceived }.count
    last = end
}
let quarantined = try await store.quarantineCount()
let after = memory()
print(String(format: "RESULT mails=%d cased=%d quarantined=%d seconds=%.3f rate=%.1f rss_start_mb=%.1f peak_rss_mb=%.1f",
             stored, events, quarantined, seconds, Double(stored) / max(seconds, 1e-9), before.current, after.peak))
