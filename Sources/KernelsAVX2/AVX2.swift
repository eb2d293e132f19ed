import KernelsCore

/// x86-64-v3 (AVX2 + FMA): 256-bit vectors, compiled with `-march=x86-64-v3`.
public enum AVX2: KernelISA {
    public typealias Vector = SIMD8<Float>
    public static let name = "avx2"

    @inlinable @inline(__always)
    public static func mulAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector { acc.addingProduct(a, b) }
}
