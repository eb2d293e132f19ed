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

    /// A channel's 36 transformed rows are contiguous (`v[c][e][t]`, `m[k][e][t]`): the transforms then
    /// write and read one stream per channel instead of 36 streams a matrix apart.
    public var channelStride: Int { 36 * blockStride }
    public var tiles: Int { tilesHigh * tilesWide }
    public var blocks: Int { (tiles + blockTiles - 1) / blockTiles }
    /// Floats of scratch one block in flight needs: its transformed input and products.
    public var blockScratch: Int { 36 * (inChannels + outChannels) * blockStride + 2 * bReadSlack }
    /// Floats of scratch a convolution needs on `threads` threads.
    public func scratchCount(threads: Int) -> Int {
        (splitsChannels ? 1 : min(max(threads, 1), blocks)) * blockScratch
    }

    /// Blocks of `winogradBlockTiles` tiles (small maps: one), at least one per thread; or one block
    /// split by channels (see above).
    public init(inChannels: Int, outChannels: Int, outputHeight: Int, outputWidth: Int,
                preparedWidth: Int, preparedPhaseSize: Int, preparedChannelStride: Int, threads: Int) {
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

/// Tiles per block: a 256-channel block's matrices (2 x 36 x 256 x 48 floats) stay near L2, and the
/// transformed weights are reread from L3 per block. Maps of at most two blocks use one block of up to
/// twice that: their weights come from memory every layer, and one pass over them is what counts.
public let winogradBlockTiles = 32

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
                                           weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                           scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                                           threads: Int) {
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: g.inChannels)
        defer { offsets.deallocate() }
        for c in 0..<g.inChannels { offsets[c] = c * g.channelStride }
        let panels = (g.outChannels + microRows - 1) / microRows
        let panelsStride = panels * g.inChannels * microRows
        let work = 36 * g.tiles * g.inChannels * g.outChannels / 16

        /// The 36 GEMMs of one block for the output channels of row panels `rows`.
        func multiply(tiles: Range<Int>, panels rows: Range<Int>, v: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>) {
            let first = rows.lowerBound * microRows
            let problem = GEMMProblem(
                a: weights + first * g.inChannels, bias: nil, m: min(g.outChannels, rows.upperBound * microRows) - first,
                k: g.inChannels, b: v, bRowOffsets: offsets, c: m + first * g.channelStride, ldc: g.channelStride,
                grid: .matrix(columns: tiles.count), batch: 36, aBatchStride: panelsStride,
                bBatchStride: g.blockStride, cBatchStride: g.blockStride)
            let blocksPerRun = (tiles.count + microColumns - 1) / microColumns
            gemmItems(problem, 0 ..< 36 * blocksPerRun, blocksPerRun: blocksPerRun)
        }

        let v = scratch, m = scratch + 36 * g.inChannels * g.blockStride + bReadSlack
        if g.splitsChannels {
            let tiles = 0..<g.tiles
            parallelRanges(g.inChannels, threads: threads, work: work) { channels in
                winogradInput(g, prepared: prepared, tiles: tiles, channels: channels, v: v)
            }
            parallelRanges(panels, threads: threads, work: work) { rows in
                multiply(tiles: tiles, panels: rows, v: v, m: m)
            }
            parallelRanges(g.outChannels, threads: threads, work: work) { channels in
                winogradOutput(g, m: m, tiles: tiles, channels: channels, bias: bias, output: output)
            }
            return
        }
        parallelParts(g.blocks, threads: threads, work: work) { part, blocks in
            let v = scratch + part * g.blockScratch
            let m = v + 36 * g.inChannels * g.blockStride + bReadSlack
            for block in blocks {
                let tiles = block * g.blockTiles ..< min(g.tiles, (block + 1) * g.blockTiles)
                winogradInput(g, prepared: prepared, tiles: tiles, channels: 0..<g.inChannels, v: v)
                multiply(tiles: tiles, panels: 0..<panels, v: v, m: m)
                winogradOutput(g, m: m, tiles: tiles, channels: 0..<g.outChannels, bias: bias, output: output)
            }
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
