import Foundation

/// A fixed set of inference threads fed by a bounded FIFO queue.
///
/// Dispatch's global queues grow threads when work blocks, and a CPU-bound generator is exactly that kind
/// of work; a fixed pool keeps the machine at one busy thread per worker no matter the load, and the bound
/// turns overload into an immediate 503 instead of unbounded latency and memory.
package final class WorkerPool: @unchecked Sendable {
    /// What a job sees of the thread running it; per-worker scratch memory hangs off this.
    package struct Worker: Sendable {
        package let index: Int
    }

    package typealias Job = @Sendable (Worker) -> Void

    /// A queued job, how to tell that nobody waits for it any more (its client hung up), and what to do
    /// instead of running it when it is dropped for that.
    private struct Entry {
        let job: Job
        let isAbandoned: @Sendable () -> Bool
        let onDrop: @Sendable () -> Void
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Entry] = []
    private var head = 0
    private var busy = 0
    private var accepting = true
    private var liveThreads = 0

    package let workerCount: Int
    package let capacity: Int
    package init(workers: Int, queueDepth: Int) {
        precondition(workers > 0 && queueDepth >= 0, "worker count must be positive and queue depth non-negative")
        workerCount = workers
        capacity = queueDepth
        liveThreads = workers
        for index in 0..<workers {
            let thread = Thread { [self] in run(Worker(index: index)) }
            thread.name = "cartoonify-worker-\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Enqueues `job` unless `queueDepth` jobs already wait beyond the busy workers or the pool is shutting
    /// down; never blocks. When the queue is full, waiting jobs whose `isAbandoned` says so are dropped
    /// first (their `onDrop` runs instead, outside the lock), so clients that left keep no one out.
    package func submit(_ job: @escaping Job, isAbandoned: @escaping @Sendable () -> Bool = { false },
                        onDrop: @escaping @Sendable () -> Void = {}) -> Bool {
        condition.lock()
        var dropped: [Entry] = []
        if accepting, queue.count - head + busy >= workerCount + capacity {
            var kept: [Entry] = []
            for entry in queue[head...] {
                if entry.isAbandoned() { dropped.append(entry) } else { kept.append(entry) }
            }
            if !dropped.isEmpty {
                queue = kept
                head = 0
            }
        }
        let accepted = accepting && queue.count - head + busy < workerCount + capacity
        if accepted {
            queue.append(Entry(job: job, isAbandoned: isAbandoned, onDrop: onDrop))
            condition.signal()
        }
        condition.unlock()
        for entry in dropped { entry.onDrop() }
        return accepted
    }

    package var waiting: Int { condition.withLock { queue.count - head } }
    package var running: Int { condition.withLock { busy } }

    /// Stops taking work, lets every queued and running job finish, and joins the threads.
    /// Returns false if they were still busy at `deadline`.
    package func shutdown(deadline: ContinuousClock.Instant) -> Bool {
        condition.lock()
        accepting = false
        condition.broadcast()
        while liveThreads > 0 {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: remaining.seconds))
        }
        let drained = liveThreads == 0
        condition.unlock()
        return drained
    }

    private func run(_ worker: Worker) {
        while let job = next() {
            job(worker)
            finish()
        }
    }

    /// Blocks until there is a job, or returns nil once the pool is shut down and the queue is empty.
    private func next() -> Job? {
        condition.lock()
        while head == queue.count {
            if !accepting {
                liveThreads -= 1
                condition.broadcast()
                condition.unlock()
                return nil
            }
            condition.wait()
        }
        let job = queue[head].job
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        busy += 1
        condition.unlock()
        return job
    }

    private func finish() {
        condition.withLock { busy -= 1 }
    }
}

extension Duration {
    /// Seconds as a Double, for the Foundation APIs that still want one.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
