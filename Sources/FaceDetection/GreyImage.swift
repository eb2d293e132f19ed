import Imaging
import Kernels
import KernelsCore

/// An 8-bit single-channel image: what the cascades look at.
struct GreyImage: Sendable, Equatable {
    var width: Int
    var height: Int
    var pixels: [UInt8]
}

extension GreyImage {
    /// Converts to grey and shrinks to about `maxPixels` pixels (never enlarges), keeping the aspect ratio, in
    /// one pass over the RGB bytes.
    ///
    /// Area averaging (each output pixel is the mean of the input area it covers, fractional at the borders)
    /// keeps a 12-megapixel photo's fine texture from aliasing into fake edges. Input rows are first summed
    /// into a row of per-byte accumulators (a contiguous, vectorisable loop: the only per-pixel work), and each
    /// finished output row is then reduced across columns and weighted into BT.601 luma; averaging and a
    /// linear colour map commute.
    init(areaAveraging image: RGBImage, maxPixels: Int, kernels: any KernelISA.Type = KernelPath.best.isa) {
        precondition(maxPixels > 0, "maxPixels must be positive")
        let shrink = max(1, (Double(image.width) * Double(image.height) / Double(maxPixels)).squareRoot())
        let outWidth = max(1, Int((Double(image.width) / shrink).rounded()))
        let outHeight = max(1, Int((Double(image.height) / shrink).rounded()))
        let columns = AreaSpans(input: image.width, output: outWidth)
        let rows = AreaSpans(input: image.height, output: outHeight)
        let rowLength = image.width * 3
        let norm = Float(1 / (columns.scale * rows.scale))
        let grey = Luma.weights

        var out = [UInt8](repeating: 0, count: outWidth * outHeight)
        // The output row being summed, and the next one, which a straddling input row also feeds.
        var current = [Float](repeating: 0, count: rowLength)
        var next = [Float](repeating: 0, count: rowLength)
        var outRow = 0
        func flush() {
            current.withUnsafeBufferPointer { sums in
                out.withUnsafeMutableBufferPointer { target in
                    for column in 0..<outWidth {
                        let span = columns.spans[column]
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        for x in span.fullStart..<span.fullEnd {
                            r += sums[3 * x]; g += sums[3 * x + 1]; b += sums[3 * x + 2]
                        }
                        r += span.headWeight * sums[3 * span.head] + span.tailWeight * sums[3 * span.tail]
                        g += span.headWeight * sums[3 * span.head + 1] + span.tailWeight * sums[3 * span.tail + 1]
                        b += span.headWeight * sums[3 * span.head + 2] + span.tailWeight * sums[3 * span.tail + 2]
                        let luma = (grey.x * r + grey.y * g + grey.z * b) * norm
                        target[outRow * outWidth + column] = UInt8(min(255, max(0, luma + 0.5)))
                    }
                }
            }
            swap(&current, &next)
            next.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            outRow += 1
        }
        image.pixels.withUnsafeBufferPointer { rgb in
            for y in 0..<image.height {
                let (first, firstWeight, secondWeight) = rows.contributions(of: y)
                while outRow < first { flush() }
                let row = rgb.baseAddress.unsafelyUnwrapped + y * rowLength
                current.withUnsafeMutableBufferPointer { sums in
                    kernels.accumulateBytes(row, count: rowLength, weight: firstWeight, into: sums.baseAddress.unsafelyUnwrapped)
                }
                if secondWeight > 0 {
                    next.withUnsafeMutableBufferPointer { sums in
                        kernels.accumulateBytes(row, count: rowLength, weight: secondWeight, into: sums.baseAddress.unsafelyUnwrapped)
                    }
                }
            }
        }
        while outRow < outHeight { flush() }
        self.init(width: outWidth, height: outHeight, pixels: out)
    }

    /// Shrinks by bilinear interpolation with pixel centres aligned, as OpenCV's `INTER_LINEAR` resize does
    /// for the cascade pyramid (the cascades were trained on such levels).
    func bilinear(width outWidth: Int, height outHeight: Int) -> GreyImage {
        precondition(outWidth > 0 && outHeight > 0, "level size must be positive")
        let xs = BilinearTaps(input: width, output: outWidth)
        let ys = BilinearTaps(input: height, output: outHeight)
        var out = [UInt8](repeating: 0, count: outWidth * outHeight)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outHeight {
                    let top = src.baseAddress.unsafelyUnwrapped + ys.lower[y] * width
                    let bottom = src.baseAddress.unsafelyUnwrapped + ys.upper[y] * width
                    let fy = ys.fraction[y]
                    for x in 0..<outWidth {
                        let l = xs.lower[x], u = xs.upper[x], fx = xs.fraction[x]
                        let t = Float(top[l]) + fx * (Float(top[u]) - Float(top[l]))
                        let b = Float(bottom[l]) + fx * (Float(bottom[u]) - Float(bottom[l]))
                        dst[y * outWidth + x] = UInt8(t + fy * (b - t) + 0.5)
                    }
                }
            }
        }
        return GreyImage(width: outWidth, height: outHeight, pixels: out)
    }
}

