import Parallel

/// Shapes of one Winograd F(4x4, 3x3) convolution: 4x4 output tiles read 6x6 input patches, and the 36
/// patch positions each become one GEMM (out channels x in channels) x (in channels x tiles).
/// The prepared input is split by column into 4 phases (`PaddedLayout` with column period 4), so column
/// `4 * tx + j` of every tile row is contiguous across `tx`.
///
/// Tiles are processed in blocks: each block is transformed, multiplied and transformed back while its
/// transformed input and products (36 x channels x `blockTiles`) are still in cache, instead of streaming
/// whole-image matrices through memory; blocks are independent, so threads need no barrier.
///
/// Small maps (fewer tiles than a block per thread, e.g. 32x32) with large transformed weights (4x the
/// weights, streamed from memory every layer) are one block, and threads split its channels instead
/// (`splitsChannels`): the weights are then read once, each thread reading only its output channels'
/// share, rather than every thread reading all of them for a sliver of tiles. That costs two barriers,
/// which only pay off above `winogradSplitWeightBytes`.
public struct WinogradGeometry: Sendable {
    public var inChannels: Int
    public var outChannels: Int
    public var tilesHigh: Int
    public var tilesWide: Int
    public var preparedWidth: Int
    public var preparedPhaseSize: Int
    public var preparedChannelStride: Int
    public var outputHeight: Int
    public var outputWidth: Int
    /// Tiles per block (the last may hold fewer) and the row stride of a block's matrices: one vector
    /// longer, so the input transform always stores whole vectors (lanes past a tile row's end are
    /// overwritten by the next row's vector, or land in that slack).
    public var blockTiles: Int
    public var blockStride: Int
    public var splitsChannels: Bool
    /// The weights come as taps (`WinogradWeights.taps`) and each block (or channel share) transforms
    /// the ones it multiplies by itself, `fusedPanels` panels at a time: where a thread has at most one
    /// block, so no work is repeated and no barrier or full transformed copy is needed.
    public var fusesTransform: Bool
    public var fusedPanels: Int
    /// Floats of scratch for the transformed weights (taps only): per thread when fused, else all 36 matrices.
    public var transformScratch: Int

    /// A channel's 36 transformed rows are contiguous (`v[c][e][t]`, `m[k][e][t]`): the transforms then
    /// write and read one stream per channel instead of 36 streams a matrix apart.
    public var channelStride: Int { 36 * blockStride }
    public var tiles: Int { tilesHigh * tilesWide }
    public var blocks: Int { (tiles + blockTiles - 1) / blockTiles }
    /// Floats of scratch one block in flight needs: its transformed input and products.
    public var blockScratch: Int { 36 * (inChannels + outChannels) * blockStride + 2 * bReadSlack }
    /// Floats of one thread's fused transform buffer: one patch row (6 positions) of `fusedPanels` panels.
    public var fusedBufferCount: Int { 6 * fusedPanels * microRows * inChannels }
    /// Floats of scratch the blocks in flight on `threads` threads need.
    public func blockScratchCount(threads: Int) -> Int {
        (splitsChannels ? 1 : min(max(threads, 1), blocks)) * blockScratch
    }
    /// Floats of scratch a convolution needs on `threads` threads.
    public func scratchCount(threads: Int) -> Int {
        blockScratchCount(threads: threads) + transformScratch
    }

