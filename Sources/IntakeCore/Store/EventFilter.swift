/// Which events of the log a reader wants, so that the store leaves the rest unread: those of some types,
/// less those whose data carries a mark (a message already judged as it was stored).
public struct EventFilter: Sendable, Equatable {
    public var types: Set<CaseEventType>
    /// Events whose data has this key with this value are left out.
    public var excludingKey: String?
    public var excludingValue: String?

    public init(types: Set<CaseEventType>, excludingKey: String? = nil, excludingValue: String? = nil) {
        self.types = types
        self.excludingKey = excludingKey
        self.excludingValue = excludingValue
    }
}

/// A window of the log read through a filter: the events kept, and the last sequence number the window
/// covered (the reader's position afterwards, whether or not an event there was kept).
public struct EventPage: Sendable, Equatable {
    public var events: [CaseEvent]
    public var readThrough: Int64

    public init(events: [CaseEvent], readThrough: Int64) {
        self.events = events
        self.readThrough = readThrough
    }
}
