import Tensor

extension Tape {
    /// Elementwise sum (residual connections, loss totals).
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        let y = zipElements(value(a), value(b), +)
        return record(y, inputs: [a, b]) { dy, _ in [dy, dy] }
    }

    /// Multiplication by a constant (loss weights such as lambda_cycle).
    public func scale(_ input: Variable, by factor: Float) -> Variable {
        let y = mapElements(value(input)) { $0 * factor }
        return record(y, inputs: [input]) { dy, _ in [mapElements(dy) { $0 * factor }] }
    }

    /// Concatenation along channels (U-Net skips): `[N, Ca, H, W] ++ [N, Cb, H, W] -> [N, Ca + Cb, H, W]`.
    public func concatChannels(_ a: Variable, _ b: Variable) -> Variable {
        let (x, z) = (value(a), value(b))
        precondition(x.shape.count == 4 && z.shape.count == 4 && x.shape[0] == z.shape[0]
                     && x.shape[2...] == z.shape[2...], "concat shapes differ: \(x.shape) vs \(z.shape)")
        let batch = x.shape[0]
        let (aPlane, bPlane) = (x.count / batch, z.count / batch)
        var out = [Float]()
        out.reserveCapacity(x.count + z.count)
        for n in 0..<batch {
            out.append(contentsOf: x.storage[(n * aPlane)..<((n + 1) * aPlane)])
            out.append(contentsOf: z.storage[(n * bPlane)..<((n + 1) * bPlane)])
        }
        let y = Tensor(shape: [batch, x.shape[1] + z.shape[1], x.shape[2], x.shape[3]], storage: out)
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
