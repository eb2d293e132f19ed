import CJPEG

/// JPEG to RGB through libjpeg(-turbo), via the CJPEG shim that turns libjpeg's longjmp errors into
/// status codes.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], limits: DecodeLimits, minimumSide: Int) throws(ImageError) -> DecodedImage {
        let markers = JPEGMarkers(scanning: bytes)
        if let size = markers.frameSize { try limits.check(width: size.width, height: size.height) }
        let decoded = try bytes.withUnsafeBufferPointer { data throws(ImageError) in
            try decodePixels(data, limits: limits, minimumSide: minimumSide)
        }
        return DecodedImage(image: decoded.image.applying(markers.orientation), reduction: decoded.reduction)
    }

    /// The largest of 8, 4, 2 (else 1) that keeps the shorter side at least `minimumSide`.
    static func reduction(width: Int, height: Int, minimumSide: Int) -> Int {
        guard minimumSide > 0 else { return 1 }
        let shorter = min(width, height)
        return [8, 4, 2].first { (shorter + $0 - 1) / $0 >= minimumSide } ?? 1
    }

    private static func decodePixels(_ data: UnsafeBufferPointer<UInt8>, limits: DecodeLimits,
                                     minimumSide: Int) throws(ImageError) -> DecodedImage {
        guard let base = data.baseAddress else { throw .corrupt("no data") }
        guard let decoder = cj_decoder_create(base, data.count, workingMemory(limits)) else { throw .corrupt("out of memory") }
        defer { cj_decoder_destroy(decoder) }
        func failure() -> ImageError { .corrupt(String(cString: cj_decoder_message(decoder))) }

        var header = cj_header()
        guard cj_decoder_read_header(decoder, &header) == CJ_OK else { throw failure() }
        // Again from libjpeg's view of the header, in case the marker walk stopped early.
        try limits.check(width: Int(header.width), height: Int(header.height))
        let reduction = reduction(width: Int(header.width), height: Int(header.height), minimumSide: minimumSide)
        var (outputWidth, outputHeight) = (header.width, header.height)
        if reduction > 1 {
            guard cj_decoder_set_reduction(decoder, UInt32(reduction), &outputWidth, &outputHeight) == CJ_OK else {
                throw failure()
            }
        }
        let (width, height) = (Int(outputWidth), Int(outputHeight))
        let components = Int(header.output_components)
        var samples = [UInt8](repeating: 0, count: width * height * components)
        let status = samples.withUnsafeMutableBufferPointer { cj_decoder_read_pixels(decoder, $0.baseAddress, $0.count) }
        guard status == CJ_OK else { throw failure() }
        if header.space == CJ_SPACE_CMYK {
            samples = cmykToRGB(samples, inverted: header.adobe_inverted != 0)
        }
        return DecodedImage(image: RGBImage(uncheckedWidth: width, height: height, pixels: samples), reduction: reduction)
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
