import Foundation
import Tensor

extension Tape {
    public func relu(_ input: Variable) -> Variable {
        let y = mapElements(value(input)) { max($0, 0) }
        return record(y, inputs: [input]) { dy, _ in [zipElements(dy, y) { g, out in out > 0 ? g : 0 }] }
    }

    /// PyTorch's `LeakyReLU(slope)`; the discriminators use 0.2.
    public func leakyReLU(_ input: Variable, slope: Float = 0.2) -> Variable {
        let x = value(input)
        let y = mapElements(x) { $0 > 0 ? $0 : $0 * slope }
        return record(y, inputs: [input]) { dy, _ in [zipElements(dy, x) { g, v in v > 0 ? g : g * slope }] }
    }

    public func tanh(_ input: Variable) -> Variable {
        let y = mapElements(value(input)) { Foundation.tanh($0) }
        return record(y, inputs: [input]) { dy, _ in [zipElements(dy, y) { g, out in g * (1 - out * out) }] }
    }
}
