import Parallel

/// Transposed-convolution phases through contiguous products (see `Conv2dPlan+Flat`). A phase's output
/// pixels are every `stride`-th pixel of the output, so written in place each micro-tile goes out through
/// the driver's element-by-element edge path, and the discriminator's 16x16 phases fill half a 32-column
/// tile. Each phase instead runs as one flattened GEMM into scratch (rows back to back at the prepared
/// input's pitch, full tiles, direct stores), then one pass deals it out to the output grid.
extension ConvTranspose2dPlan {
    /// Output rows and columns of phase (py, px), and its flattened GEMM's column count.
    func flatPhase(_ py: Int, _ px: Int, out: (height: Int, width: Int), pitch: Int)
        -> (rows: Int, columns: Int, flat: Int) {
        let rows = (out.height - py + stride - 1) / stride, columns = (out.width - px + stride - 1) / stride
        return (rows, columns, rows > 0 && columns > 0 ? (rows - 1) * pitch + columns : 0)
    }

    /// `workspaceCount` for `runFlattened`: the prepared input, then the largest phase's product.
    public func flattenedWorkspaceCount(height: Int, width: Int) -> Int {
        let prepared = layout(height: height, width: width), out = outputSize(height: height, width: width)
        let largest = flatPhase(0, 0, out: out, pitch: prepared.phaseWidth).flat
        return prepared.count + outChannels * largest
    }

    /// `run` (no input affine) with every phase flattened; the same sums in the same order.
    public func runFlattened(isa: any KernelISA.Type, input: UnsafePointer<Float>, height: Int, width: Int,
                             output: UnsafeMutablePointer<Float>, workspace: UnsafeMutableBufferPointer<Float>,
                             context: ComputeContext) {
        precondition(workspace.count >= flattenedWorkspaceCount(height: height, width: width), "workspace too small")
        guard let scratch = workspace.baseAddress else { return }
        let prepared = layout(height: height, width: width)
        isa.prepareInput(prepared, input: input, output: scratch, affine: nil, context: context)
        flattenedPhases(prepared: prepared, product: scratch + prepared.count, bias: nil, into: output,
                        context: context) { phase, offsets, flat, product in
            guard let weights = phase.weights else { return }
            weights.values.withUnsafeBufferPointer { a in
                weights.bias.withUnsafeBufferPointer { bias in
                    guard let a = a.baseAddress, let bias = bias.baseAddress else { return }
                    isa.gemm(GEMMProblem(a: a, bias: bias, m: outChannels, k: weights.depth, b: scratch,
                                         bRowOffsets: offsets, c: product, ldc: flat, grid: .matrix(columns: flat)),
                             context: context)
                }
            }
        }
    }

    /// Every phase as a flattened bfloat16 product (`BF16Weights.multiply`), dealt out with the bias.
    func runBF16(prepared: PaddedLayout, scratch: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                 context: ComputeContext) {
        let out = outputSize(height: prepared.height, width: prepared.width)
        let product = UnsafeMutablePointer(mutating: scratch) + prepared.count
        let buffers = product + outChannels * flatPhase(0, 0, out: out, pitch: prepared.phaseWidth).flat
        flattenedPhases(prepared: prepared, product: product, bias: separateBias, into: output,
                        context: context) { phase, offsets, flat, product in
            phase.bf16Weights?.multiply(b: scratch, offsets: offsets, columns: flat, into: product, buffers: buffers,
                                        context: context)
        }
    }

    /// Each phase multiplied by `multiply(phase, B's row offsets, columns, product)` into `product`, then
    /// dealt out to the output (plus `bias`).
    func flattenedPhases(prepared: PaddedLayout, product: UnsafeMutablePointer<Float>, bias: [Float]?,
                         into output: UnsafeMutablePointer<Float>, context: ComputeContext,
                         multiply: (Phase, UnsafePointer<Int>, Int, UnsafeMutablePointer<Float>) -> Void) {
        let out = outputSize(height: prepared.height, width: prepared.width), pitch = prepared.phaseWidth
        for py in 0..<stride {
            for px in 0..<stride {
                let phase = phases[py * stride + px]
                let (rows, columns, flat) = flatPhase(py, px, out: out, pitch: pitch)
                guard flat > 0 else { continue }
                phaseOffsets(phase, prepared).withUnsafeBufferPointer { offsets in
                    guard let offsets = offsets.baseAddress else { return }
                    multiply(phase, offsets, flat, product)
                }
                deal(product, phase: (py, px, rows, columns, flat), out: out, pitch: pitch, bias: bias, into: output,
                     context: context)
            }
        }
    }

    /// Copies phase (py, px)'s flattened product (`outChannels x flat`) to every `stride`-th output pixel,
    /// adding `bias` where the product left it out.
    func deal(_ product: UnsafePointer<Float>, phase: (py: Int, px: Int, rows: Int, columns: Int, flat: Int),
              out: (height: Int, width: Int), pitch: Int, bias: [Float]?, into output: UnsafeMutablePointer<Float>,
              context: ComputeContext) {
        let s = stride
        parallelRanges(outChannels, context: context, work: 2 * outChannels * phase.rows * phase.columns) { channels in
            for o in channels {
                let b = bias?[o] ?? 0
                for y in 0..<phase.rows {
                    var target = output + (o * out.height + phase.py + s * y) * out.width + phase.px
                    let source = product + o * phase.flat + y * pitch
                    for x in 0..<phase.columns {
                        target.pointee = source[x] + b
                        target += s
                    }
                }
            }
        }
    }

    /// Row offsets of a phase's B: for every (input channel, row tap, column tap) its GEMM's k walks, the
    /// prepared pixel at the tap's input offset.
    func phaseOffsets(_ phase: Phase, _ prepared: PaddedLayout) -> [Int] {
        var offsets = [Int]()
        offsets.reserveCapacity(phase.depth)
        for c in 0..<inChannels {
            for ty in phase.rowTaps {
                for tx in phase.columnTaps {
                    offsets.append(prepared.offset(channel: c, y: ty.offset + paddingBefore, x: tx.offset + paddingBefore))
                }
            }
        }
        return offsets
    }
}
