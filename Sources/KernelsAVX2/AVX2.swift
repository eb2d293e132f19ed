import KernelsCore

/// x86-64-v3 (AVX2 + FMA): 256-bit vectors, compiled with `-march=x86-64-v3`.
package enum AVX2: KernelISA {
    package typealias Vector = SIMD8<Float>
    package static let name = "avx2"

    @inlinable @inline(__always)
    package static func mulAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector { acc.addingProduct(a, b) }
}
