import Foundation
import Imaging
import NN

/// Ink lines from the photo drawn onto the distillation target (`--teacher-ink`): the GAN draws eyes, lids and
/// lips as smudges, and a face is known by those lines. The ink is an extended difference of Gaussians
/// (XDoG, Winnemöller et al. 2012) of the photo's grey, medianed 3x3 first so JPEG specks draw nothing: where a
/// pixel is darker than its surround (eyes, brows, nostrils, the parting of the lips, the outlines of jaw and
/// hair) the target is darkened towards black, smoothly, so the lines have soft edges a generator can draw.
enum TeacherInk {
    /// The surround's Gaussian is this much wider than the centre's (the DoG's usual ratio).
    static let surroundScale: Float = 1.6
    /// Below 1, so that flat areas come out slightly positive: paper, not ink.
    static let surroundWeight: Float = 0.98
    /// How fast a darker-than-surround difference (grey in 0...1) turns to ink: 0.02 darker gives 66% ink.
    static let sharpness: Float = 40

    /// `targets` darkened by the ink of `photos` (both `[N, 3, H, W]` in [-1, 1]) at centre sigma `sigma` px (> 0).
    static func inked(_ targets: Tensor, photos: Tensor, sigma: Float) -> Tensor {
        let (n, c, h, w) = targets.nchw
        precondition(targets.shape == photos.shape && c == 3 && sigma > 0,
                     "ink needs two equal RGB shapes and a sigma above 0, got \(targets.shape), \(photos.shape), \(sigma)")
        let plane = h * w
        var storage = targets.storage
        for image in 0..<n {
            let base = image * 3 * plane
            let grey = (0..<plane).map { i in
                let photo = SIMD3(photos.storage[base + i], photos.storage[base + plane + i], photos.storage[base + 2 * plane + i])
                return (Luma.of(photo) + 1) / 2
            }
            let paper = paper(grey: grey, width: w, height: h, sigma: sigma)
            for channel in 0..<3 {
                for i in 0..<plane where paper[i] < 1 {
                    storage[base + channel * plane + i] = (storage[base + channel * plane + i] + 1) * paper[i] - 1
                }
            }
        }
        return Tensor(shape: targets.shape, storage: storage)
    }

    /// How much of each pixel's colour stays (1: no ink, 0: black) for a `width` x `height` grey plane in 0...1.
    static func paper(grey: [Float], width: Int, height: Int, sigma: Float) -> [Float] {
        var source = grey, medianed = grey
        source.withUnsafeMutableBufferPointer { from in
            medianed.withUnsafeMutableBufferPointer { to in
                TeacherFlattening.median3x3(from: from, to: to, width: width, height: height, channels: 1)
            }
        }
        let centre = blurred(medianed, width: width, height: height, sigma: sigma)
        let surround = blurred(medianed, width: width, height: height, sigma: sigma * surroundScale)
        return zip(centre, surround).map { c, s in
            let difference = c - surroundWeight * s
            return difference >= 0 ? 1 : max(0, 1 + tanh(sharpness * difference))
        }
    }

    /// A separable Gaussian blur out to 3 sigma, edges replicated.
    static func blurred(_ plane: [Float], width: Int, height: Int, sigma: Float) -> [Float] {
        let radius = Int((3 * sigma).rounded(.up))
        let taps = (-radius...radius).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = taps.reduce(0, +)
        let weights = taps.map { $0 / total }
        func pass(_ input: [Float], _ offset: (Int, Int) -> Int) -> [Float] {
            (0..<(width * height)).map { i in
                weights.enumerated().reduce(Float(0)) { sum, tap in sum + tap.element * input[offset(i, tap.offset - radius)] }
            }
        }
        let across = pass(plane) { i, d in i - i % width + min(max(i % width + d, 0), width - 1) }
        return pass(across) { i, d in min(max(i / width + d, 0), height - 1) * width + i % width }
    }
}
