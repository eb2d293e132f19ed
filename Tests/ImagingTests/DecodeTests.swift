import Imaging
import Testing

@Suite struct DecodeTests {
    @Test func manifestIsComplete() throws {
        let manifest = try #require(Fixtures.manifest)
        // 18 PNG colour type / depth / interlace combinations, 6 JPEG flavours, 11 EXIF orientation files.
        #expect(manifest.decode.count == 35)
        #expect(manifest.errors.count >= 12)
    }

    @Test(arguments: Fixtures.manifest?.decode ?? [])
    func matchesPillow(_ fixture: Fixtures.Decode) throws {
        let decoded = try ImageDecoder.decode(Fixtures.bytes(fixture.file))
        let reference = try Fixtures.image(raw: fixture.reference, width: fixture.width, height: fixture.height)
        #expect(decoded.width == fixture.width)
        #expect(decoded.height == fixture.height)
        #expect(maxDifference(decoded, reference) <= fixture.tolerance)
    }

    /// Every orientation file stores the same picture turned a different way; all must come out upright.
    @Test(arguments: 1...8)
    func orientationComesOutUpright(_ orientation: Int) throws {
        let upright = try Fixtures.image(raw: "upright.rgb", width: 24, height: 16)
        let decoded = try ImageDecoder.decode(Fixtures.bytes("orientation\(orientation).jpg"))
        #expect(decoded.width == 24 && decoded.height == 16)
        // JPEG loss on a picture with hard edges, but far below what any wrong orientation would give.
        #expect(maxDifference(decoded, upright) < 40)
        let mean = zip(decoded.pixels, upright.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(upright.pixels.count)
        #expect(mean < 3)
    }

    @Test func pngExifOrientation() throws {
        let upright = try Fixtures.image(raw: "upright.rgb", width: 24, height: 16)
        #expect(try ImageDecoder.decode(Fixtures.bytes("orientation6.png")) == upright)
    }

    @Test func orientationsDifferFromEachOther() throws {
        // Guards the test above: the picture is asymmetric enough that a wrong turn is caught.
        let upright = try Fixtures.image(raw: "upright.rgb", width: 24, height: 16)
        for orientation in [ExifOrientation.mirrored, .down, .downMirrored] {
            #expect(maxDifference(upright.applying(orientation), upright) > 100)
        }
    }

    @Test func cmykAndYCCKAgree() throws {
        let cmyk = try ImageDecoder.decode(Fixtures.bytes("cmyk.jpg"))
        let ycck = try ImageDecoder.decode(Fixtures.bytes("ycck.jpg"))
        let upright = try Fixtures.image(raw: "upright.rgb", width: 24, height: 16)
        #expect(maxDifference(cmyk, ycck) < 40)
        #expect(maxDifference(cmyk, upright) < 60)
    }
}
