import CJPEG
import CPNG

/// 8-bit RGB PNG, the service's output format.
public enum PNGEncoder {
    /// `compressionLevel` is zlib's 0 (store) ... 9 (smallest); the default favours latency.
    public static func encode(_ image: RGBImage, compressionLevel: Int = 1) throws(ImageError) -> [UInt8] {
        guard (0...9).contains(compressionLevel) else {
            throw .encodingFailed("PNG compression level \(compressionLevel) is outside 0...9")
        }
        return try encodeWithShim(image) { pixels, width, height, out, size, message, messageSize in
            cp_encode_rgb(pixels, width, height, Int32(compressionLevel), out, size, message, messageSize)
        } release: { cp_free($0) }
    }
}

/// Baseline JPEG (4:2:0, libjpeg's defaults).
public enum JPEGEncoder {
    /// `quality` is libjpeg's 1 ... 100.
    public static func encode(_ image: RGBImage, quality: Int = 90) throws(ImageError) -> [UInt8] {
        guard (1...100).contains(quality) else { throw .encodingFailed("JPEG quality \(quality) is outside 1...100") }
        return try encodeWithShim(image) { pixels, width, height, out, size, message, messageSize in
            cj_encode_rgb(pixels, width, height, Int32(quality), out, size, message, messageSize)
        } release: { cj_free($0) }
    }
}

/// The two shims share one calling convention: encode into a malloc'd buffer, report errors as text.
private func encodeWithShim(
    _ image: RGBImage,
    encode: (UnsafePointer<UInt8>?, UInt32, UInt32, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
             UnsafeMutablePointer<CChar>, Int) -> Int32,
    release: (UnsafeMutableRawPointer) -> Void
) throws(ImageError) -> [UInt8] {
    guard image.pixels.count == image.width * image.height * 3 else {
        throw .encodingFailed("pixel buffer holds \(image.pixels.count) bytes, not \(image.width)x\(image.height)x3")
    }
    guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
        throw .encodingFailed("image of \(image.width)x\(image.height) is too large to encode")
    }
    var out: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = image.pixels.withUnsafeBufferPointer { pixels in
        encode(pixels.baseAddress, width, height, &out, &size, &message, message.count)
    }
    guard status == 0, let out else {
        throw .encodingFailed(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { release(out) }
    return Array(UnsafeBufferPointer(start: out, count: size))
}
