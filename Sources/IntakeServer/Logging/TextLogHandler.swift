import Logging

/// The default text log handler: swift-log's `StreamLogHandler` output on stderr, with metadata kept as
/// given and formatted only when a line is written.
///
/// `StreamLogHandler` formats its metadata each time a key is set, and Hummingbird sets a request id on
/// every request's logger: that formatting cost about 1% of the gateway's CPU under load, for lines that
/// are almost never written (normal operation logs nothing above info per message).
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }
    private var output: StreamLogHandler

    public init(label: String) { output = .standardError(label: label) }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.metadata = metadata.merging(event.metadata ?? [:]) { $1 }
        output.log(event: event)
    }
}
