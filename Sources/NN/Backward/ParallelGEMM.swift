import Dispatch
import Foundation
import Tensor

/// The backward products, split by rows of A and C over the cores (a training run owns the machine). Each
/// output row is still summed by one call of the engine's `gemm` in its own order, so results are identical
/// whatever the thread count and a resumed run reproduces bit for bit.
enum ParallelGEMM {
    static let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// `C (m x n) = A (m x k) · B (k x n)` (or `+=`), row-major with leading dimensions, as `gemm`.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        // Rows in multiples of 4 (whole register tiles); small products are not worth a thread hop.
        let chunks = min(threads, (m + 3) / 4, max(1, m * n * k / 2_000_000))
        guard chunks > 1 else {
            gemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
            return
        }
        let operands = Operands(a: a, b: b, c: c)
        let rowsPerChunk = ((m + chunks - 1) / chunks + 3) / 4 * 4
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let first = chunk * rowsPerChunk
            let rows = min(rowsPerChunk, m - first)
            guard rows > 0 else { return }
            gemm(m: rows, n: n, k: k, a: operands.a + first * lda, lda: lda, b: operands.b, ldb: ldb,
                 c: operands.c + first * ldc, ldc: ldc, accumulate: accumulate)
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

extension ConvGeometry {
    /// Rows of the unfolded matrix (one per input channel and kernel tap).
    var patchSize: Int { channels * kernelH * kernelW }

    /// Column-side rows per band, so one unfolded band stays near 2 Mi floats (8 MB) however large the image:
    /// the 7x7 output conv of a 256 px generator would otherwise unfold to hundreds of MB per image.
    var bandRows: Int { max(1, min(outHeight, (1 << 21) / max(1, patchSize * outWidth))) }

    /// `0..<outHeight` in bands of `bandRows`.
    var bands: [Range<Int>] {
        Swift.stride(from: 0, to: outHeight, by: bandRows).map { $0..<min($0 + bandRows, outHeight) }
    }
}
