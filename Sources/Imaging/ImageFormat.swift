/// Container formats recognised by their magic bytes. Only JPEG and PNG decode; the others are named so
/// that a client sending one hears "unsupported WebP" rather than "not an image".
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, webp, gif, heic, bmp, tiff

    public var isSupported: Bool { self == .jpeg || self == .png }

    /// Identifies the format from the first bytes; nil when nothing matches.
    public static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && bytes[offset..<offset + magic.count].elementsEqual(magic)
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(Array("ftyp".utf8), at: 4), bytes.count >= 12,
           heifBrands.contains(String(decoding: bytes[8..<12], as: UTF8.self)) {
            return .heic
        }
        if isBMP(bytes) { return .bmp }
        return nil
    }

    /// Major brands of HEIF/HEIC files as written by phones and `heif-enc`.
    private static let heifBrands: Set<String> = [
        "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1",
    ]

    /// "BM" alone is too weak a signature (plain text can start with it), so also require a known DIB
    /// header size at offset 14.
    private static func isBMP(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 18, bytes[0] == 0x42, bytes[1] == 0x4D else { return false }
        let dibSize = Int(bytes[14]) | Int(bytes[15]) << 8 | Int(bytes[16]) << 16 | Int(bytes[17]) << 24
        return [12, 16, 40, 52, 56, 64, 108, 124].contains(dibSize)
    }
}
