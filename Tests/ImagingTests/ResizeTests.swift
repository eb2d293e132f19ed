import Imaging
import Testing

@Suite struct ResizeTests {
    @Test func sameSizeIsIdentical() {
        let image = TestImages.noise(width: 31, height: 17, seed: 1)
        #expect(image.resized(width: 31, height: 17) == image)
    }

    @Test func unchangedAxisIsCopiedExactly() {
        // Only the height changes: every column resamples on its own, so a uniform column stays uniform.
        let image = TestImages.noise(width: 13, height: 1, seed: 2).resized(width: 13, height: 9)
        for y in 0..<9 { #expect(Array(image.pixels[y * 39..<(y + 1) * 39]) == Array(image.pixels[0..<39])) }
    }

    /// OpenCV's INTER_AREA (down) and INTER_LINEAR (up) compute the same definitions.
    @Test(arguments: Fixtures.manifest?.resize ?? [])
    func matchesOpenCV(_ fixture: Fixtures.Resize) throws {
        let source = try #require(Fixtures.manifest?.resizeSource)
        let image = try Fixtures.image(raw: source.file, width: source.width, height: source.height)
        let reference = try Fixtures.image(raw: fixture.reference, width: fixture.width, height: fixture.height)
        #expect(maxDifference(image.resized(width: fixture.width, height: fixture.height), reference) <= fixture.tolerance)
    }

    @Test func shrinkingACheckerboardGivesFlatGrey() {
        // A phone-sized photo of 1-pixel squares shrunk to model size, by a non-integer factor.
        let board = TestImages.checkerboard(width: 4000, height: 3000)
        let small = board.resized(width: 256, height: 256)
        #expect(small.pixels.allSatisfy { (126...129).contains($0) })
    }

    @Test func shrinkingStripesStaysWithinTheAreaBound() {
        // 1-pixel vertical stripes, 1000 -> 77 columns: each output averages 12.99 columns, so it can differ
        // from mid-grey by at most half a column's worth (255 / 2 / 12.99 = 9.8), never the full-contrast
        // moire a point sampler gives.
        let stripes = RGBImage(width: 1000, height: 4, pixels: (0..<4000).flatMap { i in [UInt8](repeating: i % 2 == 0 ? 255 : 0, count: 3) })!
        let small = stripes.resized(width: 77, height: 4)
        #expect(small.pixels.allSatisfy { abs(Int($0) - 128) <= 11 })
    }

    @Test func integerShrinkIsTheBlockMean() throws {
        let image = try #require(RGBImage(width: 4, height: 2, pixels: [10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0,
                                                                        50, 0, 0, 60, 0, 0, 70, 0, 0, 81, 0, 0]))
        let small = image.resized(width: 2, height: 1)
        #expect(small.pixels == [35, 0, 0, 55, 0, 0])  // (10+20+50+60)/4 = 35, (30+40+70+81)/4 = 55.25
    }

    @Test func enlargingIsSmoothAndKeepsCorners() {
        let image = TestImages.noise(width: 8, height: 6, seed: 3)
        let big = image.resized(width: 64, height: 48)
        #expect(big.width == 64 && big.height == 48)
        // Bilinear never overshoots the range of its neighbours, and the clamped edges reproduce corners.
        #expect(Array(big.pixels[0..<3]) == Array(image.pixels[0..<3]))
        let (low, high) = (image.pixels.min()!, image.pixels.max()!)
        #expect(big.pixels.allSatisfy { (low...high).contains($0) })
    }

    @Test func mixedDirections() {
        let image = TestImages.checkerboard(width: 40, height: 5)
        let resized = image.resized(width: 10, height: 20)
        #expect(resized.width == 10 && resized.height == 20)
        #expect(resized.pixels.allSatisfy { (126...129).contains($0) })
    }
}
