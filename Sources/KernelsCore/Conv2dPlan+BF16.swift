import CBF16

/// Output columns a thread packs to bfloat16 and multiplies at a time: 4 panels, so the packed chunk
/// (depth x 128 x 2 bytes) is written and reread while it is in L2.
let bf16ChunkColumns = 4 * Int(CARTOONIFY_BF16_PANEL)

/// `ConvAlgorithm.bf16GEMM`: the flattened implicit GEMM of `Conv2dPlan+Flat` with both operands in
/// bfloat16. The padded input stays float32; each thread rounds one chunk of its columns into its own
/// buffer and multiplies it by every weight row, so the input is never copied whole in bfloat16.
extension Conv2dPlan {
    /// Floats of scratch after the prepared input: the flattened product, then one packing buffer a thread.
    func bf16IntermediateCount(_ prepared: PaddedLayout, threads: Int) -> Int {
        let depthPairs = (inChannels * kernelHeight * kernelWidth + 1) / 2
        return outChannels * flattenedColumns(prepared) + max(threads, 1) * depthPairs * bf16ChunkColumns
    }

    func runBF16(_ weights: BF16Weights, prepared: PaddedLayout, scratch: UnsafePointer<Float>,
                 product: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let columns = flattenedColumns(prepared)
        let chunks = (columns + bf16ChunkColumns - 1) / bf16ChunkColumns
        let packCount = weights.depthPairs * bf16ChunkColumns
        let buffers = product + outChannels * columns
        let offsets = rowOffsets(prepared, rows: kernelHeight, columns: kernelWidth)
        offsets.withUnsafeBufferPointer { offsets in
            weights.pairs.withUnsafeBufferPointer { a in
                guard let offsets = offsets.baseAddress, let a = a.baseAddress else { return }
                parallelParts(chunks, threads: threads, work: outChannels * weights.depth * columns / 16) { part, range in
                    (buffers + part * packCount).withMemoryRebound(to: UInt32.self, capacity: packCount) { b in
                        for chunk in range {
                            let first = chunk * bf16ChunkColumns, count = min(bf16ChunkColumns, columns - first)
                            cartoonify_bf16_pack_b_rows(scratch + first, offsets, Int32(weights.depth), Int32(count), b)
                            cartoonify_bf16_gemm(Int32(outChannels), Int32(count), Int32(weights.depthPairs), a, b,
                                                 product + first, Int32(columns), 0)
                        }
                    }
                }
            }
        }
        unflatten(product, columns: columns, prepared: prepared, bias: separateBias, into: output, threads: threads)
    }
}
