import KernelsCore

/// Straightforward Double-accumulating references the kernels are checked against.
package enum Naive {
    static func reflectOrZero(_ i: Int, _ size: Int, _ mode: PaddingMode) -> Int? {
        if i >= 0 && i < size { return i }
        if mode == .zero { return nil }
        return i < 0 ? -i : 2 * (size - 1) - i
    }

    /// Row-major `[m, k] x [k, n]`.
    package static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
                c[i * n + j] = Float(sum)
            }
        }
        return c
    }

    /// PyTorch Conv2d (batch 1, OIHW weights), padding applied as `mode`.
    package static func conv2d(_ input: [Float], channels: Int, height: Int, width: Int, weights: [Float], bias: [Float]?,
                       outChannels: Int, kernel: Int, stride: Int, padding: Int, mode: PaddingMode) -> [Float] {
        let oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1
        var out = [Float](repeating: 0, count: outChannels * oh * ow)
        for o in 0..<outChannels {
            for y in 0..<oh {
                for x in 0..<ow {
                    var sum = Double(bias?[o] ?? 0)
                    for c in 0..<channels {
                        for ky in 0..<kernel {
                            guard let sy = reflectOrZero(y * stride + ky - padding, height, mode) else { continue }
                            for kx in 0..<kernel {
                                guard let sx = reflectOrZero(x * stride + kx - padding, width, mode) else { continue }
                                sum += Double(input[(c * height + sy) * width + sx])
                                    * Double(weights[((o * channels + c) * kernel + ky) * kernel + kx])
                            }
                        }
                    }
                    out[(o * oh + y) * ow + x] = Float(sum)
                }
            }
        }
        return out
    }

    /// PyTorch ConvTranspose2d (batch 1, IOHW weights).
    package static func convTranspose2d(_ input: [Float], channels: Int, height: Int, width: Int, weights: [Float],
                                bias: [Float]?, outChannels: Int, kernel: Int, stride: Int, padding: Int,
                                outputPadding: Int) -> [Float] {
        let oh = (height - 1) * stride - 2 * padding + kernel + outputPadding
        let ow = (width - 1) * stride - 2 * padding + kernel + outputPadding
        var sums = [Double](repeating: 0, count: outChannels * oh * ow)
        for o in 0..<outChannels {
            for i in 0..<oh * ow { sums[o * oh * ow + i] = Double(bias?[o] ?? 0) }
        }
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    let v = Double(input[(c * height + y) * width + x])
                    for o in 0..<outChannels {
                        for ky in 0..<kernel {
                            let oy = y * stride - padding + ky
                            guard oy >= 0 && oy < oh else { continue }
                            for kx in 0..<kernel {
                                let ox = x * stride - padding + kx
                                guard ox >= 0 && ox < ow else { continue }
                                sums[(o * oh + oy) * ow + ox] += v * Double(weights[((c * outChannels + o) * kernel + ky) * kernel + kx])
                            }
                        }
                    }
                }
            }
        }
        return sums.map { Float($0) }
    }
}
