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
    public let cores: Int
    private let busy = Atomic<Int>(0)

    public init(cores: Int) {
        self.cores = max(1, cores)
    }

    /// Runs `body` on the calling thread as one busy worker of this share.
    public func run<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
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
        return max(1, me.cores - me.busy.load(ordering: .relaxed) + 1)
    }

    /// The calling thread's share while it is inside `run`.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
