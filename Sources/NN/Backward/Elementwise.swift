import Tensor

/// One pass over two same-shaped tensors.
@inline(__always)
func zipElements(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
    precondition(a.shape == b.shape, "elementwise shapes differ: \(a.shape) vs \(b.shape)")
    var out = [Float](repeating: 0, count: a.count)
    a.storage.withBase { xs in
        b.storage.withBase { zs in
            out.withMutableBase { ys in
                for i in 0..<a.count { ys[i] = f(xs[i], zs[i]) }
            }
        }
    }
    return Tensor(shape: a.shape, storage: out)
}
