import KernelsCore

/// x86-64-v4 (AVX-512): 512-bit vectors, compiled with `-march=x86-64-v4`.
package enum AVX512: KernelISA {
    package typealias Vector = SIMD16<Float>
    package static let name = "avx512"

    @inlinable @inline(__always)
    package static func mulAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector { acc.addingProduct(a, b) }
}
