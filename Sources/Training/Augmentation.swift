import Imaging
import NN

/// How an image of any shape becomes a square before resizing: the two common recipes.
package enum SquarePreprocessing: String, Sendable, CaseIterable {
    /// Pad the short side (edges replicated) to a square: keeps whole aligned faces (CelebA).
    case pad
    /// Crop the central square: drops margins (Cartoonset's 500x500 avatars already are square).
    case center
}

/// The per-sample pipeline of the official `--preprocess resize_and_crop` after squaring: resize to
/// `loadSize`, random `cropSize` crop, random horizontal flip.
package struct Augmentation: Sendable, Equatable {
    package var preprocessing: SquarePreprocessing
    package var loadSize: Int
    package var cropSize: Int
    package var flip: Bool

    /// `loadSize` defaults to the official 286/256 ratio of the crop size.
    package init(preprocessing: SquarePreprocessing, cropSize: Int, loadSize: Int? = nil, flip: Bool = true) {
        self.preprocessing = preprocessing
        self.cropSize = cropSize
        self.loadSize = max(cropSize, loadSize ?? Int((Double(cropSize) * 286 / 256).rounded()))
        self.flip = flip
    }

    func square(_ image: RGBImage) -> RGBImage {
        switch preprocessing {
        case .center:
            return image.centerSquareCrop()
        case .pad:
            let side = max(image.width, image.height)
            return image.cropped(x: (image.width - side) / 2, y: (image.height - side) / 2, width: side, height: side)
        }
    }

    /// A random training view: `[3, cropSize, cropSize]` planar floats in [-1, 1].
    package func trainingView(_ image: RGBImage, rng: inout SplitMix64) -> [Float] {
        let loaded = square(image).resized(width: loadSize, height: loadSize)
        let range = UInt64(loadSize - cropSize + 1)
        let x = Int(rng.next() % range), y = Int(rng.next() % range)
        var view = loaded.cropped(x: x, y: y, width: cropSize, height: cropSize)
        if flip && rng.next() & 1 == 1 { view = view.mirrored() }
        return view.planarFloats()
    }

    /// The deterministic view used for sample sheets: squared and resized straight to `cropSize`.
    package func evaluationView(_ image: RGBImage) -> [Float] {
        square(image).resized(width: cropSize, height: cropSize).planarFloats()
    }
}

extension RGBImage {
    /// Left-right mirror image.
    func mirrored() -> RGBImage {
        var out = pixels
        let (w, h) = (width, height)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let row = y * w * 3
                    for x in 0..<w {
                        let s = row + x * 3, d = row + (w - 1 - x) * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out) ?? self
    }
}
