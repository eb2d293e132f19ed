@testable import NN
import Tensor
import Testing

/// Row-split products equal the engine's single call bit for bit (runs must reproduce exactly).
@Suite struct ParallelGEMMTests {
    @Test(arguments: [(37, 301, 613), (144, 1024, 32), (5, 7, 3)])
    func matchesSingleThreadedGEMM(m: Int, n: Int, k: Int) {
        let a = randomTensor([m * k], seed: 1).storage
        let b = randomTensor([k * n], seed: 2).storage
        var expected = randomTensor([m * n], seed: 3).storage
        var parallel = expected
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                expected.withUnsafeMutableBufferPointer { pc in
                    gemm(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n, accumulate: true)
                }
                parallel.withUnsafeMutableBufferPointer { pc in
                    ParallelGEMM.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n, accumulate: true)
                }
            }
        }
        #expect(parallel == expected)
    }
}
