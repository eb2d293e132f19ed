/// Bytes of any supported format to an upright 8-bit RGB image.
public enum ImageDecoder {
    /// Sniffs the format, refuses sizes beyond `limits` from the header alone, decodes, composites alpha
    /// over white and applies the EXIF orientation (JPEG APP1, PNG eXIf).
    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = DecodeLimits()) throws(ImageError) -> RGBImage {
        try decode(bytes, limits: limits, minimumSide: 0).image
    }

    /// As `decode`, but a JPEG is decoded at 1/2, 1/4 or 1/8 of its size (scaled in libjpeg's inverse DCT)
    /// when its shorter side stays at least `minimumSide`: a 12-megapixel photo headed for a 128-pixel
    /// model then costs a sixteenth of the decode time and memory. `limits` still apply to the full size.
    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = DecodeLimits(),
                              minimumSide: Int) throws(ImageError) -> DecodedImage {
        switch ImageFormat.sniff(bytes) {
        case .jpeg: try JPEGDecoder.decode(bytes, limits: limits, minimumSide: minimumSide)
        case .png: DecodedImage(image: try PNGDecoder.decode(bytes, limits: limits), reduction: 1)
        case let format?: throw .unsupportedFormat(format)
        case nil: throw .unknownFormat
        }
    }
}

/// A decoded image and the factor its sides were divided by while decoding (1, 2, 4 or 8).
public struct DecodedImage: Sendable {
    public var image: RGBImage
    public var reduction: Int
}
