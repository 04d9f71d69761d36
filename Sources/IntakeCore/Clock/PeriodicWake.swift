extension WallClock {
    /// Yields to `wake` every `interval` until the task is cancelled, then returns rather than throwing, so a
    /// service's idle poll ending at shutdown is not reported as the service failing.
    func wakePeriodically(_ wake: AsyncStream<Void>.Continuation, every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await sleep(for: interval)
            } catch {
                return
            }
            wake.yield()
        }
    }
}
