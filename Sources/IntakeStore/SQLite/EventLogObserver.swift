import GRDB
import IntakeCore

/// Fires a `CommitSignal` after every transaction that appended to the event log, whoever wrote it
/// (ingest, a case update, the escalation engine, an acknowledgement), so readers of the log wake at once.
final class EventLogObserver: TransactionObserver, @unchecked Sendable {
    private let signal: CommitSignal
    /// Whether the open transaction inserted an event; touched only on the writer's queue.
    private var appended = false

    init(signal: CommitSignal) { self.signal = signal }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let table) = eventKind { return table == "events" }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) {
        appended = true
        stopObservingDatabaseChangesUntilNextTransaction()  // one insert says it all
    }

    func databaseDidCommit(_ db: Database) {
        guard appended else { return }
        appended = false
        signal.fire()
    }

    func databaseDidRollback(_ db: Database) { appended = false }
}

extension SQLiteCaseStore {
    /// Fires `signal` after every commit that appended events to the log.
    public func signalEventCommits(to signal: CommitSignal) {
        pool.add(transactionObserver: EventLogObserver(signal: signal), extent: .databaseLifetime)
    }
}
