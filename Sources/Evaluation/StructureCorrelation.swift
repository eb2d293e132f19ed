import Imaging

/// How much of a photo's layout a cartoon keeps: the Pearson correlation of the two images' grey levels,
/// each area-averaged to `side` x `side` first so that style (outlines, flat fills) counts less than where
/// light and dark sit.
package enum StructureCorrelation {
    package static func correlation(_ a: RGBImage, _ b: RGBImage, side: Int = 32) -> Double {
        let x = grey(a, side: side), y = grey(b, side: side)
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (u, v) in zip(x, y) {
            sxy += (u - mx) * (v - my)
            sxx += (u - mx) * (u - mx)
            syy += (v - my) * (v - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// Grey levels (ITU-R 601 weights) averaged over `side` x `side` equal cells.
    static func grey(_ image: RGBImage, side: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: side * side), counts = [Double](repeating: 0, count: side * side)
        let (w, h) = (image.width, image.height)
        guard image.pixels.count == w * h * 3 else { return sums }
        for y in 0..<h {
            for x in 0..<w {
                let cell = (y * side / h) * side + x * side / w
                sums[cell] += image.grey(atSample: (y * w + x) * 3)
                counts[cell] += 1
            }
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / $1 : 0 }
    }
}
