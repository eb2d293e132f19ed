@testable import NN
import Testing
import Training

/// The blocked GEMM against a plain triple loop, on sizes that exercise edge tiles, several depth blocks and
/// the multi-threaded path, in all four transpose combinations.
@Suite struct MatrixMultiplyTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveProduct(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (37, 301, 613)
        var rng = SplitMix64(seed: 5)
        let a = (0..<(m * k)).map { _ in Float(rng.uniform() - 0.5) }
        let b = (0..<(k * n)).map { _ in Float(rng.uniform() - 0.5) }
        var c = [Float](repeating: 1, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    matrixMultiply(
                        m: m, n: n, k: k,
                        a: MatrixOperand(pa.baseAddress!, rowStride: transposeA ? m : k, transposed: transposeA),
                        b: MatrixOperand(pb.baseAddress!, rowStride: transposeB ? k : n, transposed: transposeB),
                        c: pc.baseAddress!, ldc: n, accumulate: true)
                }
            }
        }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 1.0
                for p in 0..<k {
                    let av = transposeA ? a[p * m + i] : a[i * k + p]
                    let bv = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += Double(av) * Double(bv)
                }
                worst = max(worst, abs(sum - Double(c[i * n + j])))
            }
        }
        #expect(worst < 1e-4)
    }
}
