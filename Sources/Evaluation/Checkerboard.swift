import Imaging

/// The checkerboard a transposed convolution can leave on flat areas: the mean magnitude, in grey levels, of
/// each 2x2 block's alternating component (a - b - c + d) / 4. Photos and clean cartoons score well under 1.
package enum Checkerboard {
    package static func energy(_ image: RGBImage) -> Double {
        let (w, h) = (image.width, image.height)
        guard w >= 2, h >= 2, image.pixels.count == w * h * 3 else { return 0 }
        func grey(_ x: Int, _ y: Int) -> Double { image.grey(atSample: (y * w + x) * 3) }
        var sum = 0.0
        for y in stride(from: 0, to: h - 1, by: 2) {
            for x in stride(from: 0, to: w - 1, by: 2) {
                sum += abs(grey(x, y) - grey(x + 1, y) - grey(x, y + 1) + grey(x + 1, y + 1)) / 4
            }
        }
        return sum / Double((w / 2) * (h / 2))
    }
}
