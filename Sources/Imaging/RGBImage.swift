/// An 8-bit RGB image, rows top to bottom, pixels interleaved `r g b`. Every decoder produces one and every
/// encoder consumes one, so the rest of the service never sees a colour type or bit depth.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes.
    public var pixels: [UInt8]

    /// Returns nil when the pixel count does not match the size.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, pixels.count == width * height * 3 else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// For code in this module that sized the buffer itself; a mismatch is a bug, not bad input.
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "pixel buffer does not match size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// `pixels` is a public `var`, so its size can drift from `width * height * 3`; the pixel loops index
    /// raw buffers and check this first so such a bug traps instead of reading out of bounds.
    func checkBuffer() {
        precondition(pixels.count == width * height * 3, "pixels holds \(pixels.count) bytes, not \(width)x\(height)x3")
    }

    /// A solid image, for tests and padding.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        precondition(width > 0 && height > 0, "image size must be positive")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = fill.0
            pixels[i + 1] = fill.1
            pixels[i + 2] = fill.2
        }
        self.pixels = pixels
    }
}
