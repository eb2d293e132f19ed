import Imaging
import Testing

@Suite struct EncodeTests {
    @Test(arguments: [0, 1, 6, 9])
    func pngRoundTripIsExact(level: Int) throws {
        for (width, height) in [(1, 1), (37, 23), (256, 256)] {
            let image = TestImages.noise(width: width, height: height, seed: UInt64(width * 1000 + level))
            let encoded = try PNGEncoder.encode(image, compressionLevel: level)
            #expect(ImageFormat.sniff(encoded) == .png)
            #expect(try ImageDecoder.decode(encoded) == image)
        }
    }

    @Test func higherPNGLevelsAreSmaller() throws {
        let image = TestImages.checkerboard(width: 300, height: 200, cell: 3)
        let stored = try PNGEncoder.encode(image, compressionLevel: 0)
        let best = try PNGEncoder.encode(image, compressionLevel: 9)
        #expect(stored.count > image.pixels.count)  // level 0 stores: no smaller than the raw rows
        #expect(best.count * 20 < stored.count)
    }

    @Test func jpegRoundTripIsClose() throws {
        // A smooth picture survives JPEG with small error; quality orders both size and error.
        let pixels = (0..<64 * 48).flatMap { i -> [UInt8] in
            let x = i % 64, y = i / 64
            return [UInt8(x * 4), UInt8(y * 5), UInt8((x + y) * 2)]
        }
        let image = try #require(RGBImage(width: 64, height: 48, pixels: pixels))
        let high = try JPEGEncoder.encode(image, quality: 95)
        let low = try JPEGEncoder.encode(image, quality: 30)
        #expect(ImageFormat.sniff(high) == .jpeg)
        #expect(low.count < high.count)
        let decodedHigh = try ImageDecoder.decode(high), decodedLow = try ImageDecoder.decode(low)
        #expect(maxDifference(decodedHigh, image) <= 8)
        #expect(maxDifference(decodedLow, image) >= maxDifference(decodedHigh, image))
    }

    @Test func invalidSettingsAreErrors() {
        let image = RGBImage(width: 2, height: 2)
        #expect(throws: ImageError.encodingFailed("PNG compression level 10 is outside 0...9")) {
            try PNGEncoder.encode(image, compressionLevel: 10)
        }
        #expect(throws: ImageError.self) { try JPEGEncoder.encode(image, quality: 0) }
        var broken = image
        broken.pixels.removeLast()
        #expect(throws: ImageError.self) { try PNGEncoder.encode(broken) }
    }
}
