@testable import Autograd
import Kernels
import KernelsCore
import NN
import Parallel
import Reference
import Testing

/// The trainer's convolutions (per-ISA plans re-built from the current weights: Float Winograd transform,
/// pointer packing) against the reference im2col convolutions.
@Suite struct TrainingKernelsTests {
    /// (in, out, kernel, stride, padding): Winograd, folded columns, implicit GEMM (stride 1 and 2, 4x4).
    @Test(arguments: [(32, 24, 3, 1, 1, 19), (16, 3, 7, 1, 3, 19), (12, 20, 3, 2, 1, 19), (16, 20, 4, 1, 1, 19),
                      (16, 24, 4, 2, 1, 19), (32, 32, 3, 1, 0, 10), (32, 32, 3, 1, 2, 8), (8, 16, 3, 2, 1, 16)])
    func convolutionMatchesEngine(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, size: Int) {
        let x = randomTensor([2, inChannels, size, size + (size % 2)], seed: 40)
        let w = randomTensor([outChannels, inChannels, kernel, kernel], seed: 41, scale: 0.2)
        let b = randomTensor([outChannels], seed: 42)
        let fast = TrainingKernels().convolve(x, weights: w.storage, outChannels: outChannels, kernel: kernel,
                                            bias: b.storage, stride: stride, padding: padding)
        let reference = conv2d(input: x, weight: w, bias: b, stride: stride, padding: padding)
        #expect(fast.shape == reference.shape)
        #expect(fast.maxAbsDifference(reference) < 1e-4)
    }

    @Test(arguments: [(24, 16, 3, 2, 1, 1), (16, 12, 4, 1, 1, 0), (20, 8, 3, 2, 1, 0)])
    func transposedConvolutionMatchesEngine(inChannels: Int, outChannels: Int, kernel: Int, stride: Int,
                                            padding: Int, outputPadding: Int) {
        let x = randomTensor([2, inChannels, 9, 11], seed: 43)
        let w = randomTensor([inChannels, outChannels, kernel, kernel], seed: 44, scale: 0.2)
        let b = randomTensor([outChannels], seed: 45)
        let fast = TrainingKernels().convolveTransposed(x, weights: w.storage, outChannels: outChannels, kernel: kernel,
                                                      bias: b.storage, stride: stride, padding: padding,
                                                      outputPadding: outputPadding)
        let reference = convTranspose2d(input: x, weight: w, bias: b, stride: stride, padding: padding,
                                        outputPadding: outputPadding)
        #expect(fast.shape == reference.shape)
        #expect(fast.maxAbsDifference(reference) < 1e-4)
    }
}

/// Weight gradients on every path (transposed Winograd, channels-last GEMMs, folded kernel columns, packed unfolding)
/// against a direct Double sum.
@Suite struct WeightGradientTests {
    /// (image channels, gradient channels, image size, kernel, stride, padding)
    @Test(arguments: [(32, 32, 10, 3, 1, 0), (16, 24, 12, 3, 1, 1), (16, 32, 17, 3, 2, 1), (32, 64, 8, 4, 2, 1),
                      (32, 16, 6, 4, 1, 1), (3, 8, 22, 7, 1, 0), (3, 16, 32, 4, 2, 1), (8, 16, 16, 3, 2, 1),
                      (8, 3, 38, 7, 1, 0), (64, 1, 3, 4, 1, 1), (8, 8, 18, 3, 2, 1),
                      (32, 3, 20, 7, 1, 0), (16, 5, 9, 4, 1, 2)])
    func matchesDirectSum(channels: Int, gradientChannels j: Int, size: Int, kernel: Int, stride: Int, padding: Int) {
        let g = ConvGeometry(channels: channels, height: size, width: size, kernelH: kernel, kernelW: kernel,
                             stride: stride, padding: padding)
        let image = randomTensor([2, channels, size, size], seed: 50)
        let gradient = randomTensor([2, j, g.outHeight, g.outWidth], seed: 51)
        let fast = TrainingKernels().unfoldedProduct(image: image, geometry: g, gradient: gradient)
        var worst: Double = 0
        for o in 0..<j {
            for c in 0..<channels {
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        var sum = 0.0
                        for n in 0..<2 {
                            for oy in 0..<g.outHeight {
                                for ox in 0..<g.outWidth {
                                    let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
                                    guard iy >= 0 && iy < size && ix >= 0 && ix < size else { continue }
                                    sum += Double(gradient.storage[((n * j + o) * g.outHeight + oy) * g.outWidth + ox])
                                        * Double(image.storage[((n * channels + c) * size + iy) * size + ix])
                                }
                            }
                        }
                        worst = max(worst, abs(sum - Double(fast[((o * channels + c) * kernel + ky) * kernel + kx])))
                    }
                }
            }
        }
        #expect(worst < 1e-3)
    }
}

