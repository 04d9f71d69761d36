import Foundation
import Synchronization

/// The last known state of every adapter, for `/readyz` detail and metrics.
public final class AdapterHealth: Sendable {
    /// One adapter's state.
    public enum Status: Sendable, Equatable {
        case starting
        case healthy
        /// Failing, with a message that carries no secret.
        case failing(String)
    }

    /// A snapshot row.
    public struct Entry: Sendable, Equatable {
        public var adapter: String
        public var status: Status
        public var since: Date
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    public func report(_ adapter: String, _ status: Status, at: Date = Date()) {
        entries.withLock { entries in
            if entries[adapter]?.status != status {
                entries[adapter] = Entry(adapter: adapter, status: status, since: at)
            }
        }
    }

    public func snapshot() -> [Entry] {
        entries.withLock { Array($0.values) }.sorted { $0.adapter < $1.adapter }
    }
}
