/// ITU-R BT.601 luma weights: the one grey scale the face scan, the blot rule and the trainer's ink share, so
/// what the trainer paints out is what the evaluation and the detector see as light or dark.
public enum Luma {
    public static let weights = SIMD3<Float>(0.299, 0.587, 0.114)

    /// Grey of an RGB colour, in the colour's own units.
    @inlinable public static func of(_ colour: SIMD3<Float>) -> Float { (colour * weights).sum() }
}
