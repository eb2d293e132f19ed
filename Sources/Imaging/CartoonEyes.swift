/// Where the cartoon eyes of an aligned face chip go, and what they cover: the trainer draws them there
/// (`--teacher-eyes`) and `cartoonify eval` leaves them out of its blot count, so both must find the same eyes.
/// Each eye is the darkest round blob (the iris: its disc darker than the ring around it, `IrisContrast`) near
/// where the aligned chips have their eyes, the pair kept on one row.
package enum CartoonEyes {
    /// Eye centres in an aligned chip (fractions of the side: column, row), as `face_eyes` records them.
    package static let expected: [(column: Float, row: Float)] = [(0.282, 0.265), (0.718, 0.265)]
    /// How far from `expected` an eye is looked for (fractions of the side).
    package static let reach: (columns: Float, rows: Float) = (0.08, 0.07)
    /// Radii of the iris disc and of the ring it is compared with, in fractions of the side.
    package static let iris: Float = 0.025, ring: Float = 0.055
    /// The drawn eye: white disc radius (fraction of the side), the pupil's as a share of it, and the skin painted
    /// round it over the photo's eye (x, y radii in white radii).
    package static let white: Float = 0.075, pupil: Float = 0.5, cleared: (x: Float, y: Float) = (1.4, 1.05)
    /// Eyes whose rows differ by more than this (fraction of the side) are not a pair (a brow or a frame won on
    /// one side): each is then looked for again within it of the other's row, and the stronger pair kept.
    static let pairedRows: Float = 0.03
    /// Points scoring within this many grey levels of an eye's best point share in where it is drawn.
    static let tie: Float = 8

    /// The iris measure at this type's radii for a `width` x `height` photo's grey levels.
    package static func irisContrast(grey: [Float], width: Int, height: Int) -> IrisContrast {
        let side = Float(min(width, height))
        return IrisContrast(grey: grey, width: width, height: height, iris: iris * side, ring: ring * side)
    }

    /// The two eyes' centres (x, y in pixels) in a photo's grey levels: each the point near its expected place
    /// whose iris disc is darkest against its ring; where their rows disagree, the pair with rows that agree and
    /// the larger total contrast, one eye kept and the other looked for again beside its row.
    package static func locate(_ contrast: IrisContrast) -> [SIMD2<Float>] {
        let band = Int((pairedRows * Float(min(contrast.width, contrast.height))).rounded())
        let found = expected.map { best(contrast, around: $0, rows: nil) }
        guard abs(found[0].centre.y - found[1].centre.y) > Float(band) else { return found.map(\.centre) }
        let pairs = [0, 1].map { kept in
            let row = Int(found[kept].centre.y)
            let other = best(contrast, around: expected[1 - kept], rows: row - band...row + band)
            return kept == 0 ? [found[0], other] : [other, found[1]]
        }
        let strongest = pairs.max { $0[0].contrast + $0[1].contrast < $1[0].contrast + $1[1].contrast } ?? found
        return strongest.map(\.centre)
    }

    /// Whether pixel (`x`, `y`) of a `side`-pixel chip lies where an eye drawn at `eyes` paints (the skin cleared
    /// round the white disc, inside its edge).
    package static func paints(x: Int, y: Int, eyes: [SIMD2<Float>], side: Int) -> Bool {
        let radii = SIMD2(cleared.x, cleared.y) * white * Float(side)
        return eyes.contains { eye in
            let scaled = (SIMD2(Float(x), Float(y)) - eye) / radii
            return (scaled * scaled).sum() <= 1
        }
    }

    /// How much of the ellipse with `radii` about the origin covers `offset`: 1 inside, 0 outside, a one-pixel
    /// ramp, so that what is drawn with it has soft edges a generator can learn.
    package static func coverage(_ offset: SIMD2<Float>, radii: SIMD2<Float>) -> Float {
        let scaled = offset / radii
        let distance = (scaled * scaled).sum().squareRoot()
        return min(1, max(0, (1 - distance) * radii.min() + 0.5))
    }

    /// Where the eye goes within `reach` of `around` (and within `rows`, where given), and how iris-like it is: each
    /// point scores its contrast less a penalty for the distance from `around`, so a brow or a shadow far from the
    /// expected place must be much darker to win. The place is the mean of the points scoring within `tie` levels
    /// of the best, weighed by how close they come, not the best point alone: where two blobs (an iris and a brow
    /// or make-up) score nearly alike, the darkest one flips with a level's change and a generator learns a ring
    /// at each; the mean moves smoothly from one to the other, so one ring is drawn.
    private static func best(_ contrast: IrisContrast, around: (column: Float, row: Float),
                             rows: ClosedRange<Int>?) -> (centre: SIMD2<Float>, contrast: Float) {
        let (width, height) = (Float(contrast.width), Float(contrast.height))
        let centre = SIMD2(around.column * width, around.row * height)
        let spread = SIMD2(reach.columns * width, reach.rows * height)
        var rowRange = Int(centre.y - spread.y)...Int(centre.y + spread.y)
        if let rows, rows.overlaps(rowRange) { rowRange = rowRange.clamped(to: rows) }
        let points = rowRange.flatMap { y in (Int(centre.x - spread.x)...Int(centre.x + spread.x)).map { x in
            let at = SIMD2(Float(x), Float(y))
            let distance = (at - centre) / (min(width, height) * 0.1)
            return (at: at, score: contrast.at(x, y) - 8 * (distance * distance).sum())
        } }
        let top = points.map(\.score).max() ?? 0
        var (sum, mass) = (SIMD2<Float>.zero, Float(0))
        for point in points where point.score > top - tie {
            let weight = (top - point.score) / tie
            let closeness = (1 - weight) * (1 - weight)
            (sum, mass) = (sum + closeness * point.at, mass + closeness)
        }
        return (mass > 0 ? sum / mass : centre, top)
    }
}
