import Foundation
import Tensor

extension Tape {
    public func relu(_ input: Variable) -> Variable {
        let y = mapElements(value(input)) { $0.replacing(with: 0, where: $0 .< 0) }
        return record(y, inputs: [input]) { dy, _ in
            [zipElements(dy, y) { g, out in g.replacing(with: 0, where: out .<= 0) }]
        }
    }

    /// PyTorch's `LeakyReLU(slope)`; the discriminators use 0.2.
    public func leakyReLU(_ input: Variable, slope: Float = 0.2) -> Variable {
        let x = value(input)
        return record(mapElements(x) { ($0 * slope).replacing(with: $0, where: $0 .> 0) }, inputs: [input]) { dy, _ in
            [zipElements(dy, x) { g, v in (g * slope).replacing(with: g, where: v .> 0) }]
        }
    }

    public func tanh(_ input: Variable) -> Variable {
        let y = mapElements(value(input)) { x in
            var out = x
            for l in 0..<8 { out[l] = Foundation.tanh(x[l]) }
            return out
        }
        return record(y, inputs: [input]) { dy, _ in [zipElements(dy, y) { g, out in g * (1 - out * out) }] }
    }
}
