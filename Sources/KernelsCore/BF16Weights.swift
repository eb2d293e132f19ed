import CBF16

/// The number format of a plan's products. `bf16` rounds weights (once, at load) and activations (where they
/// enter a GEMM) to bfloat16 and sums their products in float32 (`vdpbf16ps`, twice float32's rate); norms,
/// activations and outputs stay float32.
public enum Precision: String, Sendable, CaseIterable {
    case f32
    case bf16

    /// Whether this CPU runs `bf16` (AVX512_BF16 with the AVX-512 state saved by the OS).
    public static let bf16Supported = cartoonify_bf16_supported() != 0
}

/// A row-major `rows x depth` weight matrix as bfloat16 pairs along the depth (`cartoonify_bf16_pack_a`).
struct BF16Weights: Sendable {
    let rows: Int
    let depth: Int
    let pairs: [UInt32]

    var depthPairs: Int { (depth + 1) / 2 }

    init(rowMajor matrix: UnsafeBufferPointer<Float>, rows: Int, depth: Int) {
        precondition(matrix.count == rows * depth, "matrix size does not match rows x depth")
        self.rows = rows
        self.depth = depth
        var pairs = [UInt32](repeating: 0, count: rows * ((depth + 1) / 2))
        if let base = matrix.baseAddress {
            cartoonify_bf16_pack_a(base, Int32(rows), Int32(depth), Int32(depth), &pairs)
        }
        self.pairs = pairs
    }
}
