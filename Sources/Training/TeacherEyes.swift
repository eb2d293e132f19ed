import Imaging
import NN

/// Cartoon eyes drawn onto the distillation target (`--teacher-eyes`): the GAN draws eyes as grey smudges, and
/// the cartoons' eyes are white discs with a dark pupil, the feature that most makes a face read as an avatar.
/// Where `CartoonEyes` finds the photo's eyes, the target's smudge is painted over with the face's skin colour,
/// then a white disc and a pupil are drawn, with soft edges a generator can learn. What the loss should
/// weigh is returned too: a generator that learns "a dark blob gets a white ring" draws second rings beside the eye
/// (a lash line, a frame's corner) and at the nostrils and mouth corners unless those cost as much as the eye, so
/// each eye's surround and every other iris-like blob on the face (a decoy) are weighed.
enum TeacherEyes {
    /// The surround the loss weighs (x, y radii in white radii): the eye, the brow above it and the lids round it.
    static let surround: (x: Float, y: Float) = (2.2, 1.6)
    /// Decoys: points of the lower face (below the eyes' surrounds) at least this iris-like (grey levels of
    /// `IrisContrast`), each weighed over a disc the size of a drawn eye; with `bridge`, also the band between
    /// the eyes' surrounds, where a glasses bridge or a frame's dark corner is iris-like and got rings (run 46).
    static let decoyContrast: Float = 25
    static let decoyRegion = FaceRegion(rows: 0.38..<0.95, columns: 0.15..<0.85)
    static let bridgeRegion = FaceRegion(rows: 0.15..<0.38, columns: 0.38..<0.62)
    static let pupilLevels = SIMD3<Float>(50, 45, 45)

    /// `targets` with cartoon eyes drawn where `photos` (both `[N, 3, H, W]` in [-1, 1]) have theirs, and how much
    /// each pixel is to be weighed (0...1, one plane per image): the eyes' surrounds and the decoys (those of the
    /// band between the eyes too, with `bridge`).
    static func drawn(_ targets: Tensor, photos: Tensor, bridge: Bool = false) -> (target: Tensor, weighed: [Float]) {
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
            let contrast = CartoonEyes.irisContrast(grey: grey, width: w, height: h)
            let eyes = CartoonEyes.locate(contrast)
            let skin = TeacherSkin.colour(storage, base: base, plane: plane, middle: middle)
            let radius = CartoonEyes.white * side
            for eye in eyes {
                let layers: [(SIMD2<Float>, SIMD3<Float>)] = [
                    (SIMD2(CartoonEyes.cleared.x, CartoonEyes.cleared.y) * radius, skin), (SIMD2(repeating: radius), SIMD3(repeating: 255)),
                    (SIMD2(repeating: CartoonEyes.pupil * radius), pupilLevels),
                ]
                let span = Int((surround.x * radius).rounded(.up)) + 1
                for y in max(0, Int(eye.y) - span)..<min(h, Int(eye.y) + span + 1) {
                    for x in max(0, Int(eye.x) - span)..<min(w, Int(eye.x) + span + 1) {
                        let i = y * w + x
                        var colour = planarLevels(storage, base: base, plane: plane, i)
                        let offset = SIMD2(Float(x), Float(y)) - eye
                        for (radii, fill) in layers { colour += CartoonEyes.coverage(offset, radii: radii) * (fill - colour) }
                        let around = CartoonEyes.coverage(offset, radii: SIMD2(surround.x, surround.y) * radius)
                        weighed[image * plane + i] = max(weighed[image * plane + i], around)
                        for channel in 0..<3 { storage[base + channel * plane + i] = colour[channel] / 127.5 - 1 }
                    }
                }
            }
            weighDecoys(contrast, in: bridge ? [decoyRegion, bridgeRegion] : [decoyRegion],
                        into: &weighed[(image * plane)..<((image + 1) * plane)], radius: radius)
        }
        return (Tensor(shape: targets.shape, storage: storage), weighed)
    }

    /// Marks, in `weighed` (one image's plane, the eyes' surrounds already in it), a disc of `radius` round every
    /// decoy: a point of `regions` at least `decoyContrast` iris-like and outside the surrounds.
    static func weighDecoys(_ contrast: IrisContrast, in regions: [FaceRegion], into weighed: inout ArraySlice<Float>, radius: Float) {
        let (w, h, base) = (contrast.width, contrast.height, weighed.startIndex)
        let r = Int(radius.rounded(.up))
        let disc = (-r...r).flatMap { dy in (-r...r).map { dx in (dx, dy) } }.compactMap { dx, dy in
            let cover = CartoonEyes.coverage(SIMD2(Float(dx), Float(dy)), radii: SIMD2(repeating: radius))
            return cover > 0 ? (dx, dy, cover) : nil
        }
        let decoys = (0..<(w * h)).filter { i in
            regions.contains { $0.contains(row: i / w, column: i % w, width: w, height: h) } && weighed[base + i] == 0
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
}
