import Foundation
import GRDB

/// Copies the write-ahead log back into the database file from its own connection, so that the single
/// writer's commits rarely wait for a checkpoint's page writes and fsync.
///
/// The writer keeps a large `wal_autocheckpoint` as a backstop: it checkpoints only what this one has
/// not copied yet, and the log then restarts from its beginning instead of growing. (A checkpointer that
/// retries at once while the log is long does not get the log restarted under load: the writer commits
/// between any two of its checkpoints.)
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    /// Starts checkpointing the database at `path` every `interval` until deinitialized.
    init(path: String, interval: Duration) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        configuration.label = "wal-checkpointer"
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                // A passive checkpoint never blocks the writer or readers; a busy checkpointer retries next time.
                _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        }
    }

    deinit { task.cancel() }
}