/// Data gradients of convolutions (Winograd on the flipped kernel, transposed plans) against the
/// reference transposed convolution.
@Suite struct InputGradientTests {
    /// (in, out, image size, kernel, stride, padding)
    @Test(arguments: [(32, 32, 10, 3, 1, 0), (16, 32, 16, 3, 2, 1), (3, 8, 32, 4, 2, 1), (8, 16, 16, 4, 2, 1),
                      (16, 32, 8, 4, 2, 1), (32, 64, 4, 4, 1, 1), (64, 1, 3, 4, 1, 1), (3, 8, 38, 7, 1, 0),
                      (8, 3, 38, 7, 1, 0), (16, 24, 9, 3, 2, 1)])
    func matchesEngine(inChannels: Int, outChannels: Int, size: Int, kernel: Int, stride: Int, padding: Int) {
        let g = ConvGeometry(channels: inChannels, height: size, width: size, kernelH: kernel, kernelW: kernel,
                             stride: stride, padding: padding)
        let w = randomTensor([outChannels, inChannels, kernel, kernel], seed: 60, scale: 0.2)
        let dy = randomTensor([2, outChannels, g.outHeight, g.outWidth], seed: 61)
        let fast = TrainingKernels().convolutionInputGradient(dy, weights: w, geometry: g, plans: PlanCache(), weight: 0)
        let outputPadding = size - ((g.outHeight - 1) * stride - 2 * padding + kernel)
        let reference = convTranspose2d(input: dy, weight: w, bias: nil, stride: stride, padding: padding,
                                        outputPadding: outputPadding)
        #expect(fast.shape == reference.shape)
        #expect(fast.maxAbsDifference(reference) < 1e-4)
    }
}

/// A tape runs on the kernel path it was made with: the portable instantiation and the best one this CPU
/// runs train a tiny generator alike (loss and every weight gradient, to float rounding: vector widths and
/// fused multiply-adds sum in different orders).
@Suite struct TrainingKernelPathTests {
    @Test func portableAndBestPathsGiveTheSameGradients() throws {
        #expect(TrainingKernels(path: .portable).isa.name == "portable")
        #expect(TrainingKernels(path: .best).isa.name == KernelPath.best.isa.name)
        let config = GeneratorConfig(architecture: .unetResnet, ngf: 4, nBlocks: 1, inputSize: 16, affineNorm: true)
        let weights = Generator.randomWeights(config: config, seed: 21)
        let input = randomTensor([2, 3, 16, 16], seed: 22), negatedTarget = randomTensor([2, 3, 16, 16], seed: 23)
        func train(_ path: KernelPath) -> (loss: Float, gradients: [String: Tensor]) {
            let tape = Tape(kernels: TrainingKernels(path: path, context: ComputeContext(threads: 2)))
            let parameters = weights.mapValues { tape.parameter($0) }
            let output = tape.generator(tape.constant(input), config: config, parameters: parameters)
            let loss = tape.meanSquaredError(tape.add(output, tape.constant(negatedTarget)), target: 0)
            tape.backward(from: loss)
            return (tape.value(loss).storage[0], parameters.compactMapValues { tape.gradient(of: $0) })
        }
        let portable = train(.portable), best = train(.best)
        #expect(portable.loss > 0.1)
        #expect(abs(portable.loss - best.loss) <= 1e-5 * portable.loss)
        #expect(portable.gradients.count == weights.count && best.gradients.count == weights.count)
        for (name, gradient) in portable.gradients {
            let other = try #require(best.gradients[name])
            // A bias ahead of an instance norm has no gradient but rounding: measured against a floor.
            let scale = max(gradient.storage.map(abs).max() ?? 0, 1e-4)
            #expect(gradient.maxAbsDifference(other) <= 1e-3 * scale, "\(name)")
        }
    }
}
