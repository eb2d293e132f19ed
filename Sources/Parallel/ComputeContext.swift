/// How far one caller's parallel regions may spread: at most `threads` parts, and, inside a `CoreShare`,
/// no more than the cores its other busy workers leave free when the region starts. An argument rather
/// than thread state, so a region's cap is whatever its caller passed.
public struct ComputeContext: Sendable {
    /// Most parts one region is split into; also what per-thread scratch is sized for.
    public let threads: Int
    /// The cores this caller shares with other workers; nil: it owns the machine.
    @usableFromInline let share: CoreShare?

    /// `threads` parts at most, capped by no share (a training run, a benchmark, a test).
    package init(threads: Int) {
        self.init(threads: threads, share: nil)
    }

    /// Only `CoreShare.run` hands out a context with a share: its cap counts the caller as busy.
    init(threads: Int, share: CoreShare?) {
        self.threads = max(1, threads)
        self.share = share
    }

    /// One part: everything on the calling thread.
    package static let serial = ComputeContext(threads: 1)

    /// Parts for a region over `count` items and `work` units (see `parallelGrainWork`), decided now.
    @inlinable
    func parts(count: Int, work: Int) -> Int {
        let parts = min(threads, count, work / parallelGrainWork)
        guard parts > 1, let share else { return max(1, parts) }
        return min(parts, share.regionCap())
    }
}
