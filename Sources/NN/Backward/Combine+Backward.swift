import Tensor

extension Tape {
    /// Elementwise sum (residual connections, loss totals).
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        record(zipElements(value(a), value(b), +), inputs: [a, b]) { dy, _ in [dy, dy] }
    }

    /// Multiplication by a constant (loss weights such as lambda_cycle).
    public func scale(_ input: Variable, by factor: Float) -> Variable {
        record(mapElements(value(input)) { $0 * factor }, inputs: [input]) { dy, _ in [mapElements(dy) { $0 * factor }] }
    }

    /// Concatenation along channels (U-Net skips): `[N, Ca, H, W] ++ [N, Cb, H, W] -> [N, Ca + Cb, H, W]`.
    /// The gradient splits back along the same boundary.
    public func concatChannels(_ a: Variable, _ b: Variable) -> Variable {
        let (x, z) = (value(a), value(b))
        let y = Tensor.concatChannels([x, z])
        let batch = x.shape[0]
        let (aPlane, bPlane) = (x.count / batch, z.count / batch)
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
