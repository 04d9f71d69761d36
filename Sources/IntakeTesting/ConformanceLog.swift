import Foundation
import Logging
import Synchronization

/// Every log line written in the test process at any level, kept so the conformance kit can check that no
/// secret is in any of them: the core's lines about an adapter (its errors, retries, backoff) and the
/// adapter's own.
///
/// `install()` makes it the process's log handler (swift-log allows one bootstrap per process; the test
/// process has no other). Loggers record from trace up unless a level is set on them; lines still go to
/// standard error as before, at info and above (or at the level set), except the kit's own, which are never
/// printed. Loggers made before the install keep the handler they were made with: make the adapter after
/// `install()` when it keeps a logger from its initializer.
public enum ConformanceLog {
    /// The label of the loggers the kit itself runs the core's services with.
    public static let kitLabel = "conformance"

    /// Installs the recording handler, once per process; later calls do nothing.
    public static func install() {
        _ = installed
    }

    /// A position in the recorded lines, to read what was logged after it.
    public static func mark() -> Int { recorder.withLock { $0.total } }

    /// The lines recorded since `mark`, or nil when some of them were dropped (more than `capacity` since).
    public static func lines(since mark: Int) -> [String]? {
        recorder.withLock { state in
            let dropped = state.total - state.lines.count
            guard mark >= dropped else { return nil }
            return Array(state.lines.dropFirst(mark - dropped))
        }
    }

    /// A logger for the kit's own use: recorded at every level, never printed.
    static func kitLogger() -> Logger {
        install()
        var logger = Logger(label: kitLabel)
        logger.logLevel = .trace
        return logger
    }

    static let capacity = 100_000

    private struct State {
        var lines: [String] = []
        var total = 0
    }

    private static let recorder = Mutex(State())

    private static let installed: Void = {
        LoggingSystem.bootstrap { label in
            RecordingLogHandler(label: label, forward: label == kitLabel ? nil : StreamLogHandler.standardError(label: label))
        }
    }()

    fileprivate static func record(_ line: String) {
        recorder.withLock { state in
            state.lines.append(line)
            state.total += 1
            if state.lines.count > capacity { state.lines.removeFirst(state.lines.count - capacity) }
        }
    }

    /// Records each line with its metadata, then hands it to `forward` (standard error) when there is one
    /// and the line is at `printLevel` or above.
    private struct RecordingLogHandler: LogHandler {
        let label: String
        var forward: StreamLogHandler?
        var metadata: Logger.Metadata = [:]
        /// What the logger passes on: everything, unless a level was set on it.
        var logLevel: Logger.Level = .trace {
            didSet { printLevel = logLevel }
        }
        /// What is printed: info and above, as swift-log's default handler does, or the level set.
        private var printLevel: Logger.Level = .info

        init(label: String, forward: StreamLogHandler?) {
            self.label = label
            self.forward = forward
            self.forward?.logLevel = .trace
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set {
                metadata[key] = newValue
                forward?[metadataKey: key] = newValue
            }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            ConformanceLog.record("\(event.level) \(label): \(event.message) \(rendered)")
            if event.level >= printLevel { forward?.log(event: event) }
        }
    }
}
