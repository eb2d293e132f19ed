import Imaging

/// How shaded a face's skin is: the mean absolute difference, in grey levels, of the cheek pixels (below the
/// eyes, either side of the nose) from their median grey. A photo carries dark circles, shadows and texture
/// there; an avatar's skin is one flat fill. The classifier's whole-image statistics barely see the cheeks.
package enum SkinShading {
    /// Regions as (left, top, right, bottom) fractions of an aligned crop (eyes at 27% of the height).
    static let cheeks: [(Double, Double, Double, Double)] = [(0.18, 0.38, 0.38, 0.62), (0.62, 0.38, 0.82, 0.62)]

    package static func spread(_ image: RGBImage) -> Double {
        let greys = image.sampleIndices(in: cheeks).map(image.grey(atSample:))
        guard !greys.isEmpty else { return 0 }
        let median = greys.sorted()[greys.count / 2]
        return greys.reduce(0) { $0 + abs($1 - median) } / Double(greys.count)
    }
}
