import KernelsCore
import NN

extension Tape {
    package func relu(_ input: Variable) -> Variable {
        let y = mapElements(value(input)) { $0.replacing(with: 0, where: $0 .< 0) }
        return record(y, inputs: [input]) { dy, _ in
            [zipElements(dy, y) { g, out in g.replacing(with: 0, where: out .<= 0) }]
        }
    }

    /// PyTorch's `LeakyReLU(slope)`; the discriminators use 0.2.
    package func leakyReLU(_ input: Variable, slope: Float = 0.2) -> Variable {
        let x = value(input)
        return record(mapElements(x) { ($0 * slope).replacing(with: $0, where: $0 .> 0) }, inputs: [input]) { dy, _ in
            [zipElements(dy, x) { g, v in (g * slope).replacing(with: g, where: v .> 0) }]
        }
    }

    /// The engine's vectorised tanh (a minimax rational within a few float ulps, as the inference path
    /// uses): libm's scalar tanh cost more than the rest of the pointwise passes together.
    package func tanh(_ input: Variable) -> Variable {
        var y = value(input)
        let count = y.count
        y.storage.withMutableBase { TrainingKernels.isa.tanhInPlace($0, count: count, context: TrainingKernels.context) }
        return record(y, inputs: [input]) { dy, _ in [zipElements(dy, y) { g, out in g * (1 - out * out) }] }
    }
}
