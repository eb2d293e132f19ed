import Imaging
import Testing

/// Damaged input must come back as an image or an `ImageError`: never a crash, a hang or a stray `exit()`
/// from libjpeg/libpng. Typed throws guarantee the error type; these tests make the codecs walk every path.
@Suite struct FuzzTests {
    static let files = ["baseline420.jpg", "progressive.jpg", "cmyk.jpg", "orientation6.jpg", "rgb8.png", "rgba16_interlaced.png", "palette_trns.png"]

    static func check(_ bytes: [UInt8]) {
        do {
            let image = try ImageDecoder.decode(bytes)
            #expect(image.pixels.count == image.width * image.height * 3)
        } catch {
            #expect(!error.description.isEmpty)
        }
    }

    @Test(arguments: files)
    func everyTruncation(_ file: String) throws {
        let bytes = try Fixtures.bytes(file)
        for length in 0..<bytes.count { Self.check(Array(bytes.prefix(length))) }
    }

    @Test(arguments: files)
    func randomBitFlips(_ file: String) throws {
        let bytes = try Fixtures.bytes(file)
        var random = SplitMix64(state: UInt64(bytes.count))
        for _ in 0..<400 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                damaged[Int.random(in: 0..<damaged.count, using: &random)] ^= 1 << UInt8.random(in: 0...7, using: &random)
            }
            Self.check(damaged)
        }
    }

    @Test func truncatedFilesAreErrorsNotGreyPictures() throws {
        for file in ["baseline420.jpg", "progressive.jpg", "rgb8.png"] {
            let bytes = try Fixtures.bytes(file)
            #expect(throws: ImageError.self) { try ImageDecoder.decode(Array(bytes.prefix(bytes.count / 2))) }
        }
    }
}