/// For one axis of an area-averaging shrink: which input samples each output sample covers.
private struct AreaSpans {
    struct Span {
        /// Input samples wholly inside the output sample's footprint.
        var fullStart: Int, fullEnd: Int
        /// Partly covered samples at either end, with the covered fraction (0 when there is none).
        var head: Int, headWeight: Float
        var tail: Int, tailWeight: Float
    }

    let scale: Double
    let spans: [Span]

    init(input: Int, output: Int) {
        let scale = Double(input) / Double(output)
        self.scale = scale
        spans = (0..<output).map { index in
            let start = Double(index) * scale
            let end = min(Double(input), Double(index + 1) * scale)
            let fullStart = Int(start.rounded(.up))
            let fullEnd = max(fullStart, Int(end.rounded(.down)))
            let head = Int(start.rounded(.down))
            let tail = min(input - 1, fullEnd)
            return Span(fullStart: fullStart, fullEnd: fullEnd,
                        head: head, headWeight: Float(Double(fullStart) - start),
                        tail: tail, tailWeight: fullEnd < input ? Float(end - Double(fullEnd)) : 0)
        }
    }

    /// The output sample input sample `index` falls in, the share of it that sample gets, and the share the
    /// following output sample gets (0 unless the input sample straddles their boundary).
    func contributions(of index: Int) -> (first: Int, firstShare: Float, secondShare: Float) {
        let start = Double(index) / scale
        let end = Double(index + 1) / scale
        let first = min(spans.count - 1, Int(start))
        let boundary = Double(first + 1)
        if end <= boundary || first + 1 >= spans.count {
            return (first, 1, 0)
        }
        let firstShare = Float((boundary - start) * scale)
        return (first, firstShare, 1 - firstShare)
    }
}

/// For one axis of a bilinear resize: the two neighbouring input samples and the weight of the upper one.
private struct BilinearTaps {
    var lower: [Int], upper: [Int], fraction: [Float]

    init(input: Int, output: Int) {
        let scale = Double(input) / Double(output)
        lower = []; upper = []; fraction = []
        lower.reserveCapacity(output); upper.reserveCapacity(output); fraction.reserveCapacity(output)
        for index in 0..<output {
            let position = max(0, (Double(index) + 0.5) * scale - 0.5)
            let low = min(input - 1, Int(position))
            lower.append(low)
            upper.append(min(input - 1, low + 1))
            fraction.append(Float(position - Double(low)))
        }
    }
}

extension GreyImage {
    /// BT.601 luma of a `size` x `size` image in the engine's planar layout (`RGBImage.warpedPlanarFloats`).
    init(planarFloats planes: [Float], size: Int) {
        precondition(planes.count == 3 * size * size, "planes do not match size")
        let plane = size * size
        var out = [UInt8](repeating: 0, count: plane)
        let grey = Luma.weights
        planes.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { target in
                for i in 0..<plane {
                    let luma = (grey.x * p[i] + grey.y * p[plane + i] + grey.z * p[2 * plane + i] + 1) * 127.5
                    target[i] = UInt8(min(255, max(0, luma + 0.5)))
                }
            }
        }
        self.init(width: size, height: size, pixels: out)
    }

    /// Rows `rows` of the image.
    func rows(_ rows: Range<Int>) -> GreyImage {
        GreyImage(width: width, height: rows.count, pixels: Array(pixels[rows.lowerBound * width..<rows.upperBound * width]))
    }

    /// The pixels of `columns` x `rows`.
    func cropped(columns: Range<Int>, rows: Range<Int>) -> GreyImage {
        var out: [UInt8] = []
        out.reserveCapacity(columns.count * rows.count)
        for row in rows { out += pixels[(row * width + columns.lowerBound)..<(row * width + columns.upperBound)] }
        return GreyImage(width: columns.count, height: rows.count, pixels: out)
    }
}
