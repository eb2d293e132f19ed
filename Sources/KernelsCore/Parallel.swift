import Dispatch

/// Carries non-Sendable values (raw pointers, a non-escaping body) into `concurrentPerform`, which is
/// synchronous: nothing outlives the call, and each part writes a disjoint range.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}

/// Work below which a part is not worth waking a second thread: a parked Dispatch worker takes ~15-20 us
/// to start, the time of ~100k floats of streaming work or ~2M multiply-adds (counted as 1/16 each).
public let parallelGrainWork = 1 << 17

/// Splits `0..<count` into at most `threads` contiguous ranges and runs them concurrently; `work` is
/// the whole job's size (same units as `parallelGrainWork`), so small jobs stay on the calling thread.
///
/// Intra-op parallelism for one inference: the calling thread takes part, and Dispatch bounds the helper
/// threads by the core count, so `workers * threads` <= cores never oversubscribes the machine.
@inlinable
public func parallelRanges(_ count: Int, threads: Int, work: Int, _ body: (Range<Int>) -> Void) {
    parallelParts(count, threads: threads, work: work) { _, range in body(range) }
}

/// `parallelRanges` that also passes each range's part number (0 ..< the number of parts), so a part
/// can use its own slice of a shared scratch buffer.
@inlinable
public func parallelParts(_ count: Int, threads: Int, work: Int,
                          _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    let parts = max(1, min(threads, count, work / parallelGrainWork))
    if parts == 1 {
        body(0, 0..<count)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            box.value(part, count * part / parts ..< count * (part + 1) / parts)
        }
    }
}
