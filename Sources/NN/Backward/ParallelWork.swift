import Dispatch
import Foundation

/// Splits training kernels over the machine's cores. The trainer is the only workload in its process, so it
/// uses every core (at most 16: beyond that the small training products stop scaling).
enum ParallelWork {
    static let threads: Int = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))

    /// Runs `body` for `0..<chunks`, concurrently when `chunks > 1`.
    static func run(chunks: Int, _ body: @Sendable (Int) -> Void) {
        if chunks <= 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
        }
    }
}

/// A pointer handed to parallel chunks that write disjoint parts of one buffer (or only read it); the
/// caller guarantees the buffer outlives the parallel region.
struct SharedPointer<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
}
