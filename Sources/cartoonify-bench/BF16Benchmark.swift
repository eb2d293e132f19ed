import CBF16
import Kernels
import NN

extension KernelBenchmarks {
    /// GFLOP/s of the bfloat16 GEMM (`CBF16`, one thread, operands packed beforehand), or nil where the CPU
    /// has no AVX512_BF16. Compare with `gemm` on one thread: the same shape in float32.
    func bf16Gemm(m: Int, k: Int, n: Int) -> Double? {
        guard cartoonify_bf16_supported() != 0 else { return nil }
        var random = SplitMix64(seed: 7)
        let a = (0..<m * k).map { _ in random.nextUniform(bound: 1) }
        let b = (0..<k * n).map { _ in random.nextUniform(bound: 1) }
        let kpairs = (k + 1) / 2
        var packedA = [UInt32](repeating: 0, count: m * kpairs)
        var packedB = [UInt32](repeating: 0, count: (n + 31) / 32 * kpairs * 32)
        cartoonify_bf16_pack_a(a, Int32(m), Int32(k), Int32(k), &packedA)
        cartoonify_bf16_pack_b(b, Int32(k), Int32(n), Int32(n), &packedB)
        var c = [Float](repeating: 0, count: m * n)
        let time = measure(runs: 5) {
            cartoonify_bf16_gemm(Int32(m), Int32(n), Int32(kpairs), packedA, packedB, &c, Int32(n), 0)
        }.min
        sink(c[0])
        return 2 * Double(m) * Double(k) * Double(n) / time / 1e9
    }
}
