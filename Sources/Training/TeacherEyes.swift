import Imaging
import NN

/// Cartoon eyes drawn onto the distillation target (`--teacher-eyes`): the GAN draws eyes as grey smudges, and
/// the cartoons' eyes are white discs with a dark pupil, the feature that most makes a face read as an avatar.
/// Each eye is found in the photo as the darkest round blob (the iris: its disc darker than the ring around it)
/// near where the aligned chips have their eyes; there the target's smudge is painted over with the face's skin
/// colour, then a white disc and a pupil are drawn, with soft edges a generator can learn. The eye's surround is
/// returned too, for the loss to weigh: a generator that learns "a dark blob gets a white ring" draws a second ring
/// beside the eye (a lash line, a frame's corner) unless that costs as much as the eye itself.
enum TeacherEyes {
    /// Eye centres in an aligned chip (fractions of the side: column, row), as `face_eyes` records them.
    static let expected: [(column: Float, row: Float)] = [(0.282, 0.265), (0.718, 0.265)]
    /// How far from `expected` an eye is looked for (fractions of the side).
    static let reach: (columns: Float, rows: Float) = (0.08, 0.07)
    /// Radii of the iris disc and of the ring it is compared with, in fractions of the side.
    static let iris: Float = 0.025, ring: Float = 0.055
    /// The drawn eye: white disc radius, the pupil's as a share of it, the skin painted round it (x, y radii).
    static let white: Float = 0.075, pupil: Float = 0.5, cleared: (x: Float, y: Float) = (1.4, 1.05)
    /// The surround the loss weighs (x, y radii in white radii): the eye, the brow above it and the lids round it.
    static let surround: (x: Float, y: Float) = (2.2, 1.6)
    /// Eyes whose rows differ by more than this (fraction of the side) are not a pair (a brow or a frame won on
    /// one side): each is then looked for again within it of the other's row, and the stronger pair kept.
    static let pairedRows: Float = 0.03
    static let pupilLevels = SIMD3<Float>(50, 45, 45)

    /// `targets` with cartoon eyes drawn where `photos` (both `[N, 3, H, W]` in [-1, 1]) have theirs, and how much
    /// each pixel lies in an eye's surround (0...1, one plane per image).
    static func drawn(_ targets: Tensor, photos: Tensor) -> (target: Tensor, surrounds: [Float]) {
        let (n, c, h, w) = targets.nchw
        precondition(targets.shape == photos.shape && c == 3, "eyes need two equal RGB shapes, got \(targets.shape), \(photos.shape)")
        let plane = h * w
        let side = Float(min(h, w))
        var storage = targets.storage
        var surrounds = [Float](repeating: 0, count: n * plane)
        let middle = (0..<plane).filter { TeacherSkin.sample.contains(row: $0 / w, column: $0 % w, width: w, height: h) }
        for image in 0..<n {
            let base = image * 3 * plane
            let grey = (0..<plane).map { Luma.of(planarLevels(photos.storage, base: base, plane: plane, $0)) }
            let eyes = locate(grey: grey, width: w, height: h)
            let skin = TeacherSkin.median(middle.map { planarLevels(storage, base: base, plane: plane, $0) })
            let radius = white * side
            for eye in eyes {
                let layers: [(SIMD2<Float>, SIMD3<Float>)] = [
                    (SIMD2(cleared.x, cleared.y) * radius, skin), (SIMD2(repeating: radius), SIMD3(repeating: 255)),
                    (SIMD2(repeating: pupil * radius), pupilLevels),
                ]
                let span = Int((surround.x * radius).rounded(.up)) + 1
                for y in max(0, Int(eye.y) - span)..<min(h, Int(eye.y) + span + 1) {
                    for x in max(0, Int(eye.x) - span)..<min(w, Int(eye.x) + span + 1) {
                        let i = y * w + x
                        var colour = planarLevels(storage, base: base, plane: plane, i)
                        let offset = SIMD2(Float(x), Float(y)) - eye
                        for (radii, fill) in layers { colour += coverage(offset, radii: radii) * (fill - colour) }
                        let around = coverage(offset, radii: SIMD2(surround.x, surround.y) * radius)
                        surrounds[image * plane + i] = max(surrounds[image * plane + i], around)
                        for channel in 0..<3 { storage[base + channel * plane + i] = colour[channel] / 127.5 - 1 }
                    }
                }
            }
        }
        return (Tensor(shape: targets.shape, storage: storage), surrounds)
    }

