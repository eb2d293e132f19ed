import NN
import Reference
import Testing

@Suite struct GEMMTests {
    @Test(arguments: [(1, 1, 1), (4, 8, 3), (5, 9, 7), (13, 300, 17), (64, 260, 300), (3, 7, 520), (33, 1, 5)])
    func matchesNaiveProduct(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = randomTensor([m * k], seed: 1).storage
        let b = randomTensor([k * n], seed: 2).storage
        var c = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            gemm(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n, accumulate: false)
        } } }
        let expected = Naive.matmul(a, b, m: m, n: n, k: k)
        let worst = zip(c, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4 * Float(k).squareRoot())
    }

    @Test func accumulateAddsToExistingValues() {
        let (m, n, k) = (6, 11, 9)
        let a = randomTensor([m * k], seed: 3).storage
        let b = randomTensor([k * n], seed: 4).storage
        var c = [Float](repeating: 2, count: m * n)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            gemm(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n, accumulate: true)
        } } }
        let expected = Naive.matmul(a, b, m: m, n: n, k: k).map { $0 + 2 }
        #expect(zip(c, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func emptyDepthZeroesOrKeepsOutput() {
        var c: [Float] = [5, 5]
        let a: [Float] = [1], b: [Float] = [1]
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            gemm(m: 1, n: 2, k: 0, a: pa.baseAddress!, lda: 0, b: pb.baseAddress!, ldb: 2, c: pc.baseAddress!, ldc: 2, accumulate: true)
            #expect(Array(pc) == [5, 5])
            gemm(m: 1, n: 2, k: 0, a: pa.baseAddress!, lda: 0, b: pb.baseAddress!, ldb: 2, c: pc.baseAddress!, ldc: 2, accumulate: false)
        } } }
        #expect(c == [0, 0])
    }
}
