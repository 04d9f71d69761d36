import Synchronization

/// Records an outbox's answers in groups: every answer that arrives while one group is being written
/// goes into the next group's single transaction, so a busy outbox costs one commit per group rather
/// than one per delivery. The observer hears each group after it committed.
final class AttemptRecorder: Sendable {
    private struct State {
        var pending: [(attempt: DeliveryAttempt, waiter: CheckedContinuation<Void, any Error>)] = []
        var writing = false
    }

    private let store: any DeliveryStore
    private let observer: (any DeliveryObserver)?
    private let state = Mutex(State())

    init(store: any DeliveryStore, observer: (any DeliveryObserver)?) {
        self.store = store
        self.observer = observer
    }

    /// Returns once `attempt` is committed (so the delivery is not picked up again as due).
    func record(_ attempt: DeliveryAttempt) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let lead = state.withLock { state -> Bool in
                state.pending.append((attempt, waiter))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if lead { Task { await self.writeGroups() } }
        }
    }

    /// Writes groups until nothing is pending; only one runs at a time.
    private func writeGroups() async {
        while true {
            let group = state.withLock { state in
                let group = state.pending
                state.pending = []
                if group.isEmpty { state.writing = false }
                return group
            }
            if group.isEmpty { return }
            let attempts = group.map(\.attempt)
            do {
                try await store.recordAttempts(attempts)
            } catch {
                for item in group { item.waiter.resume(throwing: error) }
                continue
            }
            await observer?.attempted(attempts)
            for item in group { item.waiter.resume() }
        }
    }
}
