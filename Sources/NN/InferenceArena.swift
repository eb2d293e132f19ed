/// Activation memory for planned forward passes (`GeneratorPlan`), kept and reused across requests so a
/// steady-state inference allocates nothing but its output. One per worker: it is not thread-safe.
package final class InferenceArena {
    private var storage: UnsafeMutableBufferPointer<Float>

    package init() {
        storage = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    deinit {
        storage.deallocate()
    }

    /// Floats currently held.
    package var capacity: Int { storage.count }

    /// At least `count` floats, growing (and dropping the old contents) when needed.
    func memory(count: Int) -> UnsafeMutablePointer<Float> {
        if storage.count < count || storage.baseAddress == nil {
            storage.deallocate()
            storage = .allocate(capacity: max(count, 1))
            storage.initialize(repeating: 0)
        }
        guard let base = storage.baseAddress else { preconditionFailure("allocation returned no memory") }
        return base
    }
}
