import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cores several inference workers share. While a worker runs inside `run`, each parallel region of
/// the context it is handed takes at most the cores the other busy workers leave free (and at least its
/// own): alone it spreads over every core (lowest latency), under load every worker runs on one (best
/// throughput, no oversubscription). Regions decide when they start, so a request that began alone gives
/// its second core back as soon as another worker picks up work.
public final class CoreShare: Sendable {
    /// How busy workers divide the cores.
    package enum Policy: String, Sendable, CaseIterable {
        /// Each busy worker gets the cores the others leave free: under load, one core each.
        case spread
        /// One request at a time on every core; the other workers wait their turn. Wins for models whose
        /// working set fits the cores' caches only when split across them (the official 256 px model).
        case exclusive
    }

    package let cores: Int
    private let busy = Atomic<Int>(0)
    private let exclusive = Atomic<Bool>(false)
    /// Held around `run` in the exclusive policy.
    private let turn = TurnLock()

    package init(cores: Int, policy: Policy = .spread) {
        self.cores = max(1, cores)
        exclusive.store(policy == .exclusive, ordering: .relaxed)
    }

    /// Set once the model is loaded (from a calibration or the operator's choice); takes effect for the
    /// requests that start after it.
    package var policy: Policy {
        get { exclusive.load(ordering: .relaxed) ? .exclusive : .spread }
        set { exclusive.store(newValue == .exclusive, ordering: .relaxed) }
    }

    /// Runs `body` on the calling thread as one busy worker of this share, handing it the context whose
    /// regions take at most `threads` parts and no more than the cores this share leaves them.
    package func run<R, E: Error>(threads: Int, _ body: (ComputeContext) throws(E) -> R) throws(E) -> R {
        let takesTurn = exclusive.load(ordering: .relaxed)
        if takesTurn { turn.lock() }
        defer { if takesTurn { turn.unlock() } }
        busy.add(1, ordering: .relaxed)
        defer { busy.subtract(1, ordering: .relaxed) }
        return try body(ComputeContext(threads: threads, share: self))
    }

    /// Cores a region that a busy worker of this share starts now may use.
    @usableFromInline
    func regionCap() -> Int {
        // Exclusive: the turn is held, so this request is the only one running.
        if exclusive.load(ordering: .relaxed) { return cores }
        return max(1, cores - busy.load(ordering: .relaxed) + 1)
    }
}

/// A plain mutex that a thread may hold across a whole request (Synchronization's `Mutex` wants a closure
/// whose result can be sent, which a generic request result cannot promise).
final class TurnLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}