    /// Blocks of `winogradBlockTiles` tiles (small maps: one), at least one per thread; or one block
    /// split by channels (see above). `transformsWeights`: the weights will come as taps.
    public init(inChannels: Int, outChannels: Int, outputHeight: Int, outputWidth: Int,
                preparedWidth: Int, preparedPhaseSize: Int, preparedChannelStride: Int, threads: Int,
                transformsWeights: Bool = false) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        tilesHigh = (outputHeight + 3) / 4
        tilesWide = (outputWidth + 3) / 4
        self.preparedWidth = preparedWidth
        self.preparedPhaseSize = preparedPhaseSize
        self.preparedChannelStride = preparedChannelStride
        let tiles = tilesHigh * tilesWide
        let transformedWeightBytes = 36 * inChannels * outChannels * MemoryLayout<Float>.size
        splitsChannels = threads > 1 && tiles <= threads * winogradBlockTiles
            && transformedWeightBytes >= winogradSplitWeightBytes
        let most = tiles <= 2 * winogradBlockTiles ? 2 * winogradBlockTiles : winogradBlockTiles
        let blocks = splitsChannels ? 1 : max(min(threads, (tiles + 15) / 16), (tiles + most - 1) / most)
        blockTiles = ((tiles + blocks - 1) / blocks + 15) / 16 * 16
        blockStride = blockTiles + 16
        let panels = (outChannels + microRows - 1) / microRows
        fusesTransform = transformsWeights && (splitsChannels || blocks <= max(threads, 1))
        fusedPanels = max(1, min(panels, winogradFusedBytes / (6 * microRows * inChannels * MemoryLayout<Float>.size)))
        transformScratch = !transformsWeights ? 0
            : fusesTransform ? max(threads, 1) * 6 * fusedPanels * microRows * inChannels
            : 36 * panels * microRows * inChannels
    }
}

/// The tiles of a range in runs that fill one vector: part of a tile row, or — when a tile row is at
/// most half a vector (32-pixel maps on AVX-512) — two whole tile rows, so the transforms do not run
/// half-empty. Yields (first tile, its column, tiles, tile rows).
@usableFromInline
struct TileVectors: Sequence, IteratorProtocol {
    @usableFromInline let tilesWide: Int
    @usableFromInline let width: Int
    @usableFromInline let end: Int
    @usableFromInline var t: Int

    @inlinable init(_ g: WinogradGeometry, _ tiles: Range<Int>, width: Int) {
        tilesWide = g.tilesWide
        self.width = width
        end = tiles.upperBound
        t = tiles.lowerBound
    }

    @inlinable
    mutating func next() -> (t: Int, tx: Int, lanes: Int, rows: Int)? {
        guard t < end else { return nil }
        let tx = t % tilesWide
        let rows = tx == 0 && 2 * tilesWide <= width && t + 2 * tilesWide <= end ? 2 : 1
        let lanes = rows == 2 ? 2 * tilesWide : Swift.min(width, tilesWide - tx, end - t)
        t += lanes
        return (t - lanes, tx, lanes, rows)
    }
}

/// Transformed-weight size from which small maps are split by channels (256 x 256 channels: 9.4 MB).
public let winogradSplitWeightBytes = 4 << 20

/// Transformed-weight size from which inference plans keep the 9 taps and transform them per run
/// (256 x 256 channels: 9.4 MB): such weights come from memory every layer anyway, and 4x of them is
/// most of the model's memory. Below it, the transform's work (1/tiles of the multiplications') is
/// not repaid by the memory saved.
public let winogradTapsWeightBytes = 4 << 20

/// Most bytes of transformed weights a fused transform writes before they are multiplied (half of L2).
public let winogradFusedBytes = 512 << 10

/// Tiles per block: a 256-channel block's matrices (2 x 36 x 256 x 48 floats) stay near L2, and the
/// transformed weights are reread from L3 per block. Maps of at most two blocks use one block of up to
/// twice that: their weights come from memory every layer, and one pass over them is what counts.
public let winogradBlockTiles = 32

/// The 36 transformed weight matrices a Winograd convolution multiplies by (`PackedPanels` of out x in,
/// back to back, each padded to whole panels).
public enum WinogradWeights {
    /// Transformed when the plan was built (training plans, which serve a whole batch).
    case transformed(UnsafePointer<Float>)
    /// Transformed by the convolution itself, into its scratch, from the 9 tap matrices (`PackedPanels` of
    /// out x in, one per kernel position, laid out as the transformed ones): inference plans keep only the
    /// taps resident, 4x smaller.
    case taps(UnsafePointer<Float>)
}

