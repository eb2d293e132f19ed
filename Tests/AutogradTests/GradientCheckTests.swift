import Autograd
import KernelsCore
import NN
import Reference
import Testing

/// Every backward pass against central finite differences.
@Suite struct GradientCheckTests {
    @Test(arguments: [(1, 0), (2, 1), (1, 3)])
    func conv2d(stride: Int, padding: Int) {
        let x = randomTensor([2, 3, 7, 6], seed: 1)
        let w = randomTensor([4, 3, 3, 3], seed: 2, scale: 0.5)
        let b = randomTensor([4], seed: 3)
        let error = worstGradientError(inputs: [x, w, b]) { tape, v in
            tape.conv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding)
        }
        #expect(error < 2e-3)
    }

    @Test func conv2dFourByFourStrideTwoWithoutBias() {
        let x = randomTensor([1, 2, 9, 8], seed: 4)
        let w = randomTensor([3, 2, 4, 4], seed: 5, scale: 0.5)
        let error = worstGradientError(inputs: [x, w]) { tape, v in
            tape.conv2d(v[0], weight: v[1], bias: nil, stride: 2, padding: 1)
        }
        #expect(error < 2e-3)
    }

    @Test func convTranspose2d() {
        let x = randomTensor([2, 4, 5, 4], seed: 6)
        let w = randomTensor([4, 3, 3, 3], seed: 7, scale: 0.5)
        let b = randomTensor([3], seed: 8)
        let error = worstGradientError(inputs: [x, w, b]) { tape, v in
            let y = tape.convTranspose2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1, outputPadding: 1)
            #expect(tape.value(y).shape == [2, 3, 10, 8])
            return y
        }
        #expect(error < 2e-3)
    }

    /// A resize convolution as the trainer runs it: the 3x3 weights turned into the 4x4 transposed kernel,
    /// then the transposed convolution; the gradient reaches the 3x3 taps.
    @Test func resizeConvolution() {
        let x = randomTensor([2, 3, 4, 5], seed: 31)
        let w = randomTensor([2, 3, 3, 3], seed: 32, scale: 0.5)
        let b = randomTensor([2], seed: 33)
        let error = worstGradientError(inputs: [x, w, b]) { tape, v in
            let y = tape.convTranspose2d(v[0], weight: tape.resizeConvolutionKernel(v[1]), bias: v[2], stride: 2,
                                         padding: ResizeConvolution.padding, outputPadding: ResizeConvolution.outputPadding)
            #expect(tape.value(y).shape == [2, 2, 8, 10])
            return y
        }
        #expect(error < 2e-3)
    }

    @Test func reflectionPad() {
        let x = randomTensor([2, 2, 5, 4], seed: 9)
        let error = worstGradientError(inputs: [x]) { tape, v in tape.reflectionPad(v[0], 3) }
        #expect(error < 2e-3)
    }

    @Test func instanceNormWithoutAffine() {
        let x = randomTensor([2, 3, 5, 4], seed: 10, scale: 2)
        let error = worstGradientError(inputs: [x], epsilon: 1e-2) { tape, v in tape.instanceNorm(v[0]) }
        #expect(error < 5e-3)
    }

    @Test func instanceNormAffine() {
        let x = randomTensor([2, 3, 4, 4], seed: 11, scale: 2)
        let g = randomTensor([3], seed: 12)
        let b = randomTensor([3], seed: 13)
        let error = worstGradientError(inputs: [x, g, b]) { tape, v in tape.instanceNorm(v[0], weight: v[1], bias: v[2]) }
        #expect(error < 5e-3)
    }

    /// Inputs kept away from 0 so no finite-difference step crosses a kink.
    /// Norm and ReLU as one op: the same values and gradients as the two ops, and finite differences.
    @Test(arguments: [false, true])
    func instanceNormReLU(affine: Bool) {
        let x = randomTensor([2, 3, 5, 4], seed: 56)
        let w = randomTensor([3], seed: 57), b = randomTensor([3], seed: 58)
        func run(_ fused: Bool) -> [Tensor] {
            let tape = Tape(kernels: TrainingKernels())
            let v = [x, w, b].map { tape.parameter($0) }
            let (weight, bias) = affine ? (v[1], v[2]) : (nil, nil)
            let y = fused ? tape.instanceNorm(v[0], weight: weight, bias: bias, relu: true)
                : tape.relu(tape.instanceNorm(v[0], weight: weight, bias: bias))
            tape.backward(from: tape.meanSquaredError(y, target: 0.3))
            return [tape.value(y)] + v.compactMap { tape.gradient(of: $0) }
        }
        let (fused, separate) = (run(true), run(false))
        #expect(fused.count == separate.count)
        for (a, e) in zip(fused, separate) { #expect(a.maxAbsDifference(e) <= 1e-6, "\(a.shape)") }
        let error = worstGradientError(inputs: affine ? [x, w, b] : [x]) { tape, v in
            affine ? tape.instanceNorm(v[0], weight: v[1], bias: v[2], relu: true) : tape.instanceNorm(v[0], relu: true)
        }
        #expect(error < 2e-3)
    }

    private func awayFromZero(_ t: Tensor) -> Tensor {
        Tensor(shape: t.shape, storage: t.storage.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 })
    }

    @Test func activations() {
        let x = awayFromZero(randomTensor([1, 2, 4, 5], seed: 14))
        #expect(worstGradientError(inputs: [x]) { tape, v in tape.relu(v[0]) } < 2e-3)
        #expect(worstGradientError(inputs: [x]) { tape, v in tape.leakyReLU(v[0], slope: 0.2) } < 2e-3)
        #expect(worstGradientError(inputs: [x], epsilon: 1e-3) { tape, v in tape.tanh(v[0]) } < 2e-3)
    }

    @Test func addScaleConcat() {
        let a = randomTensor([2, 2, 3, 3], seed: 15)
        let b = randomTensor([2, 2, 3, 3], seed: 16)
        let c = randomTensor([2, 3, 3, 3], seed: 17)
        #expect(worstGradientError(inputs: [a, b]) { tape, v in tape.scale(tape.add(v[0], v[1]), by: 1.5) } < 2e-3)
        #expect(worstGradientError(inputs: [a, c]) { tape, v in tape.concatChannels(v[0], v[1]) } < 2e-3)
    }

    @Test func losses() {
        let a = randomTensor([2, 1, 3, 3], seed: 18)
        let b = awayFromZero(randomTensor([2, 1, 3, 3], seed: 19))
        let zeros = Tensor(zeros: [2, 1, 3, 3])
        #expect(worstGradientError(inputs: [a]) { tape, v in tape.meanSquaredError(v[0], target: 1) } < 2e-3)
        #expect(worstGradientError(inputs: [a, b]) { tape, v in tape.meanSquaredError(v[0], v[1]) } < 2e-3)
        let weights = Tensor(shape: a.shape, storage: a.storage.indices.map { $0 % 3 == 0 ? 10 : 1 })
        #expect(worstGradientError(inputs: [a, b]) { tape, v in tape.meanSquaredError(v[0], v[1], weights: weights) } < 2e-3)
        let tape = Tape(kernels: TrainingKernels())
        let weighted = tape.value(tape.meanSquaredError(tape.constant(a), tape.constant(b), weights: weights)).storage[0]
        let expected = a.storage.indices.reduce(Float(0)) { sum, i in
            sum + weights.storage[i] * (a.storage[i] - b.storage[i]) * (a.storage[i] - b.storage[i])
        } / Float(a.count)
        #expect(abs(weighted - expected) < 1e-5 * expected)
        // |a - b| away from its kink: b is ±(0.1...1.1) and a is compared with 0.
        #expect(worstGradientError(inputs: [b, zeros]) { tape, v in tape.meanAbsoluteError(v[0], v[1]) } < 2e-3)
        #expect(worstGradientError(inputs: [b, zeros]) { tape, v in tape.meanAbsoluteError(v[0], v[1], weights: weights) } < 2e-3)
        let absolute = tape.value(tape.meanAbsoluteError(tape.constant(a), tape.constant(b), weights: weights)).storage[0]
        let expectedAbsolute = a.storage.indices.reduce(Float(0)) { sum, i in
            sum + weights.storage[i] * abs(a.storage[i] - b.storage[i])
        } / Float(a.count)
        #expect(abs(absolute - expectedAbsolute) < 1e-5 * expectedAbsolute)
    }

    @Test func colourLoss() {
        // Block means kept away from the kink: one constant ±(0.1...1.1) per 2 x 3 block, plus small noise.
        let offsets = awayFromZero(randomTensor([2, 3, 2, 2], seed: 20))
        let noise = randomTensor([2, 3, 4, 6], seed: 21, scale: 0.02)
        let a = Tensor(shape: noise.shape, storage: noise.storage.indices.map { i in
            let (plane, row, column) = (i / 24, i % 24 / 6, i % 6)
            return noise.storage[i] + offsets.storage[plane * 4 + row / 2 * 2 + column / 3]
        })
        let zeros = Tensor(zeros: a.shape)
        #expect(worstGradientError(inputs: [a, zeros]) { tape, v in tape.blockMeanAbsoluteError(v[0], v[1], grid: 2) } < 2e-3)
    }

    /// Pixels 0.1 to 1.1 lighter or darker than the margin (the same on every channel, plus small noise), so
    /// no finite difference crosses the hinge; the photo is a constant.
    @Test func lighteningLoss() {
        let photo = randomTensor([2, 3, 4, 5], seed: 23, scale: 0.5)
        let lightening = awayFromZero(randomTensor([2, 1, 4, 5], seed: 24))
        let noise = randomTensor(photo.shape, seed: 25, scale: 0.02)
        let a = Tensor(shape: photo.shape, storage: photo.storage.indices.map { i in
            photo.storage[i] + noise.storage[i] + 0.3 + lightening.storage[i / 60 * 20 + i % 20]
        })
        #expect(worstGradientError(inputs: [a]) { tape, v in
            tape.lighteningHingeLoss(v[0], over: tape.constant(photo), margin: 0.3)
        } < 2e-3)
    }

    /// Activations 0.2 to 1.2 inside or outside the limit (of either sign), so no finite difference crosses the
    /// hinge; two inputs of different sizes, each averaged over its own count.
    @Test func peakLoss() {
        func around(_ limit: Float, seed: UInt64, shape: [Int]) -> Tensor {
            let offsets = awayFromZero(randomTensor(shape, seed: seed))
            return Tensor(shape: shape, storage: offsets.storage.enumerated().map { i, d in
                (i % 3 == 0 ? -1 : 1) * (limit + d)
            })
        }
        let a = around(1.5, seed: 27, shape: [1, 2, 3, 4]), b = around(1.5, seed: 28, shape: [2, 1, 2, 2])
        #expect(worstGradientError(inputs: [a, b]) { tape, v in tape.peakHingeLoss(v, limit: 1.5) } < 2e-3)
        let tape = Tape(kernels: TrainingKernels())
        let loss = tape.peakHingeLoss([tape.constant(Tensor(shape: [4], storage: [3, -2.5, 1, 0]))], limit: 2)
        #expect(abs(tape.value(loss).storage[0] - (1 + 0.25) / 4) < 1e-6)
    }

    /// Steps between neighbours 0.25 to 1 apart from the target's (plus small noise), so no finite difference
    /// crosses a sign change of the absolute value; the target is a variable too.
    @Test func edgeLoss() {
        let target = randomTensor([2, 2, 3, 4], seed: 29, scale: 0.5)
        let noise = randomTensor(target.shape, seed: 30, scale: 0.02)
        let a = Tensor(shape: target.shape, storage: target.storage.indices.map { i in
            let (row, column) = (i / 4 % 3, i % 4)
            return target.storage[i] + Float((row * 7 + column * 3) % 5) * 0.25 + noise.storage[i]
        })
        #expect(worstGradientError(inputs: [a, target]) { tape, v in tape.gradientDifferenceLoss(v[0], v[1]) } < 2e-3)
    }

    /// Only the steps count: a target shifted by a constant costs nothing, a sharp step drawn as a ramp costs
    /// the ramp's steps, and a 1 x 1 image has no pairs.
    @Test func edgeLossSeesStepsNotLevels() {
        let tape = Tape(kernels: TrainingKernels())
        let step = Tensor(shape: [1, 1, 2, 4], storage: [-1, -1, 1, 1, -1, -1, 1, 1])
        let ramp = Tensor(shape: step.shape, storage: [-1, -0.5, 0.5, 1, -1, -0.5, 0.5, 1])
        func loss(_ a: Tensor, _ b: Tensor) -> Float { tape.value(tape.gradientDifferenceLoss(tape.constant(a), tape.constant(b))).storage[0] }
        #expect(loss(step.map { $0 + 0.5 }, step) == 0)
        // Horizontal steps (0.5, 1, 0.5) against (0, 2, 0) on each row, vertical steps all 0: 4 / 10 pairs.
        #expect(abs(loss(ramp, step) - 0.4) < 1e-6)
        #expect(loss(Tensor(shape: [1, 3, 1, 1], storage: [1, 2, 3]), Tensor(zeros: [1, 3, 1, 1])) == 0)
    }

    /// Only lightening past the margin counts, by how far past, in grey (601 weights): darker, or lighter by
    /// less than the margin, costs nothing.
    @Test func lighteningLossCountsOnlyLightPastTheMargin() {
        let tape = Tape(kernels: TrainingKernels())
        let photo = randomTensor([1, 3, 2, 2], seed: 26, scale: 0.3)
        // Per pixel, the change on (R, G, B): one pixel 0.9 lighter in red only, one 0.5 lighter all over,
        // one 0.2 lighter, one darker.
        let change: [[Float]] = [[0.9, 0, 0], [0.5, 0.5, 0.5], [0.2, 0.2, 0.2], [-0.8, -0.8, -0.8]]
        let drawn = Tensor(shape: photo.shape, storage: photo.storage.indices.map { i in
            photo.storage[i] + change[i % 4][i / 4]
        })
        let loss = tape.lighteningHingeLoss(tape.constant(drawn), over: tape.constant(photo), margin: 0.25)
        let expected = ((0.299 * 0.9 - 0.25) + (0.5 - 0.25)) / 4
        #expect(abs(Double(tape.value(loss).storage[0]) - expected) < 1e-6)
    }

    /// Only block means count: moving pixels within a block costs nothing, a shifted block mean costs its shift.
    @Test func colourLossIgnoresTheDrawingInsideABlock() {
        let tape = Tape(kernels: TrainingKernels())
        let photo = randomTensor([1, 3, 8, 8], seed: 22)
        var drawn = photo.storage
        for plane in 0..<3 { for row in 0..<4 { drawn.swapAt(plane * 64 + row * 8, plane * 64 + (3 - row) * 8 + 3) } }
        let loss = tape.blockMeanAbsoluteError(tape.constant(Tensor(shape: photo.shape, storage: drawn)),
                                               tape.constant(photo), grid: 2)
        #expect(abs(tape.value(loss).storage[0]) < 1e-6)
        let shifted = tape.blockMeanAbsoluteError(tape.constant(photo.map { $0 + 0.25 }), tape.constant(photo), grid: 2)
        #expect(abs(tape.value(shifted).storage[0] - 0.25) < 1e-6)
    }
}

