import Dispatch
import Foundation
import Parallel
import Synchronization
import Testing
import TestSupport

/// `parallelParts` on its thread teams: every index exactly once, from one caller or many at once, and
/// after the helpers have parked.
@Suite struct ParallelTests {
    /// Counts how often each index was visited; parts write disjoint ranges, so plain stores suffice.
    private static func visits(count: Int, threads: Int) -> (visits: [Int], parts: Set<Int>) {
        var visits = [Int](repeating: 0, count: count)
        let parts = Mutex<Set<Int>>([])
        visits.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress
            parallelParts(count, threads: threads, work: count * parallelGrainWork) { part, range in
                parts.withLock { _ = $0.insert(part) }
                for index in range { base?[index] += 1 }
            }
        }
        return (visits, parts.withLock { $0 })
    }

    @Test(arguments: [(count: 1, threads: 4), (count: 7, threads: 2), (count: 1000, threads: 3), (count: 5, threads: 8)])
    func everyIndexRunsOnce(shape: (count: Int, threads: Int)) {
        let result = Self.visits(count: shape.count, threads: shape.threads)
        #expect(result.visits == [Int](repeating: 1, count: shape.count))
        #expect(result.parts == Set(0..<min(shape.count, shape.threads)))
    }

    @Test func smallJobsStayOnTheCallingThread() {
        var parts: [Int] = []
        parallelParts(100, threads: 2, work: parallelGrainWork - 1) { part, range in
            parts.append(part)
            #expect(range == 0..<100)
        }
        #expect(parts == [0])
    }

    @Test func concurrentCallersEachGetTheirOwnTeam() {
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 6) { caller in
            for round in 0..<200 {
                let count = 50 + caller * 7 + round % 13
                if Self.visits(count: count, threads: 2 + caller % 2).visits != [Int](repeating: 1, count: count) {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test func parkedHelpersWakeForTheNextRegion() {
        for _ in 0..<3 {
            #expect(Self.visits(count: 64, threads: 2).visits == [Int](repeating: 1, count: 64))
            usleep(UInt32(2 * threadTeamSpinNanoseconds / 1000))
        }
    }

    /// Parts a region started on this thread gets (`threads` asked, work plenty).
    private static func parts(threads: Int) -> Int {
        let parts = Mutex<Set<Int>>([])
        parallelParts(64, threads: threads, work: 64 * parallelGrainWork) { part, _ in
            parts.withLock { _ = $0.insert(part) }
        }
        return parts.withLock { $0.count }
    }

    @Test func aWorkerAloneUsesEveryCoreAndSharesThemUnderLoad() throws {
        let share = CoreShare(cores: 2)
        #expect(share.run { Self.parts(threads: 2) } == 2)
        // Another worker busy: this one's regions stay on its own thread.
        let otherStarted = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let other = Thread {
            share.run {
                otherStarted.signal()
                release.wait()
            }
        }
        other.start()
        otherStarted.wait()
        #expect(share.run { Self.parts(threads: 2) } == 1)
        release.signal()
        #expect(eventually(within: .seconds(5)) { share.run { Self.parts(threads: 2) } == 2 })
        // Outside a share, and with more cores than busy workers, nothing is capped.
        #expect(Self.parts(threads: 3) == 3)
        #expect(CoreShare(cores: 4).run { Self.parts(threads: 3) } == 3)
    }
}
