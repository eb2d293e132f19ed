import NN
import Reference
import Testing

@Suite struct ElementwiseTests {
    @Test func reflectionPadMirrorsWithoutRepeatingTheEdge() {
        let x = Tensor(shape: [1, 1, 2, 3], storage: [1, 2, 3, 4, 5, 6])
        let y = reflectionPad2d(x, padding: 1)
        #expect(y.shape == [1, 1, 4, 5])
        #expect(y.storage == [5, 4, 5, 6, 5,
                              2, 1, 2, 3, 2,
                              5, 4, 5, 6, 5,
                              2, 1, 2, 3, 2])
    }

    @Test func instanceNormStandardisesEachPlane() {
        let x = randomTensor([2, 3, 5, 7], seed: 40).map { $0 * 4 + 3 }
        let y = instanceNorm2d(x, weight: nil, bias: nil)
        for plane in 0..<6 {
            let values = y.storage[(plane * 35)..<((plane + 1) * 35)].map(Double.init)
            let mean = values.reduce(0, +) / 35
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 35
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
    }

    @Test func affineInstanceNormScalesAndShiftsPerChannel() {
        let x = randomTensor([1, 2, 4, 4], seed: 41)
        let plain = instanceNorm2d(x, weight: nil, bias: nil)
        let affine = instanceNorm2d(x, weight: Tensor(shape: [2], storage: [2, -1]), bias: Tensor(shape: [2], storage: [0.5, 3]))
        for i in 0..<32 {
            let (scale, shift): (Float, Float) = i < 16 ? (2, 0.5) : (-1, 3)
            #expect(abs(affine.storage[i] - (plain.storage[i] * scale + shift)) < 1e-5)
        }
    }

    @Test func activations() {
        let x = Tensor(shape: [1, 1, 1, 4], storage: [-2, -0.5, 0, 3])
        #expect(x.relu().storage == [0, 0, 0, 3])
        #expect(x.leakyReLU().storage == [-0.4, -0.1, 0, 3])
        #expect(x.tanh().maxAbsDifference(Tensor(shape: [1, 1, 1, 4], storage: [-0.9640276, -0.46211716, 0, 0.9950548])) < 1e-6)
    }

    @Test func addAndConcat() {
        let a = Tensor(shape: [2, 1, 1, 2], storage: [1, 2, 3, 4])
        let b = Tensor(shape: [2, 2, 1, 2], storage: [5, 6, 7, 8, 9, 10, 11, 12])
        #expect((a + a).storage == [2, 4, 6, 8])
        let c = Tensor.concatChannels([a, b])
        #expect(c.shape == [2, 3, 1, 2])
        #expect(c.storage == [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12])
    }
}
