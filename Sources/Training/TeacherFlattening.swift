import Foundation
import NN

/// The teacher's cartoon made flatter, for the distillation target (`--teacher-flatten`): a 3x3 median per
/// channel takes out one-pixel specks and colour fringes, then two bilateral passes (5x5, spatial sigma 1.5 px,
/// range sigma in grey levels) even out the GAN texture inside regions while the outlines between them stay
/// sharp. G learns to draw the flat fills an avatar has rather than the posterised photo texture.
enum TeacherFlattening {
    private static let radius = 2
    private static let spatialSigma: Float = 1.5

    /// `cartoons` (`[N, 3, H, W]` in [-1, 1]) flattened with range sigma `rangeLevels` (8-bit levels, > 0).
    static func flattened(_ cartoons: Tensor, rangeLevels: Float) -> Tensor {
        let (n, c, h, w) = cartoons.nchw
        precondition(c == 3 && rangeLevels > 0, "flattening needs RGB and a range sigma above 0, got \(cartoons.shape), \(rangeLevels)")
        var storage = cartoons.storage
        let plane = h * w
        var scratch = [Float](repeating: 0, count: 3 * plane)
        for image in 0..<n {
            let range = (image * 3 * plane)..<((image + 1) * 3 * plane)
            storage.withUnsafeMutableBufferPointer { all in
                scratch.withUnsafeMutableBufferPointer { other in
                    let pixels = UnsafeMutableBufferPointer(rebasing: all[range])
                    median3x3(from: pixels, to: other, width: w, height: h)
                    bilateral(from: other, to: pixels, width: w, height: h, rangeLevels: rangeLevels)
                    bilateral(from: pixels, to: other, width: w, height: h, rangeLevels: rangeLevels)
                    _ = pixels.update(fromContentsOf: other)
                }
            }
        }
        return Tensor(shape: cartoons.shape, storage: storage)
    }

    /// Per-channel median of each pixel's 3x3 neighbourhood, edges replicated.
    static func median3x3(from source: UnsafeMutableBufferPointer<Float>, to target: UnsafeMutableBufferPointer<Float>,
                          width: Int, height: Int, channels: Int = 3) {
        let plane = width * height
        var window = [Float](repeating: 0, count: 9)
        for channel in 0..<channels {
            let base = channel * plane
            for y in 0..<height {
                for x in 0..<width {
                    var k = 0
                    for dy in -1...1 {
                        let row = min(max(y + dy, 0), height - 1) * width
                        for dx in -1...1 {
                            window[k] = source[base + row + min(max(x + dx, 0), width - 1)]
                            k += 1
                        }
                    }
                    window.sort()
                    target[base + y * width + x] = window[4]
                }
            }
        }
    }

    /// One bilateral pass over RGB planes: neighbours within `radius` weighted by distance and by how far their
    /// colour is (mean squared channel difference) from the centre's; edges replicated.
    static func bilateral(from source: UnsafeMutableBufferPointer<Float>, to target: UnsafeMutableBufferPointer<Float>,
                          width: Int, height: Int, rangeLevels: Float) {
        let plane = width * height
        let sigma = rangeLevels / 127.5   // images are in [-1, 1]
        let rangeScale = -1 / (2 * sigma * sigma * 3)
        let taps = (-radius...radius).flatMap { dy in (-radius...radius).map { dx in (dy, dx) } }
        let spatial = taps.map { dy, dx in -Float(dy * dy + dx * dx) / (2 * spatialSigma * spatialSigma) }
        func colour(_ index: Int) -> SIMD4<Float> {
            SIMD4(source[index], source[plane + index], source[2 * plane + index], 0)
        }
        for y in 0..<height {
            for x in 0..<width {
                let centre = colour(y * width + x)
                var sum = SIMD4<Float>(), total: Float = 0
                for (tap, (dy, dx)) in taps.enumerated() {
                    let neighbour = colour(min(max(y + dy, 0), height - 1) * width + min(max(x + dx, 0), width - 1))
                    let difference = neighbour - centre
                    let weight = exp(spatial[tap] + rangeScale * (difference * difference).sum())
                    sum += weight * neighbour
                    total += weight
                }
                let mean = sum / total   // the centre's own weight is 1, so total >= 1
                for channel in 0..<3 { target[channel * plane + y * width + x] = mean[channel] }
            }
        }
    }
}
