import Imaging
import NN

/// The teacher's blots (`Blot`), and with `--teacher-spots` its spots (`Spot`), painted out for the
/// distillation target: they are grown by one pixel for their soft rims and filled from the outside in with the
/// mean of their already-known 8-neighbours, so a blot takes the colour of the skin around it. With a
/// `largestShare`, a patch larger than that share of the image is left as drawn: a blot is a small oval, and a
/// hand or a cheek the teacher drew lighter than the photo, filled from its rim, becomes a smear of blocks.
enum BlotFill {
    /// `cartoons` with their blots (and `spots`) filled, but for patches over `largestShare` of the image;
    /// `cartoons` and `photos` are `[N, 3, H, W]` in [-1, 1].
    static func filled(_ cartoons: Tensor, photos: Tensor, spots: Bool = false, largestShare: Double? = nil) -> Tensor {
        let (n, c, h, w) = cartoons.nchw
        precondition(cartoons.shape == photos.shape && c == 3, "blots need two equal RGB shapes, got \(cartoons.shape), \(photos.shape)")
        let plane = h * w
        var storage = cartoons.storage
        let photo = photos.storage
        for image in 0..<n {
            let base = image * 3 * plane
            var blots = Blot.mask(width: w, height: h, spots: spots, cartoon: { planarLevels(storage, base: base, plane: plane, $0) },
                                  photo: { planarLevels(photo, base: base, plane: plane, $0) })
            if let largestShare { blots = Spot.smallPatches(blots, width: w, height: h, largest: Int(largestShare * Double(plane))) }
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
