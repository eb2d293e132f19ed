import Dispatch
import Foundation
@testable import Parallel
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

    @Test func theExclusivePolicyRunsOneWorkerAtATimeOnEveryCore() {
        let share = CoreShare(cores: 2, policy: .exclusive)
        let inside = Atomic<Int>(0), most = Atomic<Int>(0), partsSeen = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            share.run {
                let now = inside.add(1, ordering: .relaxed).newValue
                most.max(now, ordering: .relaxed)
                let parts = Self.parts(threads: 2)
                partsSeen.withLock { $0.append(parts) }
                inside.subtract(1, ordering: .relaxed)
            }
        }
        #expect(most.load(ordering: .relaxed) == 1)
        #expect(partsSeen.withLock { $0 } == [2, 2, 2, 2, 2, 2])
        share.policy = .spread
        #expect(share.policy == .spread && share.run { Self.parts(threads: 2) } == 2)
    }
}

/// The CPU quota of a container, from cgroup files laid out as a test directory tree.
@Suite struct AvailableCoresTests {
    static func quota(_ membership: String, _ files: [String: String]) -> Int? {
        AvailableCores.cgroupQuota(membership: membership, root: "/cg") { files[$0] }
    }

    @Test func cgroupV2Quotas() {
        #expect(Self.quota("0::/\n", ["/cg/cpu.max": "200000 100000\n"]) == 2)
        #expect(Self.quota("0::/\n", ["/cg/cpu.max": "150000 100000\n"]) == 2)
        #expect(Self.quota("0::/kubepods/pod1\n", ["/cg/kubepods/pod1/cpu.max": "50000 100000"]) == 1)
        #expect(Self.quota("0::/\n", ["/cg/cpu.max": "max 100000\n"]) == nil)
        #expect(Self.quota("0::/\n", [:]) == nil)
    }

    @Test func cgroupV1Quotas() {
        let membership = "4:memory:/x\n2:cpu,cpuacct:/docker/abc\n0::/\n"
        #expect(Self.quota(membership, ["/cg/cpu,cpuacct/cpu.cfs_quota_us": "300000\n",
                                        "/cg/cpu,cpuacct/cpu.cfs_period_us": "100000\n"]) == 3)
        #expect(Self.quota(membership, ["/cg/cpu/docker/abc/cpu.cfs_quota_us": "-1",
                                        "/cg/cpu/docker/abc/cpu.cfs_period_us": "100000"]) == nil)
        #expect(Self.quota("1:cpu:/\n", ["/cg/cpu/cpu.cfs_quota_us": "250000", "/cg/cpu/cpu.cfs_period_us": "100000"]) == 3)
    }

    @Test func thisProcessHasAtLeastOneCore() {
        #expect(AvailableCores.count >= 1)
        #expect(AvailableCores.count <= max(1, ProcessInfo.processInfo.activeProcessorCount))
    }
}
