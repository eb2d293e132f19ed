import KernelsCore
import NN

extension Tape {
    package func relu(_ input: Variable) -> Variable {
        let context = kernels.context
        let y = mapElements(value(input), context: context) { $0.replacing(with: 0, where: $0 .< 0) }
        return record(y, inputs: [input]) { dy, _ in
            [zipElements(dy, y, context: context) { g, out in g.replacing(with: 0, where: out .<= 0) }]
        }
    }

    /// PyTorch's `LeakyReLU(slope)`; the discriminators use 0.2.
    package func leakyReLU(_ input: Variable, slope: Float = 0.2) -> Variable {
        let x = value(input), context = kernels.context
        return record(mapElements(x, context: context) { ($0 * slope).replacing(with: $0, where: $0 .> 0) },
                      inputs: [input]) { dy, _ in
            [zipElements(dy, x, context: context) { g, v in (g * slope).replacing(with: g, where: v .> 0) }]
        }
    }

    /// The engine's vectorised tanh (a minimax rational within a few float ulps, as the inference path
    /// uses): libm's scalar tanh cost more than the rest of the pointwise passes together.
    package func tanh(_ input: Variable) -> Variable {
        var y = value(input)
        let count = y.count, kernels = self.kernels
        y.storage.withMutableBase { kernels.isa.tanhInPlace($0, count: count, context: kernels.context) }
        return record(y, inputs: [input]) { dy, _ in
            [zipElements(dy, y, context: kernels.context) { g, out in g * (1 - out * out) }]
        }
    }
}
