import Imaging
import Testing

/// JPEGs decoded at 1/2 to 1/8 of their size (libjpeg's scaled inverse DCT) when a smaller image will do.
@Suite struct ReducedDecodeTests {
    /// A smooth picture (two gradients and a soft disc), so a scaled DCT and an area resize agree closely.
    static let photo: RGBImage = {
        let (width, height) = (640, 480)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x - 320), dy = Double(y - 240)
                let disc = max(0, 1 - (dx * dx + dy * dy) / (160 * 160))
                let i = 3 * (y * width + x)
                pixels[i] = UInt8(255 * x / width)
                pixels[i + 1] = UInt8(255 * y / height)
                pixels[i + 2] = UInt8(255 * disc)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)!
    }()

    @Test(arguments: [(minimumSide: 0, reduction: 1), (minimumSide: 480, reduction: 1), (minimumSide: 240, reduction: 2),
                      (minimumSide: 200, reduction: 2), (minimumSide: 120, reduction: 4), (minimumSide: 60, reduction: 8),
                      (minimumSide: 1, reduction: 8)])
    func picksTheLargestReductionThatKeepsTheShorterSide(case expected: (minimumSide: Int, reduction: Int)) throws {
        let jpeg = try JPEGEncoder.encode(Self.photo, quality: 95)
        let decoded = try ImageDecoder.decode(jpeg, minimumSide: expected.minimumSide)
        #expect(decoded.reduction == expected.reduction)
        #expect(decoded.image.width == 640 / expected.reduction && decoded.image.height == 480 / expected.reduction)
        #expect(min(decoded.image.width, decoded.image.height) >= expected.minimumSide)
    }

    @Test(arguments: [2, 4, 8])
    func reducedDecodeMatchesAnAreaResize(reduction: Int) throws {
        let jpeg = try JPEGEncoder.encode(Self.photo, quality: 95)
        let reduced = try ImageDecoder.decode(jpeg, minimumSide: 480 / reduction).image
        let resized = try ImageDecoder.decode(jpeg).resized(width: 640 / reduction, height: 480 / reduction)
        #expect(reduced.width == resized.width && reduced.height == resized.height)
        let mean = zip(reduced.pixels, resized.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) }
            / Double(resized.pixels.count)
        #expect(mean < 1.5)
        #expect(maxDifference(reduced, resized) < 24)
    }

    @Test func pngsAreNeverReduced() throws {
        let png = try PNGEncoder.encode(Self.photo)
        let decoded = try ImageDecoder.decode(png, minimumSide: 60)
        #expect(decoded.reduction == 1)
        #expect(decoded.image == Self.photo)
    }

    @Test func limitsApplyToTheFullSize() throws {
        let jpeg = try JPEGEncoder.encode(Self.photo, quality: 80)
        #expect(throws: ImageError.tooLarge(width: 640, height: 480)) {
            try ImageDecoder.decode(jpeg, limits: DecodeLimits(maxPixels: 100_000), minimumSide: 60)
        }
    }
}
