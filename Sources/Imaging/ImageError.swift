/// Everything that can go wrong turning bytes into pixels or pixels into bytes. The server maps
/// `unknownFormat`/`unsupportedFormat` to 415 and `tooLarge`/`corrupt` to 422.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownFormat
    case unsupportedFormat(ImageFormat)
    /// Beyond `DecodeLimits`; raised from the header, before pixel memory is allocated.
    case tooLarge(width: Int, height: Int)
    /// The decoder's own message, e.g. "JPEG data is truncated".
    case corrupt(String)
    case encodingFailed(String)

    public var description: String {
        switch self {
        case .unknownFormat:
            "the data is not a recognised image format"
        case .unsupportedFormat(let format):
            "\(format.rawValue.uppercased()) images are not supported; send JPEG or PNG"
        case .tooLarge(let width, let height):
            "image of \(width)x\(height) pixels exceeds the size limit"
        case .corrupt(let message):
            "image could not be decoded: \(message)"
        case .encodingFailed(let message):
            "image could not be encoded: \(message)"
        }
    }
}
