import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cores several inference workers share. While a worker runs inside `run`, each of its parallel
/// regions takes at most the cores the other busy workers leave free (and at least its own): alone it
/// spreads over every core (lowest latency), under load every worker runs on one (best throughput, no
/// oversubscription). Regions decide when they start, so a request that began alone gives its second
/// core back as soon as another worker picks up work.
public final class CoreShare: Sendable {
    /// How busy workers divide the cores.
    public enum Policy: String, Sendable, CaseIterable {
        /// Each busy worker gets the cores the others leave free: under load, one core each.
        case spread
        /// One request at a time on every core; the other workers wait their turn. Wins for models whose
        /// working set fits the cores' caches only when split across them (the official 256 px model).
        case exclusive
    }

    public let cores: Int
    private let busy = Atomic<Int>(0)
    private let exclusive = Atomic<Bool>(false)
    /// Held around `run` in the exclusive policy.
    private let turn = TurnLock()

    public init(cores: Int, policy: Policy = .spread) {
        self.cores = max(1, cores)
        exclusive.store(policy == .exclusive, ordering: .relaxed)
    }

    /// Set once the model is loaded (from a calibration or the operator's choice); takes effect for the
    /// requests that start after it.
    public var policy: Policy {
        get { exclusive.load(ordering: .relaxed) ? .exclusive : .spread }
        set { exclusive.store(newValue == .exclusive, ordering: .relaxed) }
    }

    /// Runs `body` on the calling thread as one busy worker of this share.
    public func run<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let takesTurn = exclusive.load(ordering: .relaxed)
        if takesTurn { turn.lock() }
        defer { if takesTurn { turn.unlock() } }
        busy.add(1, ordering: .relaxed)
        let previous = pthread_getspecific(Self.key)
        pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
        defer {
            pthread_setspecific(Self.key, previous)
            busy.subtract(1, ordering: .relaxed)
        }
        return try body()
    }

    /// Cores a region started now on the calling thread may use: unlimited outside `run`.
    @usableFromInline
    static func regionCap() -> Int {
        guard let share = pthread_getspecific(key) else { return Int.max }
        let me = Unmanaged<CoreShare>.fromOpaque(share).takeUnretainedValue()
        // Exclusive: the turn is held, so this request is the only one running.
        if me.exclusive.load(ordering: .relaxed) { return me.cores }
        return max(1, me.cores - me.busy.load(ordering: .relaxed) + 1)
    }

    /// The calling thread's share while it is inside `run`.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
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
