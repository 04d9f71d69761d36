import Foundation

/// The time source the gateway runs on: real in production, driven by hand in tests (`IntakeTesting.TestClock`).
public protocol WallClock: Sendable {
    func now() -> Date
    /// Suspends for `duration` of this clock's time; throws `CancellationError` when cancelled.
    func sleep(for duration: Duration) async throws
}

/// The system's clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
