import NN

extension Tape {
    /// LSGAN loss: mean of (prediction - target)² with target 1 (real) or 0 (fake), as `nn.MSELoss`.
    package func meanSquaredError(_ prediction: Variable, target: Float) -> Variable {
        let p = value(prediction)
        var sum = 0.0
        p.storage.withBase { ps in
            for i in 0..<p.count {
                let d = Double(ps[i]) - Double(target)
                sum += d * d
            }
        }
        let n = Float(p.count)
        return record(Tensor(shape: [1], storage: [Float(sum / Double(p.count))]), inputs: [prediction]) { dy, _ in
            let g = dy.storage[0] * 2 / n
            return [p.map { ($0 - target) * g }]
        }
    }

    /// Cycle and identity loss: mean |a - b|, as `nn.L1Loss` (gradient sign(a - b) / n, zero where equal).
    package func meanAbsoluteError(_ a: Variable, _ b: Variable) -> Variable {
        let (x, z) = (value(a), value(b))
        let difference = zipElements(x, z, -)
        var sum = 0.0
        difference.storage.withBase { ds in
            for i in 0..<difference.count { sum += Double(abs(ds[i])) }
        }
        let n = Float(x.count)
        return record(Tensor(shape: [1], storage: [Float(sum / Double(x.count))]), inputs: [a, b]) { dy, needs in
            let g = dy.storage[0] / n
            let da = difference.map { $0 > 0 ? g : ($0 < 0 ? -g : 0) }
            return [da, needs[1] ? da.map { -$0 } : nil]
        }
    }
}
