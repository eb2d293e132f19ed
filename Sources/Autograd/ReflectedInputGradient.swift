import KernelsCore
import NN
import Parallel

extension TrainingKernels {
    /// dX of a 3x3 stride-1 convolution over its input reflection-padded by 1 (the residual blocks). The
    /// gradient of the padded input, (H+2) x (W+2), is the full correlation of dY with the kernel; it is
    /// then folded back through the padding (each border pixel onto the pixel it mirrors). Computed whole,
    /// its Winograd tiles would not divide H+2 (81 tiles instead of 64 for 32x32). Instead:
    /// - its inner H x W is the same-size correlation (zero padding 1, whole tiles): the zero-padded
    ///   `convolutionInputGradient`, which becomes dX itself;
    /// - its 1-pixel border meets one kernel row (top, bottom) or column (left, right) and one line of dY:
    ///   four small GEMMs `ring[c][j] = sum over (o, t) of W_edge[c][(o, t)] · line_o[j - t]`, batched in one call;
    /// - the border is folded onto dX (rows 1 and H-2, columns 1 and W-2).
    func reflectedInputGradient(_ dy: Tensor, weights: Tensor, plans: PlanCache, weight: Int) -> Tensor {
        let (batch, outChannels, height, width) = dy.nchw
        let inChannels = weights.shape[1]
        precondition(weights.shape[2] == 3 && weights.shape[3] == 3 && height >= 2 && width >= 2,
                     "reflected input gradient: 3x3 kernels on at least 2x2 maps")
        var dx = convolutionInputGradient(
            dy, weights: weights,
            geometry: ConvGeometry(channels: inChannels, height: height, width: width, kernelH: 3, kernelW: 3, stride: 1,
                                   padding: 1),
            plans: plans, weight: weight)
        // Edge e: 0 top (kernel row 0, dY row 0), 1 bottom (row 2, dY row H-1), 2 left (kernel column 0, dY
        // column 0), 3 right (column 2, dY column W-1). Border pixels per edge: `columns` (the longer side + 2).
        let columns = max(height, width) + 2, line = columns + 2, depth = 3 * outChannels
        // Each edge packed on its own, so no panel straddles two edges; once per weight and pass.
        let key = PlanCache.Key(weight: weight, bias: nil, role: .borderGradient, stride: 1, padding: 1, outputPadding: 0,
                                reflect: true)
        let edges = plans.packedWeights(key) {
            edgeWeights(weights).withUnsafeBufferPointer { m in
                (0..<4).flatMap { e in
                    PackedPanels(packing: UnsafeBufferPointer(rebasing: m[(e * inChannels * depth)..<((e + 1) * inChannels * depth)]),
                                 rows: inChannels, depth: depth, bias: nil, context: context).values
                }
            }
        }
        let panelsPerEdge = (inChannels + microRows - 1) / microRows
        // Row (o, t) of edge e's B reads line o at column j - t: offsets o * line + 2 - t within that edge.
        let offsets = (0..<depth).map { k in (k / 3) * line + 2 - k % 3 }
        var lines = [Float](repeating: 0, count: 4 * outChannels * line + bReadSlack)
        var ring = [Float](filling: 4 * inChannels * columns) { _ in }
        let plane = height * width
        for n in 0..<batch {
            dy.storage.withBase { dys in
                lines.withMutableBase { ls in
                    for o in 0..<outChannels {
                        let source = dys + (n * outChannels + o) * plane
                        for x in 0..<width {
                            ls[o * line + 2 + x] = source[x]
                            ls[(outChannels + o) * line + 2 + x] = source[(height - 1) * width + x]
                        }
                        for y in 0..<height {
                            ls[(2 * outChannels + o) * line + 2 + y] = source[y * width]
                            ls[(3 * outChannels + o) * line + 2 + y] = source[y * width + width - 1]
                        }
                    }
                }
            }
            gemm(a: edges, b: lines, rowOffsets: offsets, c: &ring) { a, b, os, c in
                GEMMProblem(a: a, bias: nil, m: inChannels, k: depth, b: b, bRowOffsets: os, c: c, ldc: columns,
                            grid: .matrix(columns: columns), batch: 4, aBatchStride: panelsPerEdge * microRows * depth,
                            bBatchStride: outChannels * line, cBatchStride: inChannels * columns)
            }
            dx.storage.withMutableBase { dxs in
                ring.withBase { rs in
                    for c in 0..<inChannels {
                        let target = dxs + (n * inChannels + c) * plane
                        let (top, bottom) = (rs + c * columns, rs + (inChannels + c) * columns)
                        let (left, right) = (rs + (2 * inChannels + c) * columns, rs + (3 * inChannels + c) * columns)
                        // Padded column j mirrors column |j - 1| reflected at the right edge; corners
                        // belong to the top and bottom rows.
                        for j in 0..<(width + 2) {
                            let x = j == 0 ? 1 : (j == width + 1 ? width - 2 : j - 1)
                            target[width + x] += top[j]
                            target[(height - 2) * width + x] += bottom[j]
                        }
                        for i in 1...height {
                            target[(i - 1) * width + 1] += left[i]
                            target[(i - 1) * width + width - 2] += right[i]
                        }
                    }
                }
            }
        }
        return dx
    }

    /// The four edges' weights as one row-major `[4 * in][(out, tap)]` matrix: edge e, input channel c,
    /// output channel o, tap t is `W[o][c][row][column]` with (row, column) = (0, t), (2, t), (t, 0), (t, 2).
    private func edgeWeights(_ weights: Tensor) -> [Float] {
        let (outChannels, inChannels, _, _) = weights.nchw
        return [Float](filling: 4 * inChannels * 3 * outChannels) { m in
            weights.storage.withBase { ws in
                parallelRanges(4 * inChannels, context: context, work: 12 * inChannels * outChannels) { rows in
                    for r in rows {
                        let (e, c) = r.quotientAndRemainder(dividingBy: inChannels)
                        let row = m + r * 3 * outChannels
                        for o in 0..<outChannels {
                            let kernel = ws + (o * inChannels + c) * 9
                            for t in 0..<3 {
                                row[3 * o + t] = kernel[e == 0 ? t : e == 1 ? 6 + t : e == 2 ? 3 * t : 3 * t + 2]
                            }
                        }
                    }
                }
            }
        }
    }
}
