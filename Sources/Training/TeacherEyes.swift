import Imaging
import NN

/// Cartoon eyes drawn onto the distillation target (`--teacher-eyes`): the GAN draws eyes as grey smudges, and
/// the cartoons' eyes are white discs with a dark pupil, the feature that most makes a face read as an avatar.
/// Each eye is found in the photo as the darkest round blob (the iris: its disc darker than the ring around it)
/// near where the aligned chips have their eyes; there the target's smudge is painted over with the face's skin
/// colour, then a white disc and a pupil are drawn, with soft edges a generator can learn. What the loss should
/// weigh is returned too: a generator that learns "a dark blob gets a white ring" draws second rings beside the eye
/// (a lash line, a frame's corner) and at the nostrils and mouth corners unless those cost as much as the eye, so
/// each eye's surround and every other iris-like blob on the face (a decoy) are weighed.
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
    /// Decoys: points of the lower face (below the eyes' surrounds) at least this iris-like (grey levels of
    /// `IrisContrast`), each weighed over a disc the size of a drawn eye.
    static let decoyContrast: Float = 25
    static let decoyRegion = FaceRegion(rows: 0.38..<0.95, columns: 0.15..<0.85)
    static let pupilLevels = SIMD3<Float>(50, 45, 45)

    /// `targets` with cartoon eyes drawn where `photos` (both `[N, 3, H, W]` in [-1, 1]) have theirs, and how much
    /// each pixel is to be weighed (0...1, one plane per image): the eyes' surrounds and the decoys.
    static func drawn(_ targets: Tensor, photos: Tensor) -> (target: Tensor, weighed: [Float]) {
        let (n, c, h, w) = targets.nchw
        precondition(targets.shape == photos.shape && c == 3, "eyes need two equal RGB shapes, got \(targets.shape), \(photos.shape)")
        let plane = h * w
        let side = Float(min(h, w))
        var storage = targets.storage
        var weighed = [Float](repeating: 0, count: n * plane)
        let middle = TeacherSkin.middle(width: w, height: h)
        for image in 0..<n {
            let base = image * 3 * plane
            let grey = (0..<plane).map { Luma.of(planarLevels(photos.storage, base: base, plane: plane, $0)) }
            let contrast = irisContrast(grey: grey, width: w, height: h)
            let eyes = locate(contrast)
            let skin = TeacherSkin.colour(storage, base: base, plane: plane, middle: middle)
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
                        weighed[image * plane + i] = max(weighed[image * plane + i], around)
                        for channel in 0..<3 { storage[base + channel * plane + i] = colour[channel] / 127.5 - 1 }
                    }
                }
            }
            weighDecoys(contrast, into: &weighed[(image * plane)..<((image + 1) * plane)], radius: radius)
        }
        return (Tensor(shape: targets.shape, storage: storage), weighed)
    }

    /// The iris measure at this module's radii for a `width` x `height` photo's grey levels.
    static func irisContrast(grey: [Float], width: Int, height: Int) -> IrisContrast {
        let side = Float(min(width, height))
        return IrisContrast(grey: grey, width: width, height: height, iris: iris * side, ring: ring * side)
    }

    /// Marks, in `weighed` (one image's plane, the eyes' surrounds already in it), a disc of `radius` round every
    /// decoy: a point of `decoyRegion` at least `decoyContrast` iris-like and outside the surrounds.
    static func weighDecoys(_ contrast: IrisContrast, into weighed: inout ArraySlice<Float>, radius: Float) {
        let (w, h, base) = (contrast.width, contrast.height, weighed.startIndex)
        let r = Int(radius.rounded(.up))
        let disc = (-r...r).flatMap { dy in (-r...r).map { dx in (dx, dy) } }.compactMap { dx, dy in
            let cover = coverage(SIMD2(Float(dx), Float(dy)), radii: SIMD2(repeating: radius))
            return cover > 0 ? (dx, dy, cover) : nil
        }
        let decoys = (0..<(w * h)).filter { i in
            decoyRegion.contains(row: i / w, column: i % w, width: w, height: h) && weighed[base + i] == 0
                && contrast.at(i % w, i / w) >= decoyContrast
        }
        for i in decoys {
            let (x, y) = (i % w, i / w)
            for (dx, dy, cover) in disc where (0..<w).contains(x + dx) && (0..<h).contains(y + dy) {
                let j = base + (y + dy) * w + x + dx
                weighed[j] = max(weighed[j], cover)
            }
        }
    }

    /// The two eyes' centres (x, y in pixels) in a photo's grey levels: each the point near its expected place
    /// whose iris disc is darkest against its ring; where their rows disagree, the pair with rows that agree and
    /// the larger total contrast, one eye kept and the other looked for again beside its row.
    static func locate(_ contrast: IrisContrast) -> [SIMD2<Float>] {
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

    /// The darkest-iris point within `reach` of `around` (and within `rows`, where given): the contrast less a
    /// penalty for the distance from `around`, so a brow or a shadow far from the expected place must be much
    /// darker to win.
    private static func best(_ contrast: IrisContrast, around: (column: Float, row: Float),
                             rows: ClosedRange<Int>?) -> (centre: SIMD2<Float>, contrast: Float) {
        let (width, height) = (Float(contrast.width), Float(contrast.height))
        let centre = SIMD2(around.column * width, around.row * height)
        let spread = SIMD2(reach.columns * width, reach.rows * height)
        var rowRange = Int(centre.y - spread.y)...Int(centre.y + spread.y)
        if let rows, rows.overlaps(rowRange) { rowRange = rowRange.clamped(to: rows) }
        var winner = (centre: centre, contrast: -Float.infinity)
        for y in rowRange {
            for x in Int(centre.x - spread.x)...Int(centre.x + spread.x) {
                let distance = (SIMD2(Float(x), Float(y)) - centre) / (min(width, height) * 0.1)
                let score = contrast.at(x, y) - 8 * (distance * distance).sum()
                if score > winner.contrast { winner = (SIMD2(Float(x), Float(y)), score) }
            }
        }
        return winner
    }

    /// How much of the ellipse with `radii` about the origin covers `offset`: 1 inside, 0 outside, a one-pixel ramp.
    private static func coverage(_ offset: SIMD2<Float>, radii: SIMD2<Float>) -> Float {
        let scaled = offset / radii
        let distance = (scaled * scaled).sum().squareRoot()
        return min(1, max(0, (1 - distance) * radii.min() + 0.5))
    }
}
