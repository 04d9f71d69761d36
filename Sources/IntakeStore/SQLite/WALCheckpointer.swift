import Foundation
import GRDB

/// Copies the write-ahead log back into the database file from its own connection, and writes the copied
/// pages to disk, so that the single writer's commits rarely wait for a checkpoint's page writes and fsync.
///
/// The writer keeps a large `wal_autocheckpoint` as a backstop: it checkpoints only what this one has
/// not copied yet, and the log then restarts from its beginning instead of growing. (A checkpointer that
/// retries at once while the log is long does not get the log restarted under load: the writer commits
/// between any two of its checkpoints.)
///
/// SQLite syncs the database file only after a checkpoint that reached the end of the log. Under load
/// that is the writer's own restart alone, whose sync then wrote every page copied since the previous
/// restart: a 20 to 65 ms stall every second or two, growing with the database, which set the ingest
/// benchmark's p99 (21 to 36 ms). Syncing after each pass here, outside any SQLite lock, leaves the
/// restart a few pages to write (p99 12 to 14 ms, measured the same way).
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    /// Starts checkpointing the database at `path` every `interval` until deinitialized.
    init(path: String, interval: Duration) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        configuration.label = "wal-checkpointer"
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let database = DatabaseFile(path: path)
        task = Task.detached(priority: .utility) {
            var backfilled = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                // A passive checkpoint never blocks the writer or readers; a busy checkpointer retries next time.
                guard let pass = try? await connection.writeWithoutTransaction({ db in try db.checkpoint(.passive) }) else { continue }
                // Frames copied into the database so far in this log (it counts from 0 again after a restart).
                if pass.checkpointedFrameCount > 0, pass.checkpointedFrameCount != backfilled { database.sync() }
                backfilled = pass.checkpointedFrameCount
            }
        }
    }

    deinit { task.cancel() }
}

/// The database file opened for syncing alone: `fdatasync` writes the file's dirty pages whichever
/// descriptor wrote them.
private final class DatabaseFile: Sendable {
    private let descriptor: Int32

    init(path: String) { descriptor = open(path, O_RDONLY | O_CLOEXEC) }

    func sync() { if descriptor >= 0 { _ = fdatasync(descriptor) } }

    deinit { if descriptor >= 0 { close(descriptor) } }
}
