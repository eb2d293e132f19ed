/// Rows of A handled by one micro-kernel call. Fixed across ISAs so packed weights are ISA-independent.
public let microRows = 6

/// Most depth of one pass over K: a packed B micro-panel (depth x NR) stays in L1.
public let depthBlock = 320

/// Floats every B buffer must stay readable past its last addressed column: edge column blocks load a
/// full NR-wide row segment (NR <= 32) and discard the extra lanes.
public let bReadSlack = 64

/// An M x K weight matrix packed for the micro-kernel: `microRows`-row panels, each stored k-major
/// (`panel[k * 6 + r]`), rows past M zero-filled. Packed once at model load.
public struct PackedPanels: Sendable {
    public let rows: Int
    public let depth: Int
    /// `panelCount * depth * microRows` floats.
    public let values: [Float]
    /// `panelCount * microRows` floats, zero past `rows`, so partial panels read a full bias vector.
    public let bias: [Float]

    public var panelCount: Int { (rows + microRows - 1) / microRows }

    /// Packs `rows x depth` values where element (r, k) is `element(r, k)`.
    public init(rows: Int, depth: Int, bias: [Float]?, element: (Int, Int) -> Float) {
        precondition(rows > 0 && depth > 0, "empty weight matrix")
        precondition(bias.map { $0.count == rows } ?? true, "bias length must equal the row count")
        self.rows = rows
        self.depth = depth
        let panels = (rows + microRows - 1) / microRows
        var values = [Float](repeating: 0, count: panels * depth * microRows)
        values.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows {
                let base = (r / microRows) * depth * microRows + r % microRows
                for k in 0..<depth {
                    out[base + k * microRows] = element(r, k)
                }
            }
        }
        var paddedBias = [Float](repeating: 0, count: panels * microRows)
        if let bias {
            paddedBias.replaceSubrange(0..<rows, with: bias)
        }
        self.values = values
        self.bias = paddedBias
    }

    /// Packs a row-major `rows x depth` matrix.
    public init(rowMajor matrix: UnsafeBufferPointer<Float>, rows: Int, depth: Int, bias: [Float]?) {
        precondition(matrix.count == rows * depth, "matrix size does not match rows x depth")
        self.init(rows: rows, depth: depth, bias: bias) { r, k in matrix[r * depth + k] }
    }
}
