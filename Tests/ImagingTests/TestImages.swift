import Imaging
import TestSupport

enum TestImages {
    static func noise(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var random = SeededGenerator(state: seed)
        let pixels = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &random) }
        return RGBImage(width: width, height: height, pixels: pixels)!
    }

    /// Black and white squares of `cell` pixels, built row by row so large boards are cheap in debug builds.
    static func checkerboard(width: Int, height: Int, cell: Int = 1) -> RGBImage {
        func row(startingWhite: Bool) -> [UInt8] {
            (0..<width).flatMap { x -> [UInt8] in
                let white = ((x / cell) % 2 == 0) == startingWhite
                return white ? [255, 255, 255] : [0, 0, 0]
            }
        }
        let even = row(startingWhite: true), odd = row(startingWhite: false)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height { pixels.append(contentsOf: (y / cell) % 2 == 0 ? even : odd) }
        return RGBImage(width: width, height: height, pixels: pixels)!
    }
}
