import Imaging
import Testing

@Suite struct FailureTests {
    @Test(arguments: Fixtures.manifest?.errors ?? [])
    func hostileFile(_ fixture: Fixtures.Failure) throws {
        let bytes = try Fixtures.bytes(fixture.file)
        let result = Result { () throws(ImageError) in try ImageDecoder.decode(bytes) }
        switch fixture.expect {
        case "corrupt":
            guard case .failure(.corrupt(let message)) = result else {
                Issue.record("expected corrupt, got \(result)")
                return
            }
            #expect(!message.isEmpty)
            if let expected = fixture.message { #expect(message.contains(expected)) }
        case "decodesOrCorrupt":
            if case .failure(let error) = result, case .corrupt = error {} else if case .success = result {} else {
                Issue.record("expected an image or corrupt, got \(result)")
            }
        case "tooLarge":
            let width = try #require(fixture.width), height = try #require(fixture.height)
            #expect(throws: ImageError.tooLarge(width: width, height: height)) { try result.get() }
        case "unknownFormat":
            #expect(throws: ImageError.unknownFormat) { try result.get() }
        case let expect where expect.hasPrefix("unsupported:"):
            let format = try #require(ImageFormat(rawValue: String(expect.dropFirst("unsupported:".count))))
            #expect(!format.isSupported)
            #expect(ImageFormat.sniff(bytes) == format)
            #expect(throws: ImageError.unsupportedFormat(format)) { try result.get() }
        default:
            Issue.record("unknown expectation \(fixture.expect)")
        }
    }

    @Test func limitsAreConfigurable() throws {
        let bytes = try Fixtures.bytes("rgb8.png")
        #expect(throws: ImageError.tooLarge(width: 24, height: 16)) {
            try ImageDecoder.decode(bytes, limits: DecodeLimits(maxPixels: 24 * 16 - 1))
        }
        #expect(throws: ImageError.tooLarge(width: 24, height: 16)) {
            try ImageDecoder.decode(Fixtures.bytes("progressive.jpg"), limits: DecodeLimits(maxEdge: 23))
        }
        #expect(try ImageDecoder.decode(bytes, limits: DecodeLimits(maxPixels: 24 * 16, maxEdge: 24)).width == 24)
    }

    @Test func emptyAndTinyInputs() {
        for bytes: [UInt8] in [[], [0xFF], [0xFF, 0xD8], [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]] {
            #expect(throws: ImageError.self) { try ImageDecoder.decode(bytes) }
        }
    }

    @Test func sniffing() {
        #expect(ImageFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(ImageFormat.sniff(Array("GIF89a".utf8)) == .gif)
        #expect(ImageFormat.sniff(Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == .webp)
        #expect(ImageFormat.sniff(Array("RIFF\0\0\0\0WAVEfmt ".utf8)) == nil)
        #expect(ImageFormat.sniff([0, 0, 0, 24] + Array("ftypheic".utf8)) == .heic)
        #expect(ImageFormat.sniff([0, 0, 0, 24] + Array("ftypisom".utf8)) == nil)
        #expect(ImageFormat.sniff([0x4D, 0x4D, 0x00, 0x2A]) == .tiff)
        #expect(ImageFormat.sniff(Array("BM".utf8)) == nil)
        #expect(ImageFormat.sniff([]) == nil)
        #expect(ImageFormat.jpeg.isSupported && ImageFormat.png.isSupported)
    }

    @Test func errorsDescribeThemselves() {
        #expect(ImageError.tooLarge(width: 100000, height: 100000).description.contains("100000x100000"))
        #expect(ImageError.unsupportedFormat(.webp).description.contains("WEBP"))
        #expect(ImageError.corrupt("JPEG data is truncated").description.contains("truncated"))
    }
}
