import ServiceLifecycle

/// Runs a service with a task executor preference, so its tasks and their child tasks resume on that
/// executor's thread rather than waiting their turn on the global executor behind HTTP handlers.
///
/// A preference, not a pin: actors with executors of their own, and unstructured `Task {}`s the service
/// starts, run where they would anyway.
public struct PinnedService: Service, CustomStringConvertible {
    private let service: any Service
    private let executor: any TaskExecutor

    public init(_ service: any Service, on executor: any TaskExecutor) {
        self.service = service
        self.executor = executor
    }

    public func run() async throws {
        try await withTaskExecutorPreference(executor) { try await service.run() }
    }

    /// The wrapped service's name, for ServiceGroup's log lines.
    public var description: String { String(describing: service) }
}
