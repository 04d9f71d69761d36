import Synchronization

/// Whether the gateway takes traffic: false while starting and once shutdown began (`/readyz` answers 503).
public final class Readiness: Sendable {
    private let state = Mutex<(ready: Bool, reason: String?)>((false, "starting"))

    public init() {}

    public var isReady: Bool { state.withLock { $0.ready } }
    public var reason: String? { state.withLock { $0.reason } }

    public func markReady() { state.withLock { $0 = (true, nil) } }
    public func markNotReady(_ reason: String) { state.withLock { $0 = (false, reason) } }
}
