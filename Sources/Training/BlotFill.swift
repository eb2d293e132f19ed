import Autograd
import NN

/// The teacher's blots painted out, for the distillation target. A blot is a pixel of the generated cartoon,
/// outside the mouth, that is either more than `margin` lighter than the photo in grey, or near-white where
/// the photo is lit skin a little darker: the white ovals a generator paints on highlights, cheeks and noses,
/// which on light skin come within 60 levels of the photo. Teeth look the same to those tests and are
/// drawn white in the cartoons, so the mouth (`mouth`, in the aligned training view) is never a blot. Blots,
/// grown by one pixel for their soft rims, are filled from the outside in with the mean of their
/// already-known 8-neighbours, so a blot takes the colour of the skin around it.
enum BlotFill {
    /// Where the mouth lies in the training view (rows, columns as fractions of the side): the chips' mouths
    /// after the trainer's 143 -> 128 px random crop.
    static let mouth = (rows: 0.6..<0.95, columns: 0.25..<0.75)
    /// Near-white: every channel at least 200 of 255; lit skin: red at least 30 levels above blue; and at
    /// least 20 grey levels lighter than the photo (in [-1, 1] units).
    static let white: Float = 200 / 127.5 - 1, skinChroma: Float = 30 / 127.5, whiteLightening: Float = 20 / 127.5

    /// `cartoons` with its blots filled; `cartoons` and `photos` are `[N, 3, H, W]` in [-1, 1].
    static func filled(_ cartoons: Tensor, photos: Tensor, margin: Float) -> Tensor {
        let (n, _, h, w) = cartoons.nchw
        let plane = h * w
        let lighter = cartoons.lightening(over: photos)   // checks for two equal RGB shapes
        var storage = cartoons.storage
        let photo = photos.storage
        let mouthRows = Int(mouth.rows.lowerBound * Double(h))..<Int(mouth.rows.upperBound * Double(h))
        let mouthColumns = Int(mouth.columns.lowerBound * Double(w))..<Int(mouth.columns.upperBound * Double(w))
        for image in 0..<n {
            let base = image * 3 * plane
            let blots = (0..<plane).map { i in
                guard !(mouthRows.contains(i / w) && mouthColumns.contains(i % w)) else { return false }
                let near = min(storage[base + i], storage[base + plane + i], storage[base + 2 * plane + i]) >= white
                let skin = photo[base + i] - photo[base + 2 * plane + i] >= skinChroma
                let lightening = lighter[image * plane + i]
                return lightening > margin || (near && skin && lightening >= whiteLightening)
            }
            var unknown = dilated(blots, width: w, height: h)
            fill(&storage, base: base, width: w, height: h, unknown: &unknown)
        }
        return Tensor(shape: cartoons.shape, storage: storage)
    }

    /// `mask` (row-major, `width` x `height`) grown by one pixel in all 8 directions.
    static func dilated(_ mask: [Bool], width: Int, height: Int) -> [Bool] {
        var grown = mask
        for y in 0..<height {
            for x in 0..<width where mask[y * width + x] {
                for dy in -1...1 where (0..<height).contains(y + dy) {
                    for dx in -1...1 where (0..<width).contains(x + dx) { grown[(y + dy) * width + x + dx] = true }
                }
            }
        }
        return grown
    }

    /// Fills the `unknown` pixels of one image's RGB planes, ring by ring, until none is left or none borders a
    /// known pixel (an image that is all blot stays as it is).
    private static func fill(_ storage: inout [Float], base: Int, width: Int, height: Int, unknown: inout [Bool]) {
        let plane = width * height
        func colour(_ index: Int) -> SIMD4<Float> {
            SIMD4(storage[base + index], storage[base + plane + index], storage[base + 2 * plane + index], 0)
        }
        var ring: [(index: Int, colour: SIMD4<Float>)] = []
        repeat {
            ring.removeAll(keepingCapacity: true)
            for y in 0..<height {
                for x in 0..<width where unknown[y * width + x] {
                    var sum = SIMD4<Float>(), known: Float = 0
                    for dy in -1...1 where (0..<height).contains(y + dy) {
                        for dx in -1...1 where (0..<width).contains(x + dx) && !unknown[(y + dy) * width + x + dx] {
                            sum += colour((y + dy) * width + x + dx)
                            known += 1
                        }
                    }
                    if known > 0 { ring.append((y * width + x, sum / known)) }
                }
            }
            for (index, mean) in ring {
                for channel in 0..<3 { storage[base + channel * plane + index] = mean[channel] }
                unknown[index] = false
            }
        } while !ring.isEmpty
    }
}
