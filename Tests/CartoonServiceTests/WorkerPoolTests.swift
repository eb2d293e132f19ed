import Foundation
import Synchronization
import Testing
@testable import CartoonService

@Suite struct WorkerPoolTests {
    @Test func runsJobsInSubmissionOrderOnOneWorker() {
        let pool = WorkerPool(workers: 1, queueDepth: 10)
        let order = Mutex<[Int]>([])
        for index in 0..<10 {
            #expect(pool.submit { _ in order.withLock { $0.append(index) } })
        }
        #expect(pool.shutdown(deadline: .now + .seconds(10)))
        #expect(order.withLock { $0 } == Array(0..<10))
    }

    @Test func refusesWorkBeyondWorkersPlusQueueDepth() {
        let pool = WorkerPool(workers: 2, queueDepth: 1)
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            #expect(pool.submit { _ in started.signal(); gate.wait() })
        }
        started.wait()
        started.wait()
        #expect(pool.submit { _ in })            // waits in the queue
        #expect(!pool.submit { _ in })           // one too many
        #expect(pool.waiting == 1 && pool.running == 2)
        gate.signal()
        gate.signal()
        #expect(pool.shutdown(deadline: .now + .seconds(10)))
    }

    @Test func abandonedJobsGiveUpTheirPlaceWhenTheQueueIsFull() {
        let pool = WorkerPool(workers: 1, queueDepth: 2)
        let gate = DispatchSemaphore(value: 0), started = DispatchSemaphore(value: 0)
        let ran = Mutex<[String]>([]), dropped = Mutex<[String]>([])
        let gone = Mutex(false)
        #expect(pool.submit { _ in started.signal(); gate.wait() })
        started.wait()
        func job(_ name: String, abandoned: @escaping @Sendable () -> Bool = { false }) -> Bool {
            pool.submit({ _ in ran.withLock { $0.append(name) } }, isAbandoned: abandoned,
                        onDrop: { dropped.withLock { $0.append(name) } })
        }
        #expect(job("left") { gone.withLock { $0 } })
        #expect(job("stays"))
        #expect(!job("refused"))                     // full, and nobody has left yet
        gone.withLock { $0 = true }
        #expect(job("after"))                        // "left" gives up its place
        #expect(dropped.withLock { $0 } == ["left"])
        #expect(pool.waiting == 2)
        gate.signal()
        #expect(pool.shutdown(deadline: .now + .seconds(10)))
        #expect(ran.withLock { $0 } == ["stays", "after"])
    }

    @Test func shutdownFinishesQueuedWorkThenRefusesMore() {
        let pool = WorkerPool(workers: 2, queueDepth: 8)
        let done = Mutex(0)
        for _ in 0..<8 {
            #expect(pool.submit { _ in Thread.sleep(forTimeInterval: 0.01); done.withLock { $0 += 1 } })
        }
        #expect(pool.shutdown(deadline: .now + .seconds(10)))
        #expect(done.withLock { $0 } == 8)
        #expect(!pool.submit { _ in })
    }

    @Test func shutdownReportsWorkStillRunningAtTheDeadline() {
        let pool = WorkerPool(workers: 1, queueDepth: 0)
        let gate = DispatchSemaphore(value: 0)
        #expect(pool.submit { _ in gate.wait() })
        #expect(!pool.shutdown(deadline: .now + .milliseconds(50)))
        gate.signal()
        #expect(pool.shutdown(deadline: .now + .seconds(10)))
    }
}
