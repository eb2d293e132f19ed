extension KernelISA {
    /// A plain loop that each path's `-march` vectorises (16 bytes widened at a time on AVX-512). The multiply
    /// and the add are never fused, so every path gives the same sums.
    @inlinable
    public static func accumulateBytes(_ bytes: UnsafePointer<UInt8>, count: Int, weight: Float,
                                       into sums: UnsafeMutablePointer<Float>) {
        if weight == 1 {
            for i in 0..<count { sums[i] += Float(bytes[i]) }
        } else {
            for i in 0..<count { sums[i] += weight * Float(bytes[i]) }
        }
    }
}
