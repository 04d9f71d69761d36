import Foundation
@testable import IntakeEscalation
import Testing

@Suite struct VolumeWindowTests {
    /// What the window counts, done the slow way: every time kept, dropped by value.
    struct Naive {
        var times: [Date]
        var lastSeq: Int64
        mutating func count(_ at: Date, seq: Int64, since cutoff: Date) -> Int {
            if seq > lastSeq {
                times.append(at)
                lastSeq = seq
            }
            times.removeAll { $0 < cutoff }
            return times.count
        }
    }

    @Test func countsAsKeepingEveryTimeWouldThroughLateTimesRepeatsAndCompaction() {
        var generator = SystemRandomNumberGenerator()
        let window: TimeInterval = 60
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let earlier = (0..<50).map { base.addingTimeInterval(-Double($0) * 7) }
        var fast = VolumeWindow(times: earlier, lastSeq: 100)
        var naive = Naive(times: earlier, lastSeq: 100)
        var clock = base
        var seq: Int64 = 100
        for step in 0..<20_000 {
            clock = clock.addingTimeInterval(Double.random(in: 0...0.2, using: &generator))
            // Now and then a message with an older time of its own, and now and then one offered again.
            let at = step % 97 == 0 ? clock.addingTimeInterval(-Double.random(in: 0...90, using: &generator)) : clock
            let offered = step % 89 == 0 ? seq - 3 : { seq += 1; return seq }()
            let cutoff = at.addingTimeInterval(-window)
            let expected = naive.count(at, seq: offered, since: cutoff)
            let counted = fast.count(at, seq: offered, since: cutoff)
            guard counted == expected else {
                Issue.record("step \(step): counted \(counted), expected \(expected)")
                return
            }
        }
        // About 600 messages in a window over 20,000 steps: the window was compacted many times (at 1,024 dropped).
        #expect(naive.times.count > 300)
    }
}
