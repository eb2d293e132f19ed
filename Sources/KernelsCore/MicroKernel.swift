/// Where the micro-kernel finds row k of its B micro-panel.
@usableFromInline
protocol MicroPanelRows {
    func row(_ k: Int) -> UnsafePointer<Float>
}

/// A packed micro-panel: rows `stride` floats apart.
@usableFromInline
struct PackedRows: MicroPanelRows {
    @usableFromInline let base: UnsafePointer<Float>
    @usableFromInline let stride: Int

    @inlinable init(base: UnsafePointer<Float>, stride: Int) {
        self.base = base
        self.stride = stride
    }

    @inlinable @inline(__always)
    func row(_ k: Int) -> UnsafePointer<Float> { base + k &* stride }
}

/// B read in place: rows at their implicit-GEMM offsets.
@usableFromInline
struct OffsetRows: MicroPanelRows {
    @usableFromInline let base: UnsafePointer<Float>
    @usableFromInline let offsets: UnsafePointer<Int>

    @inlinable init(base: UnsafePointer<Float>, offsets: UnsafePointer<Int>) {
        self.base = base
        self.offsets = offsets
    }

    @inlinable @inline(__always)
    func row(_ k: Int) -> UnsafePointer<Float> { base + offsets[k] }
}

extension KernelISA {
    /// Columns one micro-kernel call produces: two vectors.
    @inlinable
    public static var microColumns: Int { 2 * Vector.scalarCount }

    /// The 6 x (2 vectors) register tile over a B micro-panel of `depth` rows of `microColumns`:
    /// 12 accumulators, two B loads and six broadcasts per k.
    /// Starts from C (`accumulate`), else from the bias (6 values) or zero.
    @inlinable @inline(__always)
    static func microKernel<Rows: MicroPanelRows>(
        depth: Int, a: UnsafePointer<Float>, b: Rows,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>?
    ) {
        let w = Vector.scalarCount
        var c00: Vector, c01: Vector, c10: Vector, c11: Vector, c20: Vector, c21: Vector
        var c30: Vector, c31: Vector, c40: Vector, c41: Vector, c50: Vector, c51: Vector
        if accumulate {
            c00 = load(c); c01 = load(c + w)
            c10 = load(c + ldc); c11 = load(c + ldc + w)
            c20 = load(c + 2 * ldc); c21 = load(c + 2 * ldc + w)
            c30 = load(c + 3 * ldc); c31 = load(c + 3 * ldc + w)
            c40 = load(c + 4 * ldc); c41 = load(c + 4 * ldc + w)
            c50 = load(c + 5 * ldc); c51 = load(c + 5 * ldc + w)
        } else if let bias {
            c00 = Vector(repeating: bias[0]); c01 = c00
            c10 = Vector(repeating: bias[1]); c11 = c10
            c20 = Vector(repeating: bias[2]); c21 = c20
            c30 = Vector(repeating: bias[3]); c31 = c30
            c40 = Vector(repeating: bias[4]); c41 = c40
            c50 = Vector(repeating: bias[5]); c51 = c50
        } else {
            c00 = Vector(); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00
            c30 = c00; c31 = c00; c40 = c00; c41 = c00; c50 = c00; c51 = c00
        }
        var ap = a
        for k in 0..<depth {
            let bp = b.row(k)
            let b0 = load(bp), b1 = load(bp + w)
            var av = Vector(repeating: ap[0])
            c00 = mulAdd(c00, av, b0); c01 = mulAdd(c01, av, b1)
            av = Vector(repeating: ap[1])
            c10 = mulAdd(c10, av, b0); c11 = mulAdd(c11, av, b1)
            av = Vector(repeating: ap[2])
            c20 = mulAdd(c20, av, b0); c21 = mulAdd(c21, av, b1)
            av = Vector(repeating: ap[3])
            c30 = mulAdd(c30, av, b0); c31 = mulAdd(c31, av, b1)
            av = Vector(repeating: ap[4])
            c40 = mulAdd(c40, av, b0); c41 = mulAdd(c41, av, b1)
            av = Vector(repeating: ap[5])
            c50 = mulAdd(c50, av, b0); c51 = mulAdd(c51, av, b1)
            ap += microRows
        }
        store(c00, c); store(c01, c + w)
        store(c10, c + ldc); store(c11, c + ldc + w)
        store(c20, c + 2 * ldc); store(c21, c + 2 * ldc + w)
        store(c30, c + 3 * ldc); store(c31, c + 3 * ldc + w)
        store(c40, c + 4 * ldc); store(c41, c + 4 * ldc + w)
        store(c50, c + 5 * ldc); store(c51, c + 5 * ldc + w)
    }
}
