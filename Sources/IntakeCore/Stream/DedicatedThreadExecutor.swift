import Foundation

/// A task executor with one thread of its own, for a loop that must resume the moment its awaited work
/// completes instead of queueing behind every request on the shared global executor.
///
/// `CaseStream` runs its commit loop on one, the gateway's call-first services on another. Keep
/// instances static: the thread never exits. Every job shares that one thread, so nothing run here may
/// block (a synchronous database call, a slow observer): it would hold up every task that prefers it.
public final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// Guards `jobs`; the thread waits on it while there is nothing to run.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    /// Starts the thread, which lives as long as the process: the executor is meant to be long-lived.
    public init(name: String) {
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        let executor = asUnownedTaskExecutor()
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
