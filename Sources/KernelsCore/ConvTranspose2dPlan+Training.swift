import Parallel

/// Transposed-convolution plans for training (see `Conv2dPlan.reweighted`): the same phases as
/// `init(weights:...)`, packed with pointer loops instead of a closure call per weight.
extension ConvTranspose2dPlan {
    public static func reweighted(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
                                  inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int,
                                  outputPadding: Int, context: ComputeContext) -> ConvTranspose2dPlan {
        precondition(weights.count == inChannels * outChannels * kernelSize * kernelSize, "weight count does not match the shape")
        precondition(bias.map { $0.count == outChannels } ?? true, "bias count does not match out channels")
        // The taps and paddings depend on the geometry alone: take them from a one-channel plan.
        let single = [Float](repeating: 0, count: kernelSize * kernelSize)
        let geometry = single.withUnsafeBufferPointer {
            ConvTranspose2dPlan(weights: $0, bias: nil, inChannels: 1, outChannels: 1, kernelSize: kernelSize,
                                stride: stride, padding: padding, outputPadding: outputPadding)
        }
        let biasArray = bias.map(Array.init)
        let phases = geometry.phases.map { phase in
            let taps = phase.rowTaps.count * phase.columnTaps.count, depth = inChannels * taps
            let panels = (outChannels + microRows - 1) / microRows
            var values = [Float](repeating: 0, count: panels * depth * microRows)
            let tapOffsets = phase.rowTaps.flatMap { ty in phase.columnTaps.map { ty.kernel * kernelSize + $0.kernel } }
            values.withUnsafeMutableBufferPointer { out in
                tapOffsets.withUnsafeBufferPointer { offsets in
                    guard let target = out.baseAddress, let source = weights.baseAddress,
                          let offsets = offsets.baseAddress else { return }
                    parallelRanges(panels, context: context, work: outChannels * depth) { range in
                        for o in (range.lowerBound * microRows)..<min(outChannels, range.upperBound * microRows) {
                            var dst = target + (o / microRows) * depth * microRows + o % microRows
                            for c in 0..<inChannels {
                                let kernel = source + (c * outChannels + o) * kernelSize * kernelSize
                                for t in 0..<taps {
                                    dst.pointee = kernel[offsets[t]]
                                    dst += microRows
                                }
                            }
                        }
                    }
                }
            }
            return Phase(rowTaps: phase.rowTaps, columnTaps: phase.columnTaps,
                         weights: PackedPanels(rows: outChannels, depth: depth, values: values, bias: biasArray),
                         bf16Weights: nil)
        }
        return ConvTranspose2dPlan(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                                   stride: stride, padding: padding, outputPadding: outputPadding, phases: phases,
                                   paddingBefore: geometry.paddingBefore, paddingAfter: geometry.paddingAfter)
    }

    init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int, outputPadding: Int,
         phases: [Phase], paddingBefore: Int, paddingAfter: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.phases = phases
        self.paddingBefore = paddingBefore
        self.paddingAfter = paddingAfter
        precision = .f32
        separateBias = nil
    }
}
