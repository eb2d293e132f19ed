import Imaging

/// What tells a flat, outlined cartoon from a photo, as numbers: flat areas, hard edges, a few dominant
/// colours, fine texture and saturation. Cheap to compute and enough for a photo-vs-cartoon classifier.
package struct StyleFeatures: Sendable, Equatable {
    /// Share of pixels whose right and lower neighbours differ by less than 4 levels in every channel.
    package var flatness: Double
    /// Share of pixels with a neighbour difference of more than 48 levels (outlines, region borders).
    package var edges: Double
    /// Share of pixels with a neighbour difference between 4 and 48 levels (photographic texture, noise).
    package var texture: Double
    /// Share of pixels covered by the 12 most common colours, quantised to 32 levels a channel.
    package var palette: Double
    /// Mean (max - min) / 255 over the pixels.
    package var saturation: Double

    package var vector: [Double] { [flatness, edges, texture, palette, saturation] }

    /// Each feature's mean over `samples` (in `vector`'s order; zeros when there are none): why a set of outputs
    /// scores as it does, beside the classifier's verdict.
    package static func means(_ samples: [StyleFeatures]) -> [Double] {
        let total = samples.reduce([Double](repeating: 0, count: 5)) { sums, sample in zip(sums, sample.vector).map(+) }
        return total.map { $0 / Double(max(samples.count, 1)) }
    }

    package init(_ image: RGBImage) {
        let (w, h) = (image.width, image.height)
        var flat = 0, edge = 0, tex = 0, saturationSum = 0
        var histogram = [Int](repeating: 0, count: 32 * 32 * 32)
        image.pixels.withUnsafeBufferPointer { p in
            guard p.count == w * h * 3 else { return }
            for y in 0..<h {
                for x in 0..<w {
                    let i = (y * w + x) * 3
                    let (r, g, b) = (Int(p[i]), Int(p[i + 1]), Int(p[i + 2]))
                    saturationSum += max(r, g, b) - min(r, g, b)
                    histogram[(r >> 3) << 10 | (g >> 3) << 5 | b >> 3] += 1
                    func difference(_ j: Int) -> Int {
                        max(abs(r - Int(p[j])), abs(g - Int(p[j + 1])), abs(b - Int(p[j + 2])))
                    }
                    let difference = max(difference(x + 1 < w ? i + 3 : i), difference(y + 1 < h ? i + 3 * w : i))
                    if difference < 4 { flat += 1 } else if difference > 48 { edge += 1 } else { tex += 1 }
                }
            }
        }
        let count = Double(w * h)
        flatness = Double(flat) / count
        edges = Double(edge) / count
        texture = Double(tex) / count
        palette = Double(histogram.sorted(by: >).prefix(12).reduce(0, +)) / count
        saturation = Double(saturationSum) / (255 * count)
    }
}
