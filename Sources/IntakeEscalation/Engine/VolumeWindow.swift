import Foundation

/// When recent messages arrived, for the volume rule: kept sorted and trimmed from the front as the window
/// moves on, so counting a message costs about the same with ten or a million in the window.
struct VolumeWindow: Sendable {
    /// Arrival times, oldest first; those before `start` have left the window.
    private var times: [Date]
    private var start = 0
    /// The last event counted: a message judged again is not counted twice.
    private(set) var lastSeq: Int64

    init(times: [Date], lastSeq: Int64) {
        self.times = times.sorted()
        self.lastSeq = lastSeq
    }

    /// Counts the message of event `seq` that arrived `at` (unless counted before), drops what arrived
    /// before `cutoff`, and returns how many are left.
    mutating func count(_ at: Date, seq: Int64, since cutoff: Date) -> Int {
        if seq > lastSeq {
            lastSeq = seq
            if let newest = times.last, at < newest {
                // A message can carry an older time than the ones before it (a source's own timestamp).
                var low = start, high = times.count
                while low < high {
                    let middle = (low + high) / 2
                    if times[middle] <= at { low = middle + 1 } else { high = middle }
                }
                times.insert(at, at: low)
            } else {
                times.append(at)
            }
        }
        while start < times.count, times[start] < cutoff { start += 1 }
        if start >= 1024, start * 2 >= times.count {
            times.removeFirst(start)
            start = 0
        }
        return times.count - start
    }
}
