import Imaging
import Testing
import TestSupport

/// Damaged input must come back as an image or an `ImageError`: never a crash, a hang or a stray `exit()`
/// from libjpeg/libpng. Typed throws guarantee the error type; these tests make the codecs walk every path.
@Suite struct ImageFuzzTests {
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
        var random = SeededGenerator(state: UInt64(bytes.count))
        for _ in 0..<400 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                damaged[Int.random(in: 0..<damaged.count, using: &random)] ^= 1 << UInt8.random(in: 0...7, using: &random)
            }
            Self.check(damaged)
        }
    }

    /// Any cut in a JPEG (even of the EOI alone: the Huffman decoder reads ahead into it; Pillow refuses
    /// these too) or in a PNG's image data is an error, never a partly grey picture.
    @Test(arguments: ["baseline420.jpg", "progressive.jpg", "grey.jpg", "rgb8.png", "rgba16_interlaced.png"])
    func truncationsAreErrors(_ file: String) throws {
        let bytes = try Fixtures.bytes(file)
        // A PNG decodes without its final IEND chunk (12 bytes); nothing else may be missing.
        let needed = file.hasSuffix(".jpg") ? bytes.count : bytes.count - 12
        for length in 0..<needed {
            #expect(throws: ImageError.self, "\(length) bytes") { try ImageDecoder.decode(Array(bytes.prefix(length))) }
        }
        #expect(try ImageDecoder.decode(Array(bytes.prefix(needed))).width == 24)
    }
}
