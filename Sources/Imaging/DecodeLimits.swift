/// Bounds checked against the image header before any pixel memory is allocated, so a small file that
/// claims a huge size costs nothing.
public struct DecodeLimits: Sendable, Equatable {
    /// Width times height.
    public var maxPixels: Int
    /// Longest allowed width or height.
    public var maxEdge: Int

    public init(maxPixels: Int = 40_000_000, maxEdge: Int = 20_000) {
        self.maxPixels = maxPixels
        self.maxEdge = maxEdge
    }

    func check(width: Int, height: Int) throws(ImageError) {
        guard width > 0, height > 0 else { throw .corrupt("image has a zero dimension (\(width)x\(height))") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard width <= maxEdge, height <= maxEdge, !overflow, pixels <= maxPixels else {
            throw .tooLarge(width: width, height: height)
        }
    }
}
