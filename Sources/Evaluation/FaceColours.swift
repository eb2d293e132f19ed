import Imaging

/// Skin and hair colour of an aligned face crop, as the mean colour of fixed regions: the cheeks below the
/// eyes and the band along the top edge. In the training photos' framing (eyes at 29% of the height) those
/// are skin and hair for most people; a generator that keeps colours keeps these means.
package struct FaceColours: Sendable, Equatable {
    package var skin: SIMD3<Double>
    package var hair: SIMD3<Double>

    /// Regions as (left, top, right, bottom) fractions of the crop.
    static let cheeks: [(Double, Double, Double, Double)] = [(0.20, 0.48, 0.36, 0.62), (0.64, 0.48, 0.80, 0.62)]
    static let top: [(Double, Double, Double, Double)] = [(0.15, 0.0, 0.85, 0.07)]

    package init(_ image: RGBImage) {
        skin = Self.mean(image, Self.cheeks)
        hair = Self.mean(image, Self.top)
    }

    static func mean(_ image: RGBImage, _ regions: [(Double, Double, Double, Double)]) -> SIMD3<Double> {
        let indices = image.sampleIndices(in: regions)
        let sum = indices.reduce(SIMD3<Double>()) { sum, i in
            sum + SIMD3(Double(image.pixels[i]), Double(image.pixels[i + 1]), Double(image.pixels[i + 2]))
        }
        return sum / Double(max(indices.count, 1))
    }

    /// Euclidean distance of two colours in 8-bit RGB levels.
    package static func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        let d = a - b
        return (d * d).sum().squareRoot()
    }
}
