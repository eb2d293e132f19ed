/// How iris-like each point of a photo is: the mean grey of a ring round it less that of the disc inside (grey
/// levels), large where a small round dark blob sits on a lighter ground (an iris, and also a nostril or the
/// corner of a mouth). `CartoonEyes` finds the eyes with it; the trainer also weighs the other blobs the loss must
/// keep plain.
package struct IrisContrast {
    let grey: [Float]
    package let width: Int, height: Int
    private let disc: [(Int, Int)], annulus: [(Int, Int)]

    /// `grey`: `width` x `height` levels; `iris` and `ring`: the disc's and the ring's outer radii in pixels.
    package init(grey: [Float], width: Int, height: Int, iris: Float, ring: Float) {
        (self.grey, self.width, self.height) = (grey, width, height)
        (disc, annulus) = (Self.offsets(0, iris), Self.offsets(iris, ring))
    }

    /// The contrast at (`x`, `y`); pixels past the edge repeat the edge.
    package func at(_ x: Int, _ y: Int) -> Float {
        func mean(_ offsets: [(Int, Int)]) -> Float {
            offsets.reduce(0) { sum, o in
                sum + grey[min(height - 1, max(0, y + o.1)) * width + min(width - 1, max(0, x + o.0))]
            } / Float(offsets.count)
        }
        return mean(annulus) - mean(disc)
    }

    /// Pixel offsets whose distance from the centre lies in (`inner`, `outer`] (the centre itself when inner is 0).
    private static func offsets(_ inner: Float, _ outer: Float) -> [(Int, Int)] {
        let r = Int(outer.rounded(.up))
        return (-r...r).flatMap { dy in (-r...r).map { dx in (dx, dy) } }.filter { dx, dy in
            let d = Float(dx * dx + dy * dy).squareRoot()
            return d <= outer && (inner == 0 || d > inner)
        }
    }
}
