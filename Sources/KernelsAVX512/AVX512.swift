import KernelsCore

/// x86-64-v4 (AVX-512): 512-bit vectors, compiled with `-march=x86-64-v4`.
public enum AVX512: KernelISA {
    public typealias Vector = SIMD16<Float>
    public static let name = "avx512"

    @inlinable @inline(__always)
    public static func mulAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector { acc.addingProduct(a, b) }
}
