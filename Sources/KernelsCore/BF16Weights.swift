import CBF16
import Parallel

/// The number format of a plan's products. `bf16` rounds weights (once, at load) and activations (where they
/// enter a GEMM) to bfloat16 and sums their products in float32 (`vdpbf16ps`, twice float32's rate); norms,
/// activations and outputs stay float32.
public enum Precision: String, Sendable, CaseIterable {
    case f32
    case bf16

    /// Whether this CPU runs `bf16` (AVX512_BF16 with the AVX-512 state saved by the OS).
    public static let bf16Supported = cartoonify_bf16_supported() != 0

    /// Why this CPU cannot run this precision (for a start-up error), or nil: a silent fallback would
    /// leave an operator measuring the wrong thing.
    public var unsupportedReason: String? {
        self == .bf16 && !Self.bf16Supported ? "bf16 needs a CPU with AVX512_BF16 (vdpbf16ps); this one has none: use f32" : nil
    }
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

/// Output columns a thread packs to bfloat16 and multiplies at a time: 4 panels, so the packed chunk
/// (depth x 128 x 2 bytes) is written and reread while it is in L2.
let bf16ChunkColumns = 4 * Int(CARTOONIFY_BF16_PANEL)

extension BF16Weights {
    /// Floats of scratch `multiply` needs on `threads` threads: one packing buffer a thread.
    static func bufferCount(depth: Int, threads: Int) -> Int {
        max(threads, 1) * (depth + 1) / 2 * bf16ChunkColumns
    }

    /// `product` (rows x `columns`) = these weights x B, where row k of B is `columns` floats from
    /// `b + offsets[k]`: an implicit GEMM over a flattened output. Each thread rounds one chunk of B's
    /// columns into its buffer and multiplies it by every row, so B is never copied whole in bfloat16.
    func multiply(b: UnsafePointer<Float>, offsets: UnsafePointer<Int>, columns: Int,
                  into product: UnsafeMutablePointer<Float>, buffers: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let chunks = (columns + bf16ChunkColumns - 1) / bf16ChunkColumns
        let packCount = depthPairs * bf16ChunkColumns
        pairs.withUnsafeBufferPointer { a in
            guard let a = a.baseAddress else { return }
            parallelParts(chunks, context: context, work: rows * depth * columns / 16) { part, range in
                (buffers + part * packCount).withMemoryRebound(to: UInt32.self, capacity: packCount) { buffer in
                    for chunk in range {
                        let first = chunk * bf16ChunkColumns, count = min(bf16ChunkColumns, columns - first)
                        cartoonify_bf16_pack_b_rows(b + first, offsets, Int32(depth), Int32(count), buffer)
                        cartoonify_bf16_gemm(Int32(rows), Int32(count), Int32(depthPairs), a, buffer, product + first,
                                             Int32(columns), 0)
                    }
                }
            }
        }
    }
}
