import NN
import Parallel

/// The tape's pointwise passes (activations and their gradients, sums, scaling), eight lanes at a time and
/// split across the cores like the convolutions: run one after another on a single core, these passes
/// left the second core idle for a tenth of a training step. Each element is computed independently by
/// the same lane arithmetic as the scalar formula, so results do not depend on the split.
@inline(__always)
func mapElements(_ a: Tensor, context: ComputeContext, _ f: (SIMD8<Float>) -> SIMD8<Float>) -> Tensor {
    let count = a.count
    let out = [Float](filling: count) { ys in
        a.storage.withBase { xs in
            forVectors(count, streams: 2, context: context) { i, lanes in
                storeLanes(f(loadLanes(xs + i, lanes)), ys + i, lanes)
            }
        }
    }
    return Tensor(shape: a.shape, storage: out)
}

/// One pass over two same-shaped tensors.
@inline(__always)
func zipElements(_ a: Tensor, _ b: Tensor, context: ComputeContext,
                 _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) -> Tensor {
    precondition(a.shape == b.shape, "elementwise shapes differ: \(a.shape) vs \(b.shape)")
    let count = a.count
    let out = [Float](filling: count) { ys in
        a.storage.withBase { xs in
            b.storage.withBase { zs in
                forVectors(count, streams: 3, context: context) { i, lanes in
                    storeLanes(f(loadLanes(xs + i, lanes), loadLanes(zs + i, lanes)), ys + i, lanes)
                }
            }
        }
    }
    return Tensor(shape: a.shape, storage: out)
}

/// `body(start, lanes)` for every run of eight elements (`lanes` < 8 only for the last), in parallel parts.
/// `streams`: arrays read or written per element, so the split counts the memory the pass moves (a
/// 128x32x32 activation alone is only one grain); `context`: the cores it may split across.
@inlinable @inline(__always)
package func forVectors(_ count: Int, streams: Int, context: ComputeContext, _ body: (Int, Int) -> Void) {
    parallelRanges((count + 7) / 8, context: context, work: streams * count) { vectors in
        for v in vectors {
            let start = 8 * v
            body(start, min(8, count - start))
        }
    }
}

@inlinable @inline(__always)
package func loadLanes(_ p: UnsafePointer<Float>, _ lanes: Int) -> SIMD8<Float> {
    if lanes == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>()
    for l in 0..<lanes { v[l] = p[l] }
    return v
}

@inlinable @inline(__always)
package func storeLanes(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
    if lanes == 8 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    } else {
        for l in 0..<lanes { p[l] = v[l] }
    }
}
