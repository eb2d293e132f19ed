import Foundation

/// Decodes and augments batches on its own thread, `capacity` steps ahead of the training loop, so a step
/// never waits for JPEG decoding (a step takes far longer than decoding its images).
package final class BatchLoader: Sendable {
    private let channel: Channel

    /// Starts producing the batches of steps `start..<end`.
    package init(source: DataSource, steps: Range<Int>, capacity: Int = 4) {
        let channel = Channel(capacity: capacity)
        self.channel = channel
        let thread = Thread {
            let reader = ImageReader()
            var orders = OrderCache()
            for step in steps {
                let result: Result<TrainingBatch, TrainingError>
                do throws(TrainingError) {
                    result = .success(try source.batch(step: step, reader: reader, orders: &orders))
                } catch {
                    result = .failure(error)
                }
                guard channel.put(result) else { return }
                if case .failure = result { return }
            }
        }
        thread.name = "cartoonify-train data"
        thread.start()
    }

    deinit { channel.close() }

    /// The next batch in step order; blocks until it is ready.
    package func next() throws(TrainingError) -> TrainingBatch {
        try channel.take().get()
    }
}

/// A bounded queue between the producer thread and the training loop; every access holds the condition's lock.
private final class Channel: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Result<TrainingBatch, TrainingError>] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room; false once the consumer has gone (the producer then stops).
    func put(_ item: Result<TrainingBatch, TrainingError>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func take() -> Result<TrainingBatch, TrainingError> {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
