import Dispatch
import Foundation
import Tensor

/// The backward products, split by rows of A and C over the cores (a training run owns the machine). Each
/// output row is still summed by one call of the engine's `gemm` in its own order, so results are identical
/// whatever the thread count and a resumed run reproduces bit for bit.
enum ParallelGEMM {
    static let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// `C (m x n) = A (m x k) · B (k x n)` (or `+=`), all row-major and dense, as `gemm`.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        // Rows in multiples of the GEMM's 4-row tile; small products are not worth a thread hop.
        let chunks = min(threads, (m + 3) / 4, max(1, m * n * k / 2_000_000))
        guard chunks > 1 else {
            gemm(m: m, n: n, k: k, a: a, b: b, c: c, accumulate: accumulate)
            return
        }
        let operands = Operands(a: a, b: b, c: c)
        let rowsPerChunk = ((m + chunks - 1) / chunks + 3) / 4 * 4
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let first = chunk * rowsPerChunk
            let rows = min(rowsPerChunk, m - first)
            guard rows > 0 else { return }
            gemm(m: rows, n: n, k: k, a: operands.a + first * k, b: operands.b,
                 c: operands.c + first * n, accumulate: accumulate)
        }
    }

    /// The operand pointers handed to the chunks: they read A and B and write disjoint rows of C, and the
    /// caller keeps all three alive until `concurrentPerform` returns.
    private struct Operands: @unchecked Sendable {
        let a: UnsafePointer<Float>
        let b: UnsafePointer<Float>
        let c: UnsafeMutablePointer<Float>
    }
}
