import CBF16
import Testing

/// The bfloat16 GEMM against a float64 product of the same bfloat16-rounded operands: the only difference
/// left is float32 accumulation order, so it must agree to float32 precision (runs where cpuid says AVX512_BF16).
@Suite(.enabled(if: cartoonify_bf16_supported() != 0, "this CPU has no AVX512_BF16"))
struct BF16GEMMTests {
    static func widened(_ value: Float) -> Float {
        Float(bitPattern: UInt32(cartoonify_bf16_from_float(value)) << 16)
    }

    static func random(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(state >> 40) - (1 << 23)) / Float(1 << 23)
        }
    }

    @Test(arguments: [(1, 1, 1), (6, 32, 2), (13, 45, 37), (7, 17, 3), (64, 300, 576)])
    func matchesTheRoundedProduct(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = Self.random(m * k, seed: 1), b = Self.random(k * n, seed: 2), start = Self.random(m * n, seed: 3)
        let kpairs = (k + 1) / 2, panels = (n + 31) / 32
        var packedA = [UInt32](repeating: 0, count: m * kpairs)
        var packedB = [UInt32](repeating: 0, count: panels * kpairs * 32)
        cartoonify_bf16_pack_a(a, Int32(m), Int32(k), Int32(k), &packedA)
        cartoonify_bf16_pack_b(b, Int32(k), Int32(n), Int32(n), &packedB)
        for accumulate in [false, true] {
            var c = start
            cartoonify_bf16_gemm(Int32(m), Int32(n), Int32(kpairs), packedA, packedB, &c, Int32(n), accumulate ? 1 : 0)
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var exact = accumulate ? Double(start[i * n + j]) : 0, magnitude = abs(exact)
                    for p in 0..<k {
                        let product = Double(Self.widened(a[i * k + p])) * Double(Self.widened(b[p * n + j]))
                        exact += product
                        magnitude += abs(product)
                    }
                    worst = max(worst, abs(Double(c[i * n + j]) - exact) / max(magnitude, 1e-30))
                }
            }
            #expect(worst < 1e-5, "\(shape) accumulate \(accumulate): relative error \(worst)")
        }
    }

    @Test func roundsToNearestEven() {
        #expect(cartoonify_bf16_from_float(1) == 0x3F80)
        #expect(cartoonify_bf16_from_float(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie, even stays
        #expect(cartoonify_bf16_from_float(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie, odd rounds up
        #expect(cartoonify_bf16_from_float(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(cartoonify_bf16_from_float(.infinity) == 0x7F80)
        #expect(Float(bitPattern: UInt32(cartoonify_bf16_from_float(.nan)) << 16).isNaN)
    }
}
