import Parallel

/// Largest A (packed weights) that stays in L2 while every column block streams past it.
public let l2WeightBytes = 640 * 1024

/// Row panels of A above which a B micro-panel is worth copying contiguous before use.
public let packingPanels = 4

/// Column blocks of one output row packed together.
public let packingGroup = 4

extension KernelISA {
    @inlinable
    public static func gemm(_ problem: GEMMProblem, context: ComputeContext) {
        let blocksPerRun = (problem.grid.width + microColumns - 1) / microColumns
        let items = problem.batch * problem.grid.rows * blocksPerRun
        let work = items * problem.m * problem.k * microColumns / 16
        parallelRanges(items, context: context, work: work) { range in
            gemmItems(problem, range, blocksPerRun: blocksPerRun)
        }
    }

    /// One thread's share: column blocks `items`, ordered batch, run, block (the blocks of one output row
    /// read neighbouring segments of the same input rows, which streams well, and the next output row
    /// shares all but one input row per channel with it, still in L2).
    ///
    /// K is cut into even passes of at most `depthBlock`. When A fits in L2, each column block runs all
    /// its passes back to back, so its C tile never leaves cache; otherwise the pass loop is outermost so
    /// one pass's slice of A stays in L2 while every column block streams past it.
    /// Each B micro-panel is first copied contiguous when many row panels of A will reread it: B rows are
    /// far apart (channel planes), and rereading them in place lands many rows in the same L1 sets. With
    /// few row panels (the folded-column head) the copy costs more than it saves, and B is read in place.
    @inlinable
    static func gemmItems(_ p: GEMMProblem, _ items: Range<Int>, blocksPerRun: Int) {
        let nr = microColumns
        let panels = (p.m + microRows - 1) / microRows
        let passes = (p.k + depthBlock - 1) / depthBlock
        let passDepth = (p.k + passes - 1) / passes
        let itemsPerBatch = p.grid.rows * blocksPerRun
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: microRows * nr)
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: packingGroup * passDepth * nr)
        defer {
            scratch.deallocate()
            packedB.deallocate()
        }
        let w = Vector.scalarCount
        let pack = panels > packingPanels

        /// Column blocks `group` (consecutive blocks of one run) for one pass over K. Packed micro-panels
        /// are copied for the whole group at once: each B row is then read as one longer contiguous
        /// segment, which streams better than many 128-byte pieces.
        func run(group: Range<Int>, pass: Int) {
            let pc = pass * passDepth
            let depth = min(passDepth, p.k - pc)
            let accumulate = pass > 0
            let offsets = p.bRowOffsets + pc
            let batch = group.lowerBound / itemsPerBatch
            let (run, firstBlock) = (group.lowerBound % itemsPerBatch).quotientAndRemainder(dividingBy: blocksPerRun)
            let a = p.a + batch * p.aBatchStride + pc * microRows
            let b = p.b + batch * p.bBatchStride + run * p.grid.bRowStride + firstBlock * nr
            let c = p.c + batch * p.cBatchStride + run * p.grid.cRowStride + firstBlock * nr * p.grid.cColumnStride
            if pack {
                for k in 0..<depth {
                    let source = b + offsets[k]
                    for g in 0..<group.count {
                        let row = packedB + (g * depth + k) * nr
                        store(load(source + g * nr), row)
                        store(load(source + g * nr + w), row + w)
                    }
                }
            }
            for g in 0..<group.count {
                let x0 = (firstBlock + g) * nr
                let width = min(nr, p.grid.width - x0), cg = c + g * nr * p.grid.cColumnStride
                if pack {
                    panelsOf(a: a, c: cg, width: width, depth: depth, accumulate: accumulate,
                             rows: PackedRows(base: packedB + g * depth * nr, stride: nr))
                } else {
                    panelsOf(a: a, c: cg, width: width, depth: depth, accumulate: accumulate,
                             rows: OffsetRows(base: b + g * nr, offsets: offsets))
                }
            }
        }

        /// All row panels of A against one B micro-panel.
        func panelsOf<Rows: MicroPanelRows>(a: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, width: Int,
                                            depth: Int, accumulate: Bool, rows b: Rows) {
            let direct = width == nr && p.grid.cColumnStride == 1
            for panel in 0..<panels {
                let ap = a + panel * p.k * microRows
                let cp = c + panel * microRows * p.ldc
                let bias = p.bias.map { $0 + panel * microRows }
                let rows = min(microRows, p.m - panel * microRows)
                if direct && rows == microRows {
                    microKernel(depth: depth, a: ap, b: b, c: cp, ldc: p.ldc, accumulate: accumulate, bias: bias)
                } else {
                    // Edge tiles and strided output (transposed-convolution phases) go through a tile
                    // in scratch; the copies step pointers, keeping index arithmetic out of the loop.
                    let colStride = p.grid.cColumnStride
                    if accumulate {
                        for r in 0..<rows {
                            var source = UnsafePointer(cp + r * p.ldc)
                            let target = scratch + r * nr
                            for x in 0..<width {
                                target[x] = source.pointee
                                source += colStride
                            }
                        }
                    }
                    microKernel(depth: depth, a: ap, b: b, c: scratch, ldc: nr, accumulate: accumulate, bias: bias)
                    for r in 0..<rows {
                        var target = cp + r * p.ldc
                        let source = scratch + r * nr
                        for x in 0..<width {
                            target.pointee = source[x]
                            target += colStride
                        }
                    }
                }
            }
        }

        var groups: [Range<Int>] = []
        var start = items.lowerBound
        while start < items.upperBound {
            let block = start % itemsPerBatch % blocksPerRun
            let end = start + min(packingGroup, blocksPerRun - block, items.upperBound - start)
            groups.append(start..<end)
            start = end
        }
        if panels * microRows * p.k * MemoryLayout<Float>.size <= l2WeightBytes {
            for group in groups {
                for pass in 0..<passes { run(group: group, pass: pass) }
            }
        } else {
            for pass in 0..<passes {
                for group in groups { run(group: group, pass: pass) }
            }
        }
    }
}
