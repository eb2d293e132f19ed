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
    func source(_ i: Int, before: Int, after: Int, size: Int) -> Int? {
        let s = i - before
        if s >= 0 && s < size { return s }
        if mode == .zero || i >= before + size + after { return nil }
        return s < 0 ? -s : 2 * (size - 1) - s
    }

    /// Fills `output` (`count` floats) from the NCHW `input`, applying `affine` to real pixels.
    public func prepare(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                        affine: ChannelAffine?, threads: Int) {
        let rowLength = columnPeriod * phaseWidth
        parallelRanges(channels, threads: threads) { range in
            let row = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
            defer { row.deallocate() }
            for c in range {
                let scale = affine?.scale[c] ?? 1, shift = affine?.shift[c] ?? 0
                let relu = affine?.relu ?? false
                let plane = input + c * height * width
                for y in 0..<rowPeriod * phaseHeight {
                    let destination = output + offset(channel: c, y: y, x: 0)
                    guard let sy = source(y, before: padTop, after: padBottom, size: height) else {
                        for phase in 0..<columnPeriod {
                            (destination + phase * phaseSize).update(repeating: 0, count: phaseWidth)
                        }
                        continue
                    }
                    let src = plane + sy * width
                    // Transform the source row once into the padded row, then deal it out to the phases.
                    let inner = row + padLeft
                    if relu {
                        for x in 0..<width { inner[x] = max(src[x] * scale + shift, 0) }
                    } else {
                        for x in 0..<width { inner[x] = src[x] * scale + shift }
                    }
                    for x in 0..<padLeft {
                        row[x] = source(x, before: padLeft, after: padRight, size: width).map { inner[$0] } ?? 0
                    }
                    for x in padLeft + width ..< rowLength {
                        row[x] = source(x, before: padLeft, after: padRight, size: width).map { inner[$0] } ?? 0
                    }
                    deal(row, into: destination, phaseStride: phaseSize)
                }
            }
        }
    }

    /// `destination[phase * phaseStride + q] = row[q * columnPeriod + phase]`, with the common periods
    /// spelled out (and wrapping index arithmetic) so the compiler turns them into vector shuffles.
    func deal(_ row: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, phaseStride: Int) {
        let d0 = destination, d1 = destination + phaseStride
        switch columnPeriod {
        case 1:
            destination.update(from: row, count: phaseWidth)
        case 2:
            for q in 0..<phaseWidth {
                d0[q] = row[2 &* q]
                d1[q] = row[2 &* q &+ 1]
            }
        case 4:
            let d2 = destination + 2 * phaseStride, d3 = destination + 3 * phaseStride
            for q in 0..<phaseWidth {
                d0[q] = row[4 &* q]
                d1[q] = row[4 &* q &+ 1]
                d2[q] = row[4 &* q &+ 2]
                d3[q] = row[4 &* q &+ 3]
            }
        default:
            for q in 0..<phaseWidth {
                for phase in 0..<columnPeriod { destination[phase * phaseStride + q] = row[q * columnPeriod + phase] }
            }
        }
    }
}
