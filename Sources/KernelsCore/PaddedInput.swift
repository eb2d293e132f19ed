/// How the border of a convolution input is filled.
public enum PaddingMode: Sendable, Equatable {
    case zero
    case reflect
}

/// Per-channel `max(0, x * scale + shift)` (or without the max) applied while an input is prepared: this is
/// how the previous layer's instance norm (and ReLU) is fused into the next convolution's input stage.
public struct ChannelAffine {
    public var scale: UnsafePointer<Float>
    public var shift: UnsafePointer<Float>
    public var relu: Bool

    public init(scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool) {
        self.scale = scale
        self.shift = shift
        self.relu = relu
    }
}

/// The layout of a prepared input: each channel padded (zero or reflected) by `padTop`, `padBottom`,
/// `padLeft`, `padRight`, extended with zeros to at least `paddedHeight x paddedWidth`, and split into
/// `rowPeriod x columnPeriod` phase planes: padded pixel (y, x) lives in phase
/// `(y % rowPeriod, x % columnPeriod)` at `(y / rowPeriod, x / columnPeriod)`. A stride-s convolution
/// uses periods (s, s) so each tap reads a contiguous row segment; Winograd uses (1, 4) so the six columns
/// of every 4-wide tile are contiguous across tiles.
public struct PaddedLayout: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let padTop: Int
    public let padBottom: Int
    public let padLeft: Int
    public let padRight: Int
    public let mode: PaddingMode
    public let rowPeriod: Int
    public let columnPeriod: Int
    public let phaseHeight: Int
    public let phaseWidth: Int

    public init(channels: Int, height: Int, width: Int, padTop: Int, padBottom: Int, padLeft: Int, padRight: Int,
                paddedHeight: Int? = nil, paddedWidth: Int? = nil, mode: PaddingMode,
                rowPeriod: Int = 1, columnPeriod: Int = 1) {
        precondition(mode == .zero || max(padTop, padBottom) < height && max(padLeft, padRight) < width,
                     "reflection pad must be smaller than the input")
        let minimumHeight = height + padTop + padBottom, minimumWidth = width + padLeft + padRight
        let paddedHeight = max(paddedHeight ?? minimumHeight, minimumHeight)
        let paddedWidth = max(paddedWidth ?? minimumWidth, minimumWidth)
        self.channels = channels
        self.height = height
        self.width = width
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        self.mode = mode
        self.rowPeriod = rowPeriod
        self.columnPeriod = columnPeriod
        phaseHeight = (paddedHeight + rowPeriod - 1) / rowPeriod
        phaseWidth = (paddedWidth + columnPeriod - 1) / columnPeriod
    }

    public var phaseSize: Int { phaseHeight * phaseWidth }
    public var channelStride: Int { rowPeriod * columnPeriod * phaseSize }
    /// Floats the prepared buffer needs, including the read slack of edge column blocks.
    public var count: Int { channels * channelStride + bReadSlack }

    /// Offset of padded pixel (y, x) of channel `c`.
    @inlinable
    public func offset(channel c: Int, y: Int, x: Int) -> Int {
        c * channelStride + ((y % rowPeriod) * columnPeriod + x % columnPeriod) * phaseSize
            + (y / rowPeriod) * phaseWidth + x / columnPeriod
    }

    /// The source coordinate padded index `i` reads, or nil for a zero.
    @inlinable
    func source(_ i: Int, before: Int, after: Int, size: Int) -> Int? {
        let s = i - before
        if s >= 0 && s < size { return s }
        if mode == .zero || i >= before + size + after { return nil }
        return s < 0 ? -s : 2 * (size - 1) - s
    }
}
