/// How the N columns of an implicit GEMM map to memory: `rows` runs of `width` columns. Column `x` of run
/// `y` reads B at `y * bRowStride + x` (plus the per-k row offset) and writes C at
/// `y * cRowStride + x * cColumnStride`. A convolution's output rows are the runs, so B can be read
/// straight out of the padded input (implicit im2col) with no packing.
public struct ColumnGrid: Sendable {
    public var rows: Int
    public var width: Int
    public var bRowStride: Int
    public var cRowStride: Int
    public var cColumnStride: Int

    public init(rows: Int, width: Int, bRowStride: Int, cRowStride: Int, cColumnStride: Int = 1) {
        self.rows = rows
        self.width = width
        self.bRowStride = bRowStride
        self.cRowStride = cRowStride
        self.cColumnStride = cColumnStride
    }

    /// A plain `width`-column matrix.
    public static func matrix(columns: Int) -> ColumnGrid {
        ColumnGrid(rows: 1, width: columns, bRowStride: 0, cRowStride: 0)
    }
}

/// `C = A * B + bias` for `batch` equally shaped problems, where A is `PackedPanels` storage, row k of B
/// starts at `b + bRowOffsets[k]`, and output row r (channel) starts at `c + r * ldc`.
/// Pointers are only valid for the duration of the call that receives the problem.
public struct GEMMProblem {
    public var a: UnsafePointer<Float>
    /// Padded to the panel count (as `PackedPanels.bias`), or nil for no bias.
    public var bias: UnsafePointer<Float>?
    public var m: Int
    public var k: Int
    public var b: UnsafePointer<Float>
    public var bRowOffsets: UnsafePointer<Int>
    public var c: UnsafeMutablePointer<Float>
    public var ldc: Int
    public var grid: ColumnGrid
    public var batch: Int
    public var aBatchStride: Int
    public var bBatchStride: Int
    public var cBatchStride: Int

    public init(
        a: UnsafePointer<Float>, bias: UnsafePointer<Float>?, m: Int, k: Int,
        b: UnsafePointer<Float>, bRowOffsets: UnsafePointer<Int>,
        c: UnsafeMutablePointer<Float>, ldc: Int, grid: ColumnGrid,
        batch: Int = 1, aBatchStride: Int = 0, bBatchStride: Int = 0, cBatchStride: Int = 0
    ) {
        self.a = a
        self.bias = bias
        self.m = m
        self.k = k
        self.b = b
        self.bRowOffsets = bRowOffsets
        self.c = c
        self.ldc = ldc
        self.grid = grid
        self.batch = batch
        self.aBatchStride = aBatchStride
        self.bBatchStride = bBatchStride
        self.cBatchStride = cBatchStride
    }
}
