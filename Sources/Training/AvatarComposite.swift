import Imaging
import NN

/// How much of the photo's rendered avatar (`--teacher-avatars`) the teacher's target gives way to.
package enum AvatarUse: String, Sendable, CaseIterable {
    case none
    /// The whole avatar: its skin, ears, hair and white ground.
    case whole
    /// Only its face, flat skin, so the avatar's skin tone and clean cheeks come without its hair and ground,
    /// which the photo does not decide well enough for G to learn them sharply.
    case face
}

/// The teacher's target laid over an avatar rendered for the photo (`--teacher-avatars`, its own eyes, brows, nose
/// and mouth painted over): the avatar's flat skin, ears, hair and white ground everywhere (or its face alone,
/// `AvatarUse.face`, the teacher's target around it), and in the eyes, brows
/// and mouth the teacher's drawing of the person's own features (their expression, glasses), recoloured so its
/// skin matches the avatar's. There, on the avatar's face only, just what stands out from that skin is kept,
/// so the teacher's shading and blotches give way to flat skin while lines, irises, teeth and lips stay.
enum AvatarComposite {
    /// Where the teacher's features stay: a band across brows and eyes (glasses and their bridge with them),
    /// and the mouth with what grows around it, generous by the trainer's random crop (it moves features by
    /// up to 12% of the side); `skinKey` flattens the bare skin inside. Each blends into the avatar over `feather`.
    static let features = [
        FaceRegion(rows: 0.08..<0.38, columns: 0.04..<0.96), FaceRegion(rows: 0.58..<0.97, columns: 0.18..<0.82),
    ]
    static let feather = 0.06
    /// Where both images show bare cheek: the teacher's skin is shifted by the difference of their means here.
    static let cheeks = [FaceRegion(rows: 0.45..<0.6, columns: 0.22..<0.35), FaceRegion(rows: 0.45..<0.6, columns: 0.65..<0.78)]
    /// A feature pixel this near the avatar's skin (RGB distance, grey levels) is skin; one this far is kept
    /// whole; between, it fades in smoothly.
    static let skinKey: ClosedRange<Float> = 20...50
    /// Only on the avatar's face, its pixels this near its skin (grey levels): the zones' corners must not lay
    /// the teacher's hair and background over the avatar's.
    static let avatarFace: Float = 24

    /// `[H * W]`: 1 where the teacher's features stay, 0 where the avatar is the target.
    static func featureMask(width: Int, height: Int) -> [Float] {
        var mask = [Float](repeating: 0, count: width * height)
        for row in 0..<height {
            for column in 0..<width {
                mask[row * width + column] = features.map {
                    $0.coverage(row: row, column: column, width: width, height: height, feather: feather)
                }.max() ?? 0
            }
        }
        return mask
    }

    /// `target` (`[N, 3, S, S]` in [-1, 1]) over `avatars` (the same shape): per image, the target's cheek
    /// colour moved to the avatar's, then blended in by `featureMask` times the pixel's `skinKey` weight; off the
    /// avatar's face, with `faceOnly`, the target as it was.
    static func composed(_ target: Tensor, over avatars: Tensor, faceOnly: Bool = false) -> Tensor {
        precondition(target.shape == avatars.shape && target.shape[1] == 3, "one RGB avatar per photo, at the photo's size")
        let (n, _, h, w) = target.nchw
        let plane = h * w
        let mask = featureMask(width: w, height: h)
        let cheekPixels = (0..<plane).filter { i in cheeks.contains { $0.contains(row: i / w, column: i % w, width: w, height: h) } }
        let (near, far, face) = (skinKey.lowerBound / 127.5, skinKey.upperBound / 127.5, avatarFace / 127.5)
        var out = avatars.storage
        for image in 0..<n {
            let base = image * 3 * plane
            func mean(_ values: [Float], _ channel: Int) -> Float {
                cheekPixels.reduce(Float(0)) { $0 + values[base + channel * plane + $1] } / Float(max(1, cheekPixels.count))
            }
            let skin = SIMD3(mean(avatars.storage, 0), mean(avatars.storage, 1), mean(avatars.storage, 2))
            let shift = skin - SIMD3(mean(target.storage, 0), mean(target.storage, 1), mean(target.storage, 2))
            for i in 0..<plane where mask[i] > 0 || faceOnly {
                let under = SIMD3(avatars.storage[base + i], avatars.storage[base + plane + i], avatars.storage[base + 2 * plane + i])
                guard ((under - skin) * (under - skin)).sum() < face * face else {
                    if faceOnly { for channel in 0..<3 { out[base + channel * plane + i] = target.storage[base + channel * plane + i] } }
                    continue
                }
                let pixel = SIMD3(target.storage[base + i], target.storage[base + plane + i], target.storage[base + 2 * plane + i])
                let feature = (pixel + shift).clamped(lowerBound: SIMD3(repeating: -1), upperBound: SIMD3(repeating: 1))
                let offset = feature - skin
                let t = min(1, max(0, ((offset * offset).sum().squareRoot() - near) / (far - near)))
                let weight = mask[i] * t * t * (3 - 2 * t)
                for channel in 0..<3 {
                    out[base + channel * plane + i] = weight * feature[channel] + (1 - weight) * under[channel]
                }
            }
        }
        return Tensor(shape: target.shape, storage: out)
    }
}
