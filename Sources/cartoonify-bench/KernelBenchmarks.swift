import Kernels
import KernelsCore
import NN
import Parallel

/// Peak multiply-add throughput and GEMM efficiency for one kernel path.
struct KernelBenchmarks {
    let path: KernelPath
    let threads: Int

    /// GFLOP/s of the dependency-free multiply-add loop on `threads` threads at once.
    func peak() -> Double {
        let iterations = 20_000_000
        let isa = path.isa
        let time = measure(runs: 5) {
            parallelRanges(threads, context: ComputeContext(threads: threads), work: .max) { range in
                for _ in range { sink(isa.multiplyAddProbe(iterations: iterations)) }
            }
        }.min
        return isa.multiplyAddProbeFlops(iterations: iterations) * Double(threads) / time / 1e9
    }

    /// GFLOP/s of `C = A * B` (`m x k` times `k x n`) with packed A.
    func gemm(m: Int, k: Int, n: Int) -> Double {
        var random = SplitMix64(seed: 7)
        let a = (0..<m * k).map { _ in random.nextUniform(bound: 1) }
        let b = (0..<k * n + bReadSlack).map { _ in random.nextUniform(bound: 1) }
        let packed = a.withUnsafeBufferPointer { PackedPanels(rowMajor: $0, rows: m, depth: k, bias: nil) }
        let offsets = (0..<k).map { $0 * n }
        var c = [Float](repeating: 0, count: m * n)
        let isa = path.isa
        let time = packed.values.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                offsets.withUnsafeBufferPointer { op in
                    c.withUnsafeMutableBufferPointer { cp in
                        let problem = GEMMProblem(a: ap.baseAddress!, bias: nil, m: m, k: k, b: bp.baseAddress!,
                                                  bRowOffsets: op.baseAddress!, c: cp.baseAddress!, ldc: n,
                                                  grid: .matrix(columns: n))
                        return measure(runs: 5) { isa.gemm(problem, context: ComputeContext(threads: threads)) }.min
                    }
                }
            }
        }
        return 2 * Double(m) * Double(k) * Double(n) / time / 1e9
    }
}

/// Keeps a result alive so the optimiser cannot drop the loop that made it.
@inline(never)
func sink(_ value: Float) {
    if value == .infinity { print("unexpected infinity") }
}
