import Dispatch

/// Runs blocking libcurl work off Swift's cooperative pool, one job at a time.
///
/// Every job of one adapter goes through its serial queue, so a curl handle created in a job is
/// used by one thread at a time and never concurrently.
struct CurlQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .utility)
    }

    func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try job() })
            }
        }
    }
}
