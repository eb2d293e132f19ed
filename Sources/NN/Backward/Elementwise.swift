import Tensor

/// One pass over a tensor's elements, producing a tensor of the same shape.
@inline(__always)
func mapElements(_ t: Tensor, _ f: (Float) -> Float) -> Tensor {
    var out = [Float](repeating: 0, count: t.count)
    t.storage.withBase { xs in
        out.withMutableBase { ys in
            for i in 0..<t.count { ys[i] = f(xs[i]) }
        }
    }
    return Tensor(shape: t.shape, storage: out)
}

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
