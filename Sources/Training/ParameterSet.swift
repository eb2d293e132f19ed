import Autograd
import NN

/// One network's trainable tensors by state-dict name. Names are iterated sorted everywhere, so
/// initialisation, optimiser updates and checkpoints do not depend on dictionary order.
package struct ParameterSet: Sendable, Equatable {
    package var tensors: [String: Tensor]

    package init(tensors: [String: Tensor]) { self.tensors = tensors }

    package var sortedNames: [String] { tensors.keys.sorted() }
    package var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }

    /// These tensors, each replaced by the one `given` holds under its name with its shape: how a run starts
    /// from another run's weights. The names left as they were come second, sorted.
    func overlaid(with given: [String: Tensor]) -> (ParameterSet, kept: [String]) {
        var tensors = tensors
        var kept: [String] = []
        for (name, tensor) in tensors {
            if let other = given[name], other.shape == tensor.shape {
                tensors[name] = other
            } else {
                kept.append(name)
            }
        }
        return (ParameterSet(tensors: tensors), kept.sorted())
    }

    /// The CycleGAN initialisation (`init_type normal`, gain 0.02) for the discriminators: conv weights
    /// N(0, 0.02), biases 0, names in sorted order (the generators use `Generator.randomWeights`, the same rule).
    package static func initialized(_ discriminator: PatchGANConfig, seed: UInt64) -> ParameterSet {
        var rng = SplitMix64(seed: seed)
        var tensors: [String: Tensor] = [:]
        let shapes = discriminator.tensorShapes
        for name in shapes.keys.sorted() {
            guard let shape = shapes[name] else { continue }
            tensors[name] = shape.count == 4
                ? Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextGaussian() * 0.02) })
                : Tensor(zeros: shape)
        }
        return ParameterSet(tensors: tensors)
    }

    /// Registers every tensor on `tape`: trainable when `trainable`, else frozen (no gradient is computed).
    func variables(on tape: Tape, trainable: Bool) -> [String: Variable] {
        tensors.mapValues { trainable ? tape.parameter($0) : tape.constant($0) }
    }
}
