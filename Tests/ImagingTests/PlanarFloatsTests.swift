import Imaging
import Testing

@Suite struct PlanarFloatsTests {
    @Test func layoutIsChannelPlanes() throws {
        let image = try #require(RGBImage(width: 2, height: 1, pixels: [0, 255, 51, 102, 153, 204]))
        let samples: [Float] = [0, 102, 255, 153, 51, 204]  // R plane, G plane, B plane
        #expect(image.planarFloats() == samples.map { $0 / 127.5 - 1 })
    }

    @Test func roundTripIsExactForEveryValue() throws {
        let pixels = (0..<256 * 3).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let image = try #require(RGBImage(width: 16, height: 16, pixels: pixels))
        #expect(RGBImage(planarFloats: image.planarFloats(), width: 16, height: 16) == image)
    }

    @Test func outputIsRoundedAndClamped() {
        let planes: [Float] = [-3, -1, -0.999, 0, 1, 7, .nan, .infinity, -.infinity]
        let image = RGBImage(planarFloats: planes, width: 3, height: 1)
        // R plane = first three values, G the next three, B the last three.
        let expected: [UInt8] = [0, 128, 0, 0, 255, 255, 0, 255, 0]
        #expect(image.pixels == expected)
        // Rounded to nearest, not truncated.
        let near: [Float] = [0.51, 0.49, 254.6]
        #expect(RGBImage(planarFloats: near.map { $0 / 127.5 - 1 }, width: 1, height: 1).pixels == [1, 0, 255])
    }
}
