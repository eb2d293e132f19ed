import Imaging

/// An 8-bit single-channel image: what the cascades look at.
struct GreyImage: Sendable, Equatable {
    var width: Int
    var height: Int
    var pixels: [UInt8]
}

extension GreyImage {
    /// Converts to grey and shrinks so that the long edge is at most `maxEdge`, in one pass over the RGB bytes.
    ///
    /// Area averaging (each output pixel is the mean of the input area it covers, fractional at the borders)
    /// keeps a 12-megapixel photo's fine texture from aliasing into fake edges. The BT.601 luma weights are
    /// applied to the channel sums, not to every input pixel, since averaging and a linear colour map commute:
    /// the inner loop is three integer additions per pixel.
    init(areaAveraging image: RGBImage, maxEdge: Int) {
        precondition(maxEdge > 0, "maxEdge must be positive")
        let longEdge = max(image.width, image.height)
        let shrink = max(1, Double(longEdge) / Double(maxEdge))
        let outWidth = max(1, Int((Double(image.width) / shrink).rounded()))
        let outHeight = max(1, Int((Double(image.height) / shrink).rounded()))
        let columns = AreaSpans(input: image.width, output: outWidth)
        let rows = AreaSpans(input: image.height, output: outHeight)

        var accumulator = [Float](repeating: 0, count: outWidth * outHeight)
        var rowLuma = [Float](repeating: 0, count: outWidth)
        image.pixels.withUnsafeBufferPointer { rgb in
            accumulator.withUnsafeMutableBufferPointer { acc in
                rowLuma.withUnsafeMutableBufferPointer { luma in
                    for y in 0..<image.height {
                        let row = rgb.baseAddress.unsafelyUnwrapped + y * image.width * 3
                        for column in 0..<outWidth {
                            let span = columns.spans[column]
                            var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                            var p = row + span.fullStart * 3
                            for _ in span.fullStart..<span.fullEnd {
                                r &+= UInt32(p[0]); g &+= UInt32(p[1]); b &+= UInt32(p[2])
                                p += 3
                            }
                            var sum = 0.299 * Float(r) + 0.587 * Float(g) + 0.114 * Float(b)
                            if span.headWeight > 0 {
                                let q = row + span.head * 3
                                sum += span.headWeight * (0.299 * Float(q[0]) + 0.587 * Float(q[1]) + 0.114 * Float(q[2]))
                            }
                            if span.tailWeight > 0 {
                                let q = row + span.tail * 3
                                sum += span.tailWeight * (0.299 * Float(q[0]) + 0.587 * Float(q[1]) + 0.114 * Float(q[2]))
                            }
                            luma[column] = sum
                        }
                        // Each input row feeds at most two output rows (the shrink factor is at least 1).
                        let (first, firstWeight, second, secondWeight) = rows.contributions(of: y)
                        let target = acc.baseAddress.unsafelyUnwrapped
                        for column in 0..<outWidth {
                            target[first * outWidth + column] += firstWeight * luma[column]
                        }
                        if secondWeight > 0 {
                            for column in 0..<outWidth {
                                target[second * outWidth + column] += secondWeight * luma[column]
                            }
                        }
                    }
                }
            }
        }
        let norm = Float(1 / (columns.scale * rows.scale))
        self.init(width: outWidth, height: outHeight,
                  pixels: accumulator.map { UInt8(min(255, max(0, $0 * norm + 0.5))) })
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

    /// The output samples input sample `index` falls in, with the share of it each one gets.
    func contributions(of index: Int) -> (Int, Float, Int, Float) {
        let start = Double(index) / scale
        let end = Double(index + 1) / scale
        let first = min(spans.count - 1, Int(start))
        let boundary = Double(first + 1)
        if end <= boundary || first + 1 >= spans.count {
            return (first, 1, first, 0)
        }
        let firstShare = Float((boundary - start) * scale)
        return (first, firstShare, first + 1, 1 - firstShare)
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