/// Layers large enough for the fast kernel paths: Winograd, channels-last weight gradients, pixel chunks
/// split over threads.
@Suite struct BandedGradientTests {
    /// 16 channels: Winograd forward and data gradient, channels-last weight gradient (non-square image).
    @Test(arguments: [(1, 1), (1, 0), (2, 1)])
    func conv2dManyChannels(stride: Int, padding: Int) {
        let x = randomTensor([2, 16, 11, 9], seed: 30)
        let w = randomTensor([16, 16, 3, 3], seed: 31, scale: 0.2)
        let b = randomTensor([16], seed: 32)
        let error = worstGradientError(inputs: [x, w, b], samples: 16) { tape, v in
            tape.conv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding)
        }
        #expect(error < 5e-3)
    }

    /// Whole 4x4 output tiles: the weight gradient takes transposed Winograd (padded and unpadded, a batch).
    @Test(arguments: [([2, 16, 8, 12], 1), ([1, 24, 10, 6], 0)])
    func conv2dWinogradWeightGradient(shape: [Int], padding: Int) {
        let x = randomTensor(shape, seed: 38)
        let w = randomTensor([16, shape[1], 3, 3], seed: 39, scale: 0.2)
        let error = worstGradientError(inputs: [x, w], samples: 24) { tape, v in
            tape.conv2d(v[0], weight: v[1], bias: nil, stride: 1, padding: padding)
        }
        #expect(error < 5e-3)
    }

    /// Reflection padding inside the convolution (the residual blocks): the Winograd weight gradient with a
    /// reflected channels-last image (whole tiles), the explicitly padded fallback (9x7, 3 channels), and
    /// the data gradient's border GEMMs folded back onto the input.
    @Test(arguments: [[2, 16, 8, 12], [1, 16, 9, 7], [1, 3, 5, 4]])
    func conv2dReflected(shape: [Int]) {
        let x = randomTensor(shape, seed: 50)
        let w = randomTensor([16, shape[1], 3, 3], seed: 51, scale: 0.2)
        let b = randomTensor([16], seed: 52)
        let error = worstGradientError(inputs: [x, w, b], samples: 24) { tape, v in
            tape.conv2d(v[0], weight: v[1], bias: v[2], stride: 1, padding: 1, paddingMode: .reflect)
        }
        #expect(error < 5e-3)
    }

    /// The same as `ReflectionPad2d(1)` then an unpadded convolution, output and every gradient.
    @Test(arguments: [[2, 16, 8, 12], [1, 16, 9, 7], [1, 32, 32, 32]])
    func conv2dReflectedMatchesExplicitPadding(shape: [Int]) {
        let x = randomTensor(shape, seed: 53)
        let w = randomTensor([24, shape[1], 3, 3], seed: 54, scale: 0.2)
        let b = randomTensor([24], seed: 55)
        func run(_ fused: Bool) -> [Tensor] {
            let tape = Tape(kernels: TrainingKernels())
            let v = [x, w, b].map { tape.parameter($0) }
            let y = fused
                ? tape.conv2d(v[0], weight: v[1], bias: v[2], stride: 1, padding: 1, paddingMode: .reflect)
                : tape.conv2d(tape.reflectionPad(v[0], 1), weight: v[1], bias: v[2], stride: 1, padding: 0)
            tape.backward(from: tape.meanSquaredError(y, target: 0.5))
            return [tape.value(y)] + v.compactMap { tape.gradient(of: $0) }
        }
        let (fused, explicit) = (run(true), run(false))
        #expect(fused.count == 4 && explicit.count == 4)
        for (a, e) in zip(fused, explicit) {
            let scale = e.storage.map(abs).max() ?? 1
            #expect(a.maxAbsDifference(e) <= 1e-5 * scale, "\(a.shape)")
        }
    }

    /// 4x4 kernels over 16 channels, stride 1 and 2 (the discriminator's layers).
    @Test(arguments: [1, 2])
    func conv2dFourByFourManyChannels(stride: Int) {
        let x = randomTensor([1, 16, 10, 9], seed: 33)
        let w = randomTensor([20, 16, 4, 4], seed: 34, scale: 0.2)
        let error = worstGradientError(inputs: [x, w], samples: 16) { tape, v in
            tape.conv2d(v[0], weight: v[1], bias: nil, stride: stride, padding: 1)
        }
        #expect(error < 5e-3)
    }

    /// A transposed convolution whose output (the image of its weight gradient) has 16 channels.
    @Test func convTransposeManyChannels() {
        let x = randomTensor([2, 12, 5, 6], seed: 35)
        let w = randomTensor([12, 16, 3, 3], seed: 36, scale: 0.2)
        let b = randomTensor([16], seed: 37)
        let error = worstGradientError(inputs: [x, w, b], samples: 16) { tape, v in
            tape.convTranspose2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1, outputPadding: 1)
        }
        #expect(error < 5e-3)
    }

    @Test func conv2dSevenBySevenOverSeveralBands() {
        let x = randomTensor([1, 32, 64, 64], seed: 20)
        let w = randomTensor([3, 32, 7, 7], seed: 21, scale: 0.05)
        let b = randomTensor([3], seed: 22)
        let error = worstGradientError(inputs: [x, w, b], samples: 12) { tape, v in
            tape.conv2d(v[0], weight: v[1], bias: v[2], stride: 1, padding: 3)
        }
        #expect(error < 5e-3)
    }

    @Test func convTransposeOverSeveralBands() {
        let x = randomTensor([1, 8, 64, 64], seed: 23)
        let w = randomTensor([8, 64, 3, 3], seed: 24, scale: 0.2)
        let error = worstGradientError(inputs: [x, w], samples: 12) { tape, v in
            tape.convTranspose2d(v[0], weight: v[1], bias: nil, stride: 2, padding: 1, outputPadding: 1)
        }
        #expect(error < 5e-3)
    }
}
