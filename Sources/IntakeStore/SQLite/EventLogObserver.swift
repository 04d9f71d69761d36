import GRDB
import IntakeCore

/// Fires a `CommitSignal` after every transaction that appended to the event log, whoever wrote it
/// (ingest, a case update, the escalation engine, an acknowledgement), so readers of the log wake at once.
///
/// It reads the log's last sequence number once per commit rather than watching each insert: event inserts
/// bind their values straight to SQLite (`DirectStatement`), which GRDB's change observation does not see,
/// and one small read per commit costs less than observing every event of a group.
final class EventLogObserver: TransactionObserver, @unchecked Sendable {
    private let signal: CommitSignal
    /// The log's last sequence number at the previous commit (-1 before the first), touched only on the
    /// writer's queue. The first commit always fires: one spare wake-up, which readers take as "look again".
    private var lastSeq: Int64 = -1

    init(signal: CommitSignal) { self.signal = signal }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidCommit(_ db: Database) {
        guard let seq = try? SQLiteCaseStore.latestSequence(db), seq > lastSeq else { return }
        lastSeq = seq
        signal.fire()
    }

    func databaseDidRollback(_ db: Database) {}
}

extension SQLiteCaseStore {
    /// Fires `signal` after every commit that appended events to the log.
    public func signalEventCommits(to signal: CommitSignal) {
        pool.add(transactionObserver: EventLogObserver(signal: signal), extent: .databaseLifetime)
    }
}
