import Parallel

/// Small output maps on wide tiles. An implicit-GEMM convolution gives each output row its own run of
/// column blocks, so a row narrower than a tile (the discriminator's 16x16 and 15x15 maps against 32
/// columns on AVX-512) leaves half of every micro-tile idle. Flattened, the output rows run back to back at
/// the prepared input's row pitch: the few columns between one row's end and the next row's start read the
/// padding and are dropped when the product is copied out, and every block but the last is full.
extension Conv2dPlan {
    /// Columns of the flattened GEMM for this input size, or nil where flattening needs no fewer blocks
    /// (or the plan is not an implicit GEMM).
    func flatColumns(height: Int, width: Int, microColumns: Int) -> Int? {
        guard algorithm == .implicitGEMM else { return nil }
        let out = outputSize(height: height, width: width)
        let columns = flattenedColumns(layout(height: height, width: width))
        let flatBlocks = (columns + microColumns - 1) / microColumns
        let rowBlocks = out.height * ((out.width + microColumns - 1) / microColumns)
        return flatBlocks < rowBlocks ? columns : nil
    }

    /// Columns of the product when the output rows run back to back at the prepared input's row pitch.
    func flattenedColumns(_ prepared: PaddedLayout) -> Int {
        let out = outputSize(height: prepared.height, width: prepared.width)
        return (out.height - 1) * prepared.phaseWidth + out.width
    }

    /// `workspaceCount` for `runFlattened`: the prepared input, then the flattened product.
    public func flattenedWorkspaceCount(isa: any KernelISA.Type, height: Int, width: Int, threads: Int) -> Int {
        guard let columns = flatColumns(height: height, width: width, microColumns: isa.microColumns) else {
            return workspaceCount(height: height, width: width, threads: threads)
        }
        return layout(height: height, width: width).count + outChannels * columns
    }

    /// `run` (no input affine), flattened where that fills the tiles better. Each output is the same sum in
    /// the same order either way, so results are identical. The last block's reads past the final real
    /// column stay within one tile of the last row a real column reads, inside the layout's read slack.
    public func runFlattened(isa: any KernelISA.Type, input: UnsafePointer<Float>, height: Int, width: Int,
                             output: UnsafeMutablePointer<Float>, workspace: UnsafeMutableBufferPointer<Float>,
                             context: ComputeContext) {
        guard let columns = flatColumns(height: height, width: width, microColumns: isa.microColumns),
              let weights else {
            return run(isa: isa, input: input, height: height, width: width, output: output, workspace: workspace,
                       context: context)
        }
        precondition(workspace.count >= flattenedWorkspaceCount(isa: isa, height: height, width: width, threads: context.threads),
                     "workspace too small")
        guard let scratch = workspace.baseAddress else { return }
        let prepared = layout(height: height, width: width)
        let product = scratch + prepared.count
        isa.prepareInput(prepared, input: input, output: scratch, affine: nil, context: context)
        let offsets = rowOffsets(prepared, rows: kernelHeight, columns: kernelWidth)
        offsets.withUnsafeBufferPointer { offsets in
            weights.values.withUnsafeBufferPointer { a in
                weights.bias.withUnsafeBufferPointer { bias in
                    guard let offsets = offsets.baseAddress, let a = a.baseAddress, let bias = bias.baseAddress else { return }
                    isa.gemm(GEMMProblem(a: a, bias: bias, m: outChannels, k: weights.depth, b: scratch,
                                         bRowOffsets: offsets, c: product, ldc: columns, grid: .matrix(columns: columns)),
                             context: context)
                }
            }
        }
        unflatten(product, columns: columns, prepared: prepared, bias: nil, into: output, context: context)
    }

    /// Copies the real columns of a flattened product (`outChannels x columns`) into the NCHW output,
    /// adding `bias` where it was left out of the product.
    func unflatten(_ product: UnsafePointer<Float>, columns: Int, prepared: PaddedLayout, bias: [Float]?,
                   into output: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let out = outputSize(height: prepared.height, width: prepared.width)
        let pitch = prepared.phaseWidth
        parallelRanges(outChannels, context: context, work: outChannels * columns) { channels in
            for o in channels {
                let b = bias?[o] ?? 0
                for y in 0..<out.height {
                    let source = product + o * columns + y * pitch, target = output + (o * out.height + y) * out.width
                    for x in 0..<out.width { target[x] = source[x] + b }
                }
            }
        }
    }
}
