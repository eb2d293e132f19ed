import NN
import Tensor

/// One network's trainable tensors by state-dict name. Names are iterated sorted everywhere, so
/// initialisation, optimiser updates and checkpoints do not depend on dictionary order.
public struct ParameterSet: Sendable {
    public var tensors: [String: Tensor]

    public init(tensors: [String: Tensor]) { self.tensors = tensors }

    public var sortedNames: [String] { tensors.keys.sorted() }
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }

    /// The CycleGAN initialisation (`init_type normal`, gain 0.02): conv weights N(0, 0.02), biases 0, affine
    /// norm scales 1 (4-D tensors are conv weights; a 1-D `.weight` belongs to a norm layer).
    public static func initialized(shapes: [String: [Int]], rng: inout SplitMix64) -> ParameterSet {
        var tensors: [String: Tensor] = [:]
        for name in shapes.keys.sorted() {
            guard let shape = shapes[name] else { continue }
            let count = shape.reduce(1, *)
            let storage: [Float]
            if shape.count == 4 {
                storage = (0..<count).map { _ in Float(rng.normal() * 0.02) }
            } else {
                storage = [Float](repeating: name.hasSuffix(".weight") ? 1 : 0, count: count)
            }
            tensors[name] = Tensor(shape: shape, storage: storage)
        }
        return ParameterSet(tensors: tensors)
    }

    /// Registers every tensor on `tape`: trainable when `trainable`, else frozen (no gradient is computed).
    func variables(on tape: Tape, trainable: Bool) -> [String: Variable] {
        tensors.mapValues { trainable ? tape.parameter($0) : tape.constant($0) }
    }
}
