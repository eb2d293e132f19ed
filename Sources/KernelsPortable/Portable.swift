import KernelsCore

/// Runs on any host: 128-bit vectors and a separate multiply and add, so no `fmaf` library call can appear.
public enum Portable: KernelISA {
    public typealias Vector = SIMD4<Float>
    public static let name = "portable"

    @inlinable @inline(__always)
    public static func mulAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector { acc + a * b }
}
