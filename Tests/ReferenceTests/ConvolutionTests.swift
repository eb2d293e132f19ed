import KernelsCore
import NN
import Reference
import Testing

struct ConvCase: Sendable, CustomStringConvertible {
    let n, cin, cout, h, w, k, stride, padding: Int
    var outputPadding = 0
    var bias = true
    /// Float32 rounding grows with the length of each dot product.
    var tolerance: Float { 4e-6 * Float(cin * k * k).squareRoot() }
    var description: String { "n\(n) \(cin)->\(cout) \(h)x\(w) k\(k) s\(stride) p\(padding) op\(outputPadding)" }
    /// Output shapes by the formulas of PyTorch's documentation.
    var convShape: [Int] { [n, cout, (h + 2 * padding - k) / stride + 1, (w + 2 * padding - k) / stride + 1] }
    var deconvShape: [Int] {
        [n, cout, (h - 1) * stride - 2 * padding + k + outputPadding, (w - 1) * stride - 2 * padding + k + outputPadding]
    }

    /// `naive` run on each image of the batch `x` (one image's planes in, its output planes out), concatenated.
    func perImage(_ x: Tensor, _ naive: ([Float]) -> [Float]) -> [Float] {
        let size = cin * h * w
        return (0..<n).flatMap { b in naive(Array(x.storage[(b * size)..<((b + 1) * size)])) }
    }
}

@Suite struct ConvolutionTests {
    static let convCases: [ConvCase] = [
        ConvCase(n: 1, cin: 3, cout: 4, h: 7, w: 9, k: 3, stride: 1, padding: 1),
        ConvCase(n: 2, cin: 2, cout: 5, h: 9, w: 8, k: 3, stride: 2, padding: 1, bias: false),
        ConvCase(n: 1, cin: 3, cout: 2, h: 10, w: 11, k: 7, stride: 1, padding: 3),
        ConvCase(n: 1, cin: 4, cout: 3, h: 5, w: 6, k: 1, stride: 1, padding: 0),
        ConvCase(n: 1, cin: 2, cout: 2, h: 5, w: 5, k: 4, stride: 3, padding: 2),
        ConvCase(n: 1, cin: 1, cout: 1, h: 3, w: 3, k: 3, stride: 1, padding: 4),
        // depth 3136 x 34 x 34 columns exceed one band: exercises the banded im2col.
        ConvCase(n: 2, cin: 64, cout: 2, h: 34, w: 34, k: 7, stride: 1, padding: 3),
    ]

    @Test(arguments: convCases)
    func conv2dMatchesDefinition(c: ConvCase) {
        let x = randomTensor([c.n, c.cin, c.h, c.w], seed: 10)
        let w = randomTensor([c.cout, c.cin, c.k, c.k], seed: 11)
        let b = c.bias ? randomTensor([c.cout], seed: 12) : nil
        let y = conv2d(input: x, weight: w, bias: b, stride: c.stride, padding: c.padding)
        let expected = c.perImage(x) { image in
            Naive.conv2d(image, channels: c.cin, height: c.h, width: c.w, weights: w.storage, bias: b?.storage,
                         outChannels: c.cout, kernel: c.k, stride: c.stride, padding: c.padding, mode: .zero)
        }
        #expect(y.shape == c.convShape)
        #expect(maxAbsDifference(y.storage, expected) <= c.tolerance)
    }

    static let deconvCases: [ConvCase] = [
        ConvCase(n: 1, cin: 4, cout: 3, h: 5, w: 6, k: 3, stride: 2, padding: 1, outputPadding: 1),
        ConvCase(n: 2, cin: 3, cout: 2, h: 4, w: 3, k: 3, stride: 2, padding: 1, outputPadding: 0, bias: false),
        ConvCase(n: 1, cin: 2, cout: 3, h: 3, w: 4, k: 4, stride: 2, padding: 1),
        ConvCase(n: 1, cin: 2, cout: 2, h: 4, w: 4, k: 3, stride: 1, padding: 0),
        ConvCase(n: 1, cin: 3, cout: 2, h: 3, w: 5, k: 5, stride: 3, padding: 2, outputPadding: 2),
        // depth 576 x 62 x 62 columns exceed one band: exercises the banded col2im.
        ConvCase(n: 1, cin: 2, cout: 64, h: 62, w: 62, k: 3, stride: 2, padding: 1, outputPadding: 1),
    ]

    @Test(arguments: deconvCases)
    func convTranspose2dMatchesDefinition(c: ConvCase) {
        let x = randomTensor([c.n, c.cin, c.h, c.w], seed: 20)
        let w = randomTensor([c.cin, c.cout, c.k, c.k], seed: 21)
        let b = c.bias ? randomTensor([c.cout], seed: 22) : nil
        let y = convTranspose2d(input: x, weight: w, bias: b, stride: c.stride, padding: c.padding, outputPadding: c.outputPadding)
        let expected = c.perImage(x) { image in
            Naive.convTranspose2d(image, channels: c.cin, height: c.h, width: c.w, weights: w.storage, bias: b?.storage,
                                  outChannels: c.cout, kernel: c.k, stride: c.stride, padding: c.padding,
                                  outputPadding: c.outputPadding)
        }
        #expect(y.shape == c.deconvShape)
        #expect(maxAbsDifference(y.storage, expected) <= c.tolerance)
    }

    /// The transposed convolution is the adjoint of the convolution: <conv(x), y> == <x, convT(y)>.
    @Test func transposedConvolutionIsTheAdjoint() {
        let x = randomTensor([1, 3, 8, 8], seed: 30)
        let w = randomTensor([5, 3, 3, 3], seed: 31)
        let y = randomTensor([1, 5, 4, 4], seed: 32)
        let forward = conv2d(input: x, weight: w, bias: nil, stride: 2, padding: 1)
        let adjoint = convTranspose2d(input: y, weight: w, bias: nil, stride: 2, padding: 1, outputPadding: 1)
        #expect(adjoint.shape == x.shape)
        let lhs = zip(forward.storage, y.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let rhs = zip(x.storage, adjoint.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(lhs - rhs) < 1e-4)
    }
}