/// One axis of G g G^T for F(4x4, 3x3) (points 0, +-1, +-2, inf):
/// G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1].
@inlinable @inline(__always)
func winogradFilterPass<V: SIMD>(_ g0: V, _ g1: V, _ g2: V) -> (V, V, V, V, V, V) where V.Scalar == Float {
    let outer = g0 + g2
    let a = outer * (-1.0 / 6), b = g1 * (1.0 / 6)
    let c = g0 * (1.0 / 24) + g2 * (1.0 / 6), d = g1 * (1.0 / 12)
    return (g0 * 0.25, a - b, a + b, c + d, c - d, g2)
}

extension KernelISA {
    /// One 6-point pass of B^T (Lavin & Gray, points 0, +-1, +-2, inf), in registers.
    @inlinable @inline(__always)
    static func inputPass(_ d0: Vector, _ d1: Vector, _ d2: Vector, _ d3: Vector, _ d4: Vector, _ d5: Vector)
        -> (Vector, Vector, Vector, Vector, Vector, Vector) {
        let four = Vector(repeating: 4), minusFour = Vector(repeating: -4), minusFive = Vector(repeating: -5)
        let two = Vector(repeating: 2)
        let d4MinusD2 = d4 - d2
        return (mulAdd(mulAdd(d4, d0, four), d2, minusFive),
                mulAdd(d3 + d4, d1 + d2, minusFour),
                mulAdd(d4 - d3, d1 - d2, four),
                mulAdd(d4MinusD2, d3 - d1, two),
                mulAdd(d4MinusD2, d1 - d3, two),
                mulAdd(mulAdd(d5, d1, four), d3, minusFive))
    }

    @inlinable
    public static func winogradConvolution(_ g: WinogradGeometry, prepared: UnsafePointer<Float>,
                                           weights: WinogradWeights, bias: UnsafePointer<Float>?,
                                           scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                                           context: ComputeContext) {
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: g.inChannels)
        defer { offsets.deallocate() }
        for c in 0..<g.inChannels { offsets[c] = c * g.channelStride }
        let panels = (g.outChannels + microRows - 1) / microRows
        let panelSize = g.inChannels * microRows, panelsStride = panels * panelSize
        let work = 36 * g.tiles * g.inChannels * g.outChannels / 16
        let transformed = scratch + g.blockScratchCount(threads: context.threads)

        /// The GEMMs of one block for `positions` and the output channels of row panels `rows`; `a` holds
        /// those rows' transformed weights, one position every `aStride` floats.
        func multiply(tiles: Range<Int>, panels rows: Range<Int>, positions: Range<Int>, a: UnsafePointer<Float>,
                      aStride: Int, v: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>) {
            let first = rows.lowerBound * microRows
            let problem = GEMMProblem(
                a: a, bias: nil, m: min(g.outChannels, rows.upperBound * microRows) - first, k: g.inChannels,
                b: v + positions.lowerBound * g.blockStride, bRowOffsets: offsets,
                c: m + first * g.channelStride + positions.lowerBound * g.blockStride, ldc: g.channelStride,
                grid: .matrix(columns: tiles.count), batch: positions.count, aBatchStride: aStride,
                bBatchStride: g.blockStride, cBatchStride: g.blockStride)
            let blocksPerRun = (tiles.count + microColumns - 1) / microColumns
            gemmItems(problem, 0 ..< positions.count * blocksPerRun, blocksPerRun: blocksPerRun)
        }

        /// All 36 GEMMs of one block for row panels `rows`. Fused (`fusesTransform`): their weights are
        /// transformed here from the taps, one patch row (6 positions) of `fusedPanels` panels at a time,
        /// into the part's buffer, and multiplied while still in L2.
        func multiplyAll(tiles: Range<Int>, panels rows: Range<Int>, part: Int, v: UnsafePointer<Float>,
                         m: UnsafeMutablePointer<Float>) {
            let all = 0..<36
            switch weights {
            case .transformed(let u):
                multiply(tiles: tiles, panels: rows, positions: all, a: u + rows.lowerBound * panelSize,
                         aStride: panelsStride, v: v, m: m)
            case .taps where !g.fusesTransform:
                multiply(tiles: tiles, panels: rows, positions: all, a: transformed + rows.lowerBound * panelSize,
                         aStride: panelsStride, v: v, m: m)
            case .taps(let taps):
                let buffer = transformed + part * g.fusedBufferCount
                for start in stride(from: rows.lowerBound, to: rows.upperBound, by: g.fusedPanels) {
                    let chunk = start ..< min(rows.upperBound, start + g.fusedPanels)
                    let elements = chunk.lowerBound * panelSize ..< chunk.upperBound * panelSize
                    for i in 0..<6 {
                        winogradFilterTransform(taps: taps, tapStride: panelsStride, elements: elements,
                                                patchRow: i, into: buffer, stride: elements.count)
                        multiply(tiles: tiles, panels: chunk, positions: 6 * i ..< 6 * i + 6, a: buffer,
                                 aStride: elements.count, v: v, m: m)
                    }
                }
            }
        }

