import Dispatch

/// Carries non-Sendable values (raw pointers, a non-escaping body) into `concurrentPerform`, which is
/// synchronous: nothing outlives the call, and each part writes a disjoint range.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}

/// Splits `0..<count` into at most `threads` contiguous ranges and runs them concurrently.
///
/// Intra-op parallelism for one inference: the calling thread takes part, and Dispatch bounds the helper
/// threads by the core count, so `workers * threads` <= cores never oversubscribes the machine.
@inlinable
public func parallelRanges(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    parallelParts(count, threads: threads) { _, range in body(range) }
}

/// `parallelRanges` that also passes each range's part number (0 ..< min(threads, count)), so a part can
/// use its own slice of a shared scratch buffer.
@inlinable
public func parallelParts(_ count: Int, threads: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    let parts = max(1, min(threads, count))
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
