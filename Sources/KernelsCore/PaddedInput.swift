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
/// `padLeft`, `padRight`, extended with zeros to `paddedHeight x paddedWidth`, and split into `stride x stride` phase planes so a
/// strided convolution reads contiguous row segments: padded pixel (y, x) lives in phase
/// `(y % stride, x % stride)` at `(y / stride, x / stride)`.
public struct PaddedLayout: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let padTop: Int
    public let padBottom: Int
    public let padLeft: Int
    public let padRight: Int
    public let paddedHeight: Int
    public let paddedWidth: Int
    public let mode: PaddingMode
    public let stride: Int

    public init(channels: Int, height: Int, width: Int, padTop: Int, padBottom: Int, padLeft: Int, padRight: Int,
                paddedHeight: Int? = nil, paddedWidth: Int? = nil, mode: PaddingMode, stride: Int = 1) {
        precondition(mode == .zero || max(padTop, padBottom) < height && max(padLeft, padRight) < width,
                     "reflection pad must be smaller than the input")
        let paddedHeight = paddedHeight ?? height + padTop + padBottom
        let paddedWidth = paddedWidth ?? width + padLeft + padRight
        precondition(paddedHeight >= height + padTop + padBottom && paddedWidth >= width + padLeft + padRight,
                     "padded size too small")
        self.channels = channels
        self.height = height
        self.width = width
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        self.paddedHeight = paddedHeight
        self.paddedWidth = paddedWidth
        self.mode = mode
        self.stride = stride
    }

    public var phaseHeight: Int { (paddedHeight + stride - 1) / stride }
    public var phaseWidth: Int { (paddedWidth + stride - 1) / stride }
    public var phaseSize: Int { phaseHeight * phaseWidth }
    public var channelStride: Int { stride * stride * phaseSize }
    /// Floats the prepared buffer needs, including the read slack of edge column blocks.
    public var count: Int { channels * channelStride + bReadSlack }

    /// Offset of padded pixel (y, x) of channel `c`.
    @inlinable
    public func offset(channel c: Int, y: Int, x: Int) -> Int {
        c * channelStride + ((y % stride) * stride + x % stride) * phaseSize + (y / stride) * phaseWidth + x / stride
    }

    /// The source coordinate padded index `i` reads, or nil for a zero.
    func source(_ i: Int, before: Int, after: Int, size: Int) -> Int? {
        let s = i - before
        if s >= 0 && s < size { return s }
        if mode == .zero || i >= before + size + after { return nil }
        return s < 0 ? -s : 2 * (size - 1) - s
    }

    /// Fills `output` (`count` floats) from the NCHW `input`, applying `affine` to real pixels.
    public func prepare(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                        affine: ChannelAffine?, threads: Int) {
        parallelRanges(channels, threads: threads) { range in
            let row = UnsafeMutablePointer<Float>.allocate(capacity: paddedWidth)
            defer { row.deallocate() }
            for c in range {
                let scale = affine?.scale[c] ?? 1, shift = affine?.shift[c] ?? 0
                let relu = affine?.relu ?? false
                let plane = input + c * height * width
                for y in 0..<stride * phaseHeight {
                    guard let sy = y < paddedHeight ? source(y, before: padTop, after: padBottom, size: height) : nil else {
                        for x in 0..<stride * phaseWidth { output[offset(channel: c, y: y, x: x)] = 0 }
                        continue
                    }
                    let src = plane + sy * width
                    // Transform the source row once into the padded row, then scatter it into phases.
                    for x in 0..<width {
                        let v = src[x] * scale + shift
                        row[padLeft + x] = relu ? max(v, 0) : v
                    }
                    for x in 0..<padLeft {
                        row[x] = source(x, before: padLeft, after: padRight, size: width).map { row[padLeft + $0] } ?? 0
                    }
                    for x in padLeft + width ..< paddedWidth {
                        row[x] = source(x, before: padLeft, after: padRight, size: width).map { row[padLeft + $0] } ?? 0
                    }
                    if stride == 1 {
                        (output + offset(channel: c, y: y, x: 0)).update(from: row, count: paddedWidth)
                    } else {
                        for x in 0..<stride * phaseWidth {
                            output[offset(channel: c, y: y, x: x)] = x < paddedWidth ? row[x] : 0
                        }
                    }
                }
            }
        }
    }
}
