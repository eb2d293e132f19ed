import NN

/// A value recorded on a `Tape`: an index, cheap to copy, meaningful only for the tape that made it.
package struct Variable: Hashable, Sendable {
    let id: Int
}

/// Reverse-mode differentiation for one training pass. Every op appends its output and a pullback (output
/// gradient -> input gradients); `backward` walks them in reverse. Ops see which inputs need gradients, so a
/// discriminator evaluated only to train the generators computes no weight gradients of its own.
/// One tape per pass and per thread: it is a plain reference type, not shared. Its ops run on the kernel
/// path and cores it was made with.
package final class Tape {
    /// Gradient of the output -> gradient of each input (nil where `needs[i]` is false).
    typealias Pullback = (_ outputGradient: Tensor, _ needs: [Bool]) -> [Tensor?]

    private struct Node {
        let inputs: [Int]
        let needsGradient: Bool
        let pullback: Pullback?
    }

    /// The kernel path and cores every op and pullback of this pass runs on.
    package let kernels: TrainingKernels
    /// Convolution plans of this pass's weights, shared by the ops and their pullbacks.
    let plans = PlanCache()
    /// Weight gradients the convolutions' pullbacks hold back, summed when `backward` ends.
    let weightGradients = WeightGradientBatches()
    private var values: [Tensor] = []
    private var nodes: [Node] = []
    private var gradients: [Tensor?] = []

    package init(kernels: TrainingKernels) {
        self.kernels = kernels
    }

    /// Data or frozen weights: no gradient flows into it.
    package func constant(_ value: Tensor) -> Variable {
        append(value, Node(inputs: [], needsGradient: false, pullback: nil))
    }

    /// A trainable tensor: `gradient(of:)` returns its gradient after `backward`.
    package func parameter(_ value: Tensor) -> Variable {
        append(value, Node(inputs: [], needsGradient: true, pullback: nil))
    }

    package func value(_ v: Variable) -> Tensor { values[v.id] }

    /// Whether `v` is a trainable leaf, whose gradient nothing on the tape reads before `backward` ends.
    func isParameter(_ v: Variable) -> Bool { nodes[v.id].inputs.isEmpty && nodes[v.id].needsGradient }

    /// nil when no gradient reached `v` (or before `backward`).
    package func gradient(of v: Variable) -> Tensor? { gradients[v.id] }

    /// Records an op's output. `pullback` is only kept (and only ever called) when some input needs a gradient.
    func record(_ value: Tensor, inputs: [Variable], pullback: @escaping Pullback) -> Variable {
        let needs = inputs.contains { nodes[$0.id].needsGradient }
        return append(value, Node(inputs: inputs.map(\.id), needsGradient: needs, pullback: needs ? pullback : nil))
    }

    /// Back-propagates from a scalar `loss` (seeded with d loss / d loss = 1). May be called once per tape.
    package func backward(from loss: Variable) {
        precondition(values[loss.id].count == 1, "backward needs a scalar loss")
        gradients[loss.id] = Tensor(shape: values[loss.id].shape, storage: [1])
        for id in stride(from: loss.id, through: 0, by: -1) {
            let node = nodes[id]
            guard let pullback = node.pullback, let outputGradient = gradients[id] else { continue }
            let needs = node.inputs.map { nodes[$0].needsGradient }
            let inputGradients = pullback(outputGradient, needs)
            for (input, gradient) in zip(node.inputs, inputGradients) {
                guard let gradient, nodes[input].needsGradient else { continue }
                accumulate(gradient, into: input)
            }
            // Intermediate gradients are dead once propagated; parameters keep theirs.
            if !node.inputs.isEmpty { gradients[id] = nil }
        }
        weightGradients.flush(on: kernels) { id, gradient in accumulate(gradient, into: id) }
    }

    private func accumulate(_ gradient: Tensor, into id: Int) {
        guard var existing = gradients[id] else {
            gradients[id] = gradient
            return
        }
        gradients[id] = nil
        precondition(existing.shape == gradient.shape, "gradient shape mismatch")
        let count = existing.count
        existing.storage.withMutableBase { dst in
            gradient.storage.withBase { src in
                forVectors(count, streams: 3, context: kernels.context) { i, lanes in storeLanes(loadLanes(dst + i, lanes) + loadLanes(src + i, lanes), dst + i, lanes) }
            }
        }
        gradients[id] = existing
    }

    private func append(_ value: Tensor, _ node: Node) -> Variable {
        values.append(value)
        nodes.append(node)
        gradients.append(nil)
        return Variable(id: values.count - 1)
    }
}
