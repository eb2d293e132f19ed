import NN

/// The teacher's cartoon cut to a few flat colours, for the distillation target (`--teacher-posterize K`): K
/// colours per image by k-means in RGB, each pixel then takes the colour most of its 3x3 neighbourhood took (so
/// a border does not fray into single pixels). Bilateral flattening evens texture out but keeps smooth shading;
/// the cartoon set's avatars are flat fills, and `cartoonify eval`'s classifier calls 1.00 of run 22's outputs
/// flattened (`--teacher-flatten 25`) and posterised to 10 colours this way cartoon, against 0.04 of them as they
/// are. Deterministic (no random seeds), so a resumed run's target is the same.
enum TeacherPosterizing {
    private static let iterations = 8

    /// `cartoons` (`[N, 3, H, W]` in [-1, 1]) cut to at most `colours` (>= 2) colours each.
    static func posterized(_ cartoons: Tensor, colours: Int) -> Tensor {
        let (n, c, h, w) = cartoons.nchw
        precondition(c == 3 && colours >= 2, "posterising needs RGB and 2 colours or more, got \(cartoons.shape), \(colours)")
        let plane = h * w
        var storage = cartoons.storage
        var pixels = [SIMD4<Float>](repeating: .zero, count: plane)
        var labels = [Int](repeating: 0, count: plane)
        for image in 0..<n {
            let base = image * 3 * plane
            for i in 0..<plane {
                pixels[i] = SIMD4(storage[base + i], storage[base + plane + i], storage[base + 2 * plane + i], 0)
            }
            let centres = clustered(pixels, colours: colours, labels: &labels)
            let smoothed = majority(labels, width: w, height: h, colours: centres.count)
            for i in 0..<plane {
                for channel in 0..<3 { storage[base + channel * plane + i] = centres[smoothed[i]][channel] }
            }
        }
        return Tensor(shape: cartoons.shape, storage: storage)
    }

    /// k-means (Lloyd) from farthest-point seeds (the mean colour, then each time the pixel farthest from every
    /// centre so far), so a small region far from the rest (lips, eye whites, ink) gets a colour of its own rather
    /// than the skin several; `labels` gets each pixel's nearest centre. A centre that loses all its pixels keeps
    /// its place.
    static func clustered(_ pixels: [SIMD4<Float>], colours k: Int, labels: inout [Int]) -> [SIMD4<Float>] {
        var centres = [pixels.reduce(.zero, +) / Float(pixels.count)]
        var nearest = pixels.map { pixel in distance(pixel, centres[0]) }
        while centres.count < k, let far = nearest.indices.max(by: { nearest[$0] < nearest[$1] }) {
            centres.append(pixels[far])
            for (i, pixel) in pixels.enumerated() { nearest[i] = min(nearest[i], distance(pixel, pixels[far])) }
        }
        for _ in 0..<iterations {
            var sums = [SIMD4<Float>](repeating: .zero, count: centres.count)
            var counts = [Float](repeating: 0, count: centres.count)
            for (i, pixel) in pixels.enumerated() {
                var best = 0, bestDistance = Float.infinity
                for (j, centre) in centres.enumerated() {
                    let d = distance(pixel, centre)
                    if d < bestDistance { (best, bestDistance) = (j, d) }
                }
                labels[i] = best
                sums[best] += pixel
                counts[best] += 1
            }
            for j in centres.indices where counts[j] > 0 { centres[j] = sums[j] / counts[j] }
        }
        return centres
    }

    private static func distance(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> Float {
        let d = a - b
        return (d * d).sum()
    }

    /// Each label replaced by the one most frequent in its 3x3 neighbourhood (edges replicated); a tie keeps the
    /// pixel's own label where it is among the most frequent.
    static func majority(_ labels: [Int], width: Int, height: Int, colours: Int) -> [Int] {
        var result = labels
        var counts = [Int](repeating: 0, count: colours)
        for y in 0..<height {
            for x in 0..<width {
                for j in 0..<colours { counts[j] = 0 }
                for dy in -1...1 {
                    let row = min(max(y + dy, 0), height - 1) * width
                    for dx in -1...1 { counts[labels[row + min(max(x + dx, 0), width - 1)]] += 1 }
                }
                let own = labels[y * width + x]
                var best = own
                for j in 0..<colours where counts[j] > counts[best] { best = j }
                result[y * width + x] = best
            }
        }
        return result
    }
}