    /// The two eyes' centres (x, y in pixels) in a photo's grey levels: each the point near its expected place
    /// whose iris disc is darkest against its ring; where their rows disagree, the pair with rows that agree and
    /// the larger total contrast, one eye kept and the other looked for again beside its row.
    static func locate(grey: [Float], width: Int, height: Int) -> [SIMD2<Float>] {
        let band = Int((pairedRows * Float(min(width, height))).rounded())
        let found = expected.map { best(grey: grey, width: width, height: height, around: $0, rows: nil) }
        guard abs(found[0].centre.y - found[1].centre.y) > Float(band) else { return found.map(\.centre) }
        let pairs = [0, 1].map { kept in
            let row = Int(found[kept].centre.y)
            let other = best(grey: grey, width: width, height: height, around: expected[1 - kept], rows: row - band...row + band)
            return kept == 0 ? [found[0], other] : [other, found[1]]
        }
        let strongest = pairs.max { $0[0].contrast + $0[1].contrast < $1[0].contrast + $1[1].contrast } ?? found
        return strongest.map(\.centre)
    }

    /// The darkest-iris point within `reach` of `around` (and within `rows`, where given). The contrast is the
    /// ring's mean grey less the disc's, less a penalty for the distance from `around`, so a brow or a shadow
    /// far from the expected place must be much darker to win.
    private static func best(grey: [Float], width: Int, height: Int, around: (column: Float, row: Float),
                             rows: ClosedRange<Int>?) -> (centre: SIMD2<Float>, contrast: Float) {
        let side = Float(min(width, height))
        let (disc, annulus) = (offsets(0, iris * side), offsets(iris * side, ring * side))
        let centre = SIMD2(around.column * Float(width), around.row * Float(height))
        let spread = SIMD2(reach.columns * Float(width), reach.rows * Float(height))
        var rowRange = Int(centre.y - spread.y)...Int(centre.y + spread.y)
        if let rows, rows.overlaps(rowRange) { rowRange = rowRange.clamped(to: rows) }
        var winner = (centre: centre, contrast: -Float.infinity)
        for y in rowRange {
            for x in Int(centre.x - spread.x)...Int(centre.x + spread.x) {
                func mean(_ offsets: [(Int, Int)]) -> Float {
                    offsets.reduce(0) { sum, o in
                        sum + grey[min(height - 1, max(0, y + o.1)) * width + min(width - 1, max(0, x + o.0))]
                    } / Float(offsets.count)
                }
                let distance = (SIMD2(Float(x), Float(y)) - centre) / (side * 0.1)
                let contrast = mean(annulus) - mean(disc) - 8 * (distance * distance).sum()
                if contrast > winner.contrast { winner = (SIMD2(Float(x), Float(y)), contrast) }
            }
        }
        return winner
    }

    /// Pixel offsets whose distance from the centre lies in (`inner`, `outer`] (the centre itself when inner is 0).
    private static func offsets(_ inner: Float, _ outer: Float) -> [(Int, Int)] {
        let r = Int(outer.rounded(.up))
        return (-r...r).flatMap { dy in (-r...r).map { dx in (dx, dy) } }.filter { dx, dy in
            let d = Float(dx * dx + dy * dy).squareRoot()
            return d <= outer && (inner == 0 || d > inner)
        }
    }

    /// How much of the ellipse with `radii` about the origin covers `offset`: 1 inside, 0 outside, a one-pixel ramp.
    private static func coverage(_ offset: SIMD2<Float>, radii: SIMD2<Float>) -> Float {
        let scaled = offset / radii
        let distance = (scaled * scaled).sum().squareRoot()
        return min(1, max(0, (1 - distance) * radii.min() + 0.5))
    }
}
