import NN

/// An exponential moving average of G's weights (`--average-decay`), which a run that keeps one exports instead
/// of G's last step: one step's G is a noisy sample of where the run is (run 37's checkpoints 1,511 steps
/// apart differ by 2.1 levels of skin Δ and sevenfold in spots), and the average over the last few thousand
/// steps is not. Instance norm keeps no running statistics, so the weights are the whole model.
package struct WeightAverage: Sendable, Equatable {
    /// Each step keeps this share of the average and takes `1 - decay` of the new weights.
    package var decay: Float
    /// The step whose weights the average started from.
    package var since: Int
    package var parameters: ParameterSet

    package init(decay: Float, since: Int, parameters: ParameterSet) {
        self.decay = decay
        self.since = since
        self.parameters = parameters
    }

    /// Moves each tensor `1 - decay` of the way towards `weights`' tensor of the same name.
    package mutating func update(toward weights: ParameterSet) {
        let (keep, take) = (decay, 1 - decay)
        for name in parameters.sortedNames {
            guard let current = weights.tensors[name] else { continue }
            parameters.tensors[name]?.storage.withUnsafeMutableBufferPointer { average in
                current.storage.withUnsafeBufferPointer { current in
                    for i in average.indices { average[i] = keep * average[i] + take * current[i] }
                }
            }
        }
    }
}
