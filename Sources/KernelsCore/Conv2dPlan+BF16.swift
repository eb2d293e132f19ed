import Parallel

/// `ConvAlgorithm.bf16GEMM`: the flattened implicit GEMM of `Conv2dPlan+Flat` with both operands in
/// bfloat16 (`BF16Weights.multiply`); the padded input stays float32.
extension Conv2dPlan {
    /// Floats of scratch after the prepared input: the flattened product, then the packing buffers.
    func bf16IntermediateCount(_ prepared: PaddedLayout, threads: Int) -> Int {
        outChannels * flattenedColumns(prepared)
            + BF16Weights.bufferCount(depth: inChannels * kernelHeight * kernelWidth, threads: threads)
    }

    func runBF16(_ weights: BF16Weights, prepared: PaddedLayout, scratch: UnsafePointer<Float>,
                 product: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let columns = flattenedColumns(prepared)
        rowOffsets(prepared, rows: kernelHeight, columns: kernelWidth).withUnsafeBufferPointer { offsets in
            guard let offsets = offsets.baseAddress else { return }
            weights.multiply(b: scratch, offsets: offsets, columns: columns, into: product,
                             buffers: product + outChannels * columns, context: context)
        }
        unflatten(product, columns: columns, prepared: prepared, bias: separateBias, into: output, context: context)
    }
}
