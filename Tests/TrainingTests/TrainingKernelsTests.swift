@testable import NN
import Tensor
import Testing

/// The trainer's convolutions (per-ISA plans re-built from the current weights: Float Winograd transform,
/// pointer packing) against the engine's reference im2col convolutions.
@Suite struct TrainingKernelsTests {
    /// (in, out, kernel, stride, padding): Winograd, folded columns, implicit GEMM (stride 1 and 2, 4x4).
    @Test(arguments: [(32, 24, 3, 1, 1), (16, 3, 7, 1, 3), (12, 20, 3, 2, 1), (16, 20, 4, 1, 1), (16, 24, 4, 2, 1)])
    func convolutionMatchesEngine(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
        let x = randomTensor([2, inChannels, 19, 17], seed: 40)
        let w = randomTensor([outChannels, inChannels, kernel, kernel], seed: 41, scale: 0.2)
        let b = randomTensor([outChannels], seed: 42)
        let fast = TrainingKernels.convolve(x, weights: w.storage, outChannels: outChannels, kernel: kernel,
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
        let fast = TrainingKernels.convolveTransposed(x, weights: w.storage, outChannels: outChannels, kernel: kernel,
                                                      bias: b.storage, stride: stride, padding: padding,
                                                      outputPadding: outputPadding)
        let reference = convTranspose2d(input: x, weight: w, bias: b, stride: stride, padding: padding,
                                        outputPadding: outputPadding)
        #expect(fast.shape == reference.shape)
        #expect(fast.maxAbsDifference(reference) < 1e-4)
    }
}
