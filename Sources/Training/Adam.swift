import Autograd
import Foundation
import NN

/// Adam's hyper-parameters; CycleGAN uses lr 2e-4, beta1 0.5.
package struct AdamConfig: Sendable, Equatable {
    package var beta1: Double
    package var beta2: Double
    package var epsilon: Double

    package init(beta1: Double = 0.5, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

/// The moments of one network's optimiser: part of a checkpoint, so a resumed run continues exactly.
package struct AdamState: Sendable {
    package var step: Int
    package var firstMoments: [String: Tensor]
    package var secondMoments: [String: Tensor]

    package init(step: Int = 0, firstMoments: [String: Tensor] = [:], secondMoments: [String: Tensor] = [:]) {
        self.step = step
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// One Adam step with PyTorch's arithmetic (`torch.optim.Adam`, no weight decay), so the first training
    /// step can be compared with PyTorch's to float precision. Splits over the cores of `kernels`.
    package mutating func update(_ parameters: inout ParameterSet, gradients: [String: Tensor],
                                 learningRate: Double, config: AdamConfig, kernels: TrainingKernels) {
        step += 1
        // Scalars are formed in Double and rounded once, as PyTorch does with its Python-float hyper-parameters.
        let stepSize = Float(learningRate / (1 - pow(config.beta1, Double(step))))
        let root2 = Float((1 - pow(config.beta2, Double(step))).squareRoot())
        let (oneMinusBeta1, beta2, oneMinusBeta2, epsilon) = (Float(1 - config.beta1), Float(config.beta2), Float(1 - config.beta2), Float(config.epsilon))
        for name in parameters.sortedNames {
            // Taken out of their dictionaries so the in-place update below does not copy them first.
            guard let gradient = gradients[name], var parameter = parameters.tensors.removeValue(forKey: name) else { continue }
            var m = firstMoments.removeValue(forKey: name)?.storage ?? [Float](repeating: 0, count: parameter.count)
            var v = secondMoments.removeValue(forKey: name)?.storage ?? [Float](repeating: 0, count: parameter.count)
            let count = parameter.count
            gradient.storage.withBase { g in
                m.withMutableBase { m in
                    v.withMutableBase { v in
                        parameter.storage.withMutableBase { p in
                            // Eight lanes at a time, split across the cores; lane arithmetic is the scalar
                            // formula, so results depend on neither the vector width nor the split.
                            forVectors(count, streams: 7, context: kernels.context) { i, lanes in
                                let gradient = loadLanes(g + i, lanes)
                                var first = loadLanes(m + i, lanes), second = loadLanes(v + i, lanes)
                                first += (gradient - first) * oneMinusBeta1
                                second = second * beta2 + oneMinusBeta2 * gradient * gradient
                                storeLanes(first, m + i, lanes)
                                storeLanes(second, v + i, lanes)
                                storeLanes(loadLanes(p + i, lanes) - stepSize * (first / (second.squareRoot() / root2 + epsilon)),
                                           p + i, lanes)
                            }
                        }
                    }
                }
            }
            parameters.tensors[name] = parameter
            firstMoments[name] = Tensor(shape: parameter.shape, storage: m)
            secondMoments[name] = Tensor(shape: parameter.shape, storage: v)
        }
    }
}
