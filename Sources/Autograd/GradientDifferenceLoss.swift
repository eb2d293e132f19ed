import NN

extension Tape {
    /// Edge loss: mean over every pair of horizontal and vertical neighbours, per plane, of |(a_j - a_i) - (b_j - b_i)|:
    /// the gradient difference loss of Mathieu et al. 2016 with α = 1. A mean squared error towards a target
    /// with sharp borders settles for a soft ramp, which costs it little at a border's few pixels; matching the
    /// steps between neighbours asks for the step itself, and for flat fills where the target is flat.
    package func gradientDifferenceLoss(_ a: Variable, _ b: Variable) -> Variable {
        let (x, z) = (value(a), value(b))
        let (n, c, h, w) = x.nchw
        precondition(x.shape == z.shape, "the edge loss needs equal shapes, got \(x.shape), \(z.shape)")
        let pairs = n * c * (h * (w - 1) + (h - 1) * w)
        guard pairs > 0 else { return record(Tensor(shape: [1], storage: [0]), inputs: [a, b]) { _, _ in [nil, nil] } }
        /// Visits every neighbour pair (i, j), j right of or below i, with the difference of its steps.
        func forEachPair(_ xs: UnsafePointer<Float>, _ zs: UnsafePointer<Float>, _ body: (Int, Int, Float) -> Void) {
            for plane in 0..<(n * c) {
                for row in 0..<h {
                    for column in 0..<w {
                        let i = (plane * h + row) * w + column
                        if column + 1 < w { body(i, i + 1, (xs[i + 1] - xs[i]) - (zs[i + 1] - zs[i])) }
                        if row + 1 < h { body(i, i + w, (xs[i + w] - xs[i]) - (zs[i + w] - zs[i])) }
                    }
                }
            }
        }
        var sum = 0.0
        x.storage.withBase { xs in z.storage.withBase { zs in forEachPair(xs, zs) { _, _, d in sum += Double(abs(d)) } } }
        return record(Tensor(shape: [1], storage: [Float(sum / Double(pairs))]), inputs: [a, b]) { dy, needs in
            let g = dy.storage[0] / Float(pairs)
            var da = [Float](repeating: 0, count: x.count)
            x.storage.withBase { xs in
                z.storage.withBase { zs in
                    forEachPair(xs, zs) { i, j, d in
                        let s: Float = d > 0 ? g : (d < 0 ? -g : 0)
                        da[j] += s
                        da[i] -= s
                    }
                }
            }
            let gradient = Tensor(shape: x.shape, storage: da)
            return [gradient, needs[1] ? gradient.map { -$0 } : nil]
        }
    }
}
