import CJPEG

/// JPEG to RGB through libjpeg(-turbo), via the CJPEG shim that turns libjpeg's longjmp errors into
/// status codes.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], limits: DecodeLimits) throws(ImageError) -> RGBImage {
        let markers = JPEGMarkers(scanning: bytes)
        if let size = markers.frameSize { try limits.check(width: size.width, height: size.height) }
        let image = try bytes.withUnsafeBufferPointer { data throws(ImageError) in
            try decodePixels(data, limits: limits)
        }
        return image.applying(markers.orientation)
    }

    private static func decodePixels(_ data: UnsafeBufferPointer<UInt8>, limits: DecodeLimits) throws(ImageError) -> RGBImage {
        guard let base = data.baseAddress else { throw .corrupt("no data") }
        guard let decoder = cj_decoder_create(base, data.count, workingMemory(limits)) else { throw .corrupt("out of memory") }
        defer { cj_decoder_destroy(decoder) }
        func failure() -> ImageError { .corrupt(String(cString: cj_decoder_message(decoder))) }

        var header = cj_header()
        guard cj_decoder_read_header(decoder, &header) == CJ_OK else { throw failure() }
        let (width, height) = (Int(header.width), Int(header.height))
        // Again from libjpeg's view of the header, in case the marker walk stopped early.
        try limits.check(width: width, height: height)
        let components = Int(header.output_components)
        var samples = [UInt8](repeating: 0, count: width * height * components)
        let status = samples.withUnsafeMutableBufferPointer { cj_decoder_read_pixels(decoder, $0.baseAddress, $0.count) }
        guard status == CJ_OK else { throw failure() }
        if header.space == CJ_SPACE_CMYK {
            samples = cmykToRGB(samples, inverted: header.adobe_inverted != 0)
        }
        return RGBImage(uncheckedWidth: width, height: height, pixels: samples)
    }

    /// libjpeg's working memory cap: a progressive file keeps every DCT coefficient (2 bytes per sample,
    /// up to 4 components) until the last scan, so allow that for the largest permitted image, plus slack.
    private static func workingMemory(_ limits: DecodeLimits) -> Int {
        let perPixel = 8, slack = 64 << 20
        let pixels = max(limits.maxPixels, 0)
        return pixels < (Int.max - slack) / perPixel ? pixels * perPixel + slack : Int.max
    }

    /// The naive CMYK -> RGB that Pillow and browsers use (no colour management): R = (1-C)(1-K).
    /// Adobe files store the complement of each ink, so there the stored values are already 1-C and 1-K.
    private static func cmykToRGB(_ cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let count = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: count * 3)
        let flip: UInt32 = inverted ? 0 : 255
        cmyk.withUnsafeBufferPointer { source in
            rgb.withUnsafeMutableBufferPointer { target in
                for i in 0..<count {
                    let k = UInt32(source[4 * i + 3]) ^ flip
                    for c in 0..<3 {
                        let ink = UInt32(source[4 * i + c]) ^ flip
                        target[3 * i + c] = UInt8(truncatingIfNeeded: (ink * k + 127) / 255)
                    }
                }
            }
        }
        return rgb
    }
}
