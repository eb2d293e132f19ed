/// Bytes of any supported format to an upright 8-bit RGB image.
public enum ImageDecoder {
    /// Sniffs the format, refuses sizes beyond `limits` from the header alone, decodes, composites alpha
    /// over white and applies the EXIF orientation (JPEG APP1, PNG eXIf).
    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = DecodeLimits()) throws(ImageError) -> RGBImage {
        switch ImageFormat.sniff(bytes) {
        case .jpeg: try JPEGDecoder.decode(bytes, limits: limits)
        case .png: try PNGDecoder.decode(bytes, limits: limits)
        case let format?: throw .unsupportedFormat(format)
        case nil: throw .unknownFormat
        }
    }
}
