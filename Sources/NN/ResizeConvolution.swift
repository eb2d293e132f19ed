/// Nearest-neighbour 2x followed by a 3x3 convolution (zero padding 1) is exactly one stride-2 transposed
/// convolution with a 4x4 kernel (padding 1): along each axis an output pixel of either phase meets two input
/// pixels, through sums of the 3x3 taps. Run that way it costs 16 multiply-adds per input pixel and channel
/// pair instead of 36 on the upsampled grid, on the same phase-decomposed kernels as `transposed` upsampling.
package enum ResizeConvolution {
    /// The 3x3 taps (along one axis) each 4x4 tap sums. Output row 2m reads the upsampled rows 2m-1, 2m,
    /// 2m+1 = input rows m-1, m, m: the transposed tap 3 (input m-1) is tap 0, tap 1 (input m) is taps 1+2.
    /// Row 2m+1 reads input m, m, m+1: tap 2 is taps 0+1, tap 0 (input m+1) is tap 2.
    static let sources: [[Int]] = [[2], [1, 2], [0, 1], [0]]
    /// The transposed convolution's kernel size, padding and output padding.
    package static let kernelSize = 4, padding = 1, outputPadding = 0

    /// [Cout, Cin, 3, 3] convolution weights -> the [Cin, Cout, 4, 4] transposed-convolution kernel.
    package static func transposedKernel(_ weights: [Float], outChannels: Int, inChannels: Int) -> [Float] {
        precondition(weights.count == outChannels * inChannels * 9, "resize convolution weights must be [Cout, Cin, 3, 3]")
        return summed(weights, count: inChannels * outChannels * 16, outChannels: outChannels, inChannels: inChannels,
                      intoKernel: true)
    }

    /// The adjoint of `transposedKernel`: a [Cin, Cout, 4, 4] kernel gradient -> the [Cout, Cin, 3, 3] one.
    package static func weightGradient(_ kernelGradient: [Float], outChannels: Int, inChannels: Int) -> [Float] {
        precondition(kernelGradient.count == inChannels * outChannels * 16, "transposed kernel gradient must be [Cin, Cout, 4, 4]")
        return summed(kernelGradient, count: outChannels * inChannels * 9, outChannels: outChannels, inChannels: inChannels,
                      intoKernel: false)
    }

    /// Every (3x3 weight index, 4x4 kernel index) pair where the kernel entry sums the weight, within one
    /// (output, input) channel pair, in kernel order.
    static let terms: [(weight: Int, kernel: Int)] = (0..<16).flatMap { k in
        sources[k / 4].flatMap { a in sources[k % 4].map { b in (weight: a * 3 + b, kernel: k) } }
    }

    /// `source` summed along `terms` for every channel pair: into the kernel (each entry the sum of its weights)
    /// or, as the adjoint, into the weights (each the sum of the kernel entries it feeds). Runs every training
    /// step for each up stage, so it walks raw buffers rather than calling a closure per term.
    private static func summed(_ source: [Float], count: Int, outChannels: Int, inChannels: Int, intoKernel: Bool) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        source.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { result in
                terms.withUnsafeBufferPointer { terms in
                    for o in 0..<outChannels {
                        for c in 0..<inChannels {
                            let weight = (o * inChannels + c) * 9, kernel = (c * outChannels + o) * 16
                            for term in terms {
                                if intoKernel {
                                    result[kernel + term.kernel] += source[weight + term.weight]
                                } else {
                                    result[weight + term.weight] += source[kernel + term.kernel]
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}

extension GeneratorUpsampling {
    /// The transposed convolution an up stage runs: kernel size, padding and output padding. Both double
    /// the height and width.
    package var transposedGeometry: (kernelSize: Int, padding: Int, outputPadding: Int) {
        switch self {
        case .transposed: (3, 1, 1)
        case .resize: (ResizeConvolution.kernelSize, ResizeConvolution.padding, ResizeConvolution.outputPadding)
        }
    }
}
