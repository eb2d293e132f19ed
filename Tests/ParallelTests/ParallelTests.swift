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
            parallelParts(count, context: ComputeContext(threads: threads), work: count * parallelGrainWork) { part, range in
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
        parallelParts(100, context: ComputeContext(threads: 2), work: parallelGrainWork - 1) { part, range in
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

    /// Parts a region started now on `context` gets (work plenty).
    private static func parts(_ context: ComputeContext) -> Int {
        let parts = Mutex<Set<Int>>([])
        parallelParts(64, context: context, work: 64 * parallelGrainWork) { part, _ in
            parts.withLock { _ = $0.insert(part) }
        }
        return parts.withLock { $0.count }
    }

    @Test func aWorkerAloneUsesEveryCoreAndSharesThemUnderLoad() throws {
        let share = CoreShare(cores: 2)
        #expect(share.run(threads: 2) { Self.parts($0) } == 2)
        // Another worker busy: this one's regions stay on its own thread.
        let otherStarted = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let other = Thread {
            share.run(threads: 1) { _ in
                otherStarted.signal()
                release.wait()
            }
        }
        other.start()
        otherStarted.wait()
        #expect(share.run(threads: 2) { Self.parts($0) } == 1)
        release.signal()
        #expect(eventually(within: .seconds(5)) { share.run(threads: 2) { Self.parts($0) } == 2 })
        // Outside a share, and with more cores than busy workers, nothing is capped.
        #expect(Self.parts(ComputeContext(threads: 3)) == 3)
        #expect(CoreShare(cores: 4).run(threads: 3) { Self.parts($0) } == 3)
    }

    @Test func theExclusivePolicyRunsOneWorkerAtATimeOnEveryCore() {
        let share = CoreShare(cores: 2, policy: .exclusive)
        let inside = Atomic<Int>(0), most = Atomic<Int>(0), partsSeen = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            share.run(threads: 2) { context in
                let now = inside.add(1, ordering: .relaxed).newValue
                most.max(now, ordering: .relaxed)
                let parts = Self.parts(context)
                partsSeen.withLock { $0.append(parts) }
                inside.subtract(1, ordering: .relaxed)
            }
        }
        #expect(most.load(ordering: .relaxed) == 1)
        #expect(partsSeen.withLock { $0 } == [2, 2, 2, 2, 2, 2])
        share.policy = .spread
        #expect(share.policy == .spread && share.run(threads: 2) { Self.parts($0) } == 2)
    }

    /// The cap is the context's, not the thread's: a context handed to another thread keeps its share's
    /// cap there, and the thread that ran the share caps nothing once it passes a context without one.
    @Test func aRegionIsCappedByTheShareOfTheContextItIsPassed() {
        let share = CoreShare(cores: 4)
        let othersStarted = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let others = (0..<2).map { _ in
            Thread {
                share.run(threads: 1) { _ in
                    othersStarted.signal()
                    release.wait()
                }
            }
        }
        others.forEach { $0.start() }
        others.forEach { _ in othersStarted.wait() }
        share.run(threads: 4) { context in
            // Two of four cores are busy elsewhere: this worker's regions get the other two.
            #expect(Self.parts(context) == 2)
            #expect(Self.parts(ComputeContext(threads: 4)) == 4)
            let elsewhere = Mutex<Int>(0), done = DispatchSemaphore(value: 0)
            Thread {
                elsewhere.withLock { $0 = Self.parts(context) }
                done.signal()
            }.start()
            done.wait()
            #expect(elsewhere.withLock { $0 } == 2)
        }
        release.signal()
        release.signal()
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
