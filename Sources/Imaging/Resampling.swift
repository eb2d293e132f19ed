extension RGBImage {
    /// Shrinks by exact area averaging (each output pixel is the mean of the input area it covers, with
    /// fractional weights at the borders), so fine detail averages out instead of aliasing; enlarges by
    /// bilinear interpolation between pixel centres. Each axis is handled on its own, and an axis whose
    /// size does not change is copied untouched, so the same size returns identical pixels.
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBImage {
        precondition(newWidth > 0 && newHeight > 0, "resize target must be positive")
        if newWidth == width && newHeight == height { return self }
        checkBuffer()
        var samples: [Float]
        if newWidth != width {
            samples = Self.resampleRows(pixels, rows: height, weights: ResampleWeights(from: width, to: newWidth))
            if newHeight != height {
                samples = Self.resampleColumns(samples, rowLength: newWidth * 3, weights: ResampleWeights(from: height, to: newHeight))
            }
        } else {
            samples = Self.resampleColumns(pixels, rowLength: width * 3, weights: ResampleWeights(from: height, to: newHeight))
        }
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        samples.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for i in 0..<target.count { target[i] = UInt8(min(max(source[i], 0), 255).rounded()) }
            }
        }
        return RGBImage(uncheckedWidth: newWidth, height: newHeight, pixels: out)
    }

    /// Horizontal pass: each output pixel of a row is a weighted sum of a run of neighbouring input pixels.
    private static func resampleRows<Sample: ResampleSample>(_ input: [Sample], rows: Int, weights: ResampleWeights) -> [Float] {
        let inLength = weights.inputCount * 3, outLength = weights.outputCount * 3
        var output = [Float](repeating: 0, count: rows * outLength)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                weights.withBuffers { firsts, counts, coefficients in
                    for row in 0..<rows {
                        for x in 0..<weights.outputCount {
                            var r: Float = 0, g: Float = 0, b: Float = 0
                            var p = row * inLength + firsts[x] * 3
                            var w = x * weights.stride
                            for _ in 0..<counts[x] {
                                r += coefficients[w] * source[p].floatValue
                                g += coefficients[w] * source[p + 1].floatValue
                                b += coefficients[w] * source[p + 2].floatValue
                                p += 3
                                w += 1
                            }
                            let o = row * outLength + 3 * x
                            target[o] = r
                            target[o + 1] = g
                            target[o + 2] = b
                        }
                    }
                }
            }
        }
        return output
    }

    /// Vertical pass: each output row is a weighted sum of whole input rows, a contiguous multiply-add
    /// the compiler vectorises.
    private static func resampleColumns<Sample: ResampleSample>(_ input: [Sample], rowLength: Int, weights: ResampleWeights) -> [Float] {
        var output = [Float](repeating: 0, count: weights.outputCount * rowLength)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                weights.withBuffers { firsts, counts, coefficients in
                    for y in 0..<weights.outputCount {
                        let outRow = y * rowLength
                        for k in 0..<counts[y] {
                            let w = coefficients[y * weights.stride + k]
                            let inRow = (firsts[y] + k) * rowLength
                            for i in 0..<rowLength { target[outRow + i] += w * source[inRow + i].floatValue }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// For one axis: which run of input samples feeds each output sample, and with what weights (summing to 1).
struct ResampleWeights {
    let inputCount: Int
    let outputCount: Int
    /// First input index of each output's run.
    private var firsts: [Int]
    /// Length of each output's run.
    private var counts: [Int]
    /// `outputCount * stride` weights; output i's run uses the first `counts[i]` of its row.
    private var coefficients: [Float]
    let stride: Int

    init(from inputCount: Int, to outputCount: Int) {
        self.inputCount = inputCount
        self.outputCount = outputCount
        let scale = Double(inputCount) / Double(outputCount)
        // Widest run: an area footprint of `scale` input pixels can touch ceil(scale) + 1 of them; the
        // bilinear kernel touches 2.
        stride = scale > 1 ? Int(scale.rounded(.up)) + 1 : 2
        firsts = [Int](repeating: 0, count: outputCount)
        counts = [Int](repeating: 0, count: outputCount)
        coefficients = [Float](repeating: 0, count: outputCount * stride)
        for i in 0..<outputCount {
            var run: [(index: Int, weight: Double)] = []
            if scale > 1 {
                // Output i covers input [i*scale, (i+1)*scale); weight = overlap with input pixel j.
                let start = Double(i) * scale, end = min(Double(i + 1) * scale, Double(inputCount))
                var j = Int(start)
                while j < inputCount, Double(j) < end {
                    let overlap = min(Double(j + 1), end) - max(Double(j), start)
                    if overlap > 1e-9 { run.append((j, overlap)) }
                    j += 1
                }
            } else {
                // Centre of output i in input coordinates, clamped so edge pixels replicate.
                let centre = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(inputCount - 1))
                let left = Int(centre), fraction = centre - Double(left)
                run.append((left, 1 - fraction))
                if fraction > 0 { run.append((left + 1, fraction)) }
            }
            let total = run.reduce(0) { $0 + $1.weight }
            firsts[i] = run[0].index
            counts[i] = run.count
            for (k, tap) in run.enumerated() { coefficients[i * stride + k] = Float(tap.weight / total) }
        }
    }

    /// The tables as raw buffers, so the passes' inner loops carry no array bounds checks or ARC traffic.
    func withBuffers<R>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Float>) -> R) -> R {
        firsts.withUnsafeBufferPointer { f in
            counts.withUnsafeBufferPointer { c in coefficients.withUnsafeBufferPointer { body(f, c, $0) } }
        }
    }
}

/// Either pass may read the 8-bit pixels directly, so no float copy of a large input is ever made.
protocol ResampleSample {
    var floatValue: Float { get }
}

extension UInt8: ResampleSample {
    var floatValue: Float { Float(self) }
}

extension Float: ResampleSample {
    var floatValue: Float { self }
}
