import CPNG

/// PNG to RGB through libpng, via the CPNG shim that turns libpng's longjmp errors into status codes.
/// An eXIf chunk's orientation is honoured too, as browsers do.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], limits: DecodeLimits) throws(ImageError) -> RGBImage {
        if let size = headerSize(bytes) { try limits.check(width: size.width, height: size.height) }
        return try bytes.withUnsafeBufferPointer { data throws(ImageError) in try decodePixels(data, limits: limits) }
    }

    /// IHDR must be the first chunk, so the size sits at a fixed offset: read it before libpng parses the
    /// ancillary chunks that precede the image data.
    static func headerSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 24, bytes[12..<16].elementsEqual("IHDR".utf8) else { return nil }
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (u32(16), u32(20))
    }

    private static func decodePixels(_ data: UnsafeBufferPointer<UInt8>, limits: DecodeLimits) throws(ImageError) -> RGBImage {
        guard let base = data.baseAddress else { throw .corrupt("no data") }
        guard let decoder = cp_decoder_create(base, data.count) else { throw .corrupt("out of memory") }
        defer { cp_decoder_destroy(decoder) }
        func failure() -> ImageError { .corrupt(String(cString: cp_decoder_message(decoder))) }

        var header = cp_header()
        guard cp_decoder_read_header(decoder, &header) == CP_OK else { throw failure() }
        let (width, height) = (Int(header.width), Int(header.height))
        try limits.check(width: width, height: height)
        let components = Int(header.output_components)
        var samples = [UInt8](repeating: 0, count: width * height * components)
        let status = samples.withUnsafeMutableBufferPointer { cp_decoder_read_pixels(decoder, $0.baseAddress, $0.count) }
        guard status == CP_OK else { throw failure() }
        if components == 4 { compositeOverWhite(&samples) }
        let orientation = header.exif.map { ExifOrientation(tiff: UnsafeBufferPointer(start: $0, count: Int(header.exif_length))) } ?? .up
        return RGBImage(uncheckedWidth: width, height: height, pixels: samples).applying(orientation)
    }

    /// RGBA -> RGB over a white background, in place (pixel i's RGB lands at 3i, never ahead of the RGBA
    /// still to be read at 4i), then drops the tail. Blends in sRGB values, as browsers do.
    private static func compositeOverWhite(_ samples: inout [UInt8]) {
        let count = samples.count / 4
        samples.withUnsafeMutableBufferPointer { p in
            for i in 0..<count {
                let alpha = UInt32(p[4 * i + 3])
                let background = 255 * (255 - alpha) + 127
                let r = UInt32(p[4 * i]), g = UInt32(p[4 * i + 1]), b = UInt32(p[4 * i + 2])
                p[3 * i] = UInt8(truncatingIfNeeded: (r * alpha + background) / 255)
                p[3 * i + 1] = UInt8(truncatingIfNeeded: (g * alpha + background) / 255)
                p[3 * i + 2] = UInt8(truncatingIfNeeded: (b * alpha + background) / 255)
            }
        }
        samples.removeLast(count)
    }
}
