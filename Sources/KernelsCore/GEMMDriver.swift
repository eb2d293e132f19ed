/// Largest A (packed weights) that stays in L2 while every column block streams past it.
public let l2WeightBytes = 640 * 1024

/// Row panels of A above which a B micro-panel is worth copying contiguous before use.
public let packingPanels = 4

extension KernelISA {
    @inlinable
    public static func gemm(_ problem: GEMMProblem, threads: Int) {
        let blocksPerRun = (problem.grid.width + microColumns - 1) / microColumns
        let items = problem.batch * problem.grid.rows * blocksPerRun
        parallelRanges(items, threads: threads) { range in
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
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: passDepth * nr)
        defer {
            scratch.deallocate()
            packedB.deallocate()
        }
        let w = Vector.scalarCount
        let pack = panels > packingPanels

        func run(item: Int, pass: Int) {
            let pc = pass * passDepth
            let depth = min(passDepth, p.k - pc)
            let accumulate = pass > 0
            let offsets = p.bRowOffsets + pc
            let batch = item / itemsPerBatch
            let (run, block) = (item % itemsPerBatch).quotientAndRemainder(dividingBy: blocksPerRun)
            let x0 = block * nr
            let width = min(nr, p.grid.width - x0)
            let a = p.a + batch * p.aBatchStride + pc * microRows
            let b = p.b + batch * p.bBatchStride + run * p.grid.bRowStride + x0
            let c = p.c + batch * p.cBatchStride + run * p.grid.cRowStride + x0 * p.grid.cColumnStride
            if pack {
                for k in 0..<depth {
                    let source = b + offsets[k], row = packedB + k * nr
                    store(load(source), row)
                    store(load(source + w), row + w)
                }
                panelsOf(a: a, c: c, width: width, depth: depth, accumulate: accumulate,
                         rows: PackedRows(base: packedB, stride: nr))
            } else {
                panelsOf(a: a, c: c, width: width, depth: depth, accumulate: accumulate,
                         rows: OffsetRows(base: b, offsets: offsets))
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
                    let colStride = p.grid.cColumnStride
                    if accumulate {
                        for r in 0..<rows {
                            for x in 0..<width { scratch[r * nr + x] = cp[r * p.ldc + x * colStride] }
                        }
                    }
                    microKernel(depth: depth, a: ap, b: b, c: scratch, ldc: nr, accumulate: accumulate, bias: bias)
                    for r in 0..<rows {
                        for x in 0..<width { cp[r * p.ldc + x * colStride] = scratch[r * nr + x] }
                    }
                }
            }
        }

        if panels * microRows * p.k * MemoryLayout<Float>.size <= l2WeightBytes {
            for item in items {
                for pass in 0..<passes { run(item: item, pass: pass) }
            }
        } else {
            for pass in 0..<passes {
                for item in items { run(item: item, pass: pass) }
            }
        }
    }
}
