import KernelsCore

/// Runs on any host: 128-bit vectors and a separate multiply and add, so no `fmaf` library call can appear.
package enum Portable: KernelISA {
    package typealias Vector = SIMD4<Float>
    package static let name = "portable"

    @inlinable @inline(__always)
    package static func mulAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector { acc + a * b }
}
