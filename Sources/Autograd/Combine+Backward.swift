import NN

extension Tape {
    /// Elementwise sum (residual connections, loss totals).
    package func add(_ a: Variable, _ b: Variable) -> Variable {
        record(zipElements(value(a), value(b), context: kernels.context, +), inputs: [a, b]) { dy, _ in [dy, dy] }
    }

    /// Multiplication by a constant (loss weights such as lambda_cycle).
    package func scale(_ input: Variable, by factor: Float) -> Variable {
        let context = kernels.context
        return record(mapElements(value(input), context: context) { $0 * factor }, inputs: [input]) { dy, _ in
            [mapElements(dy, context: context) { $0 * factor }]
        }
    }

    /// Concatenation along channels (U-Net skips): `[N, Ca, H, W] ++ [N, Cb, H, W] -> [N, Ca + Cb, H, W]`.
    /// The gradient splits back along the same boundary.
    package func concatChannels(_ a: Variable, _ b: Variable) -> Variable {
        let (x, z) = (value(a), value(b))
        let batch = x.shape[0]
        precondition(z.shape[0] == batch && z.shape.dropFirst(2) == x.shape.dropFirst(2),
                     "concatChannels: batch and spatial sizes differ: \(x.shape) vs \(z.shape)")
        let (aPlane, bPlane) = (x.count / batch, z.count / batch)
        var joined = [Float]()
        joined.reserveCapacity(x.count + z.count)
        for n in 0..<batch {
            joined.append(contentsOf: x.storage[(n * aPlane)..<((n + 1) * aPlane)])
            joined.append(contentsOf: z.storage[(n * bPlane)..<((n + 1) * bPlane)])
        }
        let y = Tensor(shape: [batch, x.shape[1] + z.shape[1], x.shape[2], x.shape[3]], storage: joined)
        return record(y, inputs: [a, b]) { dy, _ in
            var da = [Float](), db = [Float]()
            da.reserveCapacity(x.count)
            db.reserveCapacity(z.count)
            for n in 0..<batch {
                let start = n * (aPlane + bPlane)
                da.append(contentsOf: dy.storage[start..<(start + aPlane)])
                db.append(contentsOf: dy.storage[(start + aPlane)..<(start + aPlane + bPlane)])
            }
            return [Tensor(shape: x.shape, storage: da), Tensor(shape: z.shape, storage: db)]
        }
    }
}