        if g.splitsChannels {
            let tiles = 0..<g.tiles
            let v = scratch, m = scratch + 36 * g.inChannels * g.blockStride + bReadSlack
            parallelRanges(g.inChannels, context: context, work: work) { channels in
                winogradInput(g, prepared: prepared, tiles: tiles, channels: channels, v: v)
            }
            parallelParts(panels, context: context, work: work) { part, rows in
                multiplyAll(tiles: tiles, panels: rows, part: part, v: v, m: m)
            }
            parallelRanges(g.outChannels, context: context, work: work) { channels in
                winogradOutput(g, m: m, tiles: tiles, channels: channels, bias: bias, output: output)
            }
            return
        }
        // Several blocks a thread multiply by all the weights: transform them once first, split by output
        // channels, at the price of a barrier and writing 36 matrices through the caches.
        if case .taps(let taps) = weights, !g.fusesTransform {
            parallelRanges(panels, context: context, work: 45 * panelsStride) { rows in
                let elements = rows.lowerBound * panelSize ..< rows.upperBound * panelSize
                for i in 0..<6 {
                    winogradFilterTransform(taps: taps, tapStride: panelsStride, elements: elements, patchRow: i,
                                            into: transformed + 6 * i * panelsStride + elements.lowerBound,
                                            stride: panelsStride)
                }
            }
        }
        parallelParts(g.blocks, context: context, work: work) { part, blocks in
            let v = scratch + part * g.blockScratch
            let m = v + 36 * g.inChannels * g.blockStride + bReadSlack
            for block in blocks {
                let tiles = block * g.blockTiles ..< min(g.tiles, (block + 1) * g.blockTiles)
                winogradInput(g, prepared: prepared, tiles: tiles, channels: 0..<g.inChannels, v: v)
                multiplyAll(tiles: tiles, panels: 0..<panels, part: part, v: v, m: m)
                winogradOutput(g, m: m, tiles: tiles, channels: 0..<g.outChannels, bias: bias, output: output)
            }
        }
    }

    /// Row `patchRow` of U = G g G^T (6 positions) for `elements` of the tap matrices: tap matrix t
    /// (kernel row t / 3, column t % 3) at `taps + t * tapStride`; position 6 * patchRow + j of element
    /// `elements.lowerBound + x` at `u[j * stride + x]`. Each element is one (out, in) pair in the same
    /// packed place in every matrix, so the transform is elementwise: full-vector loads and stores, no
    /// shuffles. One patch row at a time, so a fused transform's buffer holds 6 positions, not 36: row i
    /// of G g is three multiply-add chains, then one pass along it.
    @inlinable
    static func winogradFilterTransform(taps: UnsafePointer<Float>, tapStride: Int, elements: Range<Int>,
                                        patchRow: Int, into u: UnsafeMutablePointer<Float>, stride: Int) {
        let gRow: (Float, Float, Float) = switch patchRow {
        case 0: (1.0 / 4, 0, 0)
        case 1: (-1.0 / 6, -1.0 / 6, -1.0 / 6)
        case 2: (-1.0 / 6, 1.0 / 6, -1.0 / 6)
        case 3: (1.0 / 24, 1.0 / 12, 1.0 / 6)
        case 4: (1.0 / 24, -1.0 / 12, 1.0 / 6)
        default: (0, 0, 1)
        }
        let k0 = Vector(repeating: gRow.0), k1 = Vector(repeating: gRow.1), k2 = Vector(repeating: gRow.2)
        let w = Vector.scalarCount
        // Whole vectors; the last partial one goes through zero-padded copies. Plain loads and stores with
        // the strides spelled out: passed as closures, the address arithmetic was vectorised into shuffles.
        let wholeCount = elements.count / w * w
        var x = 0
        while x < elements.count {
            let lanes = min(w, elements.count - x)
            let source = taps + elements.lowerBound + x, target = u + x
            var t0 = Vector(), t1 = Vector(), t2 = Vector(), t3 = Vector(), t4 = Vector(), t5 = Vector()
            var t6 = Vector(), t7 = Vector(), t8 = Vector()
            if x < wholeCount {
                t0 = load(source); t1 = load(source + tapStride); t2 = load(source + 2 * tapStride)
                t3 = load(source + 3 * tapStride); t4 = load(source + 4 * tapStride); t5 = load(source + 5 * tapStride)
                t6 = load(source + 6 * tapStride); t7 = load(source + 7 * tapStride); t8 = load(source + 8 * tapStride)
            } else {
                for l in 0..<lanes {
                    t0[l] = source[l]; t1[l] = source[tapStride + l]; t2[l] = source[2 * tapStride + l]
                    t3[l] = source[3 * tapStride + l]; t4[l] = source[4 * tapStride + l]
                    t5[l] = source[5 * tapStride + l]; t6[l] = source[6 * tapStride + l]
                    t7[l] = source[7 * tapStride + l]; t8[l] = source[8 * tapStride + l]
                }
            }
            let h0 = mulAdd(mulAdd(t0 * k0, t3, k1), t6, k2)
            let h1 = mulAdd(mulAdd(t1 * k0, t4, k1), t7, k2)
            let h2 = mulAdd(mulAdd(t2 * k0, t5, k1), t8, k2)
            let r = winogradFilterPass(h0, h1, h2)
            if x < wholeCount {
                store(r.0, target); store(r.1, target + stride); store(r.2, target + 2 * stride)
                store(r.3, target + 3 * stride); store(r.4, target + 4 * stride); store(r.5, target + 5 * stride)
            } else {
                for l in 0..<lanes {
                    target[l] = r.0[l]; target[stride + l] = r.1[l]; target[2 * stride + l] = r.2[l]
                    target[3 * stride + l] = r.3[l]; target[4 * stride + l] = r.4[l]; target[5 * stride + l] = r.5[l]
                }
            }
            x += lanes
        }
    }

    /// Transforms the 6x6 patches of `tiles` into `v[c][e][t - tiles.lowerBound]` (row stride `blockStride`).
    @inlinable
    static func winogradInput(_ g: WinogradGeometry, prepared: UnsafePointer<Float>, tiles: Range<Int>,
                              channels: Range<Int>, v: UnsafeMutablePointer<Float>) {
        let block = UnsafeMutablePointer<Vector>.allocate(capacity: 36)
        defer { block.deallocate() }
        let pw = g.preparedWidth, matrixStride = g.blockStride
        // Lanes of a two-tile-row vector that come from the second row (see `TileVectors`).
        var secondRow = Vector.MaskStorage()
        for l in min(g.tilesWide, Vector.scalarCount)..<Vector.scalarCount { secondRow[l] = -1 }
        let secondRowOffset = 4 * pw - g.tilesWide
        for c in channels {
            let channel = prepared + c * g.preparedChannelStride
            for (t, tx, _, rows) in TileVectors(g, tiles, width: Vector.scalarCount) {
                let patchTop = channel + 4 * (t / g.tilesWide) * pw + tx
                // Columns (down i) straight from the prepared rows, then rows (along j) straight to V:
                // one pass through memory in between. `fetch` reads one vector of a patch row.
                func columnPasses(_ fetch: (UnsafePointer<Float>) -> Vector) {
                    for j in 0..<6 {
                        let column = patchTop + (j % 4) * g.preparedPhaseSize + j / 4
                        let r = inputPass(fetch(column), fetch(column + pw), fetch(column + 2 * pw),
                                          fetch(column + 3 * pw), fetch(column + 4 * pw), fetch(column + 5 * pw))
                        block[j] = r.0; block[6 + j] = r.1; block[12 + j] = r.2
                        block[18 + j] = r.3; block[24 + j] = r.4; block[30 + j] = r.5
                    }
                }
                if rows == 1 {
                    columnPasses { load($0) }
                } else {
                    columnPasses { p in blend(load(p), load(p + secondRowOffset), mask: secondRow) }
                }
                let target = v + c * g.channelStride + t - tiles.lowerBound
                for i in 0..<6 {
                    let row = block + 6 * i, out = target + 6 * i * matrixStride
                    let r = inputPass(row[0], row[1], row[2], row[3], row[4], row[5])
                    store(r.0, out)
                    store(r.1, out + matrixStride)
                    store(r.2, out + 2 * matrixStride)
                    store(r.3, out + 3 * matrixStride)
                    store(r.4, out + 4 * matrixStride)
                    store(r.5, out + 5 * matrixStride)
                }
            }
        }
    }

    /// One 6-to-4 pass of A^T, in registers.
    @inlinable @inline(__always)
    static func outputPass(_ m0: Vector, _ m1: Vector, _ m2: Vector, _ m3: Vector, _ m4: Vector, _ m5: Vector)
        -> (Vector, Vector, Vector, Vector) {
        let sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4
        return (m0 + sum12 + sum34,
                mulAdd(diff12, diff34, Vector(repeating: 2)),
                mulAdd(sum12, sum34, Vector(repeating: 4)),
                mulAdd(diff12 + m5, diff34, Vector(repeating: 8)))
    }

    /// Transforms the products `m[k][e][t - tiles.lowerBound]` of `tiles` back into output pixels, adding bias.
    @inlinable
    static func winogradOutput(_ g: WinogradGeometry, m: UnsafePointer<Float>, tiles: Range<Int>,
                               channels: Range<Int>, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let w = Vector.scalarCount
        let half = UnsafeMutablePointer<Vector>.allocate(capacity: 24)
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: 4 * w)
        defer {
            half.deallocate()
            columns.deallocate()
        }
        let matrixStride = g.blockStride
        for k in channels {
            let b = Vector(repeating: bias?[k] ?? 0)
            let plane = output + k * g.outputHeight * g.outputWidth
            for (t, tx, lanes, rows) in TileVectors(g, tiles, width: Vector.scalarCount) {
                let source = m + k * g.channelStride + t - tiles.lowerBound
                // Columns (down i) straight from the products, then rows of the 4 x 6 intermediate.
                for j in 0..<6 {
                    let column = source + j * matrixStride
                    let r = outputPass(load(column), load(column + 6 * matrixStride), load(column + 12 * matrixStride),
                                       load(column + 18 * matrixStride), load(column + 24 * matrixStride),
                                       load(column + 30 * matrixStride))
                    half[j] = r.0; half[6 + j] = r.1; half[12 + j] = r.2; half[18 + j] = r.3
                }
                let tilesPerRow = lanes / rows
                let width = min(4 * tilesPerRow, g.outputWidth - 4 * tx)
                for r in 0..<4 {
                    let h = half + 6 * r
                    let y = outputPass(h[0], h[1], h[2], h[3], h[4], h[5])
                    store(y.0 + b, columns)
                    store(y.1 + b, columns + w)
                    store(y.2 + b, columns + 2 * w)
                    store(y.3 + b, columns + 3 * w)
                    for tileRow in 0..<rows {
                        let y0 = 4 * (t / g.tilesWide + tileRow)
                        guard y0 + r < g.outputHeight else { continue }
                        let row = plane + (y0 + r) * g.outputWidth + 4 * tx
                        let first = columns + tileRow * tilesPerRow
                        // Interleave the four column vectors into one output row segment.
                        if width == 4 * tilesPerRow {
                            interleave4(first, stride: w, count: tilesPerRow, into: row)
                        } else {
                            for x in 0..<width { row[x] = first[(x % 4) * w + x / 4] }
                        }
                    }
                }
            }
        }
    }
}
