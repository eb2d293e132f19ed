import Imaging
import NN

/// The teacher's skin made one flat colour, for the distillation target (`--teacher-skin`): the GAN carries the
/// photo's shading over (dark circles under the eyes, cheek shadows, wrinkles) as grey-brown patches, where an
/// avatar has flat skin. Each image's skin colour is the per-channel median of the middle of its face; a pixel
/// of the face (outside the eyes and the mouth) moves towards it by how skin-like it is: of the skin's hue (its
/// colour, brought to the skin's brightness, within 30 levels of the skin's; none past 60: the grey-blue streaks
/// the GAN draws on cheeks are 45 off) and not much darker or lighter (from 0.7 to 1.25 of the skin's grey; none
/// below 0.5 or above 1.45). Brows, outlines, nostrils, lips and grey or dark hair are not skin-like and stay.
/// With `SkinTone.photo` the skin takes the photo's colour instead, everywhere it is skin-like: the GAN's skin
/// is 11 levels too little blue on average (warmer than the photo), 27 levels off in all.
enum TeacherSkin {
    static let face = FaceRegion(rows: 0.25..<0.9, columns: 0.15..<0.85)
    static let sample = FaceRegion(rows: 0.35..<0.75, columns: 0.25..<0.75)
    /// Soft edges (fraction of the side), so the flat skin meets the rest without a seam.
    static let feather = 0.06

    /// `cartoons` (`[N, 3, H, W]` in [-1, 1]) with each image's skin-like face pixels moved `strength` (0...1)
    /// of the way to its skin colour; with the `photo` tone (`photos` the same shape) every skin-like pixel is
    /// first shifted by the photo's skin colour less the drawn one, by how skin-like it is, so the face, neck and
    /// ears change together and no seam is left where the evened face ends.
    static func evened(_ cartoons: Tensor, photos: Tensor, strength: Float, tone: SkinTone = .teacher) -> Tensor {
        let (n, c, h, w) = cartoons.nchw
        precondition(c == 3 && (0...1).contains(strength) && photos.shape == cartoons.shape,
                     "even skin needs RGB photos and cartoons and a strength in 0...1, got \(cartoons.shape), \(photos.shape), \(strength)")
        let plane = h * w
        let reach = (0..<plane).map { i in
            let (row, column) = (i / w, i % w)
            let excluded = (Spot.eyes + [Blot.mouth])
                .map { $0.coverage(row: row, column: column, width: w, height: h, feather: feather) }.max() ?? 0
            return strength * face.coverage(row: row, column: column, width: w, height: h, feather: feather) * (1 - excluded)
        }
        let middle = middle(width: w, height: h)
        var storage = cartoons.storage
        for image in 0..<n {
            let base = image * 3 * plane
            let drawn = colour(storage, base: base, plane: plane, middle: middle)
            let skin = tone == .photo ? colour(photos.storage, base: base, plane: plane, middle: middle) : drawn
            for i in 0..<plane where reach[i] > 0 || skin != drawn {
                let colour = planarLevels(storage, base: base, plane: plane, i)
                let like = likeness(colour, skin: drawn)
                guard like > 0 else { continue }
                let toned = colour + like * (skin - drawn)
                let moved = toned + reach[i] * like * (skin - toned)
                for channel in 0..<3 { storage[base + channel * plane + i] = moved[channel] / 127.5 - 1 }
            }
        }
        return Tensor(shape: cartoons.shape, storage: storage)
    }

    /// The pixel indices of a `width` x `height` image in `sample`, where its skin colour is taken.
    static func middle(width: Int, height: Int) -> [Int] {
        (0..<(width * height)).filter { sample.contains(row: $0 / width, column: $0 % width, width: width, height: height) }
    }

    /// The skin colour (levels) of the image whose planes start at `base` in `values`: the per-channel median over
    /// `middle` (`middle(width:height:)`).
    static func colour(_ values: [Float], base: Int, plane: Int, middle: [Int]) -> SIMD3<Float> {
        median(middle.map { planarLevels(values, base: base, plane: plane, $0) })
    }

    /// How skin-like `colour` is next to the image's `skin` (both in levels): 1 for a shade of the skin, 0 for
    /// another hue or a colour far darker or lighter.
    static func likeness(_ colour: SIMD3<Float>, skin: SIMD3<Float>) -> Float {
        let (grey, skinGrey) = (Luma.of(colour), Luma.of(skin))
        guard grey > 1, skinGrey > 1 else { return 0 }
        let ratio = grey / skinGrey
        let difference = colour * (skinGrey / grey) - skin
        let hueDistance = (difference * difference).sum().squareRoot()
        return ramp(ratio, from: 0.5, to: 0.7) * (1 - ramp(ratio, from: 1.25, to: 1.45)) * (1 - ramp(hueDistance, from: 30, to: 60))
    }

    /// 0 below `from`, 1 above `to`, linear between.
    private static func ramp(_ x: Float, from: Float, to: Float) -> Float { min(1, max(0, (x - from) / (to - from))) }

    /// Per-channel median of `colours` (black when there are none).
    private static func median(_ colours: [SIMD3<Float>]) -> SIMD3<Float> {
        guard !colours.isEmpty else { return SIMD3() }
        return SIMD3((0..<3).map { channel in colours.map { $0[channel] }.sorted()[colours.count / 2] })
    }
}

/// Whose skin colour `TeacherSkin` gives the target (`--teacher-skin-tone`).
package enum SkinTone: String, Sendable, CaseIterable {
    /// The teacher's own: the median of the middle of the face it drew.
    case teacher
    /// The photo's: the median of the middle of the photo's face.
    case photo
}
